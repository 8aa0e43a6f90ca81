//! What the analysis knows of where a value came from: a small set of
//! labels, each naming one origin (a request parameter, a parameter of the
//! function, a value of unknown provenance, the result of a call into the
//! project not resolved yet) and the sink classes it has been sanitised
//! for on the way.

use serde::{Deserialize, Serialize};

/// A kind of dangerous sink; one rule each, sanitisers are per class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SinkClass {
    /// SQL text (CWE-89).
    Sql,
    /// Commands run by a shell or as a process (CWE-78).
    Command,
    /// Python code (`eval`, `exec`, `compile`; CWE-94/95).
    Code,
    /// File paths (CWE-22).
    Path,
    /// HTML in a response (CWE-79).
    Xss,
    /// Template source (CWE-1336).
    Template,
    /// Redirect targets (CWE-601).
    Redirect,
    /// URLs the server fetches (CWE-918).
    Ssrf,
    /// LDAP filters and DNs (CWE-90).
    Ldap,
    /// XPath expressions (CWE-643).
    Xpath,
    /// XML parsed with external entities on (CWE-611).
    Xxe,
    /// Deserialisers that build arbitrary objects (CWE-502).
    Deserialization,
    /// Values stored in the session (CWE-501).
    TrustBoundary,
    /// Response headers (CWE-113).
    Header,
    /// Log messages (CWE-117).
    Log,
}

impl SinkClass {
    /// Every class, in order.
    pub const ALL: [SinkClass; 15] = [
        SinkClass::Sql,
        SinkClass::Command,
        SinkClass::Code,
        SinkClass::Path,
        SinkClass::Xss,
        SinkClass::Template,
        SinkClass::Redirect,
        SinkClass::Ssrf,
        SinkClass::Ldap,
        SinkClass::Xpath,
        SinkClass::Xxe,
        SinkClass::Deserialization,
        SinkClass::TrustBoundary,
        SinkClass::Header,
        SinkClass::Log,
    ];

    /// The name used in configuration (`sql`, `trust-boundary`).
    pub fn as_str(self) -> &'static str {
        match self {
            SinkClass::Sql => "sql",
            SinkClass::Command => "command",
            SinkClass::Code => "code",
            SinkClass::Path => "path",
            SinkClass::Xss => "xss",
            SinkClass::Template => "template",
            SinkClass::Redirect => "redirect",
            SinkClass::Ssrf => "ssrf",
            SinkClass::Ldap => "ldap",
            SinkClass::Xpath => "xpath",
            SinkClass::Xxe => "xxe",
            SinkClass::Deserialization => "deserialization",
            SinkClass::TrustBoundary => "trust-boundary",
            SinkClass::Header => "header",
            SinkClass::Log => "log",
        }
    }

    /// The class named `name` in configuration.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of sink classes (what a value has been sanitised for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ClassSet(u16);

impl ClassSet {
    pub const EMPTY: ClassSet = ClassSet(0);
    pub const ALL: ClassSet = ClassSet((1 << SinkClass::ALL.len()) - 1);

    /// The set with these bits (bits of no class are dropped).
    pub(crate) const fn from_bits(bits: u16) -> Self {
        ClassSet(bits & Self::ALL.0)
    }

    pub fn of(classes: &[SinkClass]) -> Self {
        ClassSet(classes.iter().fold(0, |bits, c| bits | c.bit()))
    }

    pub fn contains(self, class: SinkClass) -> bool {
        self.0 & class.bit() != 0
    }

    #[must_use]
    pub fn union(self, other: ClassSet) -> ClassSet {
        ClassSet(self.0 | other.0)
    }

    #[must_use]
    pub fn intersection(self, other: ClassSet) -> ClassSet {
        ClassSet(self.0 & other.0)
    }

    pub fn is_all(self) -> bool {
        self == Self::ALL
    }
}

/// Where a label's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Origin {
    /// Untrusted input: an entry of the origin table.
    Source(u32),
    /// The n-th parameter of the function analysed.
    Param(u32),
    /// The result of a call into the project whose summary is not known
    /// yet: an entry of the call-site table.
    Call(u32),
    /// Anything else that is not a constant: a library call's result, a
    /// global of another module, an attribute of an unknown object.
    Unknown,
}

/// One origin of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Label {
    pub(crate) origin: Origin,
    /// The classes it has been sanitised for.
    pub(crate) clean: ClassSet,
    /// The call steps it came through (an entry of the step table, 0:
    /// none), for the path shown with a finding.
    pub(crate) via: u32,
}

/// At most this many labels per value: past it, calls and extra sources
/// fold into one `Unknown` (never cleaner than the truth).
const MAX_LABELS: usize = 12;

/// The labels of a value. Empty: a constant, or built only from
/// constants and fully sanitised values. Most values have none or one
/// label: those need no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Taint(Repr);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Repr {
    #[default]
    Empty,
    One(Label),
    /// Two or more, sorted by origin.
    Many(Vec<Label>),
}

impl Taint {
    pub(crate) fn clean() -> Self {
        Taint(Repr::Empty)
    }

    pub(crate) fn unknown() -> Self {
        Self::of(Origin::Unknown)
    }

    pub(crate) fn of(origin: Origin) -> Self {
        Taint(Repr::One(Label {
            origin,
            clean: ClassSet::EMPTY,
            via: 0,
        }))
    }

    pub(crate) fn labels(&self) -> &[Label] {
        match &self.0 {
            Repr::Empty => &[],
            Repr::One(label) => std::slice::from_ref(label),
            Repr::Many(labels) => labels,
        }
    }

    pub(crate) fn is_clean(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// Adds a label: one per origin, sanitised for what it is sanitised for
    /// on every path. Whether anything changed.
    pub(crate) fn add(&mut self, label: Label) -> bool {
        if label.clean.is_all() {
            return false;
        }
        match &mut self.0 {
            Repr::Empty => {
                self.0 = Repr::One(label);
                true
            }
            Repr::One(existing) if existing.origin == label.origin => {
                let clean = existing.clean.intersection(label.clean);
                let changed = clean != existing.clean;
                existing.clean = clean;
                changed
            }
            Repr::One(existing) => {
                let existing = *existing;
                let mut labels = vec![existing, label];
                labels.sort_by_key(|l| l.origin);
                self.0 = Repr::Many(labels);
                true
            }
            Repr::Many(labels) => match labels.binary_search_by(|l| l.origin.cmp(&label.origin)) {
                Ok(at) => {
                    let existing = &mut labels[at];
                    let clean = existing.clean.intersection(label.clean);
                    let changed = clean != existing.clean;
                    existing.clean = clean;
                    changed
                }
                Err(at) => {
                    labels.insert(at, label);
                    if labels.len() > MAX_LABELS {
                        overflow(labels);
                    }
                    true
                }
            },
        }
    }

    /// Adds every label of `other`; whether anything changed.
    pub(crate) fn join(&mut self, other: &Taint) -> bool {
        let mut changed = false;
        for &label in other.labels() {
            changed |= self.add(label);
        }
        changed
    }

    /// The union of the two.
    #[must_use]
    pub(crate) fn union(mut self, other: &Taint) -> Taint {
        self.join(other);
        self
    }

    /// Marks every label sanitised for `classes`.
    pub(crate) fn sanitise(&mut self, classes: ClassSet) {
        let labels: Vec<Label> = self
            .labels()
            .iter()
            .map(|l| Label {
                clean: l.clean.union(classes),
                ..*l
            })
            .filter(|l| !l.clean.is_all())
            .collect();
        *self = Taint::from_sorted(labels);
    }

    fn from_sorted(mut labels: Vec<Label>) -> Taint {
        match labels.len() {
            0 => Taint(Repr::Empty),
            1 => Taint(Repr::One(labels.remove(0))),
            _ => Taint(Repr::Many(labels)),
        }
    }

    /// The labels that are dangerous for `class`.
    pub(crate) fn for_class(&self, class: SinkClass) -> impl Iterator<Item = &Label> {
        self.labels()
            .iter()
            .filter(move |l| !l.clean.contains(class))
    }

    /// Rewrites every label (for substitution and id remapping); labels
    /// mapping to several are added one by one.
    pub(crate) fn map(&self, mut f: impl FnMut(&Label, &mut Taint)) -> Taint {
        let mut out = Taint::clean();
        for label in self.labels() {
            f(label, &mut out);
        }
        out
    }
}

/// Keeps sources and parameters (the most useful for reports and
/// summaries) and replaces the surplus with one `Unknown`.
fn overflow(labels: &mut Vec<Label>) {
    let mut kept: Vec<Label> = labels
        .iter()
        .copied()
        .filter(|l| matches!(l.origin, Origin::Source(_) | Origin::Param(_)))
        .take(MAX_LABELS - 1)
        .collect();
    kept.push(Label {
        origin: Origin::Unknown,
        clean: ClassSet::EMPTY,
        via: 0,
    });
    kept.sort_by_key(|l| l.origin);
    *labels = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitised_for_one_class_stays_tainted_for_others() {
        let mut t = Taint::of(Origin::Source(0));
        t.sanitise(ClassSet::of(&[SinkClass::Xss]));
        assert_eq!(t.for_class(SinkClass::Xss).count(), 0);
        assert_eq!(t.for_class(SinkClass::Sql).count(), 1);
        t.sanitise(ClassSet::ALL);
        assert!(t.is_clean());
    }

    #[test]
    fn joins_keep_the_weaker_sanitisation() {
        let mut a = Taint::of(Origin::Source(0));
        a.sanitise(ClassSet::of(&[SinkClass::Xss]));
        let b = Taint::of(Origin::Source(0));
        assert!(a.join(&b));
        assert_eq!(a.for_class(SinkClass::Xss).count(), 1);
        assert!(!a.join(&b));
    }

    #[test]
    fn many_labels_fold_into_unknown() {
        let mut t = Taint::clean();
        for i in 0..40 {
            t.add(Label {
                origin: Origin::Call(i),
                clean: ClassSet::EMPTY,
                via: 0,
            });
        }
        assert!(t.labels().len() <= MAX_LABELS + 1);
        assert!(t.labels().iter().any(|l| l.origin == Origin::Unknown));
    }

    #[test]
    fn class_names_round_trip() {
        for class in SinkClass::ALL {
            assert_eq!(SinkClass::from_name(class.as_str()), Some(class));
        }
    }
}
