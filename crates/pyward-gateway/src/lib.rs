//! The package gateway: a simple repository API (PEP 503 HTML and PEP 691
//! JSON) that pip, uv and poetry use in place of PyPI. It passes through
//! what is safe and refuses what the policy forbids, with the reason in
//! the HTTP reason phrase (`403 blocked by pyward: malicious package
//! (MAL-2024-9934)`), which pip prints.
//!
//! ```text
//! client --GET /simple/{project}/--> page: cache (memory, disk) or upstream,
//!         releases the judge refuses left out, rendered as asked (Accept)
//! client --GET /files/{project}/{file}--> judge (project, release, license)
//!         --> cached file (verified) or upstream stream, teed into the cache
//! ```
//!
//! Every decision comes from [`pyward_engine::Judge`], the engine's, so
//! `pyward scan` and the gateway never disagree. The gateway talks to the
//! configured upstream and nothing else, runs nothing it downloads, and
//! logs through `tracing` (one structured event per decision); the binary
//! chooses where the log goes.

mod cache;
mod filename;
mod index;
mod metrics;
mod negotiate;
mod server;
mod upstream;

pub use cache::{Cache, ProjectKey};
pub use index::{FileEntry, ProjectPage, Yanked};
pub use metrics::Metrics;
pub use negotiate::Form;
pub use server::{DatabaseWatch, Gateway, GatewayError, GatewayOptions, default_cache_dir};
pub use upstream::{Timeouts, Upstream, UpstreamError};
