use super::{Candidate, Context, Pattern, pattern};
use crate::filters;

/// `name = "value"` in the common syntaxes: Python assignments (with an
/// optional annotation), keyword arguments, dict and JSON entries, YAML and
/// TOML keys. A name, an optional closing quote, an optional annotation,
/// an operator, an optional string prefix, a quoted value.
static QUOTED: Pattern = Pattern::new(|| {
    pattern(
        r#"([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*(?::[ \t]*[A-Za-z_][A-Za-z0-9_\[\]., |]*?[ \t]*)?(:=|=>|==|!=|=|:)[ \t]*(?:[rRbBuU]{1,2})?(?:"([^"\\\r\n]*(?:\\.[^"\\\r\n]*)*)"|'([^'\\\r\n]*(?:\\.[^'\\\r\n]*)*)')"#,
    )
});

/// `NAME=value` and `name: value` at the start of a line, in the syntaxes
/// whose bare values are strings (YAML, INI, `.env`).
static BARE: Pattern = Pattern::new(|| {
    pattern(
        r#"(?m)^[ \t]*(?:export[ \t]+)?(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*([:=])[ \t]*([^\s"'#;|>&*!\[{][^\r\n]*?)[ \t]*(?:[ \t][#;].*)?$"#,
    )
});

/// Name parts that make a name a secret's name on their own.
const SECRET_PARTS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "auth",
    "credential",
    "credentials",
    "privatekey",
    "accesskey",
    "secretkey",
    "authkey",
];

/// Consecutive name parts that do: `api_key`, `client_secret`.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("private", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("app", "key"),
    ("license", "key"),
    ("client", "secret"),
    ("auth", "key"),
];

/// A last name part that makes the name describe a secret rather than hold
/// one: `password_url`, `token_type`, `api_key_header`.
const DESCRIPTIVE_SUFFIXES: &[&str] = &[
    "url",
    "uri",
    "urls",
    "endpoint",
    "path",
    "file",
    "filename",
    "dir",
    "type",
    "name",
    "names",
    "field",
    "fields",
    "header",
    "headers",
    "length",
    "len",
    "min",
    "max",
    "prompt",
    "label",
    "env",
    "var",
    "variable",
    "id",
    "ids",
    "policy",
    "format",
    "pattern",
    "regex",
    "re",
    "class",
    "cls",
    "validator",
    "validators",
    "help",
    "message",
    "msg",
    "text",
    "template",
    "required",
    "enabled",
    "enable",
    "disabled",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "count",
    "mode",
    "method",
    "methods",
    "style",
    "kind",
    "provider",
    "backend",
    "backends",
    "attr",
    "attribute",
    "param",
    "parameter",
    "location",
    "source",
    "reset",
    "changed",
    "hash",
    "hashed",
    "hasher",
    "digest",
    "salt",
    "prefix",
    "suffix",
    "size",
    "lifetime",
    "age",
    "scheme",
    "version",
    "algorithm",
    "alg",
    "cache",
    "store",
    "storage",
    "manager",
    "handler",
    "module",
    "service",
    "generator",
    "validation",
    "strength",
    "hint",
    "placeholder",
    "input",
    "widget",
    "form",
    "view",
    "route",
    "page",
    "title",
    "description",
    "mask",
    "rules",
    "rule",
    "types",
    "index",
    "limit",
    "folder",
    "cmd",
    "command",
    "script",
    "callback",
    "func",
    "flag",
    "option",
    "options",
    "interval",
    "delay",
    "retry",
    "retries",
    "status",
    "state",
    "error",
    "errors",
    "exception",
    "log",
    "logger",
    "key",
    "keys",
    "tokens",
    "secrets",
    "passwords",
    "url_name",
    "uid",
    "user",
    "username",
    "login",
    "email",
    "host",
    "port",
    "domain",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "realm",
    "expire",
    "expired",
    "at",
    "on",
    "date",
    "time",
    "count",
    "check",
    "protocol",
    "proto",
    "magic",
    // Django ORM lookups: `password__startswith="md5$"`.
    "startswith",
    "endswith",
    "istartswith",
    "iendswith",
    "contains",
    "icontains",
    "exact",
    "iexact",
    "isnull",
    "model",
    "type_hint",
    "dialog",
    "button",
    "box",
    "column",
    "col",
    "table",
];

/// A first name part that asks about a secret instead of holding one:
/// `is_password`, `show_password`, `max_token`.
const QUESTION_PREFIXES: &[&str] = &[
    // Tokens that are not credentials: `logging_token`, `identity_token`
    // (SQLAlchemy), `cancel_token`, `page_token`, `lexer_token`.
    "logging",
    "identity",
    "cancel",
    "cancellation",
    "continuation",
    "page",
    "next",
    "lexer",
    "syntax",
    "is",
    "has",
    "use",
    "enable",
    "require",
    "requires",
    "show",
    "hide",
    "forgot",
    "reset",
    "no",
    "num",
    "max",
    "min",
    "check",
    "verify",
    "validate",
    "get",
    "set",
    "read",
    "load",
    "fetch",
    "with",
    "without",
    "allow",
    "new_password_",
    "change",
    "confirm",
];

/// Values that stand for "no value" or name a kind rather than hold a
/// secret (`auth = "basic"`).
const NON_SECRET_VALUES: &[&str] = &[
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "test",
    "testing",
    "dummy",
    "fake",
    "sample",
    "default",
    "admin",
    "pass",
    "string",
    "str",
    "required",
    "optional",
    "hidden",
    "masked",
    "n/a",
    "na",
    "tbd",
    "unknown",
    "bearer",
    "basic",
    "digest",
    "oauth",
    "oauth2",
    "jwt",
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "public",
    "private",
    "empty",
    "yes",
    "no",
    "on",
    "off",
    "disabled",
    "enabled",
    "auto",
    "env",
    "header",
    "query",
    "cookie",
    "session",
    "local",
    "remote",
];

/// Words inside a value that make it a name or a description.
const NAMING_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "credential",
];

/// Splits a name into lower-case parts at `_`, `-`, `.` and camelCase
/// boundaries (`clientSecret` → `client`, `secret`).
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.') {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether a variable, key or argument name is the name of a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    // `app.secret_key` is about `secret_key`; `_PassArg.context` is about
    // `context`.
    let name = name
        .rsplit('.')
        .find(|part| !part.is_empty())
        .unwrap_or(name);
    let parts = name_parts(name);
    let Some(last) = parts.last() else {
        return false;
    };
    let first = &parts[0];
    if parts.len() > 1 && QUESTION_PREFIXES.contains(&first.as_str()) {
        return false;
    }
    // `auth` and `pass` are too common as prefixes (`AUTH_USER_MODEL`,
    // `pass_through`) to count anywhere but at the end (`basic_auth`,
    // `smtp_pass`).
    let names_secret = parts.iter().enumerate().any(|(index, p)| {
        SECRET_PARTS.contains(&p.as_str())
            && (index + 1 == parts.len() || !matches!(p.as_str(), "auth" | "pass"))
    }) || parts
        .windows(2)
        .any(|w| SECRET_PAIRS.contains(&(w[0].as_str(), w[1].as_str())));
    if !names_secret {
        return false;
    }
    // `api_key`, `secret_key`: the pair's last word is `key`, which is
    // otherwise a descriptive suffix (`password_key`, a dict key's name).
    let pair_at_end = parts.len() >= 2
        && SECRET_PAIRS.contains(&(parts[parts.len() - 2].as_str(), last.as_str()));
    pair_at_end || !DESCRIPTIVE_SUFFIXES.contains(&last.as_str())
}

/// Whether a value assigned to a secret's name is a secret someone typed.
fn is_secret_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if !has_some_strength(value) {
        return false;
    }
    if value.chars().count() < 4
        || NON_SECRET_VALUES.contains(&lower.as_str())
        || filters::is_placeholder(value)
        || value.chars().any(char::is_whitespace)
        || NAMING_WORDS.iter().any(|w| lower.contains(w))
    {
        return false;
    }
    // References and paths: `$VAR`, `%s`, `/etc/secret`, `~/.token`,
    // `./key.pem`, URLs (their credentials are `url-credentials`).
    if value.contains("%s") || value.contains("%(") || value.contains("%d") {
        return false;
    }
    if value.starts_with(['$', '%', '/', '~', '@', '\\'])
        || value.starts_with("./")
        || value.starts_with("../")
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("file:")
        || lower.starts_with("env:")
        || lower.starts_with("vault:")
        || lower.starts_with("!")
        || value.contains('{')
        || value.ends_with(':')
    {
        return false;
    }
    // Password hashes (`pbkdf2_sha256$…`, `bcrypt$…`, `{SSHA}…`) are what
    // a system stores instead of the password.
    let hash_prefixes = [
        "pbkdf2_",
        "pbkdf2$",
        "argon2",
        "bcrypt",
        "scrypt",
        "sha1$",
        "md5$",
        "crypt$",
        "unsalted_",
        "{ssha}",
        "{sha}",
        "{crypt}",
    ];
    if hash_prefixes.iter().any(|p| lower.starts_with(p)) {
        return false;
    }
    // Dotted names: `auth.User`, `app.models.Token`.
    if value.contains('.')
        && value.split('.').all(|piece| {
            !piece.is_empty() && piece.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
        })
    {
        return false;
    }
    // File names: `key.pem`, `secrets.json`.
    let file_like = [
        ".pem", ".key", ".json", ".txt", ".crt", ".env", ".yaml", ".yml", ".cfg", ".ini", ".p12",
        ".pfx", ".toml", ".py",
    ];
    if file_like.iter().any(|ext| lower.ends_with(ext)) {
        return false;
    }
    // Identifiers naming something else: `DB_PASSWORD` (an environment
    // variable's name), `access_token`, `x-api-key`, `settings.secret`.
    let identifier = |sep: char| {
        value.contains(sep)
            && value.split(sep).all(|piece| {
                !piece.is_empty()
                    && piece.chars().all(|c| c.is_ascii_alphabetic())
                    && (piece.chars().all(|c| c.is_ascii_uppercase())
                        || piece.chars().all(|c| c.is_ascii_lowercase()))
            })
    };
    if identifier('_') || identifier('-') || identifier('.') {
        return false;
    }
    if value.chars().all(|c| c.is_ascii_digit()) && value.len() < 8 {
        return false;
    }
    // The value is the secret's own kind (`secret_type = "aws"`) or a
    // filters-detected digest or UUID.
    !(filters::is_uuid(value))
}

/// Whether a value could be a credential rather than a word: it mixes
/// two kinds of character (lower case, upper case, digits, symbols) or is
/// long. Single words (`"config"`, `"dev"`, `"comment"`) are fixtures,
/// token-type names and defaults far more often than passwords; a real
/// all-lower-case password is missed, which the docs say.
fn has_some_strength(value: &str) -> bool {
    let lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let digit = value.bytes().any(|b| b.is_ascii_digit());
    let other = value.chars().any(|c| !c.is_ascii_alphanumeric());
    let kinds = [lower, upper, digit, other].iter().filter(|k| **k).count();
    kinds >= 2 || value.chars().count() >= 16
}

fn push(ctx: &Context<'_>, name: &str, start: usize, end: usize, out: &mut Vec<Candidate>) {
    if !is_secret_name(name) || filters::names_a_digest(name) {
        return;
    }
    let value = &ctx.text[start..end];
    if !is_secret_value(value) {
        return;
    }
    let line_start = ctx.text[..start].rfind('\n').map_or(0, |i| i + 1);
    if filters::is_lookup_context(&ctx.text[line_start..start]) {
        return;
    }
    out.push(Candidate::new(ctx.text, start, end));
}

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in QUOTED.captures_iter(ctx.text) {
        let (Some(name), Some(op)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        if matches!(op.as_str(), "==" | "!=") {
            continue;
        }
        if let Some(value) = caps.get(3).or_else(|| caps.get(4)) {
            push(ctx, name.as_str(), value.start(), value.end(), out);
        }
    }
    if ctx.kind.has_bare_values() {
        for caps in BARE.captures_iter(ctx.text) {
            let (Some(name), Some(value)) = (caps.get(1), caps.get(3)) else {
                continue;
            };
            let trimmed = value.as_str().trim_end();
            push(
                ctx,
                name.as_str(),
                value.start(),
                value.start() + trimmed.len(),
                out,
            );
        }
    }
}

detector! {
    /// ## What it finds
    /// Passwords and secrets assigned to a name that says so: `password`,
    /// `passwd`, `pwd`, `secret`, `token`, `api_key`, `apikey`,
    /// `access_key`, `client_secret`, `auth` and names built from them
    /// (`DB_PASSWORD`, `clientSecret`, `smtp_pass`), in Python (assignments,
    /// keyword arguments, dicts), YAML, JSON, TOML, INI and `.env` files.
    /// Not reported: values read from the environment or a call
    /// (`os.environ[...]`, `os.getenv(...)`, `config.get(...)`), empty
    /// strings, `None`, placeholders (`${VAR}`, `{{ var }}`, `<your-key>`,
    /// `changeme`, `***`), names that describe a secret rather than hold
    /// one (`password_url`, `token_type`, `is_password`), values that name
    /// something (`"access_token"`, `DB_PASSWORD`), paths and sentences,
    /// and single words (`"dev"`, `"config"`: a value must mix two kinds of
    /// character, or have 16 or more, so an all-lower-case password is
    /// missed by design).
    ///
    /// ## Why it matters
    /// The value is often a real database, service or admin password, and
    /// people reuse passwords.
    ///
    /// ## How to rotate
    /// Change the password where it is used, then read it at run time from
    /// the environment or a secret manager rather than the file.
    pub static PASSWORD_ASSIGNMENT = {
        id: "password-assignment",
        title: "Hardcoded password or secret",
        severity: Medium,
        confidence: Medium,
        keywords: &["pass", "pwd", "secret", "token", "key", "auth", "cred"],
        find: find,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "clientSecret",
            "smtp_pass",
            "api_key",
            "apiKey",
            "AWS_SECRET",
            "auth",
            "basic_auth",
            "access_key",
            "refresh_token",
            "SECRET_KEY",
            "x-api-key",
            "github.token",
            "app.secret_key",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "author",
            "password_url",
            "token_type",
            "is_password",
            "tokenizer",
            "passage",
            "secret_name",
            "api_key_header",
            "keyboard",
            "key",
            "AUTH_PASSWORD_VALIDATORS",
            "bypass",
            "compass",
            "_PassArg.context",
            "AUTH_USER_MODEL",
            "password__startswith",
            "pass_through",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn secret_values() {
        for value in ["hunter2!", "Tr0ub4dor&3", "s3cr3t-v4lu3"] {
            assert!(is_secret_value(value), "{value}");
        }
        for value in [
            "",
            "None",
            "changeme",
            "${DB_PASSWORD}",
            "DB_PASSWORD",
            "access_token",
            "Enter your password",
            "key.pem",
            "/run/secrets/db",
            "x-api-key",
            "%s",
            "bearer",
            "config",
            "comment",
            "dev",
            "auth.User",
            "pbkdf2_sha256$10000$LUyhxJjuLwXF$f6Zbpnx1L5dPze8m0itBaHMDyZ",
        ] {
            assert!(!is_secret_value(value), "{value}");
        }
    }
}
