//! What the analysis knows of libraries: where untrusted data comes from
//! (sources), which calls make a value safe for which sinks (sanitisers),
//! which pass data through unchanged (propagators), and which calls are
//! sinks. Functions are named by their dotted names, as imports resolve
//! them (`flask.request`, `os.path.join`); methods by their name alone,
//! whatever the receiver.

use super::label::{ClassSet, SinkClass};

/// Qualified names that refer to Flask's (and look-alikes') request object.
pub(crate) const REQUEST_OBJECTS: &[&str] = &[
    "flask.request",
    "flask.globals.request",
    "quart.request",
    "werkzeug.local.request",
];

/// Attributes of a request object that hold request data, and how a
/// message names them.
pub(crate) const REQUEST_ATTRIBUTES: &[(&str, &str)] = &[
    ("args", "query parameter"),
    ("form", "form field"),
    ("values", "request parameter"),
    ("cookies", "cookie"),
    ("COOKIES", "cookie"),
    ("headers", "header"),
    ("json", "JSON body"),
    ("data", "request body"),
    ("files", "uploaded file"),
    ("FILES", "uploaded file"),
    ("GET", "query parameter"),
    ("POST", "form field"),
    ("META", "request header"),
    ("body", "request body"),
    ("query_params", "query parameter"),
    ("path_params", "path parameter"),
    ("path", "request path"),
    ("full_path", "request path"),
    ("path_info", "request path"),
    ("url", "request URL"),
    ("base_url", "request URL"),
    ("query_string", "query string"),
    ("stream", "request body"),
    ("environ", "WSGI environment"),
    ("view_args", "URL parameter"),
    ("referrer", "Referer header"),
    ("user_agent", "User-Agent header"),
    ("authorization", "Authorization header"),
];

/// Methods of a request object whose result is request data.
pub(crate) const REQUEST_METHODS: &[(&str, &str)] = &[
    ("get_json", "JSON body"),
    ("get_data", "request body"),
    ("json", "JSON body"),
    ("body", "request body"),
    ("form", "form data"),
    ("read", "request body"),
    ("readline", "request body"),
    ("readlines", "request body"),
    ("get_full_path", "request path"),
    ("get_full_path_info", "request path"),
    ("build_absolute_uri", "request URL"),
    ("stream", "request body"),
];

/// Decorator methods that make a function a request handler whose
/// parameters come from the request (`@app.route("/u/<name>")`,
/// `@router.get("/items/{id}")`).
pub(crate) const ROUTE_DECORATORS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "api_route",
    "websocket",
];

/// Parameter annotations of a request object (FastAPI, Starlette, Django,
/// Django REST framework).
pub(crate) const REQUEST_ANNOTATIONS: &[&str] = &[
    "Request",
    "HttpRequest",
    "WSGIRequest",
    "ASGIRequest",
    "WebSocket",
];

/// Parameter annotations of framework objects that are not request data.
pub(crate) const NOT_REQUEST_DATA: &[&str] = &[
    "Response",
    "BackgroundTasks",
    "Session",
    "AsyncSession",
    "HTTPConnection",
    "SecurityScopes",
];

/// What a library function does with data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Model {
    /// The result carries the arguments, sanitised for these classes
    /// (`ClassSet::ALL`: nothing dangerous is left, as with `int()`).
    Sanitise(ClassSet),
    /// The result carries the arguments unchanged.
    Propagate,
    /// The result carries the arguments; it is a normalised path (what
    /// a `startswith(base)` check needs to clean it).
    NormalisePath,
    /// Untrusted input that only counts when local sources are on.
    LocalSource(&'static str),
    /// An XML parser object; see [`xml_parser_is_unsafe`].
    XmlParser,
}

const fn set(classes: &[SinkClass]) -> ClassSet {
    // `ClassSet::of` is not `const`; this is the same fold.
    let mut bits = 0u16;
    let mut i = 0;
    while i < classes.len() {
        bits |= 1 << (classes[i] as u16);
        i += 1;
    }
    ClassSet::from_bits(bits)
}

const XSS: ClassSet = set(&[SinkClass::Xss]);
const HEADERS_AND_LOGS: ClassSet = set(&[SinkClass::Header, SinkClass::Log]);

/// Library functions by dotted name.
pub(crate) fn function(name: &str) -> Option<Model> {
    use Model::{LocalSource, NormalisePath, Propagate, Sanitise, XmlParser};
    Some(match name {
        // Conversions that leave nothing to inject.
        "int"
        | "float"
        | "bool"
        | "complex"
        | "len"
        | "abs"
        | "round"
        | "hash"
        | "ord"
        | "id"
        | "isinstance"
        | "issubclass"
        | "callable"
        | "hasattr"
        | "uuid.UUID"
        | "decimal.Decimal"
        | "ipaddress.ip_address"
        | "ipaddress.ip_network"
        | "ipaddress.IPv4Address"
        | "ipaddress.IPv6Address"
        | "datetime.date.fromisoformat"
        | "datetime.datetime.fromisoformat"
        | "math.floor"
        | "math.ceil" => Sanitise(ClassSet::ALL),
        // Responses built safely: templates escape, JSON is not HTML.
        "flask.render_template"
        | "flask.templating.render_template"
        | "flask.jsonify"
        | "flask.json.jsonify"
        | "django.shortcuts.render"
        | "django.shortcuts.render_to_response"
        | "django.template.loader.render_to_string"
        | "django.http.JsonResponse"
        | "django.http.response.JsonResponse"
        | "fastapi.responses.JSONResponse"
        | "starlette.responses.JSONResponse"
        | "flask.url_for"
        | "flask.helpers.url_for"
        | "django.urls.reverse"
        | "django.core.urlresolvers.reverse" => Sanitise(ClassSet::ALL),
        // Response objects: what they carry was checked at the call (a
        // sink); as values they are no longer text.
        "flask.make_response"
        | "flask.helpers.make_response"
        | "flask.Response"
        | "werkzeug.wrappers.Response"
        | "werkzeug.Response"
        | "django.http.HttpResponse"
        | "django.http.response.HttpResponse"
        | "fastapi.responses.HTMLResponse"
        | "starlette.responses.HTMLResponse"
        | "flask.redirect"
        | "werkzeug.utils.redirect"
        | "django.shortcuts.redirect"
        | "django.http.HttpResponseRedirect"
        | "django.http.HttpResponsePermanentRedirect"
        | "fastapi.responses.RedirectResponse"
        | "starlette.responses.RedirectResponse"
        | "flask.send_file"
        | "flask.send_from_directory"
        | "fastapi.responses.FileResponse"
        | "starlette.responses.FileResponse"
        | "django.http.FileResponse"
        | "flask.abort" => Sanitise(ClassSet::ALL),
        "shlex.quote" | "pipes.quote" | "shlex.join" => Sanitise(set(&[SinkClass::Command])),
        "html.escape"
        | "cgi.escape"
        | "markupsafe.escape"
        | "markupsafe.escape_silent"
        | "flask.escape"
        | "jinja2.escape"
        | "django.utils.html.escape"
        | "django.utils.html.conditional_escape"
        | "django.utils.html.strip_tags"
        | "django.utils.html.escapejs"
        | "bleach.clean"
        | "xml.sax.saxutils.escape"
        | "xml.sax.saxutils.quoteattr" => Sanitise(XSS),
        "os.path.basename"
        | "posixpath.basename"
        | "ntpath.basename"
        | "werkzeug.utils.secure_filename"
        | "werkzeug.secure_filename"
        | "django.utils.text.get_valid_filename"
        | "django.utils._os.safe_join"
        | "werkzeug.security.safe_join"
        | "werkzeug.utils.safe_join"
        | "flask.safe_join"
        | "flask.helpers.safe_join" => Sanitise(set(&[SinkClass::Path])),
        "ldap.filter.escape_filter_chars"
        | "ldap3.utils.conv.escape_filter_chars"
        | "ldap.dn.escape_dn_chars"
        | "ldap3.utils.dn.escape_rdn" => Sanitise(set(&[SinkClass::Ldap])),
        "psycopg2.sql.Literal"
        | "psycopg2.sql.Identifier"
        | "psycopg2.extensions.adapt"
        | "MySQLdb.escape_string"
        | "pymysql.converters.escape_string"
        | "sqlalchemy.bindparam"
        | "sqlalchemy.sql.bindparam" => Sanitise(set(&[SinkClass::Sql])),
        "urllib.parse.quote"
        | "urllib.parse.quote_plus"
        | "urllib.parse.urlencode"
        | "urllib.quote"
        | "urllib.quote_plus"
        | "urllib.urlencode" => Sanitise(HEADERS_AND_LOGS.union(XSS)),
        // Normalised paths: still untrusted, but a `startswith` check on
        // them is meaningful.
        "os.path.realpath" | "os.path.abspath" | "os.path.normpath" | "posixpath.realpath"
        | "posixpath.abspath" | "posixpath.normpath" => NormalisePath,
        // Pure functions: the result is made of the arguments.
        "str"
        | "repr"
        | "ascii"
        | "format"
        | "bytes"
        | "bytearray"
        | "list"
        | "tuple"
        | "compile"
        | "dict"
        | "set"
        | "frozenset"
        | "sorted"
        | "reversed"
        | "iter"
        | "next"
        | "enumerate"
        | "zip"
        | "filter"
        | "map"
        | "min"
        | "max"
        | "sum"
        | "chr"
        | "typing.cast"
        | "os.path.join"
        | "os.path.dirname"
        | "os.path.split"
        | "os.path.splitext"
        | "os.path.expanduser"
        | "os.path.expandvars"
        | "os.path.normcase"
        | "os.path.relpath"
        | "os.fspath"
        | "os.fsencode"
        | "os.fsdecode"
        | "posixpath.join"
        | "posixpath.dirname"
        | "pathlib.Path"
        | "pathlib.PurePath"
        | "pathlib.PosixPath"
        | "pathlib.PurePosixPath"
        | "base64.b64decode"
        | "base64.b64encode"
        | "base64.urlsafe_b64decode"
        | "base64.urlsafe_b64encode"
        | "base64.b32decode"
        | "base64.b32encode"
        | "base64.b16decode"
        | "base64.b16encode"
        | "base64.decodebytes"
        | "base64.encodebytes"
        | "base64.standard_b64decode"
        | "binascii.unhexlify"
        | "binascii.hexlify"
        | "binascii.a2b_base64"
        | "urllib.parse.unquote"
        | "urllib.parse.unquote_plus"
        | "urllib.parse.urljoin"
        | "urllib.parse.urlparse"
        | "urllib.parse.urlsplit"
        | "urllib.parse.urlunparse"
        | "urllib.parse.urlunsplit"
        | "urllib.parse.parse_qs"
        | "urllib.parse.parse_qsl"
        | "urllib.unquote"
        | "json.loads"
        | "json.dumps"
        | "html.unescape"
        | "codecs.decode"
        | "codecs.encode"
        | "textwrap.dedent"
        | "textwrap.indent"
        | "textwrap.fill"
        | "shlex.split"
        | "copy.copy"
        | "copy.deepcopy"
        | "re.sub"
        | "re.escape"
        | "unicodedata.normalize"
        | "itertools.chain"
        | "collections.OrderedDict"
        | "collections.defaultdict"
        | "collections.deque"
        | "markupsafe.Markup"
        | "flask.Markup"
        | "jinja2.Markup"
        | "sqlalchemy.text"
        | "sqlalchemy.sql.text"
        | "sqlalchemy.sql.expression.text"
        | "django.utils.encoding.force_str"
        | "django.utils.encoding.force_text"
        | "django.utils.encoding.smart_str"
        | "django.utils.encoding.force_bytes"
        | "django.utils.encoding.smart_text"
        | "django.utils.safestring.mark_safe"
        | "django.db.models.expressions.RawSQL"
        | "django.db.models.RawSQL"
        | "django.utils.html.format_html"
        | "ldap.filter.filter_format" => Propagate,
        "sys.argv" => LocalSource("command-line argument"),
        "input" | "raw_input" => LocalSource("console input"),
        "os.environ" | "os.environb" => LocalSource("environment variable"),
        "os.getenv" | "os.getenvb" | "os.environ.get" => LocalSource("environment variable"),
        "sys.stdin" | "fileinput.input" => LocalSource("standard input"),
        "lxml.etree.XMLParser" | "lxml.etree.XMLPullParser" | "xml.sax.make_parser" => XmlParser,
        _ => return None,
    })
}

/// What a method does, whatever its receiver; the default (`None`) is
/// that the result carries the receiver and the arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodModel {
    /// A test (`startswith`, `isdigit`) or a count: nothing to inject.
    Clean,
    /// Reads data from outside (a file, a socket, a cursor): not a
    /// constant even when the receiver is.
    Reads,
    /// Adds its arguments to the receiver (`append`, `update`).
    Mutates,
    /// A normalised path (`Path.resolve()`).
    NormalisePath,
}

pub(crate) fn method(name: &str) -> Option<MethodModel> {
    Some(match name {
        "startswith" | "endswith" | "isdigit" | "isalpha" | "isalnum" | "isnumeric"
        | "isdecimal" | "isidentifier" | "islower" | "isupper" | "isspace" | "istitle"
        | "isascii" | "count" | "find" | "rfind" | "index" | "rindex" | "exists" | "is_file"
        | "is_dir" | "is_relative_to" | "__contains__" | "__len__" => MethodModel::Clean,
        "read" | "readline" | "readlines" | "read_text" | "read_bytes" | "recv" | "recvfrom"
        | "recv_into" | "fetchone" | "fetchall" | "fetchmany" | "getvalue" | "communicate" => {
            MethodModel::Reads
        }
        "append" | "extend" | "insert" | "add" | "update" | "setdefault" | "appendleft"
        | "extendleft" => MethodModel::Mutates,
        "resolve" | "absolute" => MethodModel::NormalisePath,
        _ => return None,
    })
}

/// Methods that sanitise for some classes (on any receiver).
pub(crate) fn sanitising_method(name: &str) -> Option<ClassSet> {
    match name {
        "quote_name" | "escape_string" | "literal" => Some(set(&[SinkClass::Sql])),
        _ => None,
    }
}

/// Whether the keyword arguments of an `lxml.etree.XMLParser(...)` call
/// make it resolve external entities or reach the network.
pub(crate) fn xml_parser_is_unsafe(keywords: &[(Option<&str>, Option<bool>)]) -> bool {
    keywords.iter().any(|(name, value)| {
        matches!(
            (*name, *value),
            (Some("resolve_entities"), Some(true)) | (Some("no_network"), Some(false))
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitisers_are_for_their_context() {
        let Some(Model::Sanitise(html)) = function("html.escape") else {
            panic!()
        };
        assert!(html.contains(SinkClass::Xss) && !html.contains(SinkClass::Sql));
        assert_eq!(function("int"), Some(Model::Sanitise(ClassSet::ALL)));
        assert_eq!(function("base64.b64decode"), Some(Model::Propagate));
        assert_eq!(function("os.system"), None);
    }
}
