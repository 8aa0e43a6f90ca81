#!/usr/bin/env python3
"""Compares `pyward code` with Bandit on real projects.

For every tree under bench/work/sdists (scripts/fetch_sdists.sh fills it),
runs `bandit -r -f json` and `pyward code --format json` and compares the
findings whose id is one of Bandit's (Bxxx) at the same file, line and id:

- recall: the share of Bandit's findings that pyward reports too;
- extra: the share of pyward's findings (for Bandit's ids) that Bandit does
  not report.

Per project and in total. Every mismatch is written to
bench/work/mismatches/<project>.txt (and a summary by rule to
bench/work/mismatches/summary.txt) so that it can be fixed. Exits 1 when
total recall < 97% or extra > 3%.

Deliberate differences (places where Bandit is wrong) are listed in
ALLOWLIST below, each with the reason and the fixture that shows it; they
are reported but do not count.

`--fuzz SEED` generates 200 files of random combinations of the patterns
the B5xx-B7xx rules look at (callees, aliases, arguments, SQL strings,
`mark_safe` data flow, imports after use) and compares on them: a
differential test of the corner cases real projects rarely have.

`--fixtures` compares the two tools on the rule fixtures
(crates/pyward-lint/resources/fixtures) instead, where every finding must
agree on file, line, id, severity and confidence.

`--profile` chooses pyward's profile: `bandit` (the default here: Bandit's
exact findings, which the targets above check) or `precise` (pyward's
default: the data-dependent checks ask the data-flow analysis). With
`--profile precise` the script reports, per rule, how many of Bandit's
findings pyward drops (only constants or sanitised values reach them),
and writes a random sample of the dropped ones with their source
(bench/work/mismatches/dropped-sample.md) for review by hand; the targets
do not apply.

Bandit's results are cached in bench/work/bandit/<project>.json (delete
the file, or pass --refresh, to run it again). Not run by CI.
"""

from __future__ import annotations

import argparse
import collections
import fnmatch
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
TREES = WORK / "sdists"
FIXTURES = ROOT / "crates" / "pyward-lint" / "resources" / "fixtures"
BANDIT_VERSION = "1.9.4"

RECALL_TARGET = 0.97
EXTRA_TARGET = 0.03

BANDIT_ID = re.compile(r"^B\d{3}$")

# Deliberate differences: where Bandit is wrong and pyward does otherwise.
# `kind` is "missing" (Bandit reports it, pyward does not) or "extra"
# (pyward reports it, Bandit does not); `id` the rule; `path` an fnmatch
# pattern on the path inside the project ("*" for any); `line_text` an
# optional regex the reported source line must match.
ALLOWLIST: list[dict[str, str]] = [
    {
        "kind": "any",
        "id": "B613",
        "path": "*",
        "reason": "Bandit numbers lines with str.splitlines(), which also breaks at "
        "form feeds and other Unicode line separators that Python does not treat "
        "as line ends, so its line numbers drift after such a character; pyward "
        "reports the real line.",
        "fixture": "crates/pyward-lint/resources/fixtures/injection/B613_form_feed.py",
    },
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_bandit(explicit: str | None) -> str:
    if explicit:
        return explicit
    venv = WORK / "venv-bandit"
    bandit = venv / "bin" / "bandit"
    if not bandit.exists():
        log(f"creating {venv} with bandit=={BANDIT_VERSION}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", f"bandit=={BANDIT_VERSION}"],
            check=True,
        )
    return str(bandit)


def find_pyward(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("PYWARD_BIN"):
        return os.environ["PYWARD_BIN"]
    for candidate in (
        Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "pyward",
        ROOT / "target" / "release" / "pyward",
    ):
        if candidate.exists():
            return str(candidate)
    sys.exit("no pyward binary: build it with `cargo build --release -p pyward` or pass --pyward")


def norm(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return os.path.normpath(path).replace("\\", "/")


def run_bandit(bandit: str, tree: Path, cache: Path, refresh: bool) -> dict:
    if cache.exists() and not refresh:
        return json.loads(cache.read_text())
    cache.parent.mkdir(parents=True, exist_ok=True)
    log(f"bandit -r {tree.name} ...")
    started = time.monotonic()
    tmp = cache.with_suffix(".partial")
    proc = subprocess.run(
        [bandit, "-r", ".", "-f", "json", "-q", "-o", str(tmp)],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if proc.returncode not in (0, 1) or not tmp.exists():
        sys.exit(f"bandit failed on {tree}: {proc.stderr[-2000:]}")
    tmp.rename(cache)
    log(f"bandit -r {tree.name}: {time.monotonic() - started:.1f}s")
    return json.loads(cache.read_text())


def profile_arguments(pyward: str, profile: str) -> list[str]:
    """How to ask this pyward binary for a profile: `--profile` when it has
    the flag, else a configuration file with `[code] profile`."""
    help_text = subprocess.run([pyward, "code", "--help"], capture_output=True, text=True).stdout
    if "--profile" in help_text:
        return ["--profile", profile]
    config = WORK / f"pyward-profile-{profile}.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[code]\nprofile = "{profile}"\n')
    return ["--config", str(config)]


PROFILE_ARGS: list[str] = []


def run_pyward(pyward: str, tree: Path) -> dict:
    proc = subprocess.run(
        [pyward, "code", ".", "--format", "json", *PROFILE_ARGS],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    # Status 2 with a report: some files did not parse (as with Bandit,
    # the rest were checked; the report lists them in `errors`).
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    if proc.returncode not in (0, 1, 2) or not isinstance(report, dict) or "findings" not in report:
        sys.exit(f"pyward failed on {tree} (status {proc.returncode}): {proc.stderr[-2000:]}")
    return report


class Finding(tuple):
    """(path, line, id): what the comparison matches on."""


def bandit_findings(report: dict) -> tuple[collections.Counter, dict, set[str], set[str]]:
    found: collections.Counter = collections.Counter()
    details: dict = {}
    for result in report.get("results", []):
        key = (norm(result["filename"]), result["line_number"], result["test_id"])
        found[key] += 1
        details.setdefault(key, (result["issue_severity"], result["issue_confidence"], result["issue_text"]))
    files = {norm(f) for f in report.get("metrics", {}) if f != "_totals"}
    errors = {norm(e["filename"]) for e in report.get("errors", [])}
    return found, details, files, errors


def pyward_findings(report: dict) -> tuple[collections.Counter, dict, set[str]]:
    found: collections.Counter = collections.Counter()
    details: dict = {}
    for finding in report.get("findings", []):
        if finding.get("kind") != "code":
            continue
        rule = finding.get("id", "")
        if not BANDIT_ID.match(rule):
            continue
        key = (norm(finding["path"]), finding["line"], rule)
        found[key] += 1
        details.setdefault(
            key,
            (
                str(finding.get("severity", "")).upper(),
                str(finding.get("confidence", "")).upper(),
                finding.get("message", ""),
            ),
        )
    errors = {norm(e.get("path", "")) for e in report.get("errors", []) if isinstance(e, dict)}
    return found, details, errors


def allowed(kind: str, key: tuple, line_text: str) -> dict | None:
    path, _line, rule = key
    for entry in ALLOWLIST:
        if entry["kind"] not in ("any", kind) or entry["id"] != rule:
            continue
        if not fnmatch.fnmatch(path, entry["path"]):
            continue
        if entry.get("line_text") and not re.search(entry["line_text"], line_text):
            continue
        return entry
    return None


def source_line(tree: Path, path: str, line: int) -> str:
    try:
        with open(tree / path, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text.rstrip("\n")
    except OSError:
        pass
    return ""


def compare_tree(name: str, tree: Path, bandit_report: dict, pyward_report: dict, out_dir: Path, by_rule: dict) -> dict:
    b_found, b_details, b_files, b_errors = bandit_findings(bandit_report)
    p_found, p_details, p_errors = pyward_findings(pyward_report)
    # Compare only files both tools read: Bandit's `-r` reads *.py and
    # *.pyw, pyward also reads *.pyi and scripts with a Python shebang.
    p_found = collections.Counter({k: v for k, v in p_found.items() if k[0] in b_files})
    lines = []
    matched = missing = extra = allowed_count = 0
    for key in sorted(set(b_found) | set(p_found)):
        b, p = b_found.get(key, 0), p_found.get(key, 0)
        both = min(b, p)
        matched += both
        rule = key[2]
        stats = by_rule.setdefault(rule, collections.Counter())
        stats["bandit"] += b
        stats["pyward"] += p
        stats["matched"] += both
        if b == p:
            continue
        kind = "missing" if b > p else "extra"
        count = abs(b - p)
        text = source_line(tree, key[0], key[1])
        entry = allowed(kind, key, text)
        if entry:
            allowed_count += count
            lines.append(f"ALLOWED {kind} {rule} {key[0]}:{key[1]} x{count}  ({entry['fixture']})")
            if kind == "missing":
                matched += count
            continue
        if kind == "missing":
            missing += count
            stats["missing"] += count
            detail = b_details.get(key, ("", "", ""))
            note = " [pyward could not parse this file]" if key[0] in p_errors else ""
        else:
            extra += count
            stats["extra"] += count
            detail = p_details.get(key, ("", "", ""))
            note = ""
        lines.append(
            f"{kind.upper():7} {rule} {key[0]}:{key[1]} x{count}{note}  {detail[0]}/{detail[1]} {detail[2]}\n"
            f"        | {text.strip()}"
        )
    bandit_total = sum(b_found.values())
    pyward_total = sum(p_found.values())
    result = {
        "project": name,
        "bandit": bandit_total,
        "pyward": pyward_total,
        "matched": matched,
        "missing": missing,
        "extra": extra,
        "allowed": allowed_count,
        "recall": matched / bandit_total if bandit_total else 1.0,
        "extra_rate": extra / pyward_total if pyward_total else 0.0,
        "bandit_errors": len(b_errors),
        "pyward_errors": len(p_errors),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    header = (
        f"# {name}: bandit {bandit_total}, pyward {pyward_total}, matched {matched}, "
        f"missing {missing}, extra {extra}, allowed {allowed_count}\n"
    )
    (out_dir / f"{name}.txt").write_text(header + "\n".join(lines) + "\n")
    return result


# ---- differential fuzzing: random snippets of the B5xx-B7xx patterns ----

import random  # noqa: E402

IMPORTS = [
    "import subprocess", "import subprocess as sp", "from subprocess import Popen, call, run",
    "import os", "from os import system, popen", "import os as o", "import ssl", "from ssl import wrap_socket",
    "import requests", "import httpx", "from requests import get", "import yaml", "from yaml import load",
    "import torch", "import jinja2", "from jinja2 import Environment, select_autoescape",
    "from mako.template import Template", "from mako import template", "from markupsafe import Markup", "import flask",
    "from django.utils.safestring import mark_safe, SafeString", "from django.utils import safestring",
    "from django.db.models.expressions import RawSQL", "from django.db import models",
    "from pysnmp.hlapi import CommunityData, UsmUserData", "import paramiko", "from paramiko import client",
    "import logging.config", "from transformers import AutoModel", "from datasets import load_dataset",
    "from huggingface_hub import hf_hub_download", "from cryptography.hazmat.primitives.asymmetric import rsa, dsa, ec",
    "from Crypto.PublicKey import RSA, DSA", "from OpenSSL import SSL", "import commands", "import popen2",
]
CALLEES = [
    "subprocess.Popen", "sp.Popen", "Popen", "call", "run", "subprocess.check_output", "subprocess.getoutput",
    "os.system", "system", "o.system", "popen", "os.popen2", "os.execv", "os.spawnlp", "os.startfile",
    "commands.getoutput", "popen2.Popen3", "foo", "obj.method", "ssl.wrap_socket", "wrap_socket", "SSL.Context",
    "requests.get", "get", "requests.post", "httpx.Client", "httpx.request", "requests.request",
    "yaml.load", "load", "torch.load", "jinja2.Environment", "Environment", "Template", "template.Template",
    "Markup", "flask.Markup", "mark_safe", "safestring.mark_safe", "SafeString", "RawSQL", "models.RawSQL",
    "CommunityData", "UsmUserData", "c.set_missing_host_key_policy", "c.exec_command", "logging.config.listen",
    "AutoModel.from_pretrained", "load_dataset", "hf_hub_download", "rsa.generate_private_key",
    "dsa.generate_private_key", "ec.generate_private_key", "RSA.generate", "DSA.generate", "qs.extra", "extra",
    "cur.execute", "cur.executemany", "f()", "x[0].run",
]
ARGS = [
    '"ls"', '"/bin/ls -l"', '["ls", "-l"]', '["/bin/ls"]', "[]", "cmd", 'f"ls {x}"', '"tar cf a.tar *"',
    '["chmod", "*"]', '"chown *"', "1", "None", "True", "512", "1024", "4096", "65537", "ec.SECP192R1",
    "ec.SECT163K1", "ec.SECP384R1()", '"./model"', '"org/model"', "model_name", "client.AutoAddPolicy",
    "client.AutoAddPolicy()", "client.RejectPolicy", '"<b>x</b>"', 'f"<b>{x}</b>"', "html", '"{}".format(x)',
    '"%s" % x', '"SELECT * FROM t WHERE a = %s" % x', '"SELECT a FROM t"', "*args", "b''", "3.0",
    '"select x from t where y = " + y', '"%s FROM t" % "SELECT *"', "yaml.SafeLoader", "SafeLoader",
]
KWARGS = [
    "shell=True", "shell=False", "shell=1", "shell=0", "shell=None", 'shell="x"', "shell=[]", "shell=flag",
    "verify=False", "verify=True", "ssl_version=ssl.PROTOCOL_SSLv2", "ssl_version=ssl.PROTOCOL_TLSv1_2",
    "ssl_version=choose()", "method=SSL.SSLv3_METHOD", "Loader=yaml.SafeLoader", "Loader=yaml.Loader",
    "weights_only=True", "weights_only=False", "autoescape=False", "autoescape=True",
    "autoescape=select_autoescape()", "autoescape=x", "mpModel=0", "mpModel=1", "mpModel=2", "key_size=512",
    "key_size=1024", "key_size=size", "bits=1024", "curve=ec.SECT163R2", 'revision="abc1234"',
    'revision="main"', "revision=rev", "commit_id=None", "where=[x]", 'where=["a = 1"]', 'select={"a": "b"}',
    "select={'a': x}", "tables=t", "sql=x", 'sql="SELECT 1"', "verify=check", "timeout=None", "**kw",
    "load=1", "params=[x]",
]
SQL = [
    'q = "SELECT * FROM t WHERE a = %s" % x',
    'q = "DELETE FROM t WHERE a = " + x + " AND b = 1"',
    'q = "UPDATE t SET a = {}".format(x)',
    'q = "INSERT INTO t VALUES (IDENT)".replace("IDENT", x)',
    'q = f"SELECT * FROM t WHERE a = {x}"',
    'cur.execute("SELECT * FROM t WHERE a = %s" % x)',
    'cur.execute(sql="SELECT * FROM t WHERE a = %s" % x)',
    'cur.execute(f"DELETE FROM t WHERE a = {x}", p)',
    'cur.execute("select a " + "from t " + x)',
    'q = x + "select * from t where a = " + y',
    'q = ("SELECT * "\n     "FROM t WHERE a = %s" % x)',
    'q = (f"SELECT * FROM t "\n     f"WHERE a = {x}")',
    'run(("SELECT * FROM t WHERE a = %s" % x))',
    'q = "select * from t where a = %s" % (x,) if c else "b"',
    'q = ["SELECT * FROM t WHERE a = %s" % x]',
    'cur.execute("SELECT * FROM t WHERE a = {}".format(x))',
    'q = "%s" % "UPDATE t SET a = 1 WHERE b = "',
]
BODIES = [
    "a = 'x'\n    mark_safe(a)", "a = x\n    mark_safe(a)", "a = '{}'.format('b')\n    mark_safe(a)",
    "a = '{}'.format(b)\n    mark_safe(a)", "if c:\n        a = 'x'\n    else:\n        a = 'y'\n    mark_safe(a)",
    "a, b = 'x', y\n    mark_safe(a)", "a, b = 'x', y\n    mark_safe(b)", "with open(p) as a:\n        mark_safe(a)",
    "mark_safe('%s' % 'x')", "mark_safe('%s' % x)", "mark_safe(p)", "a = 'x'\n    a += y\n    mark_safe(a)",
    "try:\n        a = 'x'\n    except E:\n        a = y\n    mark_safe(a)", "for i in z:\n        a = i\n    mark_safe(a)",
]
def call():
    callee = random.choice(CALLEES)
    args = random.sample(ARGS, random.choice([0, 1, 1, 2, 3]))
    kws = random.sample(KWARGS, random.choice([0, 1, 1, 2]))
    seen = set(); kw2 = []
    for k in kws:
        name = k.split("=")[0]
        if name in seen: continue
        seen.add(name); kw2.append(k)
    if any(a.startswith("*") for a in args):
        args = [a for a in args if not a.startswith("*")] + [a for a in args if a.startswith("*")]
    parts = args + kw2
    if random.random() < 0.2 and parts:
        return f"{callee}(\n    " + ",\n    ".join(parts) + ",\n)"
    return f"{callee}({', '.join(parts)})"
def fuzz_tree(out, seed, files):
    random.seed(seed)
    os.makedirs(out, exist_ok=True)
    for n in range(files):
        lines = []
        imps = random.sample(IMPORTS, random.randint(3, 12))
        late = random.random() < 0.3
        if not late:
            lines += imps
        for _ in range(random.randint(10, 40)):
            r = random.random()
            if r < 0.6:
                lines.append(call())
            elif r < 0.8:
                lines.append(random.choice(SQL))
            elif r < 0.9:
                default = random.choice(["ssl.PROTOCOL_SSLv2", "SSL.TLSv1_METHOD", "ssl.PROTOCOL_TLS", "x"])
                kind = random.choice(["def", "def", "async def"])
                lines.append(f"{kind} f{len(lines)}(p, version={default}):\n    " + random.choice(BODIES))
            else:
                lines.append(f"def g{len(lines)}(p):\n    " + random.choice(BODIES))
            if late and random.random() < 0.1:
                lines.append(random.choice(imps))
        src = "\n".join(lines) + "\n"
        try:
            compile(src, "x", "exec")
        except SyntaxError:
            continue
        open(os.path.join(out, f"f{n}.py"), "w").write(src)


def compare_fixtures(bandit: str, pyward: str) -> int:
    """Both tools on the fixtures: id, line, severity and confidence must agree."""
    proc = subprocess.run(
        [bandit, "-r", ".", "-f", "json", "-q"], cwd=FIXTURES, capture_output=True, text=True
    )
    b_report = json.loads(proc.stdout)
    p_report = run_pyward(pyward, FIXTURES)
    b_found, b_details, _files, _errors = bandit_findings(b_report)
    p_found, p_details, _ = pyward_findings(p_report)
    problems = 0
    for key in sorted(set(b_found) | set(p_found)):
        b, p = b_found.get(key, 0), p_found.get(key, 0)
        text = source_line(FIXTURES, key[0], key[1])
        if b != p:
            kind = "missing" if b > p else "extra"
            if allowed(kind, key, text):
                continue
            problems += 1
            print(f"{kind.upper():7} {key[2]} {key[0]}:{key[1]} bandit x{b} pyward x{p}: {text.strip()}")
        elif b_details[key][:2] != p_details[key][:2]:
            problems += 1
            print(
                f"LEVELS  {key[2]} {key[0]}:{key[1]} bandit {b_details[key][0]}/{b_details[key][1]}"
                f" pyward {p_details[key][0]}/{p_details[key][1]}"
            )
    total = sum(b_found.values())
    print(f"fixtures: bandit {total} findings, {problems} differences")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="*", help="project names under bench/work/sdists (default: all)")
    parser.add_argument("--trees", type=Path, default=TREES)
    parser.add_argument("--bandit", help="bandit executable (default: a venv in bench/work)")
    parser.add_argument("--pyward", help="pyward executable (default: target/release/pyward or $PYWARD_BIN)")
    parser.add_argument("--out", type=Path, default=WORK / "mismatches")
    parser.add_argument("--refresh", action="store_true", help="run Bandit again instead of using its cached results")
    parser.add_argument("--bandit-only", action="store_true", help="only run (and cache) Bandit")
    parser.add_argument("--fixtures", action="store_true", help="compare on the rule fixtures instead")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--profile",
        choices=["bandit", "precise"],
        default="bandit",
        help="pyward's profile (default: bandit, which must equal Bandit's findings)",
    )
    parser.add_argument("--sample", type=int, default=30, help="dropped findings to sample for review (--profile precise)")
    parser.add_argument("--seed", type=int, default=14, help="seed of the sample")
    parser.add_argument(
        "--fuzz",
        type=int,
        metavar="SEED",
        help="generate a tree of random snippets (calls, SQL strings, mark_safe) from SEED in "
        "bench/work/fuzz and compare on it",
    )
    args = parser.parse_args()

    bandit = ensure_bandit(args.bandit)
    if not args.bandit_only:
        PROFILE_ARGS.extend(profile_arguments(find_pyward(args.pyward), args.profile))
    if args.fixtures:
        return compare_fixtures(bandit, find_pyward(args.pyward))

    if args.fuzz is not None:
        args.trees = WORK / "fuzz"
        name = f"seed{args.fuzz}"
        if not (args.trees / name).is_dir():
            fuzz_tree(str(args.trees / name), args.fuzz, 200)
        args.projects = [name]
        args.refresh = True

    if not args.trees.is_dir():
        sys.exit(f"no trees in {args.trees}: run scripts/fetch_sdists.sh first")
    names = args.projects or sorted(p.name for p in args.trees.iterdir() if p.is_dir())
    pyward = None if args.bandit_only else find_pyward(args.pyward)

    results = []
    by_rule: dict = {}
    for name in names:
        tree = args.trees / name
        bandit_report = run_bandit(bandit, tree, WORK / "bandit" / f"{name}.json", args.refresh)
        if pyward is None:
            continue
        pyward_report = run_pyward(pyward, tree)
        results.append(compare_tree(name, tree, bandit_report, pyward_report, args.out, by_rule))
    if pyward is None:
        return 0

    total = collections.Counter()
    for r in results:
        for k in ("bandit", "pyward", "matched", "missing", "extra", "allowed"):
            total[k] += r[k]
    recall = total["matched"] / total["bandit"] if total["bandit"] else 1.0
    extra_rate = total["extra"] / total["pyward"] if total["pyward"] else 0.0

    print(f"{'project':16} {'bandit':>7} {'pyward':>7} {'matched':>7} {'missing':>7} {'extra':>6} {'recall':>7} {'extra%':>7}")
    for r in results:
        print(
            f"{r['project']:16} {r['bandit']:7} {r['pyward']:7} {r['matched']:7} {r['missing']:7} {r['extra']:6}"
            f" {r['recall'] * 100:6.2f}% {r['extra_rate'] * 100:6.2f}%"
        )
    print(
        f"{'TOTAL':16} {total['bandit']:7} {total['pyward']:7} {total['matched']:7} {total['missing']:7}"
        f" {total['extra']:6} {recall * 100:6.2f}% {extra_rate * 100:6.2f}%"
    )
    if args.profile == "precise":
        return report_drops(results, by_rule, args, names)
    summary = ["# by rule: bandit pyward matched missing extra"]
    for rule in sorted(by_rule):
        s = by_rule[rule]
        summary.append(f"{rule} {s['bandit']:6} {s['pyward']:6} {s['matched']:6} {s['missing']:6} {s['extra']:6}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.txt").write_text("\n".join(summary) + "\n")
    print(f"mismatches: {args.out}/<project>.txt, by rule: {args.out}/summary.txt")
    if args.json:
        args.json.write_text(json.dumps({"projects": results, "recall": recall, "extra_rate": extra_rate}, indent=2))
    ok = recall >= RECALL_TARGET and extra_rate <= EXTRA_TARGET
    if not ok:
        print(f"FAIL: recall {recall:.2%} (target {RECALL_TARGET:.0%}), extra {extra_rate:.2%} (target {EXTRA_TARGET:.0%})")
    return 0 if ok else 1


def report_drops(results: list, by_rule: dict, args, names: list[str]) -> int:
    """The precise profile: Bandit's findings that pyward does not report,
    per rule, and a sample of them for review."""
    print()
    print("Bandit findings dropped by the precise profile, by rule:")
    print(f"{'rule':6} {'bandit':>7} {'dropped':>8} {'kept':>6}")
    dropped_total = 0
    for rule in sorted(by_rule):
        stats = by_rule[rule]
        if not stats["bandit"]:
            continue
        dropped_total += stats["missing"]
        print(f"{rule:6} {stats['bandit']:7} {stats['missing']:8} {stats['matched']:6}")
    total = sum(r["bandit"] for r in results)
    print(f"{'TOTAL':6} {total:7} {dropped_total:8} {total - dropped_total:6}")
    # Every dropped finding, from the mismatch files, then a sample.
    dropped = []
    for name in names:
        path = args.out / f"{name}.txt"
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            if line.startswith("MISSING "):
                _, rule, where, *_ = line.split()
                file, number = where.rsplit(":", 1)
                dropped.append((name, rule, file, int(number)))
    rng = random.Random(args.seed)
    sample = rng.sample(dropped, min(args.sample, len(dropped)))
    sample.sort()
    out = [
        f"# {len(sample)} of {len(dropped)} dropped findings (seed {args.seed})",
        "",
    ]
    for name, rule, file, number in sample:
        tree = args.trees / name
        out.append(f"## {name}/{file}:{number} {rule}")
        out.append("")
        out.append("```python")
        try:
            lines = (tree / file).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        for n in range(max(1, number - 8), min(len(lines), number + 2) + 1):
            marker = ">" if n == number else " "
            out.append(f"{marker}{n:5} {lines[n - 1]}")
        out.append("```")
        out.append("")
    sample_path = args.out / "dropped-sample.md"
    sample_path.write_text("\n".join(out) + "\n")
    print(f"sample for review: {sample_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
