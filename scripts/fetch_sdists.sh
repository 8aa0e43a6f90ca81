#!/usr/bin/env bash
# Downloads and unpacks the source distributions of well-known Python projects
# into bench/work/sdists/<name>/, the trees that scripts/bandit_compare.py and
# bench/code.sh scan. Not run by CI (it needs PyPI).
#
# usage: scripts/fetch_sdists.sh [PACKAGE[==VERSION]]...
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/bench/work"
dest="$work/sdists"
archives="$work/archives"
venv="${PYWARD_BENCH_VENV:-$work/venv}"

# Pinned so that figures stay comparable from run to run.
default_packages=(
  django==5.1.4
  flask==3.1.0
  requests==2.32.3
  sqlalchemy==2.0.36
  ansible-core==2.18.1
  paramiko==3.5.0
  jinja2==3.1.5
  sympy==1.13.3
  werkzeug==3.1.3
  tornado==6.4.2
  twisted==24.11.0
  salt==3007.1
  pip==24.3.1
  setuptools==75.6.0
)

if [ "$#" -gt 0 ]; then packages=("$@"); else packages=("${default_packages[@]}"); fi

if [ ! -x "$venv/bin/pip" ]; then
  python3 -m venv "$venv"
fi
# `pip download` prepares each sdist's metadata, which needs its build
# backend; installing the usual backends once (as wheels) and building
# without isolation is much faster than building them from source, as
# `--no-binary :all:` would inside an isolated build environment.
"$venv/bin/pip" install --quiet setuptools wheel flit_core hatchling \
  hatch-fancy-pypi-readme hatch-vcs setuptools-scm incremental >&2
mkdir -p "$dest" "$archives"

for spec in "${packages[@]}"; do
  name="${spec%%==*}"
  name="$(echo "$name" | tr 'A-Z_.' 'a-z--')"
  if [ -d "$dest/$name" ]; then
    echo "have $name" >&2
    continue
  fi
  tmp="$(mktemp -d "$archives/.dl-XXXXXX")"
  echo "downloading $spec" >&2
  if ! "$venv/bin/pip" download --quiet --no-deps --no-binary :all: --no-build-isolation \
      --dest "$tmp" "$spec" >"$tmp.log" 2>&1; then
    # `pip download` of an sdist may try to build its metadata, which some
    # projects cannot do offline; the archive is downloaded first all the same.
    :
  fi
  archive="$(find "$tmp" -maxdepth 1 -type f \( -name '*.tar.gz' -o -name '*.zip' -o -name '*.tar.bz2' \) | head -n 1)"
  if [ -z "$archive" ]; then
    echo "no sdist for $spec (see $tmp.log)" >&2
    rm -rf "$tmp"
    continue
  fi
  mv "$archive" "$archives/"
  archive="$archives/$(basename "$archive")"
  rm -rf "$tmp" "$tmp.log"
  mkdir -p "$dest/$name.partial"
  case "$archive" in
    *.zip) python3 -m zipfile -e "$archive" "$dest/$name.partial" ;;
    *) tar -xf "$archive" -C "$dest/$name.partial" --no-same-owner ;;
  esac
  mv "$dest/$name.partial" "$dest/$name"
  echo "unpacked $name -> $dest/$name" >&2
done

echo "trees in $dest:" >&2
ls "$dest" >&2
