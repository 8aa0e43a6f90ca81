//! The database file: one immutable file, read in pieces.
//!
//! ```text
//! header   64 bytes   magic "PYWARDDB", format, checksum, file length,
//!                     where the meta and index are, how many packages
//! blobs               one per package: deflated JSON of its advisories
//! meta                JSON: built, source, counts, newest modified
//! index               fixed-size entries sorted by package name
//!                     (name offset/length, blob offset/length/CRC-32),
//!                     then the names
//! ```
//!
//! Opening reads the header, meta and index (a few hundred kB for all of
//! OSV's PyPI data) and checks their CRC-32 and the file length; a lookup
//! binary-searches the index and reads one blob, checking its CRC-32. So a
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
use crate::record::Advisory;

pub const MAGIC: &[u8; 8] = b"PYWARDDB";
pub const FORMAT: u32 = 1;
const HEADER_LEN: usize = 64;
const ENTRY_LEN: usize = 24;
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

/// Writes a database of `by_package` to `dest` atomically: into a temporary
/// file beside it, flushed to disk, then renamed over `dest`. On any error
/// the temporary file is removed and `dest` is untouched.
pub fn write_atomically(
    dest: &Path,
    by_package: &BTreeMap<String, Vec<Advisory>>,
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
    let mut tmp = tempfile::Builder::new()
        .prefix(".pyward-db-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_error)?;
    write_to(tmp.as_file_mut(), by_package, meta).map_err(write_error)?;
    tmp.as_file().sync_all().map_err(write_error)?;
    tmp.persist(dest).map_err(|e| write_error(e.error))?;
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
    by_package: &BTreeMap<String, Vec<Advisory>>,
    meta: &Meta,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(out);
    w.write_all(&[0u8; HEADER_LEN])?;
    let mut offset = HEADER_LEN as u64;
    let mut entries: Vec<(&str, u64, u32, u32)> = Vec::with_capacity(by_package.len());
    for (name, advisories) in by_package {
        let json = serde_json::to_vec(advisories).map_err(std::io::Error::other)?;
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&json)?;
        let blob = enc.finish()?;
        let len = u32::try_from(blob.len()).map_err(std::io::Error::other)?;
        w.write_all(&blob)?;
        entries.push((name, offset, len, crc32fast::hash(&blob)));
        offset += u64::from(len);
    }
    let meta_bytes = serde_json::to_vec(meta).map_err(std::io::Error::other)?;
    let meta_off = offset;
    w.write_all(&meta_bytes)?;
    offset += meta_bytes.len() as u64;

    let mut index = Vec::with_capacity(entries.len() * (ENTRY_LEN + 16));
    let mut names = Vec::new();
    for (name, blob_off, blob_len, crc) in &entries {
        let name_off = u32::try_from(names.len()).map_err(std::io::Error::other)?;
        let name_len = u32::try_from(name.len()).map_err(std::io::Error::other)?;
        index.extend_from_slice(&name_off.to_le_bytes());
        index.extend_from_slice(&name_len.to_le_bytes());
        index.extend_from_slice(&blob_off.to_le_bytes());
        index.extend_from_slice(&blob_len.to_le_bytes());
        index.extend_from_slice(&crc.to_le_bytes());
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
    let out = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    out.seek(SeekFrom::Start(0))?;
    out.write_all(&header)?;
    out.flush()
}

enum Backing {
    Static(&'static [u8]),
    File(Mutex<std::fs::File>),
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

impl Store {
    pub fn open(path: &Path) -> Result<Store, DbError> {
        let read_error = |cause: std::io::Error| DbError::Read {
            path: path.to_path_buf(),
            cause,
        };
        let mut file = std::fs::File::open(path).map_err(read_error)?;
        let actual_len = file.metadata().map_err(read_error)?.len();
        let mut header = [0u8; HEADER_LEN];
        let n = read_up_to(&mut file, &mut header).map_err(read_error)?;
        let (meta_range, index_range, count, crc) =
            parse_header(path, &header[..n], actual_len)?;
        let mut meta_bytes = vec![0u8; range_len(meta_range)];
        file.seek(SeekFrom::Start(meta_range.0))
            .and_then(|_| file.read_exact(&mut meta_bytes))
            .map_err(read_error)?;
        let mut index = vec![0u8; range_len(index_range)];
        file.seek(SeekFrom::Start(index_range.0))
            .and_then(|_| file.read_exact(&mut index))
            .map_err(read_error)?;
        Self::finish(
            Backing::File(Mutex::new(file)),
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

    /// The entry of package number `i`: (name, blob offset, length, CRC).
    fn entry(&self, i: usize) -> Option<(&[u8], u64, u32, u32)> {
        let at = i * ENTRY_LEN;
        let e = self.index.get(at..at + ENTRY_LEN)?;
        let names = self.count * ENTRY_LEN;
        let name_off = names + le_u32(e, 0) as usize;
        let name_len = le_u32(e, 4) as usize;
        let name = self.index.get(name_off..name_off.checked_add(name_len)?)?;
        Some((name, le_u64(e, 8), le_u32(e, 16), le_u32(e, 20)))
    }

    /// Every package name, sorted.
    pub fn package_names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.count).filter_map(|i| {
            self.entry(i)
                .and_then(|(name, ..)| std::str::from_utf8(name).ok())
        })
    }

    /// The advisories of `name` (a PEP 503 normalized name): empty when
    /// the database has none.
    pub fn lookup(&self, name: &str) -> Result<Vec<Advisory>, DbError> {
        let corrupt = |detail: String| DbError::Corrupt {
            path: self.path.clone(),
            detail,
        };
        let (mut lo, mut hi) = (0usize, self.count);
        let mut found = None;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let Some((entry_name, off, len, crc)) = self.entry(mid) else {
                return Err(corrupt(format!("index entry {mid} is out of bounds")));
            };
            match entry_name.cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    found = Some((off, len, crc));
                    break;
                }
            }
        }
        let Some((off, len, crc)) = found else {
            return Ok(Vec::new());
        };
        let blob = self.read_blob(off, len)?;
        if crc32fast::hash(&blob) != crc {
            return Err(corrupt(format!("the records of `{name}` fail their checksum")));
        }
        let mut json = Vec::new();
        DeflateDecoder::new(blob.as_slice())
            .take(MAX_BLOB_INFLATED)
            .read_to_end(&mut json)
            .map_err(|e| corrupt(format!("the records of `{name}` do not inflate: {e}")))?;
        serde_json::from_slice(&json)
            .map_err(|e| corrupt(format!("the records of `{name}` are unreadable: {e}")))
    }

    fn read_blob(&self, off: u64, len: u32) -> Result<Vec<u8>, DbError> {
        let out_of_bounds = || DbError::Corrupt {
            path: self.path.clone(),
            detail: "a record lies outside the file".into(),
        };
        // Checked before allocating: a damaged entry must not ask for 4 GB.
        if off.checked_add(u64::from(len)).is_none_or(|end| end > self.len) {
            return Err(out_of_bounds());
        }
        match &self.backing {
            Backing::Static(bytes) => {
                let start = usize::try_from(off).map_err(|_| out_of_bounds())?;
                let end = start.checked_add(len as usize).ok_or_else(out_of_bounds)?;
                bytes.get(start..end).map(<[u8]>::to_vec).ok_or_else(out_of_bounds)
            }
            Backing::File(file) => {
                let mut file = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let mut blob = vec![0u8; len as usize];
                file.seek(SeekFrom::Start(off))
                    .and_then(|_| file.read_exact(&mut blob))
                    .map_err(|cause| DbError::Read {
                        path: self.path.clone(),
                        cause,
                    })?;
                Ok(blob)
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
        let end = off.checked_add(len).filter(|&e| e <= file_len && off >= HEADER_LEN as u64);
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
