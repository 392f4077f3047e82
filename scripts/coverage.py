#!/usr/bin/env python3
"""Check a planfacts out/ against the files it read: no failed document, and
every non-blank line of every file inside exactly one block. Reads the CSV
datasets with the standard library only, and the source files themselves, so
the count does not trust planfacts' own bookkeeping."""
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

csv.field_size_limit(1 << 30)


def rows(out, name):
    """Every row of a dataset: the CSV parts of its folder, in name order."""
    for part in sorted((Path(out) / name).glob("*.csv")):
        with open(part, encoding="utf-8-sig", newline="") as f:
            yield from csv.DictReader(f)


def main(corpus, out):
    spans = defaultdict(list)
    for b in rows(out, "blocks"):
        spans[b["doc_id"]].append((int(b["line"]), int(b["line_end"])))
    measures = defaultdict(int)
    for m in rows(out, "measures"):
        measures[m["doc_id"]] += 1
    bad = []
    total_lines = covered_total = 0
    docs = list(rows(out, "documents"))
    for d in docs:
        if d["status"] == "failed":
            bad.append(f"{d['source_path']}: failed: {d['error']}")
            continue
        data = Path(d["source_path"]).read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            print(f"  {d['source_path']}: not UTF-8, coverage counted by planfacts' lines only")
            continue
        lines = re.split(r"\r\n|\r|\n", text)
        if lines and lines[-1] == "":
            lines.pop()
        owner = [0] * (len(lines) + 2)
        for start, end in spans[d["doc_id"]]:
            for n in range(start, end + 1):
                if n >= len(owner):
                    bad.append(f"{d['source_path']}: block past the end (line {n})")
                    break
                owner[n] += 1
        nonblank = [i + 1 for i, l in enumerate(lines) if l.strip()]
        uncovered = [n for n in nonblank if owner[n] == 0]
        doubled = [n for n in range(len(owner)) if owner[n] > 1]
        total_lines += len(nonblank)
        covered_total += len(nonblank) - len(uncovered)
        if uncovered:
            bad.append(f"{d['source_path']}: {len(uncovered)} line(s) in no block, first {uncovered[:5]}")
        if doubled:
            bad.append(f"{d['source_path']}: {len(doubled)} line(s) in two blocks, first {doubled[:5]}")
        print(f"  {d['status']:8} {len(nonblank):7} lines {measures[d['doc_id']]:7} measures  {d['source_path']}")
    if not docs:
        # An out/ whose CSV parts were not found would otherwise pass.
        bad.append(f"{out}: no documents read back from documents/*.csv")
    pct = 100.0 * covered_total / total_lines if total_lines else 100.0
    print(f"{len(docs)} documents, {total_lines} non-blank lines, coverage {pct:.2f}%")
    if bad:
        print("\n".join(bad), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
