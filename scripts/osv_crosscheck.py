#!/usr/bin/env python3
"""Independent check of pyward-osv's matching, with Python's `packaging`.

Reads the PyPA advisory database (the same data the built-in database is
built from), draws (package, version) pairs from it -- every listed version,
the versions just below and at `introduced`, at `fixed` and at
`last_affected`, just above each, and a few strings that are not PEP 440 --
and writes, for each pair, the advisory ids that affect it under the OSV
rules, with their fix versions. The Rust test `crosscheck` checks that
pyward-osv's matcher gives exactly these answers over the built-in database.

Also writes a PEP 440 ordering fixture: versions from the database sorted by
`packaging`, checked against pep440_rs.

Usage (not run by CI; needs `packaging` and `pyyaml`):
    python3 -m venv /work/venvs/osv && /work/venvs/osv/bin/pip install packaging pyyaml
    /work/venvs/osv/bin/python scripts/osv_crosscheck.py ../shared/data/pypa-advisory-db
"""

import argparse
import functools
import gzip
import os
import re
import sys

import yaml
from packaging.version import InvalidVersion, Version

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "crates", "pyward-osv", "tests", "fixtures")

# Strings that are not PEP 440: they may only match a `versions` entry
# spelled the same.
NON_PEP440 = ["not-a-version", "1.0-foo bar", "latest", ""]


def normalize(name):
    """PEP 503."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def parse(v):
    try:
        return Version(v.strip())
    except InvalidVersion:
        return None


def load_records(vulns_dir):
    """Every non-withdrawn record, newest per id. BaseLoader keeps every
    scalar a string, as the YAML was written (`1.10` stays `1.10`)."""
    by_id = {}
    for root, dirs, files in os.walk(vulns_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                record = yaml.load(f, Loader=yaml.BaseLoader)
            if not isinstance(record, dict) or "id" not in record:
                continue
            if "withdrawn" in record:
                continue
            old = by_id.get(record["id"])
            if old is None or old.get("modified", "") < record.get("modified", ""):
                by_id[record["id"]] = record
    return by_id


def pypi_entries(record):
    for entry in record.get("affected") or []:
        package = entry.get("package") or {}
        if package.get("ecosystem") == "PyPI" and package.get("name", "").strip():
            yield normalize(package["name"]), entry


KIND_ORDER = {"introduced": 0, "fixed": 1, "last_affected": 2, "limit": 3}
MINUS_INFINITY = None  # introduced: "0"


def intervals(events):
    """The range as a list of (low, high, high_inclusive, fix) intervals
    plus its limits. low None is minus infinity, high None is open."""
    parsed = []
    for event in events:
        for kind, raw in event.items():
            if kind not in KIND_ORDER:
                continue
            if kind == "introduced" and raw.strip() == "0":
                parsed.append((MINUS_INFINITY, kind, raw))
                continue
            v = parse(raw)
            if v is not None:
                parsed.append((v, kind, raw))

    def key(item):
        v, kind, _ = item
        return (0, Version("0"), KIND_ORDER[kind]) if v is None else (1, v, KIND_ORDER[kind])

    parsed.sort(key=key)
    out = []
    start = "closed"
    for v, kind, raw in parsed:
        if kind == "introduced" and start == "closed":
            start = v
        elif kind == "fixed" and start != "closed":
            out.append((start, v, False, raw.strip()))
            start = "closed"
        elif kind == "last_affected" and start != "closed":
            out.append((start, v, True, None))
            start = "closed"
    if start != "closed":
        out.append((start, None, False, None))
    limits = [v for v, kind, _ in parsed if kind == "limit"]
    return out, limits


def in_range(events, v):
    """None when v is outside, else the fix ending its interval ('' for
    none)."""
    spans, limits = intervals(events)
    if limits and not any(v < limit for limit in limits):
        return None
    for low, high, inclusive, fix in spans:
        if low is not None and v < low:
            continue
        if high is None or v < high or (inclusive and v == high):
            return fix or ""
    return None


def entry_affects(entry, raw):
    v = parse(raw)
    hit = False
    fixes = []
    if v is not None:
        for rng in entry.get("ranges") or []:
            if rng.get("type") != "ECOSYSTEM":
                continue
            fix = in_range(rng.get("events") or [], v)
            if fix is not None:
                hit = True
                if fix:
                    fixes.append(fix)
    if not hit:
        for listed in entry.get("versions") or []:
            if listed.strip() == raw.strip():
                hit = True
                break
            lv = parse(listed)
            if v is not None and lv is not None and lv == v:
                hit = True
                break
    return hit, fixes


def version_sort_key(s):
    v = parse(s)
    return (0, v, s) if v is not None else (1, Version("0"), s)


def below(raw):
    v = parse(raw)
    if v is None:
        return []
    out = []
    plain = not (v.pre or v.post is not None or v.dev is not None or v.local)
    if plain:
        out += [raw + "rc1", raw + ".dev0", raw + "a0"]
    release = list(v.release)
    for i in range(len(release) - 1, -1, -1):
        if release[i] > 0:
            release[i] -= 1
            out.append(".".join(map(str, release)))
            break
    return out


def above(raw):
    v = parse(raw)
    if v is None:
        return []
    out = []
    if v.local is None:
        out.append(raw + "+local.1")
    if v.post is None and v.dev is None and v.local is None:
        out.append(raw + ".post1")
    if not (v.pre or v.post is not None or v.dev is not None or v.local):
        out.append(raw + ".1")
    release = list(v.release)
    release[-1] += 1
    out.append(".".join(map(str, release)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout", help="a PyPA advisory-database checkout (with vulns/ and SNAPSHOT)")
    ap.add_argument("--out", default=FIXTURES)
    args = ap.parse_args()

    records = load_records(os.path.join(args.checkout, "vulns"))
    by_package = {}
    for record in records.values():
        for name, entry in pypi_entries(record):
            by_package.setdefault(name, []).append((record["id"], entry))

    lines = []
    all_versions = set()
    for name in sorted(by_package):
        entries = by_package[name]
        candidates = set(NON_PEP440)
        for _, entry in entries:
            for listed in entry.get("versions") or []:
                candidates.add(listed)
            for rng in entry.get("ranges") or []:
                if rng.get("type") != "ECOSYSTEM":
                    continue
                for event in rng.get("events") or []:
                    for kind, raw in event.items():
                        if kind not in KIND_ORDER or raw.strip() == "0":
                            continue
                        candidates.add(raw)
                        candidates.update(below(raw))
                        candidates.update(above(raw))
        for raw in sorted(candidates):
            if "\t" in raw or "\n" in raw or raw != raw.strip():
                continue
            if parse(raw) is not None:
                all_versions.add(raw)
            hits = {}
            for advisory_id, entry in entries:
                hit, fixes = entry_affects(entry, raw)
                if hit:
                    hits.setdefault(advisory_id, set()).update(fixes)
            field = ";".join(
                aid + "=" + ",".join(sorted(hits[aid], key=version_sort_key))
                for aid in sorted(hits)
            )
            lines.append(f"{name}\t{raw}\t{field}")

    with open(os.path.join(args.checkout, "SNAPSHOT"), encoding="utf-8") as f:
        snapshot = f.read().strip()
    header = f"# osv_crosscheck.py over PyPA advisory-db {snapshot}: package<TAB>version<TAB>id=fix,fix;id=...\n"
    path = os.path.join(args.out, "crosscheck.tsv.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write((header + "\n".join(lines) + "\n").encode("utf-8"))
    affected = sum(1 for line in lines if not line.endswith("\t"))
    print(f"{len(lines)} pairs ({affected} affected) over {len(by_package)} packages -> {path}", file=sys.stderr)

    # PEP 440 ordering: every distinct version, sorted by packaging, each
    # line `a<TAB>op<TAB>b` for neighbours (op `<` or `==`).
    extra = [
        "1!0.1", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
        "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0b2-346", "1.0c1.dev456", "1.0c1",
        "1.0rc2", "1.0c3", "1.0", "1.0.post456.dev34", "1.0.post456", "1.1.dev1", "1.0+abc.5",
        "1.0+abc.7", "1.0+5", "1.0+ubuntu-1", "1.0.0", "v1.0", "1.0.0.0", "1.0-1", "1.0_post2",
        "2012.10", "0.0", "0", "0.dev0", "1!1.0rc1+local",
    ]
    versions = sorted(all_versions.union(extra), key=lambda s: (parse(s), s))
    pairs = []
    for a, b in zip(versions, versions[1:]):
        va, vb = parse(a), parse(b)
        pairs.append(f"{a}\t{'==' if va == vb else '<'}\t{b}")
    path = os.path.join(args.out, "pep440-ordering.tsv.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        text = f"# sorted by packaging {__import__('packaging').__version__}: a<TAB>op<TAB>b\n"
        f.write((text + "\n".join(pairs) + "\n").encode("utf-8"))
    print(f"{len(pairs)} ordered pairs -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
