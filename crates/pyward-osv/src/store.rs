//! The database file: one immutable file, read in pieces.
//!
//! ```text
//! header   64 bytes   magic "PYWARDDB", format, checksum, file length,
//!                     where the meta and index are, how many packages
//! blobs               three per package: the core as JSON (what matching
//!                     needs: ids, ranges, severity), the display as JSON
//!                     (headline, first references; read only when the
//!                     package has a finding), then the full records as
//!                     deflated JSON (details, every reference, every
//!                     listed version)
//! meta                JSON: built, source, counts, newest modified
//! index               fixed-size entries sorted by package name (name
//!                     offset/length, blob offset, each part's
//!                     length/CRC-32), then the names
//! ```
//!
//! Opening reads the header, meta and index (a few hundred kB for all of
//! OSV's PyPI data) and checks their CRC-32 and the file length; a lookup
//! binary-searches the index and reads the one blob it needs, checking its
//! CRC-32. So a
//! truncated or damaged file is refused with a clear error instead of being
//! half-read, and nothing but the packages asked about is read.

use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};

use crate::error::DbError;
use crate::files::{self, Links, OpenError};
use crate::temporaries::{self, Temporary};

pub const MAGIC: &[u8; 8] = b"PYWARDDB";
/// 4: the display part holds details, CWEs, dates and the CVSS vector;
/// the meta counts malicious-package reports.
pub const FORMAT: u32 = 4;
const HEADER_LEN: usize = 64;
const ENTRY_LEN: usize = 40;
/// A package's advisories inflate to far less than this; a larger claim is
/// damage.
const MAX_BLOB_INFLATED: u64 = 256 * 1024 * 1024;

/// What the database says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// When it was built (RFC 3339).
    pub built: String,
    /// The URL or path it was built from.
    pub source: String,
    pub advisories: usize,
    /// How many of the advisories are malicious-package reports (`MAL-`
    /// ids): none in the PyPA data, thousands in OSV's PyPI export.
    #[serde(default)]
    pub malicious: usize,
    pub packages: usize,
    /// Newest `modified` date among its records (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<String>,
    /// Malformed records left out when it was built.
    #[serde(default)]
    pub skipped: usize,
    #[serde(default)]
    pub withdrawn: usize,
}

/// (length, CRC-32) of a package's blobs, in [`Part`] order.
type BlobParts = [(u32, u32); 3];

/// One package's records, as JSON: what matching needs, what findings
/// show, and the full records.
pub struct PackageBlobs {
    pub core: Vec<u8>,
    pub display: Vec<u8>,
    pub full: Vec<u8>,
}

/// Which of a package's blobs to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Core,
    Display,
    Full,
}

impl Part {
    fn index(self) -> usize {
        match self {
            Part::Core => 0,
            Part::Display => 1,
            Part::Full => 2,
        }
    }

    /// The core and display, read by audits, are stored as plain JSON:
    /// inflating them took a quarter of an audit's time. The full records,
    /// read only on request, are deflated.
    fn is_deflated(self) -> bool {
        self == Part::Full
    }
}

/// Writes a database of `by_package` to `dest` atomically: into a temporary
/// file beside it, flushed to disk, then renamed over `dest`. On any error
/// the temporary file is removed and `dest` is untouched.
pub fn write_atomically(
    dest: &Path,
    by_package: &BTreeMap<String, PackageBlobs>,
    meta: &Meta,
) -> Result<(), DbError> {
    let write_error = |cause: std::io::Error| DbError::Write {
        path: dest.to_path_buf(),
        cause,
    };
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs_err::create_dir_all(&dir).map_err(write_error)?;
    let mut tmp =
        Temporary::create(&dir, temporaries::DATABASE_PREFIX, ".tmp").map_err(write_error)?;
    write_to(tmp.as_file_mut(), by_package, meta).map_err(write_error)?;
    tmp.as_file().sync_all().map_err(write_error)?;
    // Checked again just before the rename: the file may have appeared
    // while the database was built.
    check_replaceable(dest)?;
    tmp.persist(dest).map_err(write_error)?;
    // Make the rename itself durable (best effort: not every platform can
    // open a folder).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Builds the whole file into `out`.
pub fn write_to(
    out: &mut std::fs::File,
    by_package: &BTreeMap<String, PackageBlobs>,
    meta: &Meta,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(out);
    w.write_all(&[0u8; HEADER_LEN])?;
    let mut offset = HEADER_LEN as u64;
    let mut entries: Vec<(&str, u64, BlobParts)> = Vec::with_capacity(by_package.len());
    for (name, blobs) in by_package {
        let start = offset;
        let mut parts = [(0u32, 0u32); 3];
        for (slot, (json, part)) in parts.iter_mut().zip([
            (&blobs.core, Part::Core),
            (&blobs.display, Part::Display),
            (&blobs.full, Part::Full),
        ]) {
            let blob = if part.is_deflated() {
                let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
                enc.write_all(json)?;
                enc.finish()?
            } else {
                json.clone()
            };
            let len = u32::try_from(blob.len()).map_err(std::io::Error::other)?;
            w.write_all(&blob)?;
            *slot = (len, crc32fast::hash(&blob));
            offset += u64::from(len);
        }
        entries.push((name, start, parts));
    }
    let meta_bytes = serde_json::to_vec(meta).map_err(std::io::Error::other)?;
    let meta_off = offset;
    w.write_all(&meta_bytes)?;
    offset += meta_bytes.len() as u64;

    let mut index = Vec::with_capacity(entries.len() * (ENTRY_LEN + 16));
    let mut names = Vec::new();
    for (name, blob_off, parts) in &entries {
        let name_off = u32::try_from(names.len()).map_err(std::io::Error::other)?;
        let name_len = u32::try_from(name.len()).map_err(std::io::Error::other)?;
        index.extend_from_slice(&name_off.to_le_bytes());
        index.extend_from_slice(&name_len.to_le_bytes());
        index.extend_from_slice(&blob_off.to_le_bytes());
        for (len, crc) in parts {
            index.extend_from_slice(&len.to_le_bytes());
            index.extend_from_slice(&crc.to_le_bytes());
        }
        names.extend_from_slice(name.as_bytes());
    }
    index.extend_from_slice(&names);
    let index_off = offset;
    w.write_all(&index)?;
    offset += index.len() as u64;

    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT.to_le_bytes());
    header[16..24].copy_from_slice(&offset.to_le_bytes());
    header[24..32].copy_from_slice(&meta_off.to_le_bytes());
    header[32..40].copy_from_slice(&(meta_bytes.len() as u64).to_le_bytes());
    header[40..48].copy_from_slice(&index_off.to_le_bytes());
    header[48..56].copy_from_slice(&(index.len() as u64).to_le_bytes());
    let count = u32::try_from(entries.len()).map_err(std::io::Error::other)?;
    header[56..60].copy_from_slice(&count.to_le_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&header[16..]);
    crc.update(&meta_bytes);
    crc.update(&index);
    header[12..16].copy_from_slice(&crc.finalize().to_le_bytes());
    let out = w
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    out.seek(SeekFrom::Start(0))?;
    out.write_all(&header)?;
    out.flush()
}

enum Backing {
    Static(&'static [u8]),
    /// The file and a read buffer reused across look-ups.
    File(Mutex<(std::fs::File, Vec<u8>)>),
}

/// An open database file.
pub struct Store {
    backing: Backing,
    /// The index: entries then names.
    index: Vec<u8>,
    count: usize,
    meta: Meta,
    path: PathBuf,
    /// The file's length, checked against the header at open.
    len: u64,
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn le_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Refuses to replace `dest` when it exists and is not a pyward database
/// (of any format version) or an empty file: a mistyped `--db` must not
/// destroy someone's file.
pub fn check_replaceable(dest: &Path) -> Result<(), DbError> {
    let refuse = |what: String| DbError::NotReplaceable {
        path: dest.to_path_buf(),
        what,
    };
    let meta = match std::fs::metadata(dest) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(cause) => {
            return Err(DbError::Write {
                path: dest.to_path_buf(),
                cause,
            });
        }
    };
    if meta.is_dir() {
        return Err(refuse("a folder".into()));
    }
    let mut file = match files::open_regular(dest, Links::Follow) {
        Ok(file) => file,
        Err(OpenError::NotRegular(kind)) => return Err(refuse(kind.into())),
        Err(OpenError::Io(cause)) => {
            return Err(DbError::Write {
                path: dest.to_path_buf(),
                cause,
            });
        }
    };
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic).map_err(|cause| DbError::Write {
        path: dest.to_path_buf(),
        cause,
    })?;
    if n == 0 || (n == MAGIC.len() && &magic == MAGIC) {
        Ok(())
    } else {
        Err(refuse("not a pyward database".into()))
    }
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, DbError> {
        let read_error = |cause: std::io::Error| DbError::Read {
            path: path.to_path_buf(),
            cause,
        };
        let mut file = match files::open_regular(path, Links::Follow) {
            Ok(file) => file,
            Err(OpenError::Io(cause)) => return Err(read_error(cause)),
            Err(OpenError::NotRegular(kind)) => {
                return Err(DbError::NotADatabase {
                    path: path.to_path_buf(),
                    detail: format!(" (it is {kind})"),
                });
            }
        };
        let actual_len = file.metadata().map_err(read_error)?.len();
        let mut header = [0u8; HEADER_LEN];
        let n = read_up_to(&mut file, &mut header).map_err(read_error)?;
        let (meta_range, index_range, count, crc) = parse_header(path, &header[..n], actual_len)?;
        let mut meta_bytes = vec![0u8; range_len(meta_range)];
        file.seek(SeekFrom::Start(meta_range.0))
            .and_then(|_| file.read_exact(&mut meta_bytes))
            .map_err(read_error)?;
        let mut index = vec![0u8; range_len(index_range)];
        file.seek(SeekFrom::Start(index_range.0))
            .and_then(|_| file.read_exact(&mut index))
            .map_err(read_error)?;
        Self::finish(
            Backing::File(Mutex::new((file, Vec::new()))),
            actual_len,
            path,
            &header,
            &meta_bytes,
            index,
            count,
            crc,
        )
    }

    pub fn from_static(bytes: &'static [u8], label: &Path) -> Result<Store, DbError> {
        let header_len = bytes.len().min(HEADER_LEN);
        let (meta_range, index_range, count, crc) =
            parse_header(label, &bytes[..header_len], bytes.len() as u64)?;
        let meta_bytes = &bytes[meta_range.0 as usize..meta_range.1 as usize];
        let index = bytes[index_range.0 as usize..index_range.1 as usize].to_vec();
        Self::finish(
            Backing::Static(bytes),
            bytes.len() as u64,
            label,
            &bytes[..HEADER_LEN],
            meta_bytes,
            index,
            count,
            crc,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        backing: Backing,
        len: u64,
        path: &Path,
        header: &[u8],
        meta_bytes: &[u8],
        index: Vec<u8>,
        count: usize,
        crc: u32,
    ) -> Result<Store, DbError> {
        let corrupt = |detail: String| DbError::Corrupt {
            path: path.to_path_buf(),
            detail,
        };
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&header[16..HEADER_LEN]);
        hasher.update(meta_bytes);
        hasher.update(&index);
        if hasher.finalize() != crc {
            return Err(corrupt("its index checksum does not match".into()));
        }
        if count.checked_mul(ENTRY_LEN).is_none_or(|n| n > index.len()) {
            return Err(corrupt("its index is too short".into()));
        }
        let meta: Meta = serde_json::from_slice(meta_bytes)
            .map_err(|e| corrupt(format!("its description is unreadable: {e}")))?;
        Ok(Store {
            backing,
            index,
            count,
            meta,
            path: path.to_path_buf(),
            len,
        })
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry of package number `i`: name, blob offset, (length, CRC)
    /// of each part.
    fn entry(&self, i: usize) -> Option<(&[u8], u64, BlobParts)> {
        let at = i * ENTRY_LEN;
        let e = self.index.get(at..at + ENTRY_LEN)?;
        let names = self.count * ENTRY_LEN;
        let name_off = names + le_u32(e, 0) as usize;
        let name_len = le_u32(e, 4) as usize;
        let name = self.index.get(name_off..name_off.checked_add(name_len)?)?;
        Some((
            name,
            le_u64(e, 8),
            [
                (le_u32(e, 16), le_u32(e, 20)),
                (le_u32(e, 24), le_u32(e, 28)),
                (le_u32(e, 32), le_u32(e, 36)),
            ],
        ))
    }

    /// Every package name, sorted.
    pub fn package_names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.count).filter_map(|i| {
            self.entry(i)
                .and_then(|(name, ..)| std::str::from_utf8(name).ok())
        })
    }

    /// Calls `read` with the JSON of one part of the records of `name` (a
    /// PEP 503 normalized name); `None` when the database has none. The
    /// built-in database hands out its bytes in place, a file reads into
    /// a buffer reused across calls.
    pub fn with_part<R>(
        &self,
        name: &str,
        part: Part,
        read: impl FnOnce(&[u8]) -> R,
    ) -> Result<Option<R>, DbError> {
        let corrupt = |detail: String| DbError::Corrupt {
            path: self.path.clone(),
            detail,
        };
        let (mut lo, mut hi) = (0usize, self.count);
        let mut found = None;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let Some((entry_name, off, parts)) = self.entry(mid) else {
                return Err(corrupt(format!("index entry {mid} is out of bounds")));
            };
            match entry_name.cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let before: u64 = parts[..part.index()]
                        .iter()
                        .map(|(len, _)| u64::from(*len))
                        .sum();
                    let (len, crc) = parts[part.index()];
                    found = Some((off.saturating_add(before), len, crc));
                    break;
                }
            }
        }
        let Some((off, len, crc)) = found else {
            return Ok(None);
        };
        // Checked before reading: a damaged entry must not ask for 4 GB.
        if off
            .checked_add(u64::from(len))
            .is_none_or(|end| end > self.len)
        {
            return Err(corrupt("a record lies outside the file".into()));
        }
        let finish = |blob: &[u8]| -> Result<R, DbError> {
            if crc32fast::hash(blob) != crc {
                return Err(corrupt(format!(
                    "the records of `{name}` fail their checksum"
                )));
            }
            if !part.is_deflated() {
                return Ok(read(blob));
            }
            let mut json = Vec::new();
            DeflateDecoder::new(blob)
                .take(MAX_BLOB_INFLATED)
                .read_to_end(&mut json)
                .map_err(|e| corrupt(format!("the records of `{name}` do not inflate: {e}")))?;
            Ok(read(&json))
        };
        match &self.backing {
            Backing::Static(bytes) => {
                // In bounds: checked against the length just above.
                let start = usize::try_from(off).map_err(|_| corrupt("offset too large".into()))?;
                let blob = bytes
                    .get(start..start + len as usize)
                    .ok_or_else(|| corrupt("a record lies outside the file".into()))?;
                finish(blob).map(Some)
            }
            Backing::File(file) => {
                let mut guard = file
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (file, buffer) = &mut *guard;
                buffer.clear();
                buffer.resize(len as usize, 0);
                file.seek(SeekFrom::Start(off))
                    .and_then(|_| file.read_exact(buffer))
                    .map_err(|cause| DbError::Read {
                        path: self.path.clone(),
                        cause,
                    })?;
                finish(buffer).map(Some)
            }
        }
    }
}

fn range_len(r: (u64, u64)) -> usize {
    (r.1 - r.0) as usize
}

type Ranges = ((u64, u64), (u64, u64), usize, u32);

/// Checks the header against the file's real length and returns the meta
/// and index ranges, the package count and the checksum.
fn parse_header(path: &Path, header: &[u8], actual_len: u64) -> Result<Ranges, DbError> {
    let not_db = |detail: &str| DbError::NotADatabase {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    if header.len() < HEADER_LEN || &header[..8] != MAGIC {
        return Err(not_db(if header.len() < 8 {
            " (it is too short)"
        } else {
            ""
        }));
    }
    let format = le_u32(header, 8);
    if format != FORMAT {
        return Err(DbError::Format {
            path: path.to_path_buf(),
            found: format,
            expected: FORMAT,
        });
    }
    let corrupt = |detail: String| DbError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let file_len = le_u64(header, 16);
    if file_len != actual_len {
        return Err(corrupt(format!(
            "it should be {file_len} bytes long but is {actual_len} (an interrupted copy?)"
        )));
    }
    let section = |off_at: usize, len_at: usize| -> Result<(u64, u64), DbError> {
        let off = le_u64(header, off_at);
        let len = le_u64(header, len_at);
        let end = off
            .checked_add(len)
            .filter(|&e| e <= file_len && off >= HEADER_LEN as u64);
        // Sections are read whole into memory: refuse absurd sizes.
        match end {
            Some(end) if len <= 1 << 30 => Ok((off, end)),
            _ => Err(corrupt("its header points outside the file".into())),
        }
    };
    let meta = section(24, 32)?;
    let index = section(40, 48)?;
    let count = le_u32(header, 56) as usize;
    Ok((meta, index, count, le_u32(header, 12)))
}

fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
