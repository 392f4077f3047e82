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
# Environment: BENCH_DIR (work folder, default $CARGO_TARGET_DIR/bench),
# SEED (corpus seed, default 1), THREADS (default "1 2").
# Corpora are kept in BENCH_DIR and reused when the same size and seed
# are asked again. All timings are wall-clock with a warm page cache.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/planfacts-target}
WORK=${BENCH_DIR:-$CARGO_TARGET_DIR/bench}
SEED=${SEED:-1}
THREADS=${THREADS:-1 2}
SIZES=${*:-1000 10000 100000}

cargo build --release --quiet
BIN=$CARGO_TARGET_DIR/release/planfacts
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

  # Nightly run: fill the cache, add 1% new documents, run again.
  out=$WORK/inc-$n
  rm -rf "$out" "$out.cache"
  measure "$BIN" run "$docs" --out "$out" --quiet
  first_s=$WALL
  measure "$BIN" run "$docs" --out "$out" --quiet
  same_s=$WALL
  extra=$((n / 100 > 0 ? n / 100 : 1))
  staging=$WORK/staging-$n
  rm -rf "$staging"
  "$BIN" generate --docs $((n + extra)) --seed "$SEED" --out "$staging" 2>/dev/null
  mapfile -t fresh < <(find "$staging/docs" -type f | sort | tail -n "$extra")
  # Appended: the new documents sort after every old one (a new folder),
  # so they fill new batches and every old batch is reused as it is.
  added=()
  for f in "${fresh[@]}"; do
    rel=${f#"$staging/docs/"}
    mkdir -p "$(dirname "$docs/$rel")"
    cp "$f" "$docs/$rel"
    added+=("$docs/$rel")
  done
  measure "$BIN" run "$docs" --out "$out" --quiet
  inc_s=$WALL
  inc_rss=$RSS
  # The floor for any run that changes something: out/ is one file per
  # dataset, replaced whole, so its bytes are written again and synced.
  out_mb=$(du -sm "$out" | cut -f1)
  rm -rf "$WORK/copy-floor"
  measure sh -c "cp -r '$out' '$WORK/copy-floor' && sync"
  copy_s=$WALL
  rm -rf "$WORK/copy-floor"
  rm -f "${added[@]}"
  "$BIN" run "$docs" --out "$out" --quiet >/dev/null
  # Scattered: the same number of new documents, each placed right after
  # an evenly spaced old one, so that nearly every batch changes.
  mapfile -t old < <(find "$docs" -type f | sort)
  added=()
  for k in "${!fresh[@]}"; do
    next=${old[$((k * ${#old[@]} / extra))]}
    cp "${fresh[$k]}" "${next%.txt}_new.txt"
    added+=("${next%.txt}_new.txt")
  done
  measure "$BIN" run "$docs" --out "$out" --quiet
  scattered_s=$WALL
  rm -f "${added[@]}"
  rm -rf "$staging"
  INCREMENTAL+=("| $n | $extra | $full_s | $first_s | $same_s | $inc_s | $(pct "$inc_s" "$full_s") | $scattered_s | $(pct "$scattered_s" "$full_s") | $inc_rss | $out_mb | $copy_s | $(pct "$copy_s" "$full_s") |")
done

{
  echo
  echo "Nightly runs (all threads): a full run without the cache, the first run that fills the cache, a run with nothing changed, a run with 1% new documents appended (in a folder of their own, sorted after the others), and one with as many new documents scattered among the old ones (nearly every batch changes); then, for scale, copying the resulting out/ and syncing it (\`cp -r\` + \`sync\`), which any run that changes something must at least match, since out/ holds one file per dataset, replaced whole."
  echo
  echo "| docs | new docs | full s | first cached run s | unchanged s | 1% new s | 1% new ÷ full | 1% new, scattered s | scattered ÷ full | peak RSS MiB (1% new) | out/ MB | cp -r out/ + sync s | copy ÷ full |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${INCREMENTAL[@]}"
} | tee -a "$RESULTS"
echo "(also in $RESULTS)" >&2
