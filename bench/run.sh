#!/usr/bin/env bash
# Throughput, peak memory and nightly incremental runs of planfacts on a
# synthetic corpus (`planfacts generate`), with `rg -c '[0-9]'` (a lower
# bound for any pass over the bytes) and `cat > /dev/null` on the same
# files for comparison. Not part of `cargo test`: nothing here is timed
# against a threshold, it prints figures for the README.
#
#   bench/run.sh                 # 1k, 10k and 100k documents
#   bench/run.sh 1000 10000      # chosen sizes
#
# Environment: BENCH_DIR (work folder, default target/bench),
# SEED (corpus seed, default 1), THREADS (default "1 2").
# Corpora are kept in BENCH_DIR and reused when the same size and seed
# are asked again. All timings are wall-clock with a warm page cache.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${BENCH_DIR:-$TARGET/bench}
SEED=${SEED:-1}
THREADS=${THREADS:-1 2}
SIZES=${*:-1000 10000 100000}

cargo build --release --quiet
BIN=$TARGET/release/planfacts
mkdir -p "$WORK"
RESULTS=$WORK/results.md

if ! command -v rg >/dev/null; then
  echo "note: ripgrep not installed (apt-get install ripgrep); the rg column stays empty" >&2
fi
if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time (GNU time) is needed for peak RSS (apt-get install time)" >&2
  exit 2
fi

# measure CMD... → sets WALL (seconds) and RSS (MiB) of CMD. Starts from
# a synced disk, so that one measurement does not pay for the writeback of
# the files the one before it wrote (a nightly run starts on a settled
# machine, a day after the last).
measure() {
  local log
  sync
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null
  read -r WALL rss_kb <"$log"
  RSS=$((rss_kb / 1024))
  rm -f "$log"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "-" }'; }

{
  echo "## planfacts benchmark ($(date -u +%Y-%m-%d))"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(uname -sr); planfacts $($BIN --version | awk '{print $2}') (release build); corpus: \`planfacts generate --seed $SEED\`; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| docs | input MB | threads | wall s | MB/s | docs/s | peak RSS MiB | rg s | planfacts ÷ rg | cat s |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} | tee "$RESULTS"

INCREMENTAL=()
for n in $SIZES; do
  corpus=$WORK/corpus-$n-seed$SEED
  if [ ! -f "$corpus/manifest.tsv" ]; then
    rm -rf "$corpus"
    "$BIN" generate --docs "$n" --seed "$SEED" --out "$corpus" 2>/dev/null
  fi
  docs=$corpus/docs
  bytes=$(find "$docs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

  # Warm the page cache so that every tool reads from memory.
  find "$docs" -type f -print0 | xargs -0 cat >/dev/null
  measure sh -c "find '$docs' -type f -print0 | xargs -0 cat"
  cat_s=$WALL

  for t in $THREADS; do
    rg_s=-
    if command -v rg >/dev/null; then
      measure rg -j "$t" -c '[0-9]' "$docs"
      rg_s=$WALL
    fi
    out=$WORK/out-$n
    rm -rf "$out" "$out.cache"
    RAYON_NUM_THREADS=$t measure "$BIN" run "$docs" --out "$out" --no-cache --quiet
    echo "| $n | $mb | $t | $WALL | $(ratio "$mb" "$WALL") | $(ratio "$n" "$WALL") | $RSS | $rg_s | $(ratio "$WALL" "$rg_s") | $cat_s |" | tee -a "$RESULTS"
    full_s=$WALL
  done
  rm -rf "$WORK/out-$n" "$WORK/out-$n.cache"

  # Nightly runs, all threads, each from the state the one before left.
  out=$WORK/inc-$n
  rm -rf "$out" "$out.cache"
  row="| $n"
  # night LABEL: run, and add "seconds | share of the full rebuild | peak RSS | out/ MB" to the row.
  night() {
    measure "$BIN" run "$docs" --out "$out" --quiet
    row="$row | $WALL | $(pct "$WALL" "$full_s") | $RSS"
  }
  measure "$BIN" run "$docs" --out "$out" --quiet
  first_s=$WALL
  night # nothing changed
  extra=$((n / 100 > 0 ? n / 100 : 1))
  gone=$((n / 1000 > 0 ? n / 1000 : 1))
  staging=$WORK/staging-$n
  rm -rf "$staging"
  "$BIN" generate --docs $((n + extra)) --seed "$SEED" --out "$staging" 2>/dev/null
  mapfile -t fresh < <(find "$staging/docs" -type f | sort | tail -n "$extra")
  # 1% appended: the new documents sort after every old one (a new folder).
  added=()
  for f in "${fresh[@]}"; do
    rel=${f#"$staging/docs/"}
    mkdir -p "$(dirname "$docs/$rel")"
    cp "$f" "$docs/$rel"
    added+=("$docs/$rel")
  done
  night
  rm -f "${added[@]}"
  "$BIN" run "$docs" --out "$out" --quiet >/dev/null
  # 1% scattered: as many new documents, each placed right after an evenly
  # spaced old one in path order.
  mapfile -t old < <(find "$docs" -type f | sort)
  added=()
  for k in "${!fresh[@]}"; do
    next=${old[$((k * ${#old[@]} / extra))]}
    cp "${fresh[$k]}" "${next%.txt}_new.txt"
    added+=("${next%.txt}_new.txt")
  done
  night
  rm -f "${added[@]}"
  "$BIN" run "$docs" --out "$out" --quiet >/dev/null
  # 1% changed (evenly spaced, given another document's bytes) and 0.1%
  # removed (evenly spaced too); the originals are put back afterwards.
  backup=$WORK/backup-$n
  rm -rf "$backup"
  mkdir -p "$backup"
  changed=()
  for k in $(seq 0 $((extra - 1))); do
    f=${old[$((k * ${#old[@]} / extra + 1))]}
    cp "$f" "$backup/changed-$k"
    cp "${fresh[$k]}" "$f"
    changed+=("$f")
  done
  removed=()
  for k in $(seq 0 $((gone - 1))); do
    f=${old[$((k * ${#old[@]} / gone + 2))]}
    cp "$f" "$backup/removed-$k"
    rm -f "$f"
    removed+=("$f")
  done
  night
  out_mb=$(du -sm "$out" | cut -f1)
  parts=$(find "$out/measures" -name '*.parquet' | wc -l)
  for k in "${!changed[@]}"; do cp "$backup/changed-$k" "${changed[$k]}"; done
  for k in "${!removed[@]}"; do cp "$backup/removed-$k" "${removed[$k]}"; done
  rm -rf "$backup" "$staging"
  INCREMENTAL+=("$row | $first_s | $out_mb | $parts |")
done

{
  echo
  echo "Nightly runs (all threads), each a share of the full rebuild on all threads above: nothing changed; 1% new documents appended (a folder of their own, sorted after the others); 1% new scattered among the old ones in path order; 1% changed and 0.1% removed (both evenly spaced). Then the first run that fills the cache, and out/ after the last night: its size and its part count per dataset."
  echo
  echo "| docs | unchanged s | ÷ full | RSS MiB | 1% appended s | ÷ full | RSS MiB | 1% scattered s | ÷ full | RSS MiB | 1% changed + 0.1% removed s | ÷ full | RSS MiB | first cached run s | out/ MB | parts |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${INCREMENTAL[@]}"
} | tee -a "$RESULTS"
echo "(also in $RESULTS)" >&2
