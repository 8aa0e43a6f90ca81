#!/usr/bin/env bash
# Installs the official validators the report-format tests run
# (crates/pyward-report/tests/validate.rs) into bench/work/validators/, the
# repository's ignored work folder. Idempotent: a second run only checks.
#
#   python venv: jsonschema (SARIF, GitLab, SPDX JSON schemas),
#                cyclonedx-python-lib (CycloneDX 1.6 validator),
#                spdx-tools (SPDX 2.3 validator), xmlschema (JUnit XSD)
#   npm prefix:  @microsoft/sarif-multitool (SARIF validator), when it installs
#   apt:         chromium (renders the HTML report), when run as root with apt
#
# The tests find the tools through PYWARD_VALIDATORS (default: this folder)
# and skip, saying so, when one is missing.
#
# usage: scripts/setup-validators.sh [--no-apt] [--no-npm]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${PYWARD_VALIDATORS:-$root/bench/work/validators}"
venv="$dest/venv"
npm_prefix="$dest/npm"
apt=1
npm=1
for arg in "$@"; do
  case "$arg" in
    --no-apt) apt=0 ;;
    --no-npm) npm=0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
mkdir -p "$dest"

# Versions pinned so that a validator's new release cannot turn CI red on its own.
python_packages=(
  jsonschema==4.26.0
  referencing==0.37.0
  "cyclonedx-python-lib[json-validation]==11.12.0"
  spdx-tools==0.8.5
  xmlschema==4.3.2
)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import jsonschema, cyclonedx.validation.json, spdx_tools, xmlschema' 2>/dev/null; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
fi
echo "python validators: $venv"

if [ "$npm" = 1 ] && command -v npm >/dev/null; then
  if [ ! -x "$npm_prefix/node_modules/.bin/sarif-multitool" ]; then
    mkdir -p "$npm_prefix"
    # The multitool is a .NET program shipped inside the npm package; where
    # no build for this platform is served the SARIF test falls back to
    # the JSON schema alone.
    npm install --silent --no-audit --no-fund --prefix "$npm_prefix" @microsoft/sarif-multitool@5.7.0 \
      || echo "note: @microsoft/sarif-multitool did not install; SARIF is checked by its JSON schema only" >&2
  fi
  if [ -x "$npm_prefix/node_modules/.bin/sarif-multitool" ]; then echo "sarif multitool: $npm_prefix/node_modules/.bin/sarif-multitool"; fi
fi

if [ "$apt" = 1 ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium is missing and apt-get needs root; the HTML test will skip" >&2
  fi
fi
if command -v chromium >/dev/null; then echo "chromium: $(command -v chromium)"; fi
