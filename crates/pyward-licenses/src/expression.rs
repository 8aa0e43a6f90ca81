//! SPDX expressions: parsing what metadata writes, writing it back in
//! canonical form, and the category of the whole expression.

use spdx::expression::{ExprNode, Operator};
use spdx::{Expression, LicenseItem, LicenseReq, ParseMode};

use crate::Category;

/// A parsed, canonical SPDX expression and its category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spdx {
    pub(crate) canonical: String,
    pub(crate) category: Category,
}

/// What Python metadata writes that SPDX's strict grammar rejects but means
/// one thing: `/` for `OR`, `GPL-2.0+`, deprecated ids (`GPL-3.0`). Names
/// that are not ids ("apache", "gpl") are not accepted here: the crate's own
/// tables map free text, and SPDX's list of imprecise names maps some of
/// them to the wrong license.
pub(crate) const METADATA: ParseMode = ParseMode {
    allow_slash_as_or_operator: true,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// Longer is not an expression anyone writes; bounds the parser's work.
const MAX_EXPRESSION_LEN: usize = 512;

/// `text` as an SPDX expression, if it is one.
pub(crate) fn parse(text: &str) -> Option<Spdx> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_EXPRESSION_LEN {
        return None;
    }
    let expression = Expression::parse_mode(text, METADATA).ok()?;
    Some(Spdx {
        canonical: canonical(&expression),
        category: category(&expression),
    })
}

/// `OR` takes the most permissive alternative, `AND` the most restrictive
/// part.
pub(crate) fn category(expression: &Expression) -> Category {
    let mut stack: Vec<Category> = Vec::new();
    for node in expression.iter() {
        match node {
            ExprNode::Req(req) => stack.push(Category::of_requirement(&req.req)),
            ExprNode::Op(op) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    return Category::Unknown;
                };
                stack.push(match op {
                    Operator::And => left.max(right),
                    Operator::Or => left.min(right),
                });
            }
        }
    }
    stack.pop().unwrap_or(Category::Unknown)
}

/// The expression with current ids (`GPL-2.0+` -> `GPL-2.0-or-later`,
/// `GPL-3.0` -> `GPL-3.0-only`), upper-case operators and only the
/// parentheses precedence needs.
pub(crate) fn canonical(expression: &Expression) -> String {
    // (text, operator at its top level, if any)
    let mut stack: Vec<(String, Option<Operator>)> = Vec::new();
    for node in expression.iter() {
        match node {
            ExprNode::Req(req) => stack.push((requirement(&req.req), None)),
            ExprNode::Op(op) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    return expression.to_string();
                };
                // AND binds tighter than OR: an OR under an AND needs brackets.
                let wrap = |(text, top): (String, Option<Operator>)| {
                    if *op == Operator::And && top == Some(Operator::Or) {
                        format!("({text})")
                    } else {
                        text
                    }
                };
                let word = match op {
                    Operator::And => "AND",
                    Operator::Or => "OR",
                };
                stack.push((format!("{} {word} {}", wrap(left), wrap(right)), Some(*op)));
            }
        }
    }
    stack
        .pop()
        .map_or_else(|| expression.to_string(), |(text, _)| text)
}

pub(crate) fn requirement(req: &LicenseReq) -> String {
    let mut text = match &req.license {
        LicenseItem::Spdx { id, or_later } if id.is_gnu() => {
            let base = id
                .name
                .trim_end_matches("-only")
                .trim_end_matches("-or-later");
            let later = *or_later || id.name.ends_with("-or-later");
            format!("{base}{}", if later { "-or-later" } else { "-only" })
        }
        LicenseItem::Spdx { id, or_later } => {
            format!("{}{}", id.name, if *or_later { "+" } else { "" })
        }
        LicenseItem::Other(reference) => reference.to_string(),
    };
    if let Some(addition) = &req.addition {
        text.push_str(" WITH ");
        text.push_str(&addition.to_string());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> Option<String> {
        parse(text).map(|s| s.canonical)
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canon("MIT").as_deref(), Some("MIT"));
        assert_eq!(canon("mit or Apache-2.0").as_deref(), None);
        assert_eq!(
            canon("MIT or Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            canon("MIT/Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(canon("GPL-2.0+").as_deref(), Some("GPL-2.0-or-later"));
        assert_eq!(canon("GPL-3.0").as_deref(), Some("GPL-3.0-only"));
        assert_eq!(
            canon("(MIT OR Apache-2.0) AND BSD-3-Clause").as_deref(),
            Some("(MIT OR Apache-2.0) AND BSD-3-Clause")
        );
        assert_eq!(
            canon("MIT OR Apache-2.0 AND BSD-3-Clause").as_deref(),
            Some("MIT OR Apache-2.0 AND BSD-3-Clause")
        );
        assert_eq!(
            canon("Apache-2.0 WITH LLVM-exception").as_deref(),
            Some("Apache-2.0 WITH LLVM-exception")
        );
        assert_eq!(canon("LicenseRef-Foo").as_deref(), Some("LicenseRef-Foo"));
        assert_eq!(canon("MIT License"), None);
        assert_eq!(canon("apache"), None);
        assert_eq!(canon(""), None);
    }

    #[test]
    fn categories_combine() {
        let category = |text: &str| parse(text).unwrap().category;
        assert_eq!(category("MIT OR GPL-3.0-only"), Category::Permissive);
        assert_eq!(category("MIT AND GPL-3.0-only"), Category::StrongCopyleft);
        assert_eq!(category("MIT AND LicenseRef-Foo"), Category::Unknown);
        assert_eq!(category("MIT OR LicenseRef-Foo"), Category::Permissive);
        assert_eq!(
            category("LGPL-2.1-only AND (AGPL-3.0-only OR MIT)"),
            Category::WeakCopyleft
        );
    }
}
