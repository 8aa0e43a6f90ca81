#!/usr/bin/env python3
"""Independent check of `pyward fix`, with Python's `packaging`.

Reads the PyPA advisory database (the data the built-in database is built
from) and, on standard input, a JSON object `{"limit": "minor", "pins":
[["django", "3.1.14"], ...]}`. For each pin it computes, under the OSV
rules as `osv_crosscheck.py` implements them, the advisories affecting it,
and looks for a release that would still improve it: a version the
advisories name, above the pin, not a pre-release (unless the pin is one),
within the limit, whose advisories are a strict subset of the pin's. After
`pyward fix` there must be none. Prints a JSON list of the pins that could
still be improved, each with the better version and what it would fix.

Usage (the CLI test `fix` runs it when `packaging` and `pyyaml` are there):
    echo '{"limit": "minor", "pins": [["django", "3.0.1"]]}' |
        python3 scripts/fix_crosscheck.py crates/pyward/tests/fixtures/fix/pypa-advisory-db
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from osv_crosscheck import entry_affects, load_records, normalize, parse, pypi_entries  # noqa: E402


def within(limit, pin, candidate):
    def part(v, i):
        return v.release[i] if len(v.release) > i else 0

    if limit == "major":
        return True
    same_major = pin.epoch == candidate.epoch and part(pin, 0) == part(candidate, 0)
    if limit == "minor":
        return same_major
    return same_major and part(pin, 1) == part(candidate, 1)


def main():
    vulns = os.path.join(sys.argv[1], "vulns")
    request = json.load(sys.stdin)
    limit = request.get("limit", "minor")
    wanted = {normalize(name) for name, _ in request["pins"]}
    by_package = {}
    # One folder per package: only the pins' are read.
    for folder in sorted(os.listdir(vulns)):
        if normalize(folder) not in wanted:
            continue
        for record in load_records(os.path.join(vulns, folder)).values():
            for name, entry in pypi_entries(record):
                by_package.setdefault(name, []).append((record["id"], entry))

    def affecting(name, raw):
        return {
            advisory
            for advisory, entry in by_package.get(name, [])
            if entry_affects(entry, raw)[0]
        }

    def known_versions(name):
        found = set()
        for _, entry in by_package.get(name, []):
            for rng in entry.get("ranges") or []:
                for event in rng.get("events") or []:
                    for kind, raw in event.items():
                        if kind in ("introduced", "fixed", "last_affected") and raw.strip() != "0":
                            found.add(raw.strip())
            for listed in entry.get("versions") or []:
                found.add(listed.strip())
        return sorted((v for v in (parse(r) for r in found) if v is not None))

    improvable = []
    for name, raw in request["pins"]:
        name = normalize(name)
        pin = parse(raw)
        if pin is None:
            continue
        now = affecting(name, raw)
        if not now:
            continue
        for candidate in known_versions(name):
            if candidate <= pin or candidate.local is not None:
                continue
            if candidate.is_prerelease and not pin.is_prerelease:
                continue
            if not within(limit, pin, candidate):
                continue
            then = affecting(name, str(candidate))
            if then < now:
                improvable.append(
                    {"package": name, "version": raw, "better": str(candidate), "fixes": sorted(now - then)}
                )
                break
    json.dump(improvable, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
