//! Commands pyward tells the user to run, written so that they can be
//! pasted into a POSIX shell as they are.

/// A shell word for `arg`: as it is when it needs no quoting, else in
/// single quotes.
pub fn word(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.=+/:@,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_need_it_are_quoted() {
        assert_eq!(word("django==3.2.25"), "django==3.2.25");
        assert_eq!(word("requirements/base.txt"), "requirements/base.txt");
        assert_eq!(word("a b"), "'a b'");
        assert_eq!(word("it's"), r"'it'\''s'");
        assert_eq!(word("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(word(""), "''");
    }
}
