#!/usr/bin/env bash
# Times `pyward code` against `bandit -r` and `ruff check --select S` on the
# same trees, single-threaded (`taskset -c 0`, for all three tools) and
# multi-threaded, and measures pyward's peak memory, also on a generated
# tree of about a million lines.
#
# Targets (issue 4): at least 50x faster than Bandit, at most 1.5x Ruff's
# time, under 200 MB on a million lines.
#
# usage: bench/code.sh [TREE_NAME]...   (names under bench/work/sdists;
#                                        scripts/fetch_sdists.sh fills it)
# env:   BENCH_WORK=folder holding sdists/, the venvs and million/ (default:
#        bench/work; another worktree's, to share one download)
# env:   PYWARD=path/to/pyward (default: a release build, built if missing)
#        BANDIT=..., RUFF=... (default: a venv in bench/work/venv-bench)
#        RUNS=3 (best of RUNS for pyward and ruff; Bandit runs once)
#        SKIP_BANDIT=1 to time only pyward and ruff
# Not run by CI.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_WORK:-$root/bench/work}"
trees_dir="$work/sdists"
runs="${RUNS:-3}"

if [ "$#" -gt 0 ]; then
  trees=("$@")
else
  trees=(django flask requests jinja2 paramiko werkzeug)
fi
for tree in "${trees[@]}"; do
  [ -d "$trees_dir/$tree" ] || { echo "no $trees_dir/$tree: run scripts/fetch_sdists.sh" >&2; exit 2; }
done

venv="$work/venv-bench"
if [ -z "${BANDIT:-}" ] || [ -z "${RUFF:-}" ]; then
  if [ ! -x "$venv/bin/bandit" ] || [ ! -x "$venv/bin/ruff" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "bandit==1.9.4" "ruff==0.17.6"
  fi
fi
bandit="${BANDIT:-$venv/bin/bandit}"
ruff="${RUFF:-$venv/bin/ruff}"

if [ -z "${PYWARD:-}" ]; then
  target="${CARGO_TARGET_DIR:-$root/target}"
  if [ ! -x "$target/release/pyward" ]; then
    (cd "$root" && cargo build --release -p pyward >&2)
  fi
  PYWARD="$target/release/pyward"
fi

# Seconds (wall clock) of one run of "$@", output discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# Best of $runs.
best() {
  local best_time="" t
  for _ in $(seq "$runs"); do
    t=$(seconds "$@")
    if [ -z "$best_time" ] || [ "$(echo "$t < $best_time" | bc -l)" = 1 ]; then best_time=$t; fi
  done
  echo "$best_time"
}

# Peak resident memory of one run, in MB.
peak_mb() {
  # pyward exits 1 on findings and 2 when some file does not parse.
  { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } |
    awk -F: '/Maximum resident set size/ {printf "%.1f", $2 / 1024}'
}

lines_of() {
  find "$1" -name '*.py' -type f -print0 | xargs -0 cat 2>/dev/null | wc -l
}

ratio() { echo "scale=1; $1 / $2" | bc -l; }

printf '%-12s %9s | %-6s %9s %9s %9s | %9s %9s | %8s\n' \
  tree lines mode bandit ruff pyward "bandit/pw" "pw/ruff" "pw MB"
total_b1=0; total_r1=0; total_p1=0; total_rn=0; total_pn=0
for tree in "${trees[@]}"; do
  dir="$trees_dir/$tree"
  lines=$(lines_of "$dir")
  mb=$(peak_mb "$PYWARD" code "$dir" --format json)
  for mode in single multi; do
    if [ "$mode" = single ]; then pin=(taskset -c 0); export RAYON_NUM_THREADS=1; else pin=(); unset RAYON_NUM_THREADS; fi
    if [ -n "${SKIP_BANDIT:-}" ] || [ "$mode" = multi ]; then
      # Bandit has no parallel mode: its single-threaded time stands for both.
      b="-"
    else
      b=$(seconds "${pin[@]}" "$bandit" -r "$dir" -f json -q)
    fi
    r=$(best "${pin[@]}" "$ruff" check --select S --no-cache --exit-zero --quiet "$dir")
    p=$(best "${pin[@]}" "$PYWARD" code "$dir" --format json)
    if [ "$mode" = single ]; then
      bandit_single=$b
      total_p1=$(echo "$total_p1 + $p" | bc -l); total_r1=$(echo "$total_r1 + $r" | bc -l)
      [ "$b" != "-" ] && total_b1=$(echo "$total_b1 + $b" | bc -l)
    else
      total_pn=$(echo "$total_pn + $p" | bc -l); total_rn=$(echo "$total_rn + $r" | bc -l)
    fi
    vs_bandit="-"
    [ "${bandit_single:-"-"}" != "-" ] && vs_bandit="$(ratio "$bandit_single" "$p")x"
    printf '%-12s %9s | %-6s %9.2f %9.3f %9.3f | %9s %8sx | %8s\n' \
      "$tree" "$lines" "$mode" "${b/-/0}" "$r" "$p" "$vs_bandit" "$(ratio "$p" "$r")" "$mb"
  done
done
unset RAYON_NUM_THREADS

echo
echo "total single-threaded: pyward ${total_p1}s, ruff ${total_r1}s (pyward/ruff $(ratio "$total_p1" "$total_r1")x)"
if [ "$total_b1" != 0 ]; then
  echo "                       bandit ${total_b1}s (bandit/pyward $(ratio "$total_b1" "$total_p1")x; target >= 50x)"
fi
echo "total multi-threaded:  pyward ${total_pn}s, ruff ${total_rn}s (pyward/ruff $(ratio "$total_pn" "$total_rn")x; target <= 1.5x)"

# Memory on about a million lines: copies of real trees until there are
# (django and sqlalchemy make 1.05 million).
million="$work/million"
if [ ! -d "$million" ]; then
  rm -rf "$million.partial"
  mkdir -p "$million.partial"
  count=0; i=0
  while [ "$count" -lt 1000000 ]; do
    for source in django sqlalchemy twisted ansible-core sympy salt "${trees[@]}"; do
      [ -d "$trees_dir/$source" ] || continue
      cp -r "$trees_dir/$source" "$million.partial/$source-$i"
      count=$(lines_of "$million.partial")
      [ "$count" -ge 1000000 ] && break
    done
    i=$((i + 1))
  done
  mv "$million.partial" "$million"
fi
lines=$(lines_of "$million")
mb=$(peak_mb "$PYWARD" code "$million" --format json)
mb1=$(RAYON_NUM_THREADS=1 peak_mb taskset -c 0 "$PYWARD" code "$million" --format json)
t=$(best "$PYWARD" code "$million" --format json)
echo "million-line tree: $lines lines, pyward ${t}s, peak ${mb} MB (single-threaded ${mb1} MB; target < 200 MB)"
