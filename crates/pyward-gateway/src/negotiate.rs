//! PEP 691 content negotiation: which form of a page a client gets, from
//! its `Accept` header (pip and uv ask for JSON first, HTML at a lower
//! quality) or a `?format=` query.

use crate::index::{HTML_V1, JSON_V1};

/// A form of the simple API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    Json,
    /// PEP 691's HTML media type.
    HtmlV1,
    /// Plain `text/html`, for clients that name no API version.
    Html,
}

impl Form {
    pub fn content_type(self) -> &'static str {
        match self {
            Form::Json => JSON_V1,
            Form::HtmlV1 => HTML_V1,
            Form::Html => "text/html; charset=utf-8",
        }
    }
}

/// The form to serve; `None` when the client accepts none of them (406).
pub fn choose(accept: Option<&str>, format_query: Option<&str>) -> Option<Form> {
    let accept = format_query.or(accept).unwrap_or("");
    if accept.trim().is_empty() {
        return Some(Form::Html);
    }
    let mut best: Option<(u16, u8, Form)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut quality = 1000u16;
        for param in parts {
            if let Some(q) = param.trim().strip_prefix("q=") {
                quality = parse_quality(q);
            }
        }
        // On equal quality the server's preference: JSON, then the
        // versioned HTML, then plain HTML.
        let (form, rank) =
            match media.as_str() {
                "application/vnd.pypi.simple.v1+json"
                | "application/vnd.pypi.simple.latest+json" => (Form::Json, 3),
                "application/vnd.pypi.simple.v1+html"
                | "application/vnd.pypi.simple.latest+html" => (Form::HtmlV1, 2),
                "text/html" | "text/*" | "*/*" => (Form::Html, 1),
                _ => continue,
            };
        if quality == 0 {
            continue;
        }
        if best.is_none_or(|(q, r, _)| (quality, rank) > (q, r)) {
            best = Some((quality, rank, form));
        }
    }
    best.map(|(_, _, form)| form)
}

/// `q=0.01` as thousandths; anything unreadable as 1.
fn parse_quality(text: &str) -> u16 {
    let text = text.trim();
    let Ok(value) = text.parse::<f32>() else {
        return 1000;
    };
    if !(0.0..=1.0).contains(&value) {
        return 1000;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // in 0..=1000
    let thousandths = (value * 1000.0).round() as u16;
    thousandths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_uv_and_browsers_get_what_they_ask_for() {
        let pip = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
        assert_eq!(choose(Some(pip), None), Some(Form::Json));
        let uv = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
        assert_eq!(choose(Some(uv), None), Some(Form::Json));
        let old_pip = "text/html";
        assert_eq!(choose(Some(old_pip), None), Some(Form::Html));
        assert_eq!(choose(Some("*/*"), None), Some(Form::Html));
        assert_eq!(choose(None, None), Some(Form::Html));
        assert_eq!(
            choose(
                Some("application/vnd.pypi.simple.v1+json;q=0.5, text/html"),
                None
            ),
            Some(Form::Html)
        );
        assert_eq!(choose(Some("image/png"), None), None);
        assert_eq!(
            choose(Some("application/vnd.pypi.simple.v1+json;q=0"), None),
            None
        );
        assert_eq!(
            choose(
                Some("text/html"),
                Some("application/vnd.pypi.simple.v1+json")
            ),
            Some(Form::Json)
        );
    }
}
