#!/usr/bin/env bash
# Benchmarks the vulnerability database: `pyward db import` of the whole
# PyPA advisory database, and `pyward deps` on a 700-package pinned
# requirements file against it (warm), with wall time and peak memory.
# Not run by CI. Usage: bench/deps.sh [PYPA_ADVISORY_DB_DIR]
#
# PYWARD=path/to/pyward times that binary instead of a fresh release build.
# Needs: cargo, python3, /usr/bin/time (GNU time); hyperfine if installed
# (apt-get install hyperfine), else a plain loop. pip-audit is not compared:
# it queries the network for every run. A Python `packaging` matcher over
# the same data is timed instead when /work/venvs/osv (or $VENV) has
# `packaging` and `pyyaml`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYPA="${1:-$ROOT/../shared/data/pypa-advisory-db}"
WORK="$ROOT/bench/work/deps"
VENV="${VENV:-/work/venvs/osv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$WORK"

[ -d "$PYPA/vulns" ] || { echo "no PyPA advisory database at $PYPA" >&2; exit 2; }

if [ -n "${PYWARD:-}" ]; then
  BIN="$PYWARD"
else
  echo "== building release" >&2
  cargo build --release -q -p pyward --manifest-path "$ROOT/Cargo.toml"
  BIN="$CARGO_TARGET_DIR/release/pyward"
fi
DB="$WORK/osv.db"

peak_rss_mb() { # command... -> prints peak RSS in MB of one run
  /usr/bin/time -f '%M' -o "$WORK/time.txt" "$@" > /dev/null 2>&1 || true
  tail -1 "$WORK/time.txt" | awk '{printf "%.1f", $1 / 1024}'
}

echo "== db import of $PYPA/vulns" >&2
"$BIN" db import "$PYPA/vulns" --db "$DB" >&2
import_times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$BIN" db import "$PYPA/vulns" --db "$DB" > /dev/null
  end=$(date +%s.%N)
  import_times+=("$(echo "$end - $start" | bc)")
done
import_best=$(printf '%s\n' "${import_times[@]}" | sort -n | head -1)
import_rss=$(peak_rss_mb "$BIN" db import "$PYPA/vulns" --db "$DB")
import_cpu=$( { /usr/bin/time -f '%U %S' "$BIN" db import "$PYPA/vulns" --db "$DB" > /dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')

echo "== generating a 700-package pinned requirements file" >&2
python3 - "$PYPA/vulns" "$PYPA/../top-pypi-packages.json" > "$WORK/requirements.txt" <<'PY'
import json, os, re, sys
vulns, top = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(vulns) if os.path.isdir(os.path.join(vulns, n)))
pins = []
for name in names:
    # A version the advisories list, when one is easy to find: many pins
    # are then vulnerable, as in a real, old project.
    version = None
    folder = os.path.join(vulns, name)
    for f in sorted(os.listdir(folder)):
        text = open(os.path.join(folder, f), encoding="utf-8").read()
        m = re.search(r"^  versions:\n  - ['\"]?([^'\"\n]+)", text, re.M)
        # Plain PEP 440 versions only: the requirements file must parse.
        if m and re.fullmatch(r"[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?", m.group(1)):
            version = m.group(1)
            break
    pins.append((name, version or "1.0"))
if os.path.exists(top):
    seen = {re.sub(r"[-_.]+", "-", n).lower() for n, _ in pins}
    for row in json.load(open(top))["rows"]:
        if len(pins) >= 700:
            break
        n = re.sub(r"[-_.]+", "-", row["project"]).lower()
        if n not in seen:
            seen.add(n)
            pins.append((n, "1.0.0"))
i = 0
while len(pins) < 700:
    pins.append((f"not-in-db-{i}", "1.0")); i += 1
for name, version in pins[:700]:
    print(f"{name}=={version}")
PY
wc -l < "$WORK/requirements.txt" | xargs echo "pins:" >&2

DEPS=("$BIN" deps -r "$WORK/requirements.txt" --offline --db "$DB" --format json)
"${DEPS[@]}" > "$WORK/report.json" || true
findings=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['findings']))" "$WORK/report.json")

echo "== pyward deps (warm)" >&2
if command -v hyperfine > /dev/null; then
  hyperfine -N -i --warmup 5 --runs 50 --export-json "$WORK/hyperfine.json" "${DEPS[*]}" >&2
  deps_ms=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{r['mean']*1000:.1f} ms mean, {r['min']*1000:.1f} ms min wall, {(r['user'] + r['system'])*1000:.1f} ms CPU\")" "$WORK/hyperfine.json")
else
  for _ in 1 2 3 4 5; do "${DEPS[@]}" > /dev/null || true; done
  start=$(date +%s%N)
  for _ in $(seq 20); do "${DEPS[@]}" > /dev/null || true; done
  end=$(date +%s%N)
  deps_ms="$(( (end - start) / 20000000 )) ms mean"
fi
deps_rss=$(peak_rss_mb "${DEPS[@]}")

python_line="(skipped: no $VENV with packaging + pyyaml)"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import packaging, yaml" 2> /dev/null; then
  echo "== Python packaging matcher over the same data (for comparison)" >&2
  python_line=$("$VENV/bin/python" - "$PYPA/vulns" "$WORK/requirements.txt" <<'PY'
import os, sys, time
import yaml
from packaging.version import Version, InvalidVersion
start = time.time()
vulns, reqs = sys.argv[1], sys.argv[2]
pins = [line.strip().split("==") for line in open(reqs) if "==" in line]
hits = 0
for name, version in pins:
    folder = os.path.join(vulns, name)
    if not os.path.isdir(folder):
        continue
    for f in os.listdir(folder):
        rec = yaml.load(open(os.path.join(folder, f)), Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
        for a in rec.get("affected", []):
            listed = {str(x) for x in a.get("versions", [])}
            if version in listed:
                hits += 1
                break
print(f"{(time.time() - start) * 1000:.0f} ms ({hits} advisory hits, YAML loading included)")
PY
)
fi

cat <<EOF

pyward vulnerability database benchmark ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))
  db import, whole PyPA advisory-db: best of 5 ${import_best} s wall, ${import_cpu} s CPU, peak ${import_rss} MB
  database file:                      $(du -k "$DB" | cut -f1) kB
  pyward deps, 700 pins, warm:        ${deps_ms}, peak ${deps_rss} MB, ${findings} findings
  Python packaging matcher:           ${python_line}
  pip-audit:                          not compared (queries the network on every run)
EOF
