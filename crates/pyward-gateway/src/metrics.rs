//! `/metrics`: counters in the Prometheus text format (version 0.0.4).
//! A fixed set of label values, so counting is an atomic add and nothing
//! grows with traffic.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use pyward_engine::BlockReason;

/// What a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Index,
    Page,
    File,
    Metadata,
    Health,
    Metrics,
    Other,
}

impl Route {
    const ALL: [Route; 7] = [
        Route::Index,
        Route::Page,
        Route::File,
        Route::Metadata,
        Route::Health,
        Route::Metrics,
        Route::Other,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Route::Index => "index",
            Route::Page => "page",
            Route::File => "file",
            Route::Metadata => "metadata",
            Route::Health => "health",
            Route::Metrics => "metrics",
            Route::Other => "other",
        }
    }
}

/// What the cache had for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheResult {
    /// Served from the cache with no upstream request.
    Hit,
    /// The upstream confirmed the cached copy (304).
    Revalidated,
    /// Fetched from the upstream.
    Miss,
    /// The upstream failed; a stale copy was served.
    Stale,
}

impl CacheResult {
    const ALL: [CacheResult; 4] = [
        CacheResult::Hit,
        CacheResult::Revalidated,
        CacheResult::Miss,
        CacheResult::Stale,
    ];

    fn as_str(self) -> &'static str {
        match self {
            CacheResult::Hit => "hit",
            CacheResult::Revalidated => "revalidated",
            CacheResult::Miss => "miss",
            CacheResult::Stale => "stale",
        }
    }
}

/// Which kind of cached thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    Page,
    File,
}

const LATENCY_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Every counter of one gateway process.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: [[AtomicU64; 5]; 7],
    blocks: [AtomicU64; 4],
    cache: [[AtomicU64; 4]; 2],
    upstream_buckets: [AtomicU64; 10],
    upstream_count: AtomicU64,
    upstream_micros: AtomicU64,
    upstream_errors: AtomicU64,
    refused_busy: AtomicU64,
    in_flight: AtomicI64,
    database_reloads: AtomicU64,
}

impl Metrics {
    pub fn request(&self, route: Route, status: u16) {
        let class = usize::from((status / 100).clamp(1, 5) - 1);
        self.requests[route as usize][class].fetch_add(1, Ordering::Relaxed);
    }

    pub fn block(&self, reason: BlockReason) {
        self.blocks[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn cache(&self, kind: CacheKind, result: CacheResult) {
        self.cache[kind as usize][result as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn upstream(&self, elapsed: Duration, ok: bool) {
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in self.upstream_buckets.iter().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.upstream_count.fetch_add(1, Ordering::Relaxed);
        self.upstream_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        if !ok {
            self.upstream_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn refused_busy(&self) {
        self.refused_busy.fetch_add(1, Ordering::Relaxed);
    }

    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    pub fn database_reloaded(&self) {
        self.database_reloads.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP pyward_gateway_requests_total Requests answered, by route and status class.\n# TYPE pyward_gateway_requests_total counter\n");
        for route in Route::ALL {
            for (i, class) in STATUS_CLASSES.iter().enumerate() {
                let n = self.requests[route as usize][i].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "pyward_gateway_requests_total{{route=\"{}\",status=\"{class}\"}} {n}",
                    route.as_str()
                );
            }
        }
        out.push_str("# HELP pyward_gateway_blocks_total Downloads refused, by reason.\n# TYPE pyward_gateway_blocks_total counter\n");
        for reason in BlockReason::ALL {
            let _ = writeln!(
                out,
                "pyward_gateway_blocks_total{{reason=\"{reason}\"}} {}",
                self.blocks[reason as usize].load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP pyward_gateway_cache_total Cache look-ups, by kind and result.\n# TYPE pyward_gateway_cache_total counter\n");
        for (kind, name) in [(CacheKind::Page, "page"), (CacheKind::File, "file")] {
            for result in CacheResult::ALL {
                let _ = writeln!(
                    out,
                    "pyward_gateway_cache_total{{kind=\"{name}\",result=\"{}\"}} {}",
                    result.as_str(),
                    self.cache[kind as usize][result as usize].load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP pyward_gateway_upstream_seconds Time to the upstream's answer (headers).\n# TYPE pyward_gateway_upstream_seconds histogram\n");
        for (bucket, bound) in self.upstream_buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(
                out,
                "pyward_gateway_upstream_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.upstream_count.load(Ordering::Relaxed);
        #[allow(clippy::cast_precision_loss)] // a sum of microseconds, shown in seconds
        let sum = self.upstream_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = write!(
            out,
            "pyward_gateway_upstream_seconds_bucket{{le=\"+Inf\"}} {count}\npyward_gateway_upstream_seconds_sum {sum}\npyward_gateway_upstream_seconds_count {count}\n"
        );
        let _ = write!(
            out,
            "# HELP pyward_gateway_upstream_errors_total Upstream requests that failed.\n# TYPE pyward_gateway_upstream_errors_total counter\npyward_gateway_upstream_errors_total {}\n",
            self.upstream_errors.load(Ordering::Relaxed)
        );
        let _ = write!(
            out,
            "# HELP pyward_gateway_busy_total Requests refused with 503 because too many were in flight.\n# TYPE pyward_gateway_busy_total counter\npyward_gateway_busy_total {}\n",
            self.refused_busy.load(Ordering::Relaxed)
        );
        let _ = write!(
            out,
            "# HELP pyward_gateway_in_flight Requests being answered.\n# TYPE pyward_gateway_in_flight gauge\npyward_gateway_in_flight {}\n",
            self.in_flight.load(Ordering::Relaxed)
        );
        let _ = write!(
            out,
            "# HELP pyward_gateway_database_reloads_total Times the vulnerability database was re-read.\n# TYPE pyward_gateway_database_reloads_total counter\npyward_gateway_database_reloads_total {}\n",
            self.database_reloads.load(Ordering::Relaxed)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_in_the_text_format() {
        let metrics = Metrics::default();
        metrics.request(Route::Page, 200);
        metrics.request(Route::File, 403);
        metrics.block(BlockReason::Malicious);
        metrics.cache(CacheKind::File, CacheResult::Hit);
        metrics.upstream(Duration::from_millis(30), true);
        let text = metrics.render();
        assert!(text.contains("pyward_gateway_requests_total{route=\"page\",status=\"2xx\"} 1"));
        assert!(text.contains("pyward_gateway_requests_total{route=\"file\",status=\"4xx\"} 1"));
        assert!(text.contains("pyward_gateway_blocks_total{reason=\"malicious\"} 1"));
        assert!(text.contains("pyward_gateway_cache_total{kind=\"file\",result=\"hit\"} 1"));
        assert!(text.contains("pyward_gateway_upstream_seconds_bucket{le=\"0.025\"} 0"));
        assert!(text.contains("pyward_gateway_upstream_seconds_bucket{le=\"0.05\"} 1"));
        assert!(text.contains("pyward_gateway_upstream_seconds_count 1"));
    }
}
