#!/usr/bin/env bash
# The gateway's cost on a cached project page, against a plain static server
# (nginx when installed, else Python's http.server) serving the very page the
# gateway renders; then 500 concurrent clients on loopback. Targets: < 2 ms
# added latency on a cached page; every one of 500 clients answered.
# Not run by CI.
#
# usage: bench/gateway.sh
# env:   PYWARD=path/to/pyward (default: cargo build --release)
#        FILES=400 (files on the benchmark project's page, about Django's)
#        SECONDS_EACH=10 (length of each wrk run)
# needs: wrk (apt-get install -y wrk), python3; nginx optional
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/bench/work/gateway"
files="${FILES:-400}"
each="${SECONDS_EACH:-10}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

if [ -z "${PYWARD:-}" ]; then
  (cd "$root" && cargo build --release -q -p pyward)
  PYWARD="${CARGO_TARGET_DIR:-$root/target}/release/pyward"
fi

rm -rf "$work" && mkdir -p "$work/upstream/benchpkg" "$work/static/simple/benchpkg"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# An upstream page of $files wheels (hashes and metadata marks as PyPI has them).
python3 - "$work/upstream/benchpkg/index.html" "$files" <<'EOF'
import hashlib, sys
path, n = sys.argv[1], int(sys.argv[2])
links = []
for i in range(n):
    v = f"{i // 20}.{i % 20}.0"
    name = f"benchpkg-{v}-py3-none-any.whl"
    h = hashlib.sha256(name.encode()).hexdigest()
    m = hashlib.sha256(v.encode()).hexdigest()
    links.append(f'<a href="{name}#sha256={h}" data-requires-python="&gt;=3.8" data-core-metadata="sha256={m}">{name}</a><br>')
open(path, "w").write("<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n")
EOF

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "nothing at $1" >&2; exit 1; }

# The upstream: a static server of the folder (the gateway fetches the page once).
up=$(port)
(cd "$work/upstream" && exec python3 -m http.server --bind 127.0.0.1 "$up" >/dev/null 2>&1) & pids+=($!)
wait_for "http://127.0.0.1:$up/benchpkg/"

gw=$(port)
# The default database (PYWARD_DB, the downloaded one, else the built-in):
# the judge runs for every release of the page either way.
"$PYWARD" gateway --listen "127.0.0.1:$gw" --upstream "http://127.0.0.1:$up/" \
  --cache-dir "$work/cache" --log-format text >"$work/gateway.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$gw/health"
page="http://127.0.0.1:$gw/simple/benchpkg/"
curl -fs -o "$work/static/simple/benchpkg/index.html" "$page"

# The plain static server of the same bytes.
st=$(port)
if command -v nginx >/dev/null; then
  server=nginx
  cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 2048; }
http {
  access_log off;
  server { listen 127.0.0.1:$st; root $work/static; default_type text/html; }
}
EOF
  nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
else
  server="python3 -m http.server"
  (cd "$work/static" && exec python3 -m http.server --bind 127.0.0.1 "$st" >/dev/null 2>&1) & pids+=($!)
fi
wait_for "http://127.0.0.1:$st/simple/benchpkg/index.html"
static="http://127.0.0.1:$st/simple/benchpkg/index.html"

bytes=$(wc -c <"$work/static/simple/benchpkg/index.html")
echo "page: $files files, $bytes bytes of HTML; static server: $server"

# One client, one connection: latency as the client sees it.
lat() { wrk -t1 -c1 -d"${each}s" --latency "$@" | awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {rps=$2} END {print p50, p99, rps}'; }
ms() { python3 -c "import sys; v=sys.argv[1]; f={'us':0.001,'ms':1,'s':1000}; u=''.join(c for c in v if c.isalpha()); print(round(float(v[:len(v)-len(u)])*f[u],3))" "$1"; }
read -r s50 s99 srps < <(lat "$static")
read -r g50 g99 grps < <(lat "$page")
read -r j50 j99 jrps < <(lat -H "Accept: application/vnd.pypi.simple.v1+json" "$page")
printf '\n| one client | p50 (ms) | p99 (ms) | req/s |\n| --- | ---: | ---: | ---: |\n'
printf '| %s, the same file | %s | %s | %s |\n' "$server" "$(ms "$s50")" "$(ms "$s99")" "$srps"
printf '| gateway, cached page (HTML) | %s | %s | %s |\n' "$(ms "$g50")" "$(ms "$g99")" "$grps"
printf '| gateway, cached page (JSON) | %s | %s | %s |\n' "$(ms "$j50")" "$(ms "$j99")" "$jrps"
added=$(python3 -c "print(round($(ms "$g50") - $(ms "$s50"), 3))")
echo "added latency at p50: $added ms (target < 2 ms)"

# 500 concurrent clients.
out=$(wrk -t2 -c500 -d"${each}s" --latency "$page")
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
bad=$(awk '/Non-2xx/ {print $5}' <<<"$out"); bad=${bad:-0}
errs=$(awk '/Socket errors/ {print}' <<<"$out"); errs=${errs:-none}
printf '\n500 concurrent clients: %s req/s, p99 %s ms, non-2xx %s, socket errors: %s\n' "$rps" "$(ms "$p99")" "$bad" "$errs"
curl -fs "http://127.0.0.1:$gw/metrics" | grep -E '^pyward_gateway_(requests_total\{route="page",status="[25]xx"\}|cache_total\{kind="page")'
