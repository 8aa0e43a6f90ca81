//! The HTTP server: routes, the page and file pipelines, refusals, the
//! database watch, limits and shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, RawQuery, Request, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use futures_util::StreamExt;
use pyward_engine::{Block, Decision, Judge};
use pyward_model::PackageName;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, mpsc};

use crate::cache::{Cache, CachedPage, Pending, ProjectKey, now};
use crate::filename;
use crate::index::{self, FileEntry, safe_filename};
use crate::metrics::{CacheKind, CacheResult, Metrics, Route};
use crate::negotiate::{self, Form};
use crate::upstream::{
    ByteStream, MAX_METADATA_BYTES, PageFetch, Timeouts, Upstream, UpstreamError, file_stream,
};

/// How a gateway runs.
#[derive(Debug, Clone)]
pub struct GatewayOptions {
    pub listen: SocketAddr,
    /// A URL of a simple API, or a folder laid out as one.
    pub upstream: String,
    pub cache_dir: PathBuf,
    pub timeouts: Timeouts,
    /// How long a page stays fresh when the upstream does not say
    /// (`Cache-Control: max-age`), seconds.
    pub default_max_age: u64,
    /// Requests answered at once; more get `503`.
    pub max_in_flight: usize,
    /// The database file to re-read when it is replaced.
    pub watch: Option<DatabaseWatch>,
}

/// Where the database lives and how often to look at it.
#[derive(Debug, Clone)]
pub struct DatabaseWatch {
    pub path: PathBuf,
    pub every: Duration,
}

impl GatewayOptions {
    /// The defaults: 600 s pages, 1024 requests in flight, the default
    /// timeouts.
    pub fn new(listen: SocketAddr, upstream: impl Into<String>, cache_dir: PathBuf) -> Self {
        Self {
            listen,
            upstream: upstream.into(),
            cache_dir,
            timeouts: Timeouts::default(),
            default_max_age: 600,
            max_in_flight: 1024,
            watch: None,
        }
    }
}

/// The user's cache folder for the gateway (`$XDG_CACHE_HOME/pyward/gateway`).
pub fn default_cache_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.cache_dir().join("pyward").join("gateway"))
}

/// Why a gateway could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("cannot listen on {addr}: {cause}")]
    Bind {
        addr: SocketAddr,
        cause: std::io::Error,
    },
    #[error("cache folder `{path}`: {cause}")]
    Cache {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{0}")]
    Upstream(String),
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// A gateway bound to its address, ready to serve.
pub struct Gateway {
    state: Arc<State>,
    listener: tokio::net::TcpListener,
}

struct State {
    upstream: Upstream,
    cache: Cache,
    judge: RwLock<Arc<Judge>>,
    generation: AtomicU64,
    memo: Mutex<HashMap<ProjectKey, Memo>>,
    fetching: Mutex<HashMap<ProjectKey, Arc<tokio::sync::Mutex<()>>>>,
    metrics: Metrics,
    limit: Arc<Semaphore>,
    options: GatewayOptions,
}

/// A page in memory: what the cache holds, and its renderings.
struct Memo {
    cached: Arc<CachedPage>,
    /// When to ask the upstream again (seconds since the epoch); a stale
    /// copy served while the upstream is down waits a little before the
    /// next try.
    retry_after: u64,
    rendered: HashMap<(u64, Form), Rendered>,
    used: Instant,
}

#[derive(Clone)]
struct Rendered {
    body: Bytes,
    etag: String,
}

/// How many pages stay in memory.
const MEMO_CAPACITY: usize = 2048;
/// How long a stale page is served before the upstream is tried again.
const RETRY_SECONDS: u64 = 5;

impl Gateway {
    /// Binds `options.listen` and opens the cache; `judge` decides.
    pub async fn bind(options: GatewayOptions, judge: Judge) -> Result<Self, GatewayError> {
        let upstream =
            Upstream::new(&options.upstream, options.timeouts).map_err(GatewayError::Upstream)?;
        let cache = Cache::open(&options.cache_dir).map_err(|cause| GatewayError::Cache {
            path: options.cache_dir.clone(),
            cause,
        })?;
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|cause| GatewayError::Bind {
                addr: options.listen,
                cause,
            })?;
        let state = Arc::new(State {
            upstream,
            cache,
            judge: RwLock::new(Arc::new(judge)),
            generation: AtomicU64::new(0),
            memo: Mutex::new(HashMap::new()),
            fetching: Mutex::new(HashMap::new()),
            metrics: Metrics::default(),
            limit: Arc::new(Semaphore::new(options.max_in_flight.max(1))),
            options,
        });
        Ok(Self { state, listener })
    }

    /// The address it listens on (the port, when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.options.listen)
    }

    /// Serves until `shutdown` completes, then finishes the requests in
    /// flight.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), GatewayError> {
        let state = self.state;
        let judge = state.judge();
        let info = judge.database().info();
        tracing::info!(
            event = "start",
            listen = %self.listener.local_addr().map_or_else(|_| state.options.listen.to_string(), |a| a.to_string()),
            upstream = %state.upstream.describe(),
            cache = %state.cache.root().display(),
            database = %info.source,
            advisories = info.advisories,
            block_vulnerable = ?judge.block_vulnerable(),
            "gateway listening"
        );
        let watcher = state
            .options
            .watch
            .clone()
            .map(|watch| tokio::spawn(watch_database(Arc::clone(&state), watch)));
        let app = Router::new()
            .route("/simple/", get(root_index))
            .route("/simple", get(|| async { redirect("/simple/") }))
            .route("/simple/{project}/", get(project_page))
            .route("/simple/{project}", get(project_redirect))
            .route("/files/{project}/{filename}", get(file))
            .route("/health", get(health))
            .route("/metrics", get(metrics))
            .fallback(|| async { plain(StatusCode::NOT_FOUND, "not found\n") })
            .layer(middleware::from_fn_with_state(Arc::clone(&state), admit))
            .with_state(Arc::clone(&state));
        let result = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(watcher) = watcher {
            watcher.abort();
        }
        tracing::info!(event = "stop", "gateway stopped");
        result.map_err(GatewayError::Serve)
    }

    /// The counters `/metrics` shows.
    pub fn metrics(&self) -> &Metrics {
        &self.state.metrics
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

impl Gateway {
    /// Builds a runtime, binds, and serves until SIGINT or SIGTERM: what
    /// `pyward gateway` runs.
    pub fn run(options: GatewayOptions, judge: Judge) -> Result<(), GatewayError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(GatewayError::Serve)?;
        runtime.block_on(async move {
            let gateway = Gateway::bind(options, judge).await?;
            gateway.serve(shutdown_signal()).await
        })
    }
}

impl State {
    fn judge(&self) -> Arc<Judge> {
        match self.judge.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, HashMap<ProjectKey, Memo>> {
        self.memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Admission: at most `max_in_flight` requests are worked on at once (a
/// flood gets `503` with `Retry-After`, not a queue that grows without
/// bound); every answer is counted.
async fn admit(AxumState(state): AxumState<Arc<State>>, request: Request, next: Next) -> Response {
    let route = route_of(request.uri().path());
    let Ok(permit) = Arc::clone(&state.limit).try_acquire_owned() else {
        state.metrics.refused_busy();
        state.metrics.request(route, 503);
        tracing::warn!(event = "busy", path = %request.uri().path(), "too many requests in flight");
        let mut response = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "pyward gateway is busy; retry shortly\n",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    state.metrics.in_flight(1);
    let response = next.run(request).await;
    state.metrics.in_flight(-1);
    drop(permit);
    state.metrics.request(route, response.status().as_u16());
    response
}

fn route_of(path: &str) -> Route {
    if path == "/simple/" || path == "/simple" {
        Route::Index
    } else if path.starts_with("/simple/") {
        Route::Page
    } else if path.starts_with("/files/") {
        if path.ends_with(".metadata") {
            Route::Metadata
        } else {
            Route::File
        }
    } else if path == "/health" {
        Route::Health
    } else if path == "/metrics" {
        Route::Metrics
    } else {
        Route::Other
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A status with `reason` as its reason phrase and body: pip prints the
/// reason phrase of a failed download (`HTTP error 403 ... Client Error:
/// <reason>`), so the user sees why.
fn with_reason(status: StatusCode, reason: &str) -> Response {
    let phrase = reason_phrase(reason);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{phrase}\n"),
    )
        .into_response();
    if let Ok(phrase) = hyper::ext::ReasonPhrase::try_from(phrase.into_bytes()) {
        response.extensions_mut().insert(phrase);
    }
    response
}

/// One line of printable ASCII, at most 400 bytes: what a reason phrase
/// may hold.
fn reason_phrase(text: &str) -> String {
    let mut phrase: String = text
        .chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    if phrase.len() > 400 {
        phrase.truncate(397);
        phrase.push_str("...");
    }
    phrase
}

fn refuse(state: &State, block: &Block) -> Response {
    state.metrics.block(block.reason);
    with_reason(
        StatusCode::FORBIDDEN,
        &format!("blocked by pyward: {}", block.message),
    )
}

fn bad_gateway(error: &UpstreamError) -> Response {
    with_reason(StatusCode::BAD_GATEWAY, &format!("pyward: {error}"))
}

fn internal(what: &str) -> Response {
    with_reason(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("pyward: {what}"),
    )
}

/// The judge's call, off the async threads (it reads the database file).
async fn judged<T: Send + 'static>(
    state: &Arc<State>,
    work: impl FnOnce(&Judge) -> Result<T, pyward_engine::EngineError> + Send + 'static,
) -> Result<T, Response> {
    let judge = state.judge();
    match tokio::task::spawn_blocking(move || work(&judge)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            tracing::error!(event = "judge-error", error = %e, "the database could not be read");
            Err(internal("the vulnerability database could not be read"))
        }
        Err(_) => Err(internal("the judge stopped unexpectedly")),
    }
}

fn log_decision(
    project: &ProjectKey,
    version: Option<&str>,
    file: Option<&str>,
    decision: &Decision,
) {
    let version = version.unwrap_or("");
    let file = file.unwrap_or("");
    match (&decision.block, &decision.allowed_by) {
        (Some(block), _) => tracing::warn!(
            event = "decision",
            package = %project,
            version,
            file,
            decision = "blocked",
            reason = %block.reason,
            ids = %block.ids.join(","),
            why = %block.message,
        ),
        (None, Some(allowed)) => tracing::info!(
            event = "decision",
            package = %project,
            version,
            file,
            decision = "allowed",
            reason = "allow-list",
            why = %allowed,
        ),
        (None, None) if !decision.known_vulnerabilities.is_empty() => tracing::warn!(
            event = "decision",
            package = %project,
            version,
            file,
            decision = "allowed",
            reason = "known-vulnerable",
            ids = %decision.known_vulnerabilities.join(","),
        ),
        (None, None) => tracing::info!(
            event = "decision",
            package = %project,
            version,
            file,
            decision = "allowed",
        ),
    }
}

// ---- pages ----

async fn root_index(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(form) = form_of(&headers, query.as_deref()) else {
        return plain(StatusCode::NOT_ACCEPTABLE, "not acceptable\n");
    };
    // A folder upstream lists its projects; an HTTP upstream's full list
    // (PyPI's is hundreds of thousands of names) is not relayed: clients
    // install by name.
    let mut projects: Vec<String> = match &state.upstream {
        Upstream::Folder { root } => fs_err::read_dir(root)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter_map(|e| ProjectKey::new(&e.file_name().to_string_lossy()))
                    .map(|k| k.as_str().to_string())
                    .collect()
            })
            .unwrap_or_default(),
        Upstream::Http { .. } => Vec::new(),
    };
    projects.sort();
    projects.dedup();
    let body = match form {
        Form::Json => serde_json::json!({
            "meta": {"api-version": "1.0"},
            "projects": projects.iter().map(|p| serde_json::json!({"name": p})).collect::<Vec<_>>(),
        })
        .to_string(),
        Form::Html | Form::HtmlV1 => {
            let mut html = String::from(
                "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"1.0\">\n<title>Simple index</title>\n</head>\n<body>\n",
            );
            for p in &projects {
                html.push_str(&format!("<a href=\"{p}/\">{p}</a><br>\n"));
            }
            html.push_str("</body>\n</html>\n");
            html
        }
    };
    (
        [
            (header::CONTENT_TYPE, form.content_type()),
            (header::VARY, "Accept"),
        ],
        body,
    )
        .into_response()
}

fn form_of(headers: &HeaderMap, query: Option<&str>) -> Option<Form> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = query.and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("format="))
            .map(|v| {
                v.replace("%2B", "+")
                    .replace("%2b", "+")
                    .replace("%2F", "/")
                    .replace("%2f", "/")
            })
    });
    negotiate::choose(accept, format.as_deref())
}

async fn project_redirect(UrlPath(project): UrlPath<String>) -> Response {
    match ProjectKey::new(&project) {
        Some(key) => redirect(&format!("/simple/{key}/")),
        None => plain(StatusCode::NOT_FOUND, "not a project name\n"),
    }
}

async fn project_page(
    AxumState(state): AxumState<Arc<State>>,
    UrlPath(project): UrlPath<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(key) = ProjectKey::new(&project) else {
        return plain(StatusCode::NOT_FOUND, "not a project name\n");
    };
    if key.as_str() != project {
        // PyPI's behaviour: one URL per project, the normalized one.
        return redirect(&format!("/simple/{key}/"));
    }
    let Some(form) = form_of(&headers, query.as_deref()) else {
        return plain(
            StatusCode::NOT_ACCEPTABLE,
            "none of the accepted media types is served\n",
        );
    };
    let cached = match page(&state, &key).await {
        Ok(cached) => cached,
        Err(response) => return response,
    };
    let rendered = match render(&state, &key, &cached, form).await {
        Ok(rendered) => rendered,
        Err(response) => return response,
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == rendered.etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, form.content_type())], rendered.body).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    // Clients revalidate every time (cheap: an ETag match), so a
    // database update shows at once.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=0, must-revalidate"),
    );
    if let Ok(etag) = HeaderValue::from_str(&rendered.etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// The page of `key`: from memory or disk while fresh, else from the
/// upstream (one request per project at a time, whatever the number of
/// clients asking), else a stale copy when the upstream fails.
async fn page(state: &Arc<State>, key: &ProjectKey) -> Result<Arc<CachedPage>, Response> {
    let fresh_in_memory = |state: &State| {
        let mut memo = state.memo();
        let entry = memo.get_mut(key)?;
        let now = now();
        (entry.cached.is_fresh(now) || now < entry.retry_after).then(|| {
            entry.used = Instant::now();
            Arc::clone(&entry.cached)
        })
    };
    if let Some(cached) = fresh_in_memory(state) {
        state.metrics.cache(CacheKind::Page, CacheResult::Hit);
        return Ok(cached);
    }
    let lock = {
        let mut fetching = state
            .fetching
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(fetching.entry(key.clone()).or_default())
    };
    let _guard = lock.lock().await;
    if let Some(cached) = fresh_in_memory(state) {
        state.metrics.cache(CacheKind::Page, CacheResult::Hit);
        return Ok(cached);
    }
    let result = fetch_page(state, key).await;
    {
        let mut fetching = state
            .fetching
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The last one out removes the lock (the map holds one reference,
        // this call another).
        if fetching.get(key).is_some_and(|l| Arc::strong_count(l) <= 2) {
            fetching.remove(key);
        }
    }
    result
}

async fn fetch_page(state: &Arc<State>, key: &ProjectKey) -> Result<Arc<CachedPage>, Response> {
    let in_memory = state.memo().get(key).map(|m| Arc::clone(&m.cached));
    let stale = match in_memory {
        Some(cached) => Some(cached),
        None => {
            let cache = state.cache.clone();
            let k = key.clone();
            tokio::task::spawn_blocking(move || cache.read_page(&k))
                .await
                .ok()
                .flatten()
                .map(Arc::new)
        }
    };
    let now = now();
    if let Some(cached) = &stale
        && cached.is_fresh(now)
    {
        // Another replica (or an earlier run) refreshed it.
        state.metrics.cache(CacheKind::Page, CacheResult::Hit);
        remember(state, key, Arc::clone(cached), 0);
        return Ok(Arc::clone(cached));
    }
    let started = Instant::now();
    let fetched = state
        .upstream
        .page(
            key.as_str(),
            stale.as_ref().map(|c| &c.validators),
            state.options.timeouts,
        )
        .await;
    state.metrics.upstream(started.elapsed(), fetched.is_ok());
    let default_age = state.options.default_max_age;
    let updated = match fetched {
        Ok(PageFetch::Page(fetched)) => {
            state.metrics.cache(CacheKind::Page, CacheResult::Miss);
            CachedPage {
                checked: now,
                max_age: fetched.max_age.unwrap_or(default_age),
                validators: fetched.validators,
                page: fetched.page,
            }
        }
        Ok(PageFetch::NotModified { max_age }) => match &stale {
            Some(cached) => {
                state
                    .metrics
                    .cache(CacheKind::Page, CacheResult::Revalidated);
                CachedPage {
                    checked: now,
                    max_age: max_age.unwrap_or(cached.max_age),
                    ..CachedPage::clone(cached)
                }
            }
            None => {
                let error = UpstreamError::Malformed("304 to an unconditional request".into());
                return Err(bad_gateway(&error));
            }
        },
        Ok(PageFetch::NotFound) => {
            state.memo().remove(key);
            return Err(plain(StatusCode::NOT_FOUND, "no such project\n"));
        }
        Err(error) => {
            tracing::warn!(event = "upstream-error", package = %key, error = %error, stale = stale.is_some(), "project page");
            return match stale {
                Some(cached) => {
                    state.metrics.cache(CacheKind::Page, CacheResult::Stale);
                    remember(state, key, Arc::clone(&cached), now + RETRY_SECONDS);
                    Ok(cached)
                }
                None => Err(bad_gateway(&error)),
            };
        }
    };
    let updated = Arc::new(updated);
    let cache = state.cache.clone();
    let (k, to_write) = (key.clone(), Arc::clone(&updated));
    let written = tokio::task::spawn_blocking(move || cache.write_page(&k, &to_write)).await;
    if let Ok(Err(e)) = written {
        tracing::warn!(event = "cache-error", package = %key, error = %e, "the page could not be cached");
    }
    remember(state, key, Arc::clone(&updated), 0);
    Ok(updated)
}

fn remember(state: &State, key: &ProjectKey, cached: Arc<CachedPage>, retry_after: u64) {
    let mut memo = state.memo();
    if let Some(entry) = memo.get_mut(key) {
        if !Arc::ptr_eq(&entry.cached, &cached) {
            // Same content, new check time: the renderings still hold.
            if entry.cached.page != cached.page {
                entry.rendered.clear();
            }
            entry.cached = cached;
        }
        entry.retry_after = retry_after;
        entry.used = Instant::now();
        return;
    }
    if memo.len() >= MEMO_CAPACITY
        && let Some(oldest) = memo
            .iter()
            .min_by_key(|(_, m)| m.used)
            .map(|(k, _)| k.clone())
    {
        memo.remove(&oldest);
    }
    memo.insert(
        key.clone(),
        Memo {
            cached,
            retry_after,
            rendered: HashMap::new(),
            used: Instant::now(),
        },
    );
}

/// The page as the client gets it: the releases the judge refuses left
/// out (so a resolver picks another), in the form asked for. Kept per
/// database generation, so a cached page costs a map look-up.
async fn render(
    state: &Arc<State>,
    key: &ProjectKey,
    cached: &Arc<CachedPage>,
    form: Form,
) -> Result<Rendered, Response> {
    let generation = state.generation.load(Ordering::Acquire);
    if let Some(entry) = state.memo().get(key)
        && Arc::ptr_eq(&entry.cached, cached)
        && let Some(rendered) = entry.rendered.get(&(generation, form))
    {
        return Ok(rendered.clone());
    }
    let page = Arc::clone(cached);
    let project = key.clone();
    let rendered = judged(state, move |judge| {
        let name = PackageName::new(project.as_str());
        let whole = judge.project(&name)?;
        if whole.is_blocked() {
            // The page still lists the files: each download is refused
            // with the reason, which the user then sees.
            log_decision(&project, None, None, &whole);
        }
        let mut versions: Vec<String> = page
            .page
            .files
            .iter()
            .filter_map(|f| filename::version(project.as_str(), &f.filename))
            .collect();
        versions.sort_by(|a, b| filename::compare_versions(a, b));
        versions.dedup();
        let refs: Vec<&str> = versions.iter().map(String::as_str).collect();
        // A project refused whole keeps every file listed (each download
        // says why); otherwise refused releases are left out, so the
        // resolver picks another.
        let decisions = if whole.is_blocked() {
            Vec::new()
        } else {
            judge.releases(&name, &refs)?
        };
        let mut hidden = std::collections::HashSet::new();
        for (version, decision) in versions.iter().zip(&decisions) {
            if decision.is_blocked() {
                log_decision(&project, Some(version), None, decision);
                hidden.insert(version.as_str());
            }
        }
        let files: Vec<&FileEntry> = page
            .page
            .files
            .iter()
            .filter(|f| {
                filename::version(project.as_str(), &f.filename)
                    .is_none_or(|v| !hidden.contains(v.as_str()))
            })
            .collect();
        let body = match form {
            Form::Json => index::render_json(project.as_str(), &files),
            Form::Html | Form::HtmlV1 => index::render_html(project.as_str(), &page.page, &files),
        };
        let etag = format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(body.as_bytes()))[..32]
        );
        Ok(Rendered {
            body: Bytes::from(body),
            etag,
        })
    })
    .await?;
    if let Some(entry) = state.memo().get_mut(key)
        && Arc::ptr_eq(&entry.cached, cached)
    {
        entry.rendered.retain(|(g, _), _| *g == generation);
        entry.rendered.insert((generation, form), rendered.clone());
    }
    Ok(rendered)
}

// ---- files ----

async fn file(
    AxumState(state): AxumState<Arc<State>>,
    UrlPath((project, requested)): UrlPath<(String, String)>,
) -> Response {
    let Some(key) = ProjectKey::new(&project) else {
        return plain(StatusCode::NOT_FOUND, "not a project name\n");
    };
    if !safe_filename(&requested) {
        tracing::warn!(event = "bad-path", package = %key, "a file name that is not one");
        return plain(StatusCode::NOT_FOUND, "not a file name\n");
    }
    let (filename, metadata) = match requested.strip_suffix(".metadata") {
        Some(base) => (base.to_string(), true),
        None => (requested.clone(), false),
    };
    let version = filename::version(key.as_str(), &filename);
    let name = PackageName::new(key.as_str());
    let whole = {
        let name = name.clone();
        match judged(&state, move |judge| judge.project(&name)).await {
            Ok(decision) => decision,
            Err(response) => return response,
        }
    };
    if let Some(block) = &whole.block {
        log_decision(&key, version.as_deref(), Some(&requested), &whole);
        return refuse(&state, block);
    }
    let cached = match page(&state, &key).await {
        Ok(cached) => cached,
        Err(response) => return response,
    };
    let Some(entry) = cached
        .page
        .files
        .iter()
        .find(|f| f.filename == filename)
        .cloned()
    else {
        return plain(StatusCode::NOT_FOUND, "no such file in the project\n");
    };
    let mut decision = whole;
    if let Some(version) = &version {
        let (of, v) = (name.clone(), version.clone());
        let release = match judged(&state, move |judge| {
            Ok(judge
                .releases(&of, &[v.as_str()])?
                .pop()
                .unwrap_or_default())
        })
        .await
        {
            Ok(release) => release,
            Err(response) => return response,
        };
        if let Some(block) = &release.block {
            log_decision(&key, Some(version), Some(&requested), &release);
            return refuse(&state, block);
        }
        decision = release;
        if state.judge().checks_licenses() && entry.core_metadata.is_some() {
            let meta = match metadata_bytes(&state, &entry).await {
                Ok(bytes) => bytes,
                Err(error) => {
                    tracing::warn!(event = "upstream-error", package = %key, file = %filename, error = %error, "metadata for the license check");
                    return bad_gateway(&error);
                }
            };
            let judge = state.judge();
            let license = judge.license(&name, version, &meta);
            if let Some(block) = &license.block {
                log_decision(&key, Some(version), Some(&requested), &license);
                return refuse(&state, block);
            }
        }
    }
    if metadata {
        if entry.core_metadata.is_none() {
            return plain(
                StatusCode::NOT_FOUND,
                "the upstream has no metadata file for it\n",
            );
        }
        return match metadata_bytes(&state, &entry).await {
            Ok(bytes) => {
                ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
            }
            Err(error) => {
                tracing::warn!(event = "upstream-error", package = %key, file = %requested, error = %error, "metadata");
                bad_gateway(&error)
            }
        };
    }
    log_decision(&key, version.as_deref(), Some(&requested), &decision);
    serve_file(&state, &key, &entry).await
}

/// A metadata file (PEP 658): from the cache, else the upstream (checked
/// against its stated hash, then cached). Small, so read whole.
async fn metadata_bytes(state: &Arc<State>, entry: &FileEntry) -> Result<Bytes, UpstreamError> {
    let expected = entry.metadata_sha256().map(str::to_string);
    if let Some(path) = expected.as_deref().and_then(|h| state.cache.file_path(h))
        && let Ok(bytes) = tokio::fs::read(&path).await
        && expected.as_deref() == Some(hex::encode(Sha256::digest(&bytes)).as_str())
    {
        state.metrics.cache(CacheKind::File, CacheResult::Hit);
        return Ok(bytes.into());
    }
    let url = format!("{}.metadata", entry.url);
    let started = Instant::now();
    let fetched = state.upstream.read_small(&url, MAX_METADATA_BYTES).await;
    state.metrics.upstream(started.elapsed(), fetched.is_ok());
    let bytes = fetched?;
    state.metrics.cache(CacheKind::File, CacheResult::Miss);
    let actual = hex::encode(Sha256::digest(&bytes));
    if let Some(expected) = expected {
        if actual != expected {
            return Err(UpstreamError::Malformed(format!(
                "the metadata file's sha256 is {actual}, the page states {expected}"
            )));
        }
        let cache = state.cache.clone();
        let body = bytes.clone();
        let _ = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let pending = cache.pending(&expected)?;
            std::io::Write::write_all(&mut pending.file()?, &body)?;
            pending.commit(&expected)?;
            Ok(())
        })
        .await;
    }
    Ok(bytes)
}

async fn serve_file(state: &Arc<State>, key: &ProjectKey, entry: &FileEntry) -> Response {
    let expected = entry.sha256().map(str::to_string);
    if let Some(path) = expected.as_deref().and_then(|h| state.cache.file_path(h))
        && let Ok(file) = tokio::fs::File::open(&path).await
    {
        state.metrics.cache(CacheKind::File, CacheResult::Hit);
        let length = file.metadata().await.ok().map(|m| m.len());
        let corrupt = Some(path);
        return stream_response(
            key,
            entry,
            file_stream(file),
            length,
            expected,
            None,
            corrupt,
        );
    }
    let started = Instant::now();
    let opened = state.upstream.open(&entry.url).await;
    state.metrics.upstream(started.elapsed(), opened.is_ok());
    let (stream, length) = match opened {
        Ok(opened) => opened,
        Err(error) => {
            tracing::warn!(event = "upstream-error", package = %key, file = %entry.filename, error = %error, "download");
            return bad_gateway(&error);
        }
    };
    state.metrics.cache(CacheKind::File, CacheResult::Miss);
    let pending = match expected.as_deref().map(|h| state.cache.pending(h)) {
        Some(Ok(pending)) => Some(pending),
        Some(Err(e)) => {
            tracing::warn!(event = "cache-error", package = %key, file = %entry.filename, error = %e, "the file will not be cached");
            None
        }
        None => {
            tracing::warn!(event = "no-hash", package = %key, file = %entry.filename, "the upstream states no sha256: passed through, not cached");
            None
        }
    };
    stream_response(key, entry, stream, length, expected, pending, None)
}

/// Streams `source` to the client while hashing it (and writing it into
/// the cache when `pending`). The last chunk is held back until the hash is
/// checked: on a mismatch the transfer is cut short instead, so no client
/// ever receives a complete file that differs from what the upstream
/// states, and nothing unverified gets a cache name. A client that goes
/// away stops the download; the temporary file is removed.
#[allow(clippy::too_many_arguments)]
fn stream_response(
    key: &ProjectKey,
    entry: &FileEntry,
    mut source: ByteStream,
    length: Option<u64>,
    expected: Option<String>,
    pending: Option<Pending>,
    cached_path: Option<PathBuf>,
) -> Response {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let project = key.clone();
    let filename = entry.filename.clone();
    tokio::spawn(async move {
        let mut hasher = Sha256::new();
        let mut writer = match &pending {
            Some(p) => p.file().ok().map(tokio::fs::File::from_std),
            None => None,
        };
        let mut held: Option<Bytes> = None;
        let mut sent: u64 = 0;
        while let Some(chunk) = source.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(error) => {
                    tracing::warn!(event = "upstream-error", package = %project, file = %filename, error = %error, bytes = sent, "download cut short");
                    let _ = tx.send(Err(std::io::Error::other(error.to_string()))).await;
                    return;
                }
            };
            hasher.update(&chunk);
            if let Some(w) = &mut writer
                && let Err(e) = w.write_all(&chunk).await
            {
                tracing::warn!(event = "cache-error", package = %project, file = %filename, error = %e, "the file will not be cached");
                writer = None;
            }
            if let Some(previous) = held.replace(chunk) {
                sent += previous.len() as u64;
                if tx.send(Ok(previous)).await.is_err() {
                    tracing::info!(event = "client-gone", package = %project, file = %filename, bytes = sent, "the client went away; nothing cached");
                    return;
                }
            }
        }
        let actual = hex::encode(hasher.finalize());
        if let Some(expected) = &expected
            && *expected != actual
        {
            tracing::error!(event = "hash-mismatch", package = %project, file = %filename, expected = %expected, actual = %actual, "refused: the file is not what the index states");
            if let Some(path) = cached_path {
                let _ = tokio::fs::remove_file(&path).await;
            }
            let _ = tx.send(Err(std::io::Error::other("sha256 mismatch"))).await;
            return;
        }
        if let (Some(mut w), Some(p)) = (writer, pending) {
            let committed = match w.flush().await {
                Ok(()) => {
                    drop(w);
                    tokio::task::spawn_blocking(move || p.commit(&actual))
                        .await
                        .map_err(std::io::Error::other)
                        .and_then(|r| r)
                }
                Err(e) => Err(e),
            };
            match committed {
                Ok(_) => {
                    tracing::info!(event = "cached", package = %project, file = %filename, "file cached")
                }
                Err(e) => {
                    tracing::warn!(event = "cache-error", package = %project, file = %filename, error = %e, "the file was not cached")
                }
            }
        }
        if let Some(last) = held {
            let _ = tx.send(Ok(last)).await;
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    // The name and hash never change: clients may keep it.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=31536000, immutable"),
    );
    response
}

// ---- operations ----

async fn health(AxumState(state): AxumState<Arc<State>>) -> Response {
    let judge = state.judge();
    let info = judge.database().info();
    let body = serde_json::json!({
        "status": "ok",
        "upstream": state.upstream.describe(),
        "database": {"advisories": info.advisories, "built": info.built, "source": info.source},
        "generation": state.generation.load(Ordering::Acquire),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn metrics(AxumState(state): AxumState<Arc<State>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// What identifies one version of the database file: replaced by a
/// rename, its inode changes; rewritten in place, its time or size.
fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64, u64)> {
    let meta = fs_err::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

/// Re-reads the database when `pyward db update` replaces it, without a
/// restart; a file that cannot be opened leaves the old one in use.
async fn watch_database(state: Arc<State>, watch: DatabaseWatch) {
    let mut last = stamp(&watch.path);
    let mut ticker = tokio::time::interval(watch.every.max(Duration::from_millis(50)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let current = stamp(&watch.path);
        if current.is_none() || current == last {
            continue;
        }
        let path = watch.path.clone();
        match tokio::task::spawn_blocking(move || pyward_osv::Database::open(&path)).await {
            Ok(Ok(database)) => {
                let info = database.info();
                let judge = state.judge().with_database(database);
                match state.judge.write() {
                    Ok(mut guard) => *guard = Arc::new(judge),
                    Err(poisoned) => *poisoned.into_inner() = Arc::new(judge),
                }
                state.generation.fetch_add(1, Ordering::AcqRel);
                state.metrics.database_reloaded();
                last = current;
                tracing::info!(event = "database-reloaded", path = %watch.path.display(), advisories = info.advisories, built = %info.built, "vulnerability database re-read");
            }
            Ok(Err(e)) => {
                tracing::warn!(event = "database-error", path = %watch.path.display(), error = %e, "the new database could not be opened; the old one stays in use");
                last = current;
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_phrases_are_one_line_of_ascii() {
        assert_eq!(reason_phrase("a\r\nb é"), "a??b ?");
        assert_eq!(reason_phrase(&"x".repeat(1000)).len(), 400);
    }

    #[test]
    fn routes_are_told_apart() {
        assert_eq!(route_of("/simple/"), Route::Index);
        assert_eq!(route_of("/simple/django/"), Route::Page);
        assert_eq!(route_of("/files/x/x-1.whl"), Route::File);
        assert_eq!(route_of("/files/x/x-1.whl.metadata"), Route::Metadata);
        assert_eq!(route_of("/health"), Route::Health);
        assert_eq!(route_of("/../etc"), Route::Other);
    }
}
