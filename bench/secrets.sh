#!/usr/bin/env bash
# Wall-clock time of `pyward secrets` against detect-secrets 1.5.0 on the
# same trees: pyward's corpus and unpacked sdists (scripts/fetch_sdists.sh).
# The target is pyward at least 20x faster. Not run by CI.
#
# usage: bench/secrets.sh [SDIST_NAME]...      (default: a set of large sdists)
# env:   PYWARD=path/to/pyward (default: cargo build --release)
#        PYWARD_SECRETS_VENV=venv with detect-secrets (created if missing)
#        RUNS=3 (pyward runs per tree; the best is kept; detect-secrets runs once)
#        BENCH_WORK=folder holding sdists/ and the venv (default: bench/work)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_WORK:-$root/bench/work}"
sdists="$work/sdists"
runs="${RUNS:-3}"

venv="${PYWARD_SECRETS_VENV:-}"
if [ -z "$venv" ]; then
  if [ -x /work/venvs/secrets/bin/detect-secrets ]; then venv=/work/venvs/secrets; else venv="$work/venv-secrets"; fi
fi
if [ ! -x "$venv/bin/detect-secrets" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q detect-secrets==1.5.0
fi
ds="$venv/bin/detect-secrets"

if [ -z "${PYWARD:-}" ]; then
  (cd "$root" && cargo build --release -q -p pyward)
  PYWARD="${CARGO_TARGET_DIR:-$root/target}/release/pyward"
fi

if [ "$#" -gt 0 ]; then names=("$@"); else names=(django sqlalchemy ansible-core sympy twisted salt); fi
if [ ! -d "$sdists/${names[0]}" ]; then "$root/scripts/fetch_sdists.sh"; fi

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

printf '| tree | size | files | detect-secrets (s) | pyward (s) | ratio |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
trees=("$root/crates/pyward-secrets/tests/corpus")
for n in "${names[@]}"; do trees+=("$sdists/$n"); done
total_ds=0; total_pw=0
for tree in "${trees[@]}"; do
  size=$(du -sh "$tree" | cut -f1)
  files=$(find "$tree" -type f | wc -l)
  start=$(now); (cd "$tree" && "$ds" scan --all-files . > /dev/null); end=$(now)
  t_ds=$(elapsed "$start" "$end")
  best=""
  for _ in $(seq "$runs"); do
    start=$(now); (cd "$tree" && "$PYWARD" secrets . --format json > /dev/null 2>&1 || true); end=$(now)
    t=$(elapsed "$start" "$end")
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  ratio=$(echo "$t_ds / $best" | bc -l)
  total_ds=$(echo "$total_ds + $t_ds" | bc -l); total_pw=$(echo "$total_pw + $best" | bc -l)
  printf '| %s | %s | %s | %.2f | %.3f | %.0fx |\n' "$(basename "$tree")" "$size" "$files" "$t_ds" "$best" "$ratio"
done
printf '| **total** | | | %.2f | %.3f | %.0fx |\n' "$total_ds" "$total_pw" "$(echo "$total_ds / $total_pw" | bc -l)"
echo "(cores: $(nproc))"
