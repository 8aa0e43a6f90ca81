#!/usr/bin/env python3
"""Compare `pyward secrets` with detect-secrets.

1. On pyward's own corpus (crates/pyward-secrets/tests/corpus), whose TRUTH
   file lists every planted secret: found, missed and false alarms for both
   tools, counted by (path, line).
2. On real projects (unpacked sdists under bench/work/sdists, fetched by
   scripts/fetch_sdists.sh): findings of each tool, how many lines both
   flag, and the lines only one of them flags, with a sample of each to
   read by hand (real sdists have no ground truth).

Not run by CI: it needs PyPI (to install detect-secrets and fetch sdists).

usage: scripts/secrets_compare.py [--sdists NAME...] [--sample N] [--pyward PATH]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "crates/pyward-secrets/tests/corpus"
SDISTS = ROOT / "bench/work/sdists"
DEFAULT_SDISTS = ["requests", "flask", "jinja2", "werkzeug", "tornado", "paramiko", "pip", "setuptools", "django", "ansible-core"]


def venv() -> Path:
    """A venv with detect-secrets: $PYWARD_SECRETS_VENV, /work/venvs/secrets, or bench/work/venv-secrets."""
    for candidate in [os.environ.get("PYWARD_SECRETS_VENV"), "/work/venvs/secrets", str(ROOT / "bench/work/venv-secrets")]:
        if candidate and (Path(candidate) / "bin/detect-secrets").exists():
            return Path(candidate)
    target = ROOT / "bench/work/venv-secrets"
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    subprocess.run([str(target / "bin/pip"), "install", "-q", "detect-secrets==1.5.0"], check=True)
    return target


def pyward_binary(given: str | None) -> Path:
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "pyward"], cwd=ROOT, check=True)
    return target / "release/pyward"


def run_detect_secrets(ds: Path, tree: Path) -> dict[tuple[str, int], set[str]]:
    """(path, line) → detect-secrets types, for every file under `tree`."""
    out = subprocess.run(
        [str(ds), "scan", "--all-files", "."], cwd=tree, capture_output=True, text=True, check=True
    ).stdout
    results: dict[tuple[str, int], set[str]] = collections.defaultdict(set)
    for path, entries in json.loads(out)["results"].items():
        for entry in entries:
            results[(path.removeprefix("./"), entry["line_number"])].add(entry["type"])
    return results


def run_pyward(pyward: Path, tree: Path) -> dict[tuple[str, int], set[str]]:
    proc = subprocess.run(
        [str(pyward), "secrets", ".", "--format", "json"], cwd=tree, capture_output=True, text=True
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"pyward failed on {tree}: {proc.stderr}")
    results: dict[tuple[str, int], set[str]] = collections.defaultdict(set)
    for finding in json.loads(proc.stdout)["findings"]:
        results[(finding["path"], finding["line"])].add(finding["id"])
    return results


def truth() -> set[tuple[str, int]]:
    rows = set()
    for line in (CORPUS / "TRUTH").read_text().splitlines():
        if line and not line.startswith("#"):
            path, number, _ = line.split("\t")
            rows.add((path, int(number)))
    return rows


def corpus_table(ds: Path, pyward: Path) -> None:
    planted = truth()
    print(f"## Corpus: {len(planted)} planted secrets\n")
    print("| tool | found | missed | false alarms |")
    print("| --- | ---: | ---: | ---: |")
    details = {}
    for name, results in [("detect-secrets 1.5.0", run_detect_secrets(ds, CORPUS)), ("pyward", run_pyward(pyward, CORPUS))]:
        flagged = set(results)
        found = planted & flagged
        missed = planted - flagged
        false_alarms = flagged - planted
        details[name] = (missed, false_alarms, results)
        print(f"| {name} | {len(found)} | {len(missed)} | {len(false_alarms)} |")
    for name, (missed, false_alarms, results) in details.items():
        print(f"\n{name} missed: " + ", ".join(f"{p}:{l}" for p, l in sorted(missed)))
        print(f"{name} false alarms: " + ", ".join(f"{p}:{l} {sorted(results[(p, l)])}" for p, l in sorted(false_alarms)))


def line_text(tree: Path, path: str, line: int) -> str:
    try:
        text = (tree / path).read_text(errors="replace").splitlines()[line - 1].strip()
    except (OSError, IndexError):
        return "?"
    # Never print a secret in full, even from a public sdist.
    return text[:60] + ("…" if len(text) > 60 else "")


def sdists_table(ds: Path, pyward: Path, names: list[str], sample: int) -> None:
    print("\n## Real projects (sdists)\n")
    print("| project | detect-secrets lines | pyward lines | both | only detect-secrets | only pyward |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    only = {"detect-secrets": [], "pyward": []}
    by_type = {"detect-secrets": collections.Counter(), "pyward": collections.Counter()}
    totals = collections.Counter()
    for name in names:
        tree = SDISTS / name
        if not tree.is_dir():
            print(f"| {name} | (missing: run scripts/fetch_sdists.sh) | | | | |")
            continue
        d = run_detect_secrets(ds, tree)
        p = run_pyward(pyward, tree)
        both = set(d) & set(p)
        for types in d.values():
            by_type["detect-secrets"].update(types)
        for ids in p.values():
            by_type["pyward"].update(ids)
        only["detect-secrets"] += [(name, k, sorted(d[k])) for k in sorted(set(d) - set(p))]
        only["pyward"] += [(name, k, sorted(p[k])) for k in sorted(set(p) - set(d))]
        totals.update({"ds": len(d), "pw": len(p), "both": len(both), "only_ds": len(set(d) - set(p)), "only_pw": len(set(p) - set(d))})
        print(f"| {name} | {len(d)} | {len(p)} | {len(both)} | {len(set(d) - set(p))} | {len(set(p) - set(d))} |")
    print(f"| **total** | {totals['ds']} | {totals['pw']} | {totals['both']} | {totals['only_ds']} | {totals['only_pw']} |")
    for tool, counter in by_type.items():
        print(f"\n{tool} by type: " + ", ".join(f"{t}: {n}" for t, n in counter.most_common()))
    for tool, rows in only.items():
        print(f"\n### Flagged only by {tool} (first {sample} of {len(rows)})\n")
        for name, (path, line), types in rows[:sample]:
            print(f"- {name}/{path}:{line} {types}: `{line_text(SDISTS / name, path, line)}`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sdists", nargs="*", default=DEFAULT_SDISTS)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--pyward")
    args = parser.parse_args()
    ds = venv() / "bin/detect-secrets"
    pyward = pyward_binary(args.pyward)
    if args.sdists and not all((SDISTS / n).is_dir() for n in args.sdists):
        subprocess.run([str(ROOT / "scripts/fetch_sdists.sh")], check=True)
    corpus_table(ds, pyward)
    if args.sdists:
        sdists_table(ds, pyward, args.sdists, args.sample)


if __name__ == "__main__":
    main()
