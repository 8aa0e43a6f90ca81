//! The abstract values the taint analysis computes, and the state that maps
//! variables (and their attributes and constant keys) to them.

use ruff_text_size::TextSize;

use super::label::Taint;
use crate::semantic::constant::Const;

/// What the analysis knows of an object beyond its taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    #[default]
    Plain,
    /// An HTTP request object: some of its attributes are untrusted.
    Request,
    /// An XML parser; whether it resolves external entities.
    XmlParser { unsafe_entities: bool },
    /// A function of this file (its `def` starts there).
    Function(TextSize),
}

/// Built by concatenation after a constant that fixes scheme and host
/// (`"/profile/" + x`, `f"https://api.example.com/{x}"`): cannot redirect
/// or connect elsewhere.
pub(crate) const HOST_FIXED: u8 = 1;
/// A normalised path (`os.path.realpath(...)`): a `startswith` check on it
/// keeps it inside a folder.
pub(crate) const NORMALISED: u8 = 2;

/// One abstract value.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Value {
    pub(crate) taint: Taint,
    pub(crate) constant: Option<Const>,
    pub(crate) kind: Kind,
    pub(crate) flags: u8,
}

impl Value {
    /// A value made only of constants, its value unknown.
    pub(crate) fn clean() -> Self {
        Value::default()
    }

    pub(crate) fn unknown() -> Self {
        Value {
            taint: Taint::unknown(),
            ..Value::default()
        }
    }

    pub(crate) fn constant(constant: Option<Const>) -> Self {
        Value {
            constant,
            ..Value::default()
        }
    }

    pub(crate) fn tainted(taint: Taint) -> Self {
        Value {
            taint,
            ..Value::default()
        }
    }

    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The least value above both (paths merging).
    pub(crate) fn join(&mut self, other: &Value) -> bool {
        let mut changed = self.taint.join(&other.taint);
        if self.constant.is_some() && self.constant != other.constant {
            self.constant = None;
            changed = true;
        }
        if self.kind != other.kind {
            // Two parsers, one unsafe: unsafe; anything else: plain.
            let kind = match (self.kind, other.kind) {
                (
                    Kind::XmlParser { unsafe_entities: a },
                    Kind::XmlParser { unsafe_entities: b },
                ) => Kind::XmlParser {
                    unsafe_entities: a || b,
                },
                _ => Kind::Plain,
            };
            changed |= kind != self.kind;
            self.kind = kind;
        }
        let flags = self.flags & other.flags;
        changed |= flags != self.flags;
        self.flags = flags;
        changed
    }

    /// The value as data only: taint, no constant or identity (an element
    /// of a container, a value read through a call).
    #[must_use]
    pub(crate) fn data(&self) -> Value {
        Value::tainted(self.taint.clone())
    }
}

/// Part of a variable: itself, an attribute, or an item under a constant
/// key or index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Field<'a> {
    Whole,
    Attr(&'a str),
    Key(&'a str),
    Index(i64),
}

/// A variable or part of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Place<'a> {
    pub(crate) name: &'a str,
    pub(crate) field: Field<'a>,
}

impl<'a> Place<'a> {
    pub(crate) fn whole(name: &'a str) -> Self {
        Place {
            name,
            field: Field::Whole,
        }
    }
}

/// What each variable holds at one point. A variable that is absent is
/// unbound there (or, for a part, no better known than the whole).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct State<'a> {
    vars: Vec<(Place<'a>, Value)>,
}

impl<'a> State<'a> {
    pub(crate) fn get(&self, place: Place<'a>) -> Option<&Value> {
        self.vars
            .binary_search_by(|(p, _)| p.cmp(&place))
            .ok()
            .map(|i| &self.vars[i].1)
    }

    /// A part's value, or the whole's when the part is not tracked.
    pub(crate) fn get_part(&self, place: Place<'a>) -> Option<&Value> {
        self.get(place).or_else(|| {
            (place.field != Field::Whole)
                .then(|| self.get(Place::whole(place.name)))
                .flatten()
        })
    }

    /// Strong update. Setting a whole variable forgets its parts.
    pub(crate) fn set(&mut self, place: Place<'a>, value: Value) {
        if place.field == Field::Whole {
            self.vars
                .retain(|(p, _)| p.name != place.name || p.field == Field::Whole);
        }
        match self.vars.binary_search_by(|(p, _)| p.cmp(&place)) {
            Ok(i) => self.vars[i].1 = value,
            Err(i) => self.vars.insert(i, (place, value)),
        }
    }

    /// Weak update of a whole variable (something was added to it).
    pub(crate) fn add_to(&mut self, name: &'a str, value: &Value) {
        let place = Place::whole(name);
        match self.vars.binary_search_by(|(p, _)| p.cmp(&place)) {
            Ok(i) => {
                let existing = &mut self.vars[i].1;
                existing.taint.join(&value.taint);
                existing.constant = None;
            }
            Err(i) => self.vars.insert(i, (place, value.data())),
        }
    }

    /// Forgets a variable and its parts (`del x`).
    pub(crate) fn remove(&mut self, name: &str) {
        self.vars.retain(|(p, _)| p.name != name);
    }

    /// Joins `other` into `self`; whether `self` changed. A part tracked on
    /// one side only is joined with the other side's whole.
    pub(crate) fn join(&mut self, other: &State<'a>) -> bool {
        // The usual case: the same variables on both sides.
        if self.vars.len() == other.vars.len()
            && self
                .vars
                .iter()
                .zip(&other.vars)
                .all(|((a, _), (b, _))| a == b)
        {
            let mut changed = false;
            for ((_, value), (_, theirs)) in self.vars.iter_mut().zip(&other.vars) {
                changed |= value.join(theirs);
            }
            return changed;
        }
        let mut changed = false;
        let mut merged: Vec<(Place<'a>, Value)> =
            Vec::with_capacity(self.vars.len().max(other.vars.len()));
        let (mut i, mut j) = (0, 0);
        while i < self.vars.len() || j < other.vars.len() {
            let order = match (self.vars.get(i), other.vars.get(j)) {
                (Some((a, _)), Some((b, _))) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, _) => std::cmp::Ordering::Greater,
            };
            match order {
                std::cmp::Ordering::Equal => {
                    let (place, mut value) = self.vars[i].clone();
                    changed |= value.join(&other.vars[j].1);
                    merged.push((place, value));
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => {
                    let (place, mut value) = self.vars[i].clone();
                    if place.field != Field::Whole
                        && let Some(whole) = other.get(Place::whole(place.name))
                    {
                        changed |= value.join(whole);
                    }
                    merged.push((place, value));
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    let (place, mut value) = other.vars[j].clone();
                    if place.field != Field::Whole
                        && let Some(whole) = self.get(Place::whole(place.name))
                    {
                        value.join(whole);
                    }
                    merged.push((place, value));
                    changed = true;
                    j += 1;
                }
            }
        }
        self.vars = merged;
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taint::label::Origin;

    #[test]
    fn parts_fall_back_to_the_whole_and_join_with_it() {
        let mut a = State::default();
        a.set(Place::whole("d"), Value::clean());
        a.set(
            Place {
                name: "d",
                field: Field::Key("b"),
            },
            Value::tainted(Taint::of(Origin::Source(0))),
        );
        let key_a = Place {
            name: "d",
            field: Field::Key("a"),
        };
        assert!(a.get_part(key_a).unwrap().taint.is_clean());
        let mut b = State::default();
        b.set(Place::whole("d"), Value::unknown());
        assert!(a.join(&b));
        let key_b = Place {
            name: "d",
            field: Field::Key("b"),
        };
        assert_eq!(a.get(key_b).unwrap().taint.labels().len(), 2);
        // Setting the whole forgets the parts.
        a.set(Place::whole("d"), Value::clean());
        assert!(a.get(key_b).is_none());
    }
}
