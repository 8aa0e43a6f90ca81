use std::fmt;

use serde::{Deserialize, Serialize};
use spdx::{Expression, LicenseReq};

use crate::expression::{self, requirement};
use crate::metadata::{LicenseMetadata, resolve};
use crate::{Category, LicenseInfo};

/// `[tool.pyward.licenses]`: which licenses the project accepts.
///
/// Build it with [`LicensePolicy::new`] (or deserialize it and call
/// [`LicensePolicy::validated`]) so that every id is checked and written in
/// canonical form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LicensePolicy {
    /// When not empty, every dependency needs a license from this list (for
    /// an `OR`, one alternative; for an `AND`, every part).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Licenses no dependency may have (unless an `OR` offers another).
    #[serde(default)]
    pub deny: Vec<String>,
    #[serde(default)]
    pub deny_categories: Vec<Category>,
}

/// A policy that names something that is not a license.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("`{id}` in `{list}` is not an SPDX license id (see https://spdx.org/licenses/)")]
    UnknownLicense { id: String, list: &'static str },
    #[error("`{id}` is both in `allow` and in `deny`")]
    AllowedAndDenied { id: String },
}

impl LicensePolicy {
    /// Checks every id (case is ignored, deprecated ids are replaced: `GPL-3.0`
    /// becomes `GPL-3.0-only`, `GPL-2.0+` `GPL-2.0-or-later`) and returns the
    /// policy with canonical ids. `LicenseRef-…` ids are accepted as they are.
    pub fn new(
        allow: Vec<String>,
        deny: Vec<String>,
        deny_categories: Vec<Category>,
    ) -> Result<Self, PolicyError> {
        let allow = canonical_ids(&allow, "allow")?;
        let deny = canonical_ids(&deny, "deny")?;
        if let Some(id) = allow.iter().find(|id| deny.contains(id)) {
            return Err(PolicyError::AllowedAndDenied { id: id.clone() });
        }
        Ok(Self {
            allow,
            deny,
            deny_categories,
        })
    }

    /// [`LicensePolicy::new`] on a deserialized policy.
    pub fn validated(self) -> Result<Self, PolicyError> {
        Self::new(self.allow, self.deny, self.deny_categories)
    }

    fn accepts(&self, req: &LicenseReq) -> Result<(), Refusal> {
        let id = license_part(req);
        if self.deny.contains(&id) {
            return Err(Refusal::Denied(id));
        }
        let category = Category::of_requirement(req);
        if self.deny_categories.contains(&category) {
            return Err(Refusal::Category(requirement(req), category));
        }
        if !self.allow.is_empty() && !self.allow.contains(&id) {
            return Err(Refusal::NotAllowed(id));
        }
        Ok(())
    }
}

fn canonical_ids(ids: &[String], list: &'static str) -> Result<Vec<String>, PolicyError> {
    ids.iter()
        .map(|id| {
            canonical_id(id).ok_or_else(|| PolicyError::UnknownLicense {
                id: id.clone(),
                list,
            })
        })
        .collect()
}

/// `id` as a single canonical license id, ignoring case.
fn canonical_id(id: &str) -> Option<String> {
    let id = id.trim();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return None;
    }
    let exact = spdx::license_id(id)
        .map(|license| license.name)
        .or_else(|| {
            let wanted = id.trim_end_matches('+');
            spdx::identifiers::LICENSES
                .iter()
                .find(|license| license.name.eq_ignore_ascii_case(wanted))
                .map(|license| license.name)
        });
    let spelled = match exact {
        Some(name) if id.ends_with('+') => format!("{name}+"),
        Some(name) => name.to_string(),
        // `LicenseRef-x`, which the parser accepts as it is.
        None => id.to_string(),
    };
    let parsed = Expression::parse_mode(&spelled, expression::METADATA).ok()?;
    let mut requirements = parsed.requirements();
    let only = requirements.next()?;
    if requirements.next().is_some() || only.req.addition.is_some() {
        return None;
    }
    Some(requirement(&only.req))
}

/// A requirement's license without its exception: a policy that names
/// `GPL-2.0-only` speaks of `GPL-2.0-only WITH Classpath-exception-2.0` too.
fn license_part(req: &LicenseReq) -> String {
    requirement(&LicenseReq {
        license: req.license.clone(),
        addition: None,
    })
}

enum Refusal {
    Denied(String),
    Category(String, Category),
    NotAllowed(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Denied(id) => write!(f, "`{id}` is denied"),
            Refusal::Category(id, category) => {
                write!(f, "`{id}` is {category}, a denied category")
            }
            Refusal::NotAllowed(id) => write!(f, "`{id}` is not in the allow list"),
        }
    }
}

/// Why a dependency's license is a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub kind: ViolationKind,
    /// One sentence for people, naming the license.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// A license in the policy's `deny` list.
    Denied,
    /// A license of a category in `deny-categories`.
    DeniedCategory,
    /// A license missing from a non-empty `allow` list.
    NotAllowed,
    /// No license at all in the package's metadata.
    NoLicense,
    /// Without a policy: a copyleft dependency the project's own license
    /// cannot carry (GPL in an MIT project).
    Conflict,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Whether `dep`'s license is a problem.
///
/// With a policy: a dependency with no license, a denied license or
/// category, or a license not on a non-empty allow list. An `OR` passes when
/// one alternative does; an `AND` needs every part. A license that is not an
/// SPDX expression (unrecognised, or "Public Domain") passes an allow list
/// never, and a category rule on its category.
///
/// Without a policy: a dependency with no license, and a strong or network
/// copyleft dependency in a project whose own license (`project_license`:
/// an SPDX expression or the free text of its `License` field) is
/// permissive, weak copyleft or proprietary, since shipping them together
/// puts the whole under the copyleft license.
pub fn evaluate(
    policy: Option<&LicensePolicy>,
    project_license: Option<&str>,
    dep: &LicenseInfo,
) -> Option<Violation> {
    if dep.is_missing() {
        return Some(Violation {
            kind: ViolationKind::NoLicense,
            reason: "no license in the package's metadata".to_string(),
        });
    }
    match policy {
        Some(policy) => against_policy(policy, dep),
        None => against_project(project_license?, dep),
    }
}

fn against_policy(policy: &LicensePolicy, dep: &LicenseInfo) -> Option<Violation> {
    let parsed = dep
        .expression
        .as_deref()
        .and_then(|text| Expression::parse_mode(text, expression::METADATA).ok());
    let Some(parsed) = parsed else {
        // Not an SPDX expression: only its category can be judged.
        let shown = dep.display();
        if policy.deny_categories.contains(&dep.category) {
            return Some(Violation {
                kind: ViolationKind::DeniedCategory,
                reason: format!("license `{shown}` is {}, a denied category", dep.category),
            });
        }
        if !policy.allow.is_empty() {
            return Some(Violation {
                kind: ViolationKind::NotAllowed,
                reason: format!(
                    "license `{shown}` is not an SPDX expression, so the allow list cannot accept it"
                ),
            });
        }
        return None;
    };
    let mut refusals: Vec<Refusal> = Vec::new();
    let accepted = parsed.evaluate(|req| match policy.accepts(req) {
        Ok(()) => true,
        Err(refusal) => {
            refusals.push(refusal);
            false
        }
    });
    if accepted {
        return None;
    }
    let kind = match refusals.first() {
        Some(Refusal::Denied(_)) => ViolationKind::Denied,
        Some(Refusal::Category(..)) => ViolationKind::DeniedCategory,
        _ => ViolationKind::NotAllowed,
    };
    let details: Vec<String> = refusals.iter().map(ToString::to_string).collect();
    let expression = dep.display();
    let reason = if refusals.len() == 1 && !expression.contains(' ') {
        format!("license {}", details[0])
    } else {
        format!(
            "license `{expression}` breaks the policy: {}",
            details.join("; ")
        )
    };
    Some(Violation { kind, reason })
}

fn against_project(project_license: &str, dep: &LicenseInfo) -> Option<Violation> {
    let project = resolve(&LicenseMetadata {
        license: Some(project_license.to_string()),
        ..LicenseMetadata::default()
    });
    let project_can_not_carry = matches!(
        project.category,
        Category::Permissive | Category::WeakCopyleft | Category::Proprietary
    );
    if !(project_can_not_carry && dep.category.is_strong_copyleft()) {
        return None;
    }
    Some(Violation {
        kind: ViolationKind::Conflict,
        reason: format!(
            "`{}` ({}) conflicts with the project's license `{}` ({})",
            dep.display(),
            dep.category,
            project.display(),
            project.category
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Origin;

    fn info(expression: &str) -> LicenseInfo {
        let parsed = crate::expression::parse(expression).unwrap();
        LicenseInfo {
            expression: Some(parsed.canonical),
            category: parsed.category,
            raw: Some(expression.to_string()),
            origin: Origin::Expression,
            approximate: false,
        }
    }

    fn policy(allow: &[&str], deny: &[&str], categories: &[Category]) -> LicensePolicy {
        LicensePolicy::new(
            allow.iter().map(ToString::to_string).collect(),
            deny.iter().map(ToString::to_string).collect(),
            categories.to_vec(),
        )
        .unwrap()
    }

    #[test]
    fn policy_ids_are_checked_and_canonical() {
        let policy = policy(&["mit", "GPL-3.0", "GPL-2.0+", "LicenseRef-Ours"], &[], &[]);
        assert_eq!(
            policy.allow,
            ["MIT", "GPL-3.0-only", "GPL-2.0-or-later", "LicenseRef-Ours"]
        );
        let error = LicensePolicy::new(vec!["MIT".into(), "Apache 2".into()], vec![], vec![]);
        assert_eq!(
            error,
            Err(PolicyError::UnknownLicense {
                id: "Apache 2".into(),
                list: "allow"
            })
        );
        assert!(
            error
                .unwrap_err()
                .to_string()
                .contains("`Apache 2` in `allow` is not an SPDX license id")
        );
        let error = LicensePolicy::new(vec![], vec!["Foo-1.0".into()], vec![]).unwrap_err();
        assert!(error.to_string().contains("`Foo-1.0` in `deny`"));
        assert!(matches!(
            LicensePolicy::new(vec!["MIT".into()], vec!["mit".into()], vec![]),
            Err(PolicyError::AllowedAndDenied { .. })
        ));
    }

    #[test]
    fn deny_allow_and_categories() {
        let deny_gpl = policy(&[], &["GPL-3.0-only"], &[]);
        let found = evaluate(Some(&deny_gpl), None, &info("GPL-3.0-only")).unwrap();
        assert_eq!(found.kind, ViolationKind::Denied);
        assert_eq!(found.reason, "license `GPL-3.0-only` is denied");
        assert_eq!(
            evaluate(Some(&deny_gpl), None, &info("MIT OR GPL-3.0-only")),
            None
        );
        assert!(evaluate(Some(&deny_gpl), None, &info("MIT AND GPL-3.0-only")).is_some());

        let copyleft = policy(
            &[],
            &[],
            &[Category::StrongCopyleft, Category::NetworkCopyleft],
        );
        let found = evaluate(Some(&copyleft), None, &info("AGPL-3.0-or-later")).unwrap();
        assert_eq!(found.kind, ViolationKind::DeniedCategory);
        assert_eq!(
            found.reason,
            "license `AGPL-3.0-or-later` is network-copyleft, a denied category"
        );
        assert_eq!(
            evaluate(Some(&copyleft), None, &info("LGPL-2.1-only")),
            None
        );
        assert_eq!(
            evaluate(
                Some(&copyleft),
                None,
                &info("GPL-2.0-only WITH Classpath-exception-2.0")
            ),
            None
        );

        let allow = policy(&["MIT", "Apache-2.0"], &[], &[]);
        assert_eq!(
            evaluate(Some(&allow), None, &info("Apache-2.0 OR MPL-2.0")),
            None
        );
        let found = evaluate(Some(&allow), None, &info("MPL-2.0")).unwrap();
        assert_eq!(found.kind, ViolationKind::NotAllowed);
        assert_eq!(found.reason, "license `MPL-2.0` is not in the allow list");
        let found = evaluate(Some(&allow), None, &info("MIT AND ISC")).unwrap();
        assert_eq!(
            found.reason,
            "license `MIT AND ISC` breaks the policy: `ISC` is not in the allow list"
        );
    }

    #[test]
    fn licenses_without_an_expression() {
        let public_domain = LicenseInfo {
            expression: None,
            category: Category::Permissive,
            raw: Some("License :: Public Domain".into()),
            origin: Origin::Classifier,
            approximate: false,
        };
        let allow = policy(&["MIT"], &[], &[]);
        let found = evaluate(Some(&allow), None, &public_domain).unwrap();
        assert_eq!(found.kind, ViolationKind::NotAllowed);
        let unknown = LicenseInfo {
            category: Category::Unknown,
            raw: Some("Do whatever".into()),
            ..public_domain.clone()
        };
        let deny_unknown = policy(&[], &[], &[Category::Unknown]);
        assert_eq!(
            evaluate(Some(&deny_unknown), None, &unknown).unwrap().kind,
            ViolationKind::DeniedCategory
        );
        assert_eq!(
            evaluate(Some(&policy(&[], &["MIT"], &[])), None, &unknown),
            None
        );
    }

    #[test]
    fn no_license_at_all() {
        for policy in [None, Some(LicensePolicy::default())] {
            let found = evaluate(policy.as_ref(), Some("MIT"), &LicenseInfo::none()).unwrap();
            assert_eq!(found.kind, ViolationKind::NoLicense);
        }
    }

    #[test]
    fn conflicts_with_the_project_license() {
        let found = evaluate(None, Some("MIT"), &info("GPL-3.0-only")).unwrap();
        assert_eq!(found.kind, ViolationKind::Conflict);
        assert_eq!(
            found.reason,
            "`GPL-3.0-only` (strong-copyleft) conflicts with the project's license `MIT` (permissive)"
        );
        assert!(evaluate(None, Some("MIT License"), &info("AGPL-3.0-only")).is_some());
        assert!(evaluate(None, Some("Proprietary"), &info("GPL-2.0-or-later")).is_some());
        assert_eq!(evaluate(None, Some("MIT"), &info("LGPL-3.0-only")), None);
        assert_eq!(
            evaluate(None, Some("MIT"), &info("MIT OR GPL-3.0-only")),
            None
        );
        assert_eq!(
            evaluate(None, Some("GPL-3.0-or-later"), &info("GPL-3.0-only")),
            None
        );
        assert_eq!(evaluate(None, None, &info("GPL-3.0-only")), None);
    }
}
