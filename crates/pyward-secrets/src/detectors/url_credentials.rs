use super::{Candidate, Context, Pattern, pattern};
use crate::filters;

/// `scheme://user:password@host`. The user part may be empty
/// (`redis://:password@host`); the password stops at the last `@` before
/// the host, so passwords containing `@` are not cut short... unless they
/// are percent-encoded, as they should be.
static RE: Pattern = Pattern::new(|| {
    pattern(
        r"(?i)\b([a-z][a-z0-9+.\-]{1,30})://([^\s:@/'\x22<>{}\[\]()]*):([^\s@/'\x22<>{}\[\]]{1,200})@([a-z0-9_\-.]+|\[[0-9a-f:]+\])",
    )
});

/// Password values that stand for "put the password here".
const PLACEHOLDER_PASSWORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "pw",
    "p",
    "x",
    "changeme",
    "mypassword",
    "yourpassword",
    "user",
    "username",
    "token",
    "apikey",
    "api_key",
    "key",
    "access_key",
    "secret_key",
    "s3cr3t",
    // Well-known demo credentials: Oracle's `scott:tiger`, and friends.
    "tiger",
    "mysecret",
    "mysecretpassword",
    "secret123",
    "password123",
    "hunter2",
];

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in RE.captures_iter(ctx.text) {
        let (Some(user), Some(password), Some(host)) = (caps.get(2), caps.get(3), caps.get(4))
        else {
            continue;
        };
        let value = password.as_str();
        let lower = value.to_ascii_lowercase();
        let demo = lower.starts_with("tiger");
        if PLACEHOLDER_PASSWORDS.contains(&lower.as_str())
            || demo
            || value.starts_with('$')
            || value.starts_with('%')
            || value.contains("{")
            || value.chars().all(|c| c == '*' || c == 'x' || c == 'X')
            || filters::is_placeholder(value)
        {
            continue;
        }
        // `postgres://postgres:postgres@localhost`: the throwaway default
        // of a local development database, where the user and password are
        // the same word.
        if value == user.as_str() {
            continue;
        }
        // Documentation hosts (`example.com`, `host`, `hostname`).
        let host = host.as_str().to_ascii_lowercase();
        if host.contains("example")
            || host.starts_with("acme.")
            || host.contains(".acme.")
            || matches!(
                host.as_str(),
                "host" | "hostname" | "server" | "myhost" | "dbhost"
            )
        {
            continue;
        }
        let mut candidate = Candidate::new(ctx.text, password.start(), password.end());
        candidate.check_placeholder = false;
        out.push(candidate);
    }
}

detector! {
    /// ## What it finds
    /// Credentials inside URLs and connection strings:
    /// `postgresql://user:password@host`, `mysql://`, `redis://:password@`,
    /// `amqp://`, `mongodb+srv://`, `https://user:token@host`. The password
    /// is the secret. Placeholders (`user:password@`, `${DB_PASSWORD}`,
    /// `:***@`), documentation hosts (`example.com`) and a password equal
    /// to the user name (`postgres:postgres@localhost`, a local default)
    /// are not reported.
    ///
    /// ## Why it matters
    /// It is usually a database or message broker password, often the
    /// production one, and the host it opens sits right beside it.
    ///
    /// ## How to rotate
    /// Change the account's password on the server (`ALTER ROLE … PASSWORD`,
    /// `CONFIG SET requirepass`), then read the URL from the environment or
    /// a secret store instead of the file.
    pub static URL_CREDENTIALS = {
        id: "url-credentials",
        title: "Password in a URL",
        severity: Medium,
        confidence: Medium,
        keywords: &["://"],
        find: find,
    };
}
