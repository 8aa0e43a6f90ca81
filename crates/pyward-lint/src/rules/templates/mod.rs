//! B7xx: templates and cross-site scripting — Jinja2 autoescaping, Mako,
//! Django's `mark_safe`, MarkupSafe's `Markup`. `ENGINE.md` says how to add
//! a rule (one file, one line in the table below).

crate::rules! {
    jinja2_autoescape_false::JINJA2_AUTOESCAPE_FALSE,
    use_of_mako_templates::USE_OF_MAKO_TEMPLATES,
    django_mark_safe::DJANGO_MARK_SAFE,
    markupsafe_markup_xss::MARKUPSAFE_MARKUP_XSS,
}
