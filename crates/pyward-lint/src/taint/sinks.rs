//! Which calls and statements are sinks, and which of their arguments
//! reach the danger: what the rule walk hands the taint analysis for the
//! data-flow rules (one per [`SinkClass`]).

use ruff_python_ast::{self as ast, Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::label::SinkClass;
use super::models;
use crate::checker::Checker;

/// Which arguments of a call carry the data that matters.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Args {
    /// The first positional argument, or one of these keywords.
    First(&'static [&'static str]),
    /// The positional argument at this index, or one of these keywords.
    At(usize, &'static [&'static str]),
    /// These positions and keywords.
    Some(&'static [usize], &'static [&'static str]),
    /// Every argument.
    All,
}

/// A function (by dotted name) that is a sink.
fn function_sink(name: &str) -> Option<(SinkClass, Args)> {
    use SinkClass::{Code, Command, Deserialization, Path, Redirect, Sql, Ssrf, Template, Xss};
    Some(match name {
        "sqlalchemy.text" | "sqlalchemy.sql.text" | "sqlalchemy.sql.expression.text" => {
            (Sql, Args::First(&["text"]))
        }
        "django.db.models.expressions.RawSQL" | "django.db.models.RawSQL" => {
            (Sql, Args::First(&["sql"]))
        }
        "pandas.read_sql" | "pandas.read_sql_query" => (Sql, Args::First(&["sql"])),
        "os.system"
        | "os.popen"
        | "os.popen2"
        | "os.popen3"
        | "os.popen4"
        | "commands.getoutput"
        | "commands.getstatusoutput"
        | "subprocess.getoutput"
        | "subprocess.getstatusoutput"
        | "pty.spawn"
        | "asyncio.create_subprocess_shell"
        | "os.startfile" => (Command, Args::First(&["cmd", "command"])),
        "subprocess.Popen"
        | "subprocess.call"
        | "subprocess.check_call"
        | "subprocess.check_output"
        | "subprocess.run" => (Command, Args::First(&["args"])),
        "os.execl"
        | "os.execle"
        | "os.execlp"
        | "os.execlpe"
        | "os.execv"
        | "os.execve"
        | "os.execvp"
        | "os.execvpe"
        | "os.spawnl"
        | "os.spawnle"
        | "os.spawnlp"
        | "os.spawnlpe"
        | "os.spawnv"
        | "os.spawnve"
        | "os.spawnvp"
        | "os.spawnvpe"
        | "asyncio.create_subprocess_exec" => (Command, Args::All),
        "eval" | "exec" | "compile" | "builtins.eval" | "builtins.exec" | "builtins.compile" => {
            (Code, Args::First(&["source"]))
        }
        "open" | "io.open" | "codecs.open" | "os.open" | "builtins.open" => {
            (Path, Args::First(&["file", "filename", "path"]))
        }
        "pathlib.Path" | "pathlib.PurePath" | "pathlib.PosixPath" | "pathlib.WindowsPath" => {
            (Path, Args::Some(&[0, 1, 2, 3], &[]))
        }
        "flask.send_file" | "flask.helpers.send_file" | "werkzeug.utils.send_file" => {
            (Path, Args::First(&["path_or_file", "filename_or_fp"]))
        }
        "flask.send_from_directory"
        | "flask.helpers.send_from_directory"
        | "werkzeug.utils.send_from_directory" => (Path, Args::First(&["directory"])),
        "fastapi.responses.FileResponse" | "starlette.responses.FileResponse" => {
            (Path, Args::First(&["path"]))
        }
        "shutil.copy" | "shutil.copy2" | "shutil.copyfile" | "shutil.copytree" | "shutil.move"
        | "shutil.rmtree" | "os.remove" | "os.unlink" | "os.rmdir" | "os.removedirs"
        | "os.mkdir" | "os.makedirs" | "os.rename" | "os.renames" | "os.replace" | "os.listdir"
        | "os.scandir" | "os.chmod" | "os.chown" | "os.truncate" => {
            (Path, Args::Some(&[0, 1], &["src", "dst", "path"]))
        }
        "flask.make_response" | "flask.helpers.make_response" => (Xss, Args::All),
        "flask.Response" | "werkzeug.wrappers.Response" | "werkzeug.Response" => {
            (Xss, Args::First(&["response"]))
        }
        "django.http.HttpResponse" | "django.http.response.HttpResponse" => {
            (Xss, Args::First(&["content"]))
        }
        "markupsafe.Markup"
        | "flask.Markup"
        | "jinja2.Markup"
        | "django.utils.safestring.mark_safe"
        | "django.utils.safestring.SafeString"
        | "django.utils.safestring.SafeText" => (Xss, Args::First(&["s", "base"])),
        "django.utils.html.format_html" => (Xss, Args::First(&["format_string"])),
        "fastapi.responses.HTMLResponse" | "starlette.responses.HTMLResponse" => {
            (Xss, Args::First(&["content"]))
        }
        "flask.render_template_string" | "flask.templating.render_template_string" => {
            (Template, Args::First(&["source"]))
        }
        "jinja2.Template"
        | "jinja2.environment.Template"
        | "django.template.Template"
        | "django.template.base.Template"
        | "mako.template.Template" => (
            Template,
            Args::First(&["source", "template_string", "text"]),
        ),
        "flask.redirect" | "werkzeug.utils.redirect" | "flask.helpers.redirect" => {
            (Redirect, Args::First(&["location"]))
        }
        "django.shortcuts.redirect" => (Redirect, Args::First(&["to"])),
        "django.http.HttpResponseRedirect"
        | "django.http.HttpResponsePermanentRedirect"
        | "django.http.response.HttpResponseRedirect"
        | "django.http.response.HttpResponsePermanentRedirect" => {
            (Redirect, Args::First(&["redirect_to"]))
        }
        "fastapi.responses.RedirectResponse" | "starlette.responses.RedirectResponse" => {
            (Redirect, Args::First(&["url"]))
        }
        "requests.get"
        | "requests.post"
        | "requests.put"
        | "requests.delete"
        | "requests.patch"
        | "requests.head"
        | "requests.options"
        | "requests.api.get"
        | "requests.api.post"
        | "httpx.get"
        | "httpx.post"
        | "httpx.put"
        | "httpx.delete"
        | "httpx.patch"
        | "httpx.head"
        | "httpx.options"
        | "httpx.stream"
        | "urllib.request.urlopen"
        | "urllib.request.Request"
        | "urllib.request.urlretrieve"
        | "urllib2.urlopen"
        | "urllib.urlopen"
        | "urllib3.request" => (Ssrf, Args::First(&["url"])),
        "requests.request" | "requests.api.request" | "httpx.request" | "aiohttp.request" => {
            (Ssrf, Args::At(1, &["url"]))
        }
        "http.client.HTTPConnection" | "http.client.HTTPSConnection" => {
            (Ssrf, Args::First(&["host"]))
        }
        "pickle.loads"
        | "pickle.load"
        | "cPickle.loads"
        | "cPickle.load"
        | "_pickle.loads"
        | "dill.loads"
        | "dill.load"
        | "marshal.loads"
        | "marshal.load"
        | "jsonpickle.decode"
        | "jsonpickle.unpickler.decode"
        | "pandas.read_pickle"
        | "yaml.unsafe_load"
        | "yaml.unsafe_load_all"
        | "shelve.open" => (
            Deserialization,
            Args::First(&["data", "s", "string", "stream"]),
        ),
        _ => return None,
    })
}

/// A method (by name, on any receiver) that is a sink.
fn method_sink(checker: &Checker<'_>, name: &str) -> Option<(SinkClass, Args)> {
    use SinkClass::{Command, Ldap, Sql, Template, Xpath};
    Some(match name {
        "execute" | "executemany" | "executescript" | "mogrify" => (
            Sql,
            Args::First(&["sql", "query", "statement", "operation"]),
        ),
        "raw" => (Sql, Args::First(&["raw_query"])),
        "extra" => (
            Sql,
            Args::Some(
                &[0, 1, 2, 3, 4, 5],
                &["select", "where", "tables", "order_by", "params"],
            ),
        ),
        "exec_command" => (Command, Args::First(&["command"])),
        "from_string" => (Template, Args::First(&["source"])),
        "xpath" => (Xpath, Args::First(&["_path"])),
        "find" | "findall" | "findtext" | "iterfind" if checker.mentions().xml => {
            (Xpath, Args::First(&["path", "match"]))
        }
        "search_s" | "search_st" | "search_ext" | "search_ext_s" | "search"
            if checker.mentions().ldap =>
        {
            match name {
                // ldap3: `search(search_base, search_filter, ...)`.
                "search" => (Ldap, Args::Some(&[0, 1], &["search_base", "search_filter"])),
                _ => (Ldap, Args::Some(&[0, 2], &["base", "filterstr"])),
            }
        }
        _ => return None,
    })
}

/// The arguments `args` selects.
pub(crate) fn select(call: &ExprCall, args: Args) -> Vec<&Expr> {
    let positional = &call.arguments.args;
    let keyword = |names: &[&str]| {
        call.arguments
            .keywords
            .iter()
            .filter(|k| k.arg.as_ref().is_some_and(|a| names.contains(&a.as_str())))
            .map(|k| &k.value)
            .collect::<Vec<_>>()
    };
    let mut out: Vec<&Expr> = match args {
        Args::First(names) => positional
            .first()
            .into_iter()
            .chain(keyword(names))
            .collect(),
        Args::At(index, names) => positional
            .get(index)
            .into_iter()
            .chain(keyword(names))
            .collect(),
        Args::Some(indices, names) => indices
            .iter()
            .filter_map(|&i| positional.get(i))
            .chain(keyword(names))
            .collect(),
        Args::All => positional
            .iter()
            .chain(call.arguments.keywords.iter().map(|k| &k.value))
            .collect(),
    };
    // `*args` and `**kwargs` may hold the data too.
    if !matches!(args, Args::All) {
        out.extend(positional.iter().filter(|a| a.is_starred_expr()));
        out.extend(
            call.arguments
                .keywords
                .iter()
                .filter(|k| k.arg.is_none())
                .map(|k| &k.value),
        );
    }
    out
}

/// What the walk found at a sink: its class, the expressions that reach it,
/// a parser that must be unsafe (XXE), and how to name it.
pub(crate) struct SinkMatch<'a> {
    pub(crate) class: SinkClass,
    pub(crate) watched: Vec<&'a Expr>,
    pub(crate) gate: Option<TextRange>,
    pub(crate) name: String,
}

/// The sink a call is, if any.
pub(crate) fn call_sink<'a>(
    checker: &mut Checker<'_>,
    call: &'a ExprCall,
) -> Option<SinkMatch<'a>> {
    let settings = checker.settings();
    // What the name says, without copying it unless it is a sink.
    enum Found {
        Declared(SinkClass, String),
        Special(String),
        Function(SinkClass, Args, String),
        Method,
    }
    let found = match checker.call_qualified_name(call) {
        Some(name) => {
            let dotted = name.as_str();
            let imported = name.is_imported();
            if let Some(&class) = settings.taint.sinks.get(dotted) {
                Found::Declared(class, dotted.to_string())
            } else if is_special(dotted) {
                Found::Special(dotted.to_string())
            } else if let Some((class, args)) = function_sink(dotted) {
                let shown = if imported {
                    dotted.to_string()
                } else {
                    String::new()
                };
                Found::Function(class, args, shown)
            } else {
                Found::Method
            }
        }
        None => Found::Method,
    };
    let (class, args, name) = match found {
        Found::Declared(class, name) => {
            return Some(SinkMatch {
                class,
                watched: select(call, Args::All),
                gate: None,
                name,
            });
        }
        Found::Special(name) => return special(checker, call, &name),
        Found::Function(class, args, name) => (class, args, name),
        Found::Method => {
            let Expr::Attribute(attribute) = &*call.func else {
                return None;
            };
            let (class, args) = method_sink(checker, attribute.attr.as_str())?;
            (class, args, String::new())
        }
    };
    let name = if name.is_empty() {
        checker.short_text(call.func.range())
    } else {
        name
    };
    Some(SinkMatch {
        class,
        watched: select(call, args),
        gate: None,
        name,
    })
}

fn is_special(name: &str) -> bool {
    matches!(
        name,
        "yaml.load"
            | "yaml.load_all"
            | "numpy.load"
            | "lxml.etree.fromstring"
            | "lxml.etree.XML"
            | "lxml.etree.parse"
            | "lxml.etree.iterparse"
    )
}

/// Sinks whose danger depends on how they are called.
fn special<'a>(checker: &Checker<'_>, call: &'a ExprCall, name: &str) -> Option<SinkMatch<'a>> {
    let args = &call.arguments.args;
    match name {
        // Only with an unsafe loader (`SafeLoader` and `yaml.safe_load`
        // build plain data).
        "yaml.load" | "yaml.load_all" => {
            let loader = call
                .arguments
                .find_keyword("Loader")
                .map(|k| &k.value)
                .or_else(|| args.get(1));
            let safe = loader.is_some_and(|l| {
                let text = checker.short_text(l.range());
                text.ends_with("SafeLoader")
                    || text.ends_with("CSafeLoader")
                    || text.ends_with("BaseLoader")
            });
            (!safe).then(|| SinkMatch {
                class: SinkClass::Deserialization,
                watched: select(call, Args::First(&["stream"])),
                gate: None,
                name: name.to_string(),
            })
        }
        "numpy.load" => {
            let pickles = call
                .arguments
                .find_keyword("allow_pickle")
                .is_some_and(|k| matches!(&k.value, Expr::BooleanLiteral(b) if b.value));
            pickles.then(|| SinkMatch {
                class: SinkClass::Deserialization,
                watched: select(call, Args::First(&["file"])),
                gate: None,
                name: name.to_string(),
            })
        }
        // External entities are resolved only by a parser made so.
        "lxml.etree.fromstring"
        | "lxml.etree.XML"
        | "lxml.etree.parse"
        | "lxml.etree.iterparse" => {
            let parser = call
                .arguments
                .find_keyword("parser")
                .map(|k| &k.value)
                .or_else(|| args.get(1))?;
            Some(SinkMatch {
                class: SinkClass::Xxe,
                watched: select(call, Args::First(&["text", "source"])),
                gate: Some(parser.range()),
                name: name.to_string(),
            })
        }
        _ => None,
    }
}

/// `parser.parse(data)` / `parser.feed(data)` on a parser whose value the
/// analysis knows (an `xml.sax` reader with external entities switched
/// on).
pub(crate) fn parser_method_sink<'a>(call: &'a ExprCall) -> Option<SinkMatch<'a>> {
    let Expr::Attribute(attribute) = &*call.func else {
        return None;
    };
    if !matches!(attribute.attr.as_str(), "parse" | "feed" | "parseString") {
        return None;
    }
    if !matches!(&*attribute.value, Expr::Name(_)) {
        return None;
    }
    Some(SinkMatch {
        class: SinkClass::Xxe,
        watched: call.arguments.args.first().into_iter().collect(),
        gate: Some(attribute.value.range()),
        name: format!("{}()", attribute.attr),
    })
}

/// Assignments that are sinks: `session[key] = value` (trust boundary),
/// `response.headers[name] = value` and `response[name] = value`
/// (headers).
pub(crate) fn assignment_sink<'a>(checker: &Checker<'_>, stmt: &'a Stmt) -> Option<SinkMatch<'a>> {
    let (target, value) = match stmt {
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [target] => (target, &*assign.value),
            _ => return None,
        },
        Stmt::AugAssign(assign) => (&*assign.target, &*assign.value),
        _ => return None,
    };
    let Expr::Subscript(subscript) = target else {
        return None;
    };
    let container = &*subscript.value;
    let class = match container {
        Expr::Name(name) if name.id.as_str() == "session" => {
            let resolved = checker.resolve_qualified_name(container);
            resolved
                .is_some_and(|q| q.is_in("flask") || q.is_in("quart"))
                .then_some(SinkClass::TrustBoundary)?
        }
        Expr::Attribute(attribute) if attribute.attr.as_str() == "session" => {
            SinkClass::TrustBoundary
        }
        Expr::Attribute(attribute) if attribute.attr.as_str() == "headers" => SinkClass::Header,
        Expr::Name(name) if matches!(name.id.as_str(), "response" | "resp" | "res") => {
            SinkClass::Header
        }
        _ => return None,
    };
    let name = match class {
        SinkClass::TrustBoundary => "session[...]".to_string(),
        _ => format!("{}[...]", checker.short_text(container.range())),
    };
    Some(SinkMatch {
        class,
        watched: vec![value],
        gate: None,
        name,
    })
}

/// Logging calls: `logging.info(msg, *args)`, `logger.warning(...)`.
pub(crate) fn log_sink<'a>(checker: &mut Checker<'_>, call: &'a ExprCall) -> Option<SinkMatch<'a>> {
    let Expr::Attribute(attribute) = &*call.func else {
        return None;
    };
    if !matches!(
        attribute.attr.as_str(),
        "debug"
            | "info"
            | "warning"
            | "warn"
            | "error"
            | "critical"
            | "exception"
            | "log"
            | "fatal"
    ) {
        return None;
    }
    let logging = checker
        .call_qualified_name(call)
        .is_some_and(|q| q.is_in("logging") && q.is_imported());
    let receiver = checker
        .short_text(attribute.value.range())
        .to_ascii_lowercase();
    if !logging && !receiver.contains("log") {
        return None;
    }
    let skip = usize::from(attribute.attr.as_str() == "log");
    Some(SinkMatch {
        class: SinkClass::Log,
        watched: call.arguments.args.iter().skip(skip).collect(),
        gate: None,
        name: checker.short_text(call.func.range()),
    })
}

/// Whether a Flask view returns HTML: a route of a file that imports
/// Flask (FastAPI turns returned strings into JSON).
pub(crate) fn returns_html(checker: &Checker<'_>, function: &ast::StmtFunctionDef) -> bool {
    checker.mentions().flask
        && function.decorator_list.iter().any(|d| {
            matches!(&d.expression, Expr::Call(c) if matches!(
                &*c.func,
                Expr::Attribute(a) if matches!(a.attr.as_str(), "route" | "get" | "post")
            ))
        })
}

/// Whether a function is a request handler whose parameters are
/// request data (`@app.route("/<name>")`, `@router.get("/{id}")`).
pub(crate) fn is_route(function: &ast::StmtFunctionDef) -> bool {
    function.decorator_list.iter().any(|decorator| {
        let Expr::Call(call) = &decorator.expression else {
            return false;
        };
        let name = match &*call.func {
            Expr::Attribute(a) => a.attr.as_str(),
            Expr::Name(n) => n.id.as_str(),
            _ => return false,
        };
        if !models::ROUTE_DECORATORS.contains(&name) {
            return false;
        }
        let path = call
            .arguments
            .args
            .first()
            .or_else(|| call.arguments.find_keyword("path").map(|k| &k.value))
            .or_else(|| call.arguments.find_keyword("rule").map(|k| &k.value));
        matches!(path, Some(Expr::StringLiteral(s)) if s.value.to_str().starts_with('/'))
            || (name == "route" && path.is_some())
    })
}

/// Whether a returned value may be a string of HTML: not a call (a
/// response, a template, JSON), except string methods; not a container
/// (Flask sends those as JSON).
pub(crate) fn may_be_html(value: &Expr) -> bool {
    match value {
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(a) => matches!(
                a.attr.as_str(),
                "format"
                    | "join"
                    | "replace"
                    | "strip"
                    | "lower"
                    | "upper"
                    | "title"
                    | "capitalize"
            ),
            Expr::Name(n) => n.id.as_str() == "str",
            _ => false,
        },
        Expr::Dict(_) | Expr::List(_) | Expr::Tuple(_) | Expr::Set(_) | Expr::NoneLiteral(_) => {
            false
        }
        _ => true,
    }
}
