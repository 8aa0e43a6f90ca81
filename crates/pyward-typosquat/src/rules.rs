//! The numbers behind the rules, in one place, with the reason for each.
//! The crate README explains them to users; the detection and false-alarm
//! tests (`tests/typosquat.rs`) are what they were tuned against.

/// Popular names shorter than this are never matched by an edit: among
/// four-letter names nearly every one-letter change is another real project
/// (`attr`/`attrs`, `idna`/`idne`), so the signal is noise. From this length
/// on, swapped and doubled letters count.
pub(crate) const ONE_EDIT_MIN_LEN: usize = 5;

/// Any other single edit (a letter replaced, added, or dropped) needs a
/// popular name at least this long: in five-letter names such an edit is
/// one fifth of the name and usually another word (`flask`/`flash`,
/// `scapy`/`shapy`, `redis`/`redi`).
pub(crate) const GENERIC_EDIT_MIN_LEN: usize = 6;

/// An edit that changes the first character needs a popular name at least
/// this long. People seldom mistype the first letter, while names that
/// differ in it are often unrelated (`wandb`/`mandb`, `xarray`/`jarray`);
/// long names keep the rest recognisable (`dequests`).
pub(crate) const FIRST_CHAR_EDIT_MIN_LEN: usize = 8;

/// Two edits only for popular names at least this long, and never on the
/// first character: in shorter names two changes leave too little of the
/// original to call it an imitation.
pub(crate) const TWO_EDIT_MIN_LEN: usize = 8;

/// Separator and look-alike character rules need this many characters
/// (separators excluded) so that `a-b` and `ab` are not "imitations".
pub(crate) const LOOK_MIN_LEN: usize = 4;

/// The part left when an affix is stripped or added must be at least this
/// long: `py` + `ee` is not an imitation of `ee`.
pub(crate) const AFFIX_MIN_LEN: usize = 5;

/// A segment (the text between separators) shorter than this is a short
/// distinguishing word in a family of plugins: `pytest-cov` and
/// `pytest-cox`, `django-csp` and `django-cms`. An edit that falls inside
/// such a segment, when the rest of the name is identical, is how families
/// are named, not a typo.
pub(crate) const SHORT_SEGMENT_LEN: usize = 5;

/// As [`SHORT_SEGMENT_LEN`], for two edits: two changes inside a segment
/// of fewer characters than this rewrite a word rather than mistype it
/// (`pytest-salt` and `pytest-split`, both real).
pub(crate) const TWO_EDIT_SHORT_SEGMENT_LEN: usize = 8;

/// Names longer than this (in characters) are only looked up, never
/// compared by edit distance: real package names are far shorter, and the
/// bound keeps the work per name small whatever the input.
pub(crate) const MAX_COMPARED_LEN: usize = 64;

/// Popularity gaps, as multiples of the download count of the least
/// downloaded name in the list (rank 15,000: 57,487 downloads in 30 days in
/// the built-in data). A name checked here is not in the list, so it has
/// fewer downloads than that floor; a popular name is only worth imitating,
/// and a near miss is only suspicious, when it is far more downloaded than
/// the look-alike can be.
///
/// Strong signals (swapped or doubled letters, separators,
/// look-alike characters) seldom happen by chance between two real projects,
/// so a gap of 10x is enough (the 5,667 most downloaded, 575,000+
/// downloads a month).
pub(crate) const STRONG_GAP: u64 = 10;

/// Weak signals (a dropped letter, any other one-character change, two
/// changes, affixes) also join real, unrelated projects (`imutil`/`imutils`,
/// `pyredis`), so they need
/// the imitated project to be 100x past the floor (the 1,770 most
/// downloaded, ~5.7 million downloads a month).
pub(crate) const WEAK_GAP: u64 = 100;

/// Prefixes that people expect on Python packages. A name that adds one to a
/// popular name (`python-flask`) or drops one from it (`dateutil` for
/// `python-dateutil`) imitates it. Generic words (`-client`, `-api`,
/// `-utils`) are left out: packages that wrap a popular one are commonly and
/// legitimately named that way.
pub(crate) const PREFIXES: &[&str] = &["python-", "python3-", "python", "py-", "py"];

/// Suffixes, as [`PREFIXES`]. `2` and `3` stand for the Python major
/// version (`boto3`, `jinja2`), which is why attackers add them.
pub(crate) const SUFFIXES: &[&str] = &["-python", "-python3", "-py", "py", "2", "3"];
