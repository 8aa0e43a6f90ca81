#!/usr/bin/env python3
"""Writes the labelled taint corpus: small view functions for Flask, Django
and FastAPI, one file per framework and sink class, half real
vulnerabilities and half safe look-alikes.

Every case puts its label on the sink line:

    cursor.execute(q)  # vuln: CWE-89 [plain]
    cursor.execute(q)  # safe: CWE-89 [overwritten]

The word in brackets is the case's trick: how it tries to fool a pattern
matcher (`overwritten`, `dead-branch`, `right-sanitiser`,
`wrong-sanitiser`, `parameterised`, `dict-key`, `helper-constant`,
`helper-argument`, `allow-list`) or how data travels (`plain`,
`propagation`).

Run it from anywhere: `python3 generate.py` rewrites the corpus in its own
folder. The cases are plain text templates; read them, do not trust them.
"""

from __future__ import annotations

import pathlib
import textwrap

HERE = pathlib.Path(__file__).resolve().parent

# ---- frameworks ------------------------------------------------------------

FRAMEWORKS = {
    "flask": {
        "header": [
            "from flask import Flask, abort, redirect, request, session, make_response, render_template_string, send_file",
            "",
            "app = Flask(__name__)",
        ],
        # (decorator and signature, statement binding `value`)
        "sources": [
            ('@app.route("/{n}")\ndef {n}():', 'value = request.args.get("q", "")'),
            ('@app.route("/{n}", methods=["POST"])\ndef {n}():', 'value = request.form["q"]'),
            ('@app.route("/{n}/<value>")\ndef {n}(value):', None),
            ('@app.route("/{n}")\ndef {n}():', 'value = request.cookies.get("q")'),
            ('@app.route("/{n}", methods=["POST"])\ndef {n}():', 'value = request.get_json()["q"]'),
            ('@app.route("/{n}")\ndef {n}():', 'value = request.headers["X-Q"]'),
        ],
        "abort": "abort(400)",
    },
    "django": {
        "header": [
            "from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect",
            "from django.shortcuts import redirect",
        ],
        "sources": [
            ("def {n}(request):", 'value = request.GET.get("q", "")'),
            ("def {n}(request):", 'value = request.POST["q"]'),
            ("def {n}(request, value):", None),
            ("def {n}(request):", 'value = request.COOKIES.get("q")'),
            ("def {n}(request):", 'value = request.META["HTTP_X_Q"]'),
            ("def {n}(request):", 'value = request.body.decode()'),
        ],
        "abort": "return HttpResponseBadRequest()",
    },
    "fastapi": {
        "header": [
            "from fastapi import FastAPI, HTTPException, Request",
            "from fastapi.responses import HTMLResponse, RedirectResponse",
            "",
            "app = FastAPI()",
        ],
        "sources": [
            ('@app.get("/{n}")\ndef {n}(value: str):', None),
            ('@app.get("/{n}/{{value}}")\nasync def {n}(value: str):', None),
            ('@app.get("/{n}")\nasync def {n}(request: Request):', 'value = request.query_params["q"]'),
            ('@app.post("/{n}")\nasync def {n}(request: Request):', 'value = (await request.json())["q"]'),
            ('@app.get("/{n}")\nasync def {n}(request: Request):', 'value = request.headers["x-q"]'),
            ('@app.get("/{n}")\ndef {n}(value: str = ""):', None),
        ],
        "abort": 'raise HTTPException(status_code=400)',
    },
}

# ---- sink classes ----------------------------------------------------------
#
# `sink(x)`: the sink statement for an expression `x` (one line);
# `right(x)`: `x` made safe for this class; `wrong(x)`: `x` passed through a
# sanitiser of another class; `safe_forms`: (trick, lines using `value`)
# particular to the class; `allowed`: a constant allow-list.

CLASSES = {
    "sql": {
        "cwe": "CWE-89",
        "imports": ["import sqlite3", "from html import escape", "DB = sqlite3.connect(':memory:')"],
        "sink": lambda x: f'DB.execute("SELECT * FROM users WHERE name = \'%s\'" % {x})',
        "sinks": [
            lambda x: f'DB.execute("SELECT * FROM users WHERE name = \'%s\'" % {x})',
            lambda x: f'DB.execute(f"SELECT * FROM users WHERE name = \'{{{x}}}\'")',
            lambda x: f'DB.execute("DELETE FROM users WHERE id = " + {x})',
            lambda x: f'DB.cursor().execute("SELECT * FROM t WHERE a = \'{{}}\'".format({x}))',
        ],
        "right": lambda x: f"int({x})",
        "wrong": lambda x: f"escape({x})",
        "safe_forms": [
            ("parameterised", ['DB.execute("SELECT * FROM users WHERE name = ?", (value,))  # LABEL']),
            ("parameterised", ['DB.executemany("INSERT INTO t VALUES (?)", [(value,)])  # LABEL']),
        ],
    },
    "command": {
        "cwe": "CWE-78",
        "imports": ["import os", "import shlex", "import subprocess", "from html import escape"],
        "sinks": [
            lambda x: f'os.system("ping -c 1 " + {x})',
            lambda x: f'subprocess.run(f"ls {{{x}}}", shell=True)',
            lambda x: f'subprocess.check_output("grep " + {x} + " log.txt", shell=True)',
            lambda x: f'os.popen("nslookup %s" % {x})',
        ],
        "right": lambda x: f"shlex.quote({x})",
        "wrong": lambda x: f"escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['os.system("ping -c 1 " + str(int(value)))  # LABEL']),
            ("right-sanitiser", ['subprocess.run("ls " + shlex.quote(value), shell=True)  # LABEL']),
        ],
    },
    "code": {
        "cwe": "CWE-95",
        "imports": ["import ast", "from html import escape"],
        "sinks": [
            lambda x: f"eval({x})",
            lambda x: f'exec("result = " + {x})',
            lambda x: f'eval(compile({x}, "<q>", "eval"))',
            lambda x: f'eval("1 + " + {x})',
        ],
        "right": lambda x: f"int({x})",
        "wrong": lambda x: f"escape({x})",
        "safe_forms": [
            ("right-sanitiser", ["eval(str(float(value)))  # LABEL"]),
            ("right-sanitiser", ['eval("2 * " + str(int(value)))  # LABEL']),
        ],
    },
    "path": {
        "cwe": "CWE-22",
        "imports": ["import os", "from html import escape", "from werkzeug.utils import secure_filename", 'BASE = "/srv/files"'],
        "sinks": [
            lambda x: f"open(os.path.join(BASE, {x})).read()",
            lambda x: f'open("/srv/files/" + {x}).read()',
            lambda x: f"os.remove(os.path.join(BASE, {x}))",
            lambda x: f'open(f"/srv/files/{{{x}}}", "rb").read()',
        ],
        "right": lambda x: f"os.path.basename({x})",
        "wrong": lambda x: f"escape({x})",
        "safe_forms": [
            ("right-sanitiser", ["open(os.path.join(BASE, secure_filename(value))).read()  # LABEL"]),
            (
                "right-sanitiser",
                [
                    "path = os.path.realpath(os.path.join(BASE, value))",
                    "if not path.startswith(BASE + os.sep):",
                    "    ABORT",
                    "open(path).read()  # LABEL",
                ],
            ),
        ],
    },
    "xss": {
        "cwe": "CWE-79",
        "imports": ["import html", "import shlex", "from markupsafe import Markup"],
        "sinks": {
            "flask": [
                lambda x: f'make_response("<p>" + {x} + "</p>")',
                lambda x: f'Markup("<b>%s</b>" % {x})',
            ],
            "django": [
                lambda x: f'HttpResponse("<p>" + {x} + "</p>")',
                lambda x: f'HttpResponse(f"<div>{{{x}}}</div>")',
            ],
            "fastapi": [
                lambda x: f'HTMLResponse("<p>" + {x} + "</p>")',
                lambda x: f'HTMLResponse(content=f"<h1>{{{x}}}</h1>")',
            ],
        },
        "right": lambda x: f"html.escape({x})",
        "wrong": lambda x: f"shlex.quote({x})",
        "safe_forms": [
            ("right-sanitiser", ['Markup("<b>%s</b>" % html.escape(value))  # LABEL']),
            ("right-sanitiser", ['Markup("<i>%d</i>" % int(value))  # LABEL']),
        ],
    },
    "template": {
        "cwe": "CWE-1336",
        "imports": ["import html", "import jinja2"],
        "sinks": [
            lambda x: f'jinja2.Template("Hello " + {x}).render()',
            lambda x: f'jinja2.Template(f"<p>{{{x}}}</p>").render()',
            lambda x: f"jinja2.Environment().from_string({x}).render()",
        ],
        "right": lambda x: f"str(int({x}))",
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['jinja2.Template("Hello {{ name }}").render(name=value)  # LABEL']),
            ("right-sanitiser", ['jinja2.Environment().from_string("{{ v }}").render(v=value)  # LABEL']),
        ],
    },
    "redirect": {
        "cwe": "CWE-601",
        "imports": ["import html", "from django.utils.http import url_has_allowed_host_and_scheme"],
        "sinks": {
            "flask": [lambda x: f"redirect({x})", lambda x: f"redirect({x}, code=302)"],
            "django": [lambda x: f"HttpResponseRedirect({x})", lambda x: f"redirect({x})"],
            "fastapi": [lambda x: f"RedirectResponse({x})", lambda x: f"RedirectResponse(url={x})"],
        },
        "right": lambda x: f'"/profile/" + {x}',
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            (
                "right-sanitiser",
                [
                    'if not url_has_allowed_host_and_scheme(value, allowed_hosts={"example.com"}):',
                    '    value = "/"',
                    "SINK(value)  # LABEL",
                ],
            ),
            ("right-sanitiser", ['SINK(f"https://example.com/u/{value}")  # LABEL']),
        ],
    },
    "ssrf": {
        "cwe": "CWE-918",
        "imports": ["import html", "import urllib.request", "import requests", 'HOSTS = ("api.example.com", "cdn.example.com")'],
        "sinks": [
            lambda x: f"requests.get({x}, timeout=5)",
            lambda x: f"urllib.request.urlopen({x})",
            lambda x: f'requests.post("http://" + {x} + "/hook", timeout=5)',
            lambda x: f'requests.request("GET", {x}, timeout=5)',
        ],
        "right": lambda x: f'"https://api.example.com/items/" + {x}',
        # A fixed host only helps where the whole URL is built.
        "right_sink": 0,
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['requests.get(f"https://api.example.com/v1/{value}", timeout=5)  # LABEL']),
            ("right-sanitiser", ['urllib.request.urlopen("https://status.example.com/" + str(int(value)))  # LABEL']),
        ],
    },
    "ldap": {
        "cwe": "CWE-90",
        "imports": ["import html", "import ldap", "from ldap.filter import escape_filter_chars", 'CONN = ldap.initialize("ldap://localhost")', 'BASE_DN = "dc=example,dc=com"'],
        "sinks": [
            lambda x: f'CONN.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=" + {x} + ")")',
            lambda x: f'CONN.search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(cn={{{x}}})")',
            lambda x: f'CONN.search_s("ou=" + {x} + "," + BASE_DN, ldap.SCOPE_SUBTREE, "(objectClass=*)")',
        ],
        "right": lambda x: f"escape_filter_chars({x})",
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['CONN.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=%s)" % escape_filter_chars(value))  # LABEL']),
            ("right-sanitiser", ['CONN.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uidNumber=%d)" % int(value))  # LABEL']),
        ],
    },
    "xpath": {
        "cwe": "CWE-643",
        "imports": ["import html", "from lxml import etree", 'TREE = etree.parse("users.xml")'],
        "sinks": [
            lambda x: f"TREE.xpath(\"//user[@name='\" + {x} + \"']\")",
            lambda x: f"TREE.xpath(f\"//user[@id='{{{x}}}']/email\")",
            lambda x: f"TREE.getroot().findall(\".//user[@role='%s']\" % {x})",
        ],
        "right": lambda x: f"str(int({x}))",
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['TREE.xpath("//user[@name=$name]", name=value)  # LABEL']),
            ("right-sanitiser", ['TREE.xpath("//user[@id=$id]/email", id=value)  # LABEL']),
        ],
    },
    "xxe": {
        "cwe": "CWE-611",
        "imports": ["import html", "from lxml import etree", "UNSAFE = etree.XMLParser(resolve_entities=True)", "SAFE = etree.XMLParser(resolve_entities=False, no_network=True)"],
        "sinks": [
            lambda x: f"etree.fromstring({x}, UNSAFE)",
            lambda x: f"etree.fromstring({x}.encode(), parser=UNSAFE)",
            lambda x: f"etree.XML({x}, etree.XMLParser(resolve_entities=True))",
        ],
        "right": lambda x: f"str(int({x}))",
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ["etree.fromstring(value, SAFE)  # LABEL"]),
            ("right-sanitiser", ["etree.fromstring(value, etree.XMLParser(resolve_entities=False))  # LABEL"]),
        ],
    },
    "deserialization": {
        "cwe": "CWE-502",
        "imports": ["import base64", "import html", "import json", "import pickle", "import yaml"],
        "sinks": [
            lambda x: f"pickle.loads(base64.b64decode({x}))",
            lambda x: f"yaml.load({x}, Loader=yaml.Loader)",
            lambda x: f"pickle.loads({x}.encode())",
            lambda x: f"yaml.unsafe_load({x})",
        ],
        "right": lambda x: f"str(int({x}))",
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ["json.loads(base64.b64decode(value))  # LABEL"]),
            ("right-sanitiser", ["yaml.load(value, Loader=yaml.SafeLoader)  # LABEL"]),
        ],
    },
    "trust-boundary": {
        "cwe": "CWE-501",
        "imports": ["import html"],
        "sinks": {
            "flask": [lambda x: f'session["user"] = {x}', lambda x: f'session["role"] = {x}'],
            "django": [lambda x: f'request.session["user"] = {x}', lambda x: f'request.session["role"] = {x}'],
            "fastapi": [lambda x: f'request.session["user"] = {x}', lambda x: f'request.session["role"] = {x}'],
        },
        "right": lambda x: f"int({x})",
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ["SINK(int(value))  # LABEL"]),
            ("right-sanitiser", ["SINK(str(int(value)))  # LABEL"]),
        ],
        # FastAPI handlers need the request for `request.session`.
        "needs_request": True,
    },
    "header": {
        "cwe": "CWE-113",
        "imports": ["import html"],
        "sinks": {
            "flask": [lambda x: f'RESP.headers["X-Name"] = {x}', lambda x: f'RESP.headers["Content-Language"] = {x}'],
            "django": [lambda x: f'response["X-Name"] = {x}', lambda x: f'response["Content-Language"] = {x}'],
            "fastapi": [lambda x: f'RESP.headers["X-Name"] = {x}', lambda x: f'RESP.headers["Content-Language"] = {x}'],
        },
        "setup": {
            "flask": ['RESP = make_response("ok")'],
            "django": ['response = HttpResponse("ok")'],
            "fastapi": ['RESP = HTMLResponse("ok")'],
        },
        "right": lambda x: f'{x}.replace("\\r", "").replace("\\n", "")',
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['SINK(value.replace("\\n", "").replace("\\r", ""))  # LABEL']),
            ("right-sanitiser", ["SINK(str(int(value)))  # LABEL"]),
        ],
    },
    "log": {
        "cwe": "CWE-117",
        "imports": ["import html", "import logging", "logger = logging.getLogger(__name__)"],
        "sinks": [
            lambda x: f'logger.info("user: %s", {x})',
            lambda x: f'logger.warning("login failed for " + {x})',
            lambda x: f'logging.error(f"bad input {{{x}}}")',
        ],
        "right": lambda x: f'{x}.replace("\\n", " ").replace("\\r", " ")',
        "wrong": lambda x: f"html.escape({x})",
        "safe_forms": [
            ("right-sanitiser", ['logger.info("user: %s", value.replace("\\n", "").replace("\\r", ""))  # LABEL']),
            ("right-sanitiser", ['logger.info("count: %d", int(value))  # LABEL']),
        ],
    },
}

ALLOWED = '("alpha", "beta", "gamma")'
CHOICES = 'CHOICES = {"alpha": "a", "beta": "b"}'
STORE = "STORE = {}"


def sinks_for(spec: dict, framework: str) -> list:
    sinks = spec["sinks"]
    return sinks[framework] if isinstance(sinks, dict) else sinks


def cases(name: str, spec: dict, framework: str) -> list[tuple[str, str, list[str]]]:
    """(kind, trick, body lines using `value`), the sink line marked LABEL."""
    sinks = sinks_for(spec, framework)
    abort = FRAMEWORKS[framework]["abort"]
    sink = lambda i, x: sinks[i % len(sinks)](x) + "  # LABEL"  # noqa: E731
    out = [
        # Real vulnerabilities.
        ("vuln", "plain", [sink(0, "value")]),
        ("vuln", "plain", [sink(1, "value")]),
        ("vuln", "propagation", ["text = value.strip().lower()", "parts = [text, 'x']", "joined = '-'.join(parts)", sink(2, "joined")]),
        ("vuln", "propagation", ["data = {'a': 1}", "data['v'] = value", sink(3, "data['v']")]),
        ("vuln", "wrong-sanitiser", ["cleaned = " + spec["wrong"]("value"), sink(0, "cleaned")]),
        ("vuln", "helper-argument", ["passed = helpers.identity(value)", sink(1, "passed")]),
        ("vuln", "helper-argument", ["passed = helpers.get_param(value, 'x')", sink(2, "passed")]),
        ("vuln", "dict-key", ['d = {"keyA": "constant", "keyB": value}', sink(3, "d['keyB']")]),
        ("vuln", "propagation", ["for item in [value]:", "    " + sink(0, "item")]),
        ("vuln", "dead-branch", ["num = 106", "if 7 * 42 - num > 200:", '    chosen = "constant"', "else:", "    chosen = value", sink(1, "chosen")]),
        # Safe look-alikes.
        ("safe", "overwritten", ['value = "constant"', sink(0, "value")]),
        ("safe", "dead-branch", ["num = 86", "if 7 * 42 - num > 200:", '    chosen = "constant"', "else:", "    chosen = value", sink(1, "chosen")]),
        ("safe", "right-sanitiser", ["cleaned = " + spec["right"]("value"), sink(spec.get("right_sink", 2), "cleaned")]),
        ("safe", "dict-key", ['d = {"keyA": "constant", "keyB": value}', sink(3, "d['keyA']")]),
        ("safe", "helper-constant", ["fixed = helpers.constant(value)", sink(0, "fixed")]),
        ("safe", "allow-list", [f"if value not in {ALLOWED}:", "    " + abort, sink(1, "value")]),
        ("safe", "allow-list", [f"if value in {ALLOWED}:", "    " + sink(2, "value")]),
        ("safe", "overwritten", ["other = value", 'other = "fixed"', sink(3, "other")]),
        # Harder ones: the same tricks, less plainly.
        ("vuln", "wrong-sanitiser", ["if len(value) > 3:", "    value = " + spec["right"]("value"), sink(0, "value")]),
        ("vuln", "wrong-sanitiser", ["cleaned = " + spec["right"]("value"), "final = value + str(cleaned)", sink(1, "final")]),
        ("vuln", "propagation", ["try:", "    number = int(value)", "except ValueError:", "    number = value", sink(2, "number")]),
        ("vuln", "helper-argument", ["wrapped = helpers.wrap(value)", sink(3, "wrapped")]),
        ("vuln", "propagation", ["items = []", "items.append(value)", sink(0, "','.join(items)")]),
        ("vuln", "propagation", ["holder = helpers.Holder()", "holder.data = value", sink(1, "holder.data")]),
        ("safe", "allow-list", ["if not value.isdigit():", "    " + abort, sink(2, "value")]),
        ("safe", "allow-list", ['if not re.fullmatch(r"[a-z0-9]+", value):', "    " + abort, sink(3, "value")]),
        ("safe", "helper-constant", ["fixed = helpers.wrap_constant(value)", sink(0, "fixed")]),
        ("safe", "overwritten", ["if len(value) > 3:", '    value = "long"', "else:", '    value = "short"', sink(1, "value")]),
        ("safe", "overwritten", ['for value in ("a", "b"):', "    " + sink(2, "value")]),
        ("safe", "right-sanitiser", ["try:", "    number = int(value)", "except ValueError:", "    " + abort, sink(3, "str(number)")]),
        ("safe", "allow-list", ['choice = CHOICES.get(value, "alpha")', sink(0, "choice")]),
        # Known limits of the analysis, kept to keep the score honest: data
        # kept in a module-level table and used by another function (missed),
        # and a project validator that raises on bad input (not known to
        # clean).
        ("vuln", "propagation", ['STORE["last"] = value', "GLOBAL_USE"]),
        ("safe", "right-sanitiser", ["helpers.validate(value)", sink(1, "value")]),
    ]
    for trick, lines in spec["safe_forms"]:
        body = []
        for line in lines:
            line = line.replace("ABORT", abort)
            if "SINK(" in line:
                # `SINK(expr)  # LABEL`: the class's first sink on `expr`.
                inner = line.split("SINK(", 1)[1].rsplit(")  # LABEL", 1)[0]
                prefix = line.split("SINK(", 1)[0]
                line = prefix + sinks[0](inner) + "  # LABEL"
            body.append(line)
        out.append(("safe", trick, body))
    return out


def view(framework: str, n: str, index: int, body: list[str], spec: dict) -> list[str]:
    fw = FRAMEWORKS[framework]
    sources = fw["sources"]
    if spec.get("needs_request") and framework == "fastapi":
        # Sources that keep a `request` in scope.
        sources = [s for s in sources if "request" in s[0]]
    if spec.get("needs_request") and framework == "django":
        sources = [s for s in sources if "request" in s[0]]
    header, bind = sources[index % len(sources)]
    lines = header.format(n=n).split("\n")
    indent = "    "
    if bind:
        lines.append(indent + bind)
    for setup in spec.get("setup", {}).get(framework, []):
        lines.append(indent + setup)
    lines += [indent + l for l in body]
    # Django and header cases return what they built.
    if framework == "django" and spec is CLASSES["header"]:
        lines.append(indent + "return response")
    return lines


def main() -> int:
    total = {"vuln": 0, "safe": 0}
    for framework in FRAMEWORKS:
        folder = HERE / framework
        folder.mkdir(exist_ok=True)
        (folder / "helpers.py").write_text(
            textwrap.dedent(
                '''\
                """Helpers the views call: one returns a constant, two pass their argument on."""


                def constant(value):
                    return "bar"


                def identity(value):
                    return value


                def get_param(value, default):
                    if value:
                        return value
                    return default


                def wrap(value):
                    return "<" + identity(value) + ">"


                def wrap_constant(value):
                    return constant(value)


                class Holder:
                    data = None


                def validate(value):
                    if not value.isalnum():
                        raise ValueError(value)
                '''
            )
        )
        for name, spec in CLASSES.items():
            out = [f'"""Labelled cases: {name} ({spec["cwe"]}), {framework}. Generated by ../generate.py."""', ""]
            imports = [l for l in spec["imports"] if l.startswith(("import ", "from "))]
            setup = [l for l in spec["imports"] if not l.startswith(("import ", "from "))]
            framework_imports = [l for l in FRAMEWORKS[framework]["header"] if l.startswith(("import ", "from "))]
            framework_setup = [l for l in FRAMEWORKS[framework]["header"] if l and not l.startswith(("import ", "from "))]
            out += framework_imports + ["import re"] + imports + ["", "import helpers", ""] + framework_setup + setup
            out += [CHOICES, STORE]
            sinks = sinks_for(spec, framework)
            for index, (kind, trick, body) in enumerate(cases(name, spec, framework)):
                n = f"{name.replace('-', '_')}_{index:02}"
                label = f"# {kind}: {spec['cwe']} [{trick}]"
                helper = None
                if "GLOBAL_USE" in body:
                    body = [l for l in body if l != "GLOBAL_USE"] + [f"use_{n}()"]
                    helper = ["", "", f"def use_{n}():"]
                    helper += ["    " + l for l in spec.get("setup", {}).get(framework, [])]
                    helper.append("    " + sinks[0]('STORE["last"]') + "  " + label)
                body = [l.replace("# LABEL", label) for l in body]
                out += ["", ""] + view(framework, n, index, body, spec)
                if helper:
                    out += helper
                total[kind] += 1
            (folder / f"{name.replace('-', '_')}.py").write_text("\n".join(out) + "\n")
    print(f"{total['vuln']} vulnerable cases, {total['safe']} safe look-alikes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
