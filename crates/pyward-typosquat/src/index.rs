//! Finds the popular names within one or two edits of a name without
//! comparing it with all of them.
//!
//! Symmetric deletion (the SymSpell idea): two strings within `k` edits of
//! each other (insertions, deletions, substitutions, adjacent swaps) share a
//! string obtained by deleting at most `k` characters from each. The index
//! holds a hash of every such deletion variant of every popular name; a
//! lookup hashes the variants of the name being checked and collects the
//! popular names that share one. Hash collisions and variants shared by
//! names further apart only add candidates, which the caller then measures
//! exactly, so the index never decides anything on its own.
//!
//! Building it for the 15,000 built-in names takes a few milliseconds: the
//! variants are hashed in constant time each and go straight into a table,
//! without sorting.

/// Hashes of deletion variants in an open-addressing table (linear
/// probing, at most half full), each with the popular name's slot; several
/// entries may share a hash. The table keeps 32 bits of each 64-bit hash
/// (the other bits chose the place): a few more shared keys, half the
/// memory to fill.
pub(crate) struct DeletionIndex {
    table: Vec<(u32, u32)>,
    mask: usize,
    len: usize,
}

/// Marks an empty place; stored keys have their low bit set.
const EMPTY: u32 = 0;

impl DeletionIndex {
    /// Indexes each `(slot, name, depth)`: the name's variants with up to
    /// `depth` characters deleted (0 keeps it out of the index).
    pub(crate) fn build<'a>(names: impl Iterator<Item = (u32, &'a [char], usize)>) -> Self {
        let mut keys = Vec::new();
        let mut hasher = VariantHasher::default();
        for (slot, name, depth) in names {
            let start = keys.len();
            hasher.for_each_variant(name, depth, |key| keys.push((key, slot)));
            // A name with double letters yields the same variant twice.
            let own = &mut keys[start..];
            own.sort_unstable();
            let mut unique = start;
            for i in start..keys.len() {
                if i == start || keys[i] != keys[unique - 1] {
                    keys[unique] = keys[i];
                    unique += 1;
                }
            }
            keys.truncate(unique);
        }
        let capacity = (keys.len() * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut table = vec![(EMPTY, 0); capacity];
        for (key, slot) in &keys {
            let (mut place, stored) = locate(*key, mask);
            while table[place].0 != EMPTY {
                place = (place + 1) & mask;
            }
            table[place] = (stored, *slot);
        }
        Self {
            table,
            mask,
            len: keys.len(),
        }
    }

    /// Pushes onto `out` the slots of the popular names that share a variant
    /// (up to `depth` deletions) with `name`. May push a slot more than once.
    pub(crate) fn candidates(&self, name: &[char], depth: usize, out: &mut Vec<u32>) {
        let mut hasher = VariantHasher::default();
        hasher.for_each_variant(name, depth, |key| {
            let (mut place, stored) = locate(key, self.mask);
            loop {
                let (held, slot) = self.table[place];
                if held == EMPTY {
                    break;
                }
                if held == stored {
                    out.push(slot);
                }
                place = (place + 1) & self.mask;
            }
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// Polynomial hashes (wrapping arithmetic) of a name with characters left
/// out, each computed in constant time from prefix hashes, so that the
/// O(n^2) variants of a name cost O(n^2) and not O(n^3).
#[derive(Default)]
struct VariantHasher {
    /// `prefix[i]` is the hash of the first `i` characters.
    prefix: Vec<u64>,
    /// `power[i]` is `BASE^i`.
    power: Vec<u64>,
}

const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

impl VariantHasher {
    fn for_each_variant(&mut self, name: &[char], depth: usize, mut visit: impl FnMut(u64)) {
        if depth == 0 {
            return;
        }
        let n = name.len();
        self.prefix.clear();
        self.power.clear();
        self.prefix.push(0);
        self.power.push(1);
        for (i, c) in name.iter().enumerate() {
            // `+ 1` so that no character hashes as a leading zero.
            let digit = u64::from(*c) + 1;
            self.prefix
                .push(self.prefix[i].wrapping_mul(BASE).wrapping_add(digit));
            self.power.push(self.power[i].wrapping_mul(BASE));
        }
        let key =
            |hash: u64, len: usize| (hash ^ (len as u64).wrapping_mul(0xA24B_AED4_963E_E407)) | 1;
        // Hash of name[a..b].
        let range = |a: usize, b: usize| {
            self.prefix[b].wrapping_sub(self.prefix[a].wrapping_mul(self.power[b - a]))
        };
        let join = |left: u64, right: u64, right_len: usize| {
            left.wrapping_mul(self.power[right_len]).wrapping_add(right)
        };
        visit(key(self.prefix[n], n));
        for i in 0..n {
            let before = range(0, i);
            let one = join(before, range(i + 1, n), n - i - 1);
            visit(key(one, n - 1));
            if depth >= 2 {
                for j in i + 1..n {
                    let middle = join(before, range(i + 1, j), j - i - 1);
                    let two = join(middle, range(j + 1, n), n - j - 1);
                    visit(key(two, n - 2));
                }
            }
        }
    }
}

/// Where a key starts probing, and the 32 bits stored for it. The key is
/// mixed first: the polynomial hash's low bits are weak.
fn locate(key: u64, mask: usize) -> (usize, u32) {
    let mut x = key;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    ((x as usize) & mask, ((x >> 32) as u32) | 1)
}

#[cfg(test)]
mod tests {
    use super::DeletionIndex;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn finds_names_one_and_two_edits_away() {
        let popular = [chars("requests"), chars("flask"), chars("django")];
        let index = DeletionIndex::build(
            popular
                .iter()
                .enumerate()
                .map(|(slot, name)| (slot as u32, name.as_slice(), 2)),
        );
        let lookup = |name: &str, depth| {
            let mut out = Vec::new();
            index.candidates(&chars(name), depth, &mut out);
            out.sort_unstable();
            out.dedup();
            out
        };
        assert_eq!(lookup("reqeusts", 1), vec![0]);
        assert_eq!(lookup("reqest", 2), vec![0]);
        assert_eq!(lookup("falsk", 1), vec![1]);
        assert_eq!(lookup("pandas", 1), Vec::<u32>::new());
    }
}
