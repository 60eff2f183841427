//! The preview's HTTP/1.1 side: one port serving the public tree at `/`,
//! the members tree under `/_members/`, and live-reload events at
//! `/_lede/events`. Only requests that name the preview in their `Host`
//! are answered (see [`super::host`]), and only with files of the built
//! site in memory; nothing here touches the disk, and nothing request data
//! holds can panic it.

use std::convert::Infallible;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::Job;
use crate::target::Target;
use crate::urls;

use super::host::HostPolicy;
use super::inject::{Chrome, escape, inject, overlay_html};
use super::memory::{Notice, Snapshot, State};
use super::route::{Route, content_type, counterpart, normalize, route};

/// How often an open event stream gets a comment when nothing else is
/// sent: it shows a proxy or the browser the stream is alive, and it is
/// what keeps a healthy stream from looking stalled (see `conn::STALL_TIMEOUT`).
pub const EVENTS_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What every handler shares.
pub struct App {
    /// The built site.
    pub state: Arc<State>,
    /// Tells this server run apart from a restarted one (tabs reload on a new one).
    pub instance: String,
    /// Which `Host` values are answered.
    pub hosts: HostPolicy,
    /// The preview's public URL without a trailing slash, offered when a request is refused.
    pub url: String,
    /// One permit per event stream that may still open.
    pub streams: Arc<Semaphore>,
    /// The most event streams open at once (the permits `streams` started with).
    pub max_streams: usize,
    /// Whether the terminal was told that the event streams ran out.
    pub streams_warned: AtomicBool,
}

impl App {
    /// The shared state of a preview listening on `hosts`'s address at `url`.
    pub fn new(state: Arc<State>, instance: String, hosts: HostPolicy, url: String, max_streams: usize) -> Self {
        App { state, instance, hosts, url, streams: Arc::new(Semaphore::new(max_streams)), max_streams, streams_warned: AtomicBool::new(false) }
    }

    fn version(&self, generation: u64) -> String {
        format!("{}-{generation}", self.instance)
    }
}

/// The router: every path goes to one handler, which routes by itself.
pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

async fn handle(AxumState(app): AxumState<Arc<App>>, req: Request) -> Response {
    // Before anything else, on every path: see `host`.
    if let Some(refusal) = refuse_host(&app, &req) {
        return refusal;
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    if method != Method::GET && method != Method::HEAD {
        let mut res = text(StatusCode::METHOD_NOT_ALLOWED, "Only GET and HEAD are served by the preview.\n");
        res.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    match route(&path) {
        Route::Bad => text(StatusCode::BAD_REQUEST, "Bad request: that path cannot name a file of the site.\n"),
        Route::Events => events(&app),
        Route::NotFound(target) => app.state.read(|snap| Reply { app: &app, snap, target, path: &path }.not_found()),
        Route::File(lookup) => {
            let found = app.state.read(|snap| {
                if lookup.key.starts_with(crate::search::SEARCH_DIR) {
                    app.state.searched();
                }
                let reply = Reply { app: &app, snap, target: lookup.target, path: &path };
                if !snap.built {
                    return Found::Answered(reply.no_build_yet());
                }
                let tree = &snap.trees[lookup.target];
                if let Some(bytes) = tree.get(&lookup.key) {
                    return Found::Answered(reply.file(&lookup.key, bytes, StatusCode::OK));
                }
                if let Some(job) = snap.on_request.get(&lookup.key) {
                    return Found::Render(job.clone());
                }
                Found::Answered(match &lookup.folder_index {
                    Some(index) if tree.contains_key(index) || snap.on_request.contains_key(index) => {
                        // Never a `Location` from the path as sent: see `normalize`.
                        let folder = normalize(&path);
                        let location = match &query {
                            Some(q) => format!("{folder}/?{q}"),
                            None => format!("{folder}/"),
                        };
                        redirect(&location)
                    }
                    _ => reply.not_found(),
                })
            });
            match found {
                Found::Render(job) => render(&app, job, lookup.target, lookup.key, &path).await,
                Found::Answered(response) => response,
            }
        }
    }
}

/// What a request for a file found under the snapshot's lock.
enum Found {
    /// The answer, made there.
    Answered(Response),
    /// A page to render on request.
    Render(Job),
}

/// A page rendered on request, outside the snapshot's lock (see
/// [`State`]'s order of locks) and off the threads that answer requests.
async fn render(app: &Arc<App>, job: Job, target: Target, key: String, path: &str) -> Response {
    let state = app.state.clone();
    let rendered = tokio::task::spawn_blocking(move || state.render(&job, target))
        .await
        .unwrap_or_else(|e| Err(Diagnostics(vec![Diagnostic::file(key.as_str(), format!("lede could not render this page: {e}"))])));
    app.state.read(|snap| {
        let reply = Reply { app, snap, target, path };
        match rendered {
            Ok(Some(bytes)) => reply.file(&key, &Arc::from(bytes), StatusCode::OK),
            Ok(None) => reply.not_found(),
            Err(problems) => reply.failed(&problems),
        }
    })
}

/// One response being made from one snapshot of the site.
struct Reply<'a> {
    app: &'a App,
    snap: &'a Snapshot,
    /// The tree the request is in.
    target: Target,
    /// The request path as sent; echoed only through `normalize`.
    path: &'a str,
}

impl Reply<'_> {
    /// One file of the site; HTML gets the preview's switch, overlay and script.
    fn file(&self, key: &str, bytes: &Arc<[u8]>, status: StatusCode) -> Response {
        let kind = content_type(key);
        let body = if kind.starts_with("text/html") { self.with_chrome(bytes, &self.snap.problems) } else { Bytes::from_owner(bytes.clone()) };
        respond(status, kind, body)
    }

    /// An HTML page with the preview's switch, the overlay of `problems` and the live-reload script.
    fn with_chrome(&self, html: &[u8], problems: &[Diagnostic]) -> Bytes {
        let (public_href, members_href) = counterpart(self.path, self.target);
        let version = self.app.version(self.snap.generation);
        let chrome = Chrome { target: self.target, public_href: &public_href, members_href: &members_href, version: &version, problems };
        Bytes::from(inject(html, &chrome))
    }

    /// The tree's own `404.html` when it has one, else a plain page; status 404 either way.
    fn not_found(&self) -> Response {
        if let Some(page) = self.snap.trees[self.target].get(urls::NOT_FOUND) {
            return self.file(urls::NOT_FOUND, page, StatusCode::NOT_FOUND);
        }
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>Nothing is built at <code>{}</code>.</p></body></html>\n",
            escape(&normalize(self.path))
        );
        self.file(urls::NOT_FOUND, &Arc::from(html.into_bytes()), StatusCode::NOT_FOUND)
    }

    /// A page that did not render: its problems, over a page that says so, with status 500.
    fn failed(&self, problems: &Diagnostics) -> Response {
        let mut err = std::io::stderr().lock();
        for d in &problems.0 {
            let _ = writeln!(err, "error: {d}");
        }
        let html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lede serve</title></head>\n<body><h1>This page does not render</h1><p>Fix the problem shown and save; the page reloads by itself.</p></body></html>\n";
        let shown: Vec<Diagnostic> = problems.0.iter().chain(self.snap.problems.iter()).cloned().collect();
        respond(StatusCode::INTERNAL_SERVER_ERROR, content_type(urls::INDEX), self.with_chrome(html.as_bytes(), &shown))
    }

    /// Before any build has succeeded there is nothing to serve but the problems.
    fn no_build_yet(&self) -> Response {
        let (status, note) = if self.snap.problems.is_empty() {
            (StatusCode::SERVICE_UNAVAILABLE, "The site is being built; this page reloads when it is ready.")
        } else {
            (StatusCode::INTERNAL_SERVER_ERROR, "The site does not build yet; fix the problems shown and save.")
        };
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lede serve</title></head>\n<body><h1>lede serve</h1><p>{note}</p></body></html>\n"
        );
        self.file("index.html", &Arc::from(html.into_bytes()), status)
    }
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A preview must never show a cached old version.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

fn text(status: StatusCode, message: &'static str) -> Response {
    respond(status, "text/plain; charset=utf-8", Bytes::from_static(message.as_bytes()))
}

/// A 403 for a request that does not name this preview in exactly one
/// `Host` header (and in its target, when that is an absolute URL); `None`
/// when it does.
fn refuse_host(app: &App, req: &Request) -> Option<Response> {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let (named, sent) = match (hosts.next(), hosts.next()) {
        (Some(one), None) => (one.to_str().ok(), true),
        (None, _) => (None, false),
        (Some(_), Some(_)) => (None, true),
    };
    let target_ok = req.uri().authority().is_none_or(|a| app.hosts.allows(a.as_str()));
    if target_ok && named.is_some_and(|h| app.hosts.allows(h)) {
        return None;
    }
    let what = match (named, sent) {
        (Some(host), _) if target_ok => format!("the Host {:?}", host.chars().take(200).collect::<String>()),
        (Some(_), _) => "a request whose target names another host".to_string(),
        (None, false) => "a request without a Host header".to_string(),
        (None, true) => "a request without exactly one readable Host header".to_string(),
    };
    let message = format!(
        "403 Forbidden: lede serve refused {what}.\n\
         The preview answers only requests addressed to {}, so that a web page on another site cannot read it \
         through a DNS name of its own pointed at this machine (DNS rebinding).\n\
         Open {}/ instead.\n",
        app.hosts.describe(),
        app.url
    );
    Some(respond(StatusCode::FORBIDDEN, "text/plain; charset=utf-8", Bytes::from(message)))
}

fn redirect(location: &str) -> Response {
    // The path was checked by `route`, so it is a valid header value; if not, say so rather than panic.
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut res = text(StatusCode::FOUND, "Moved to the folder's URL.\n");
            res.headers_mut().insert(header::LOCATION, value);
            res
        }
        Err(_) => text(StatusCode::BAD_REQUEST, "Bad request.\n"),
    }
}

/// The live-reload stream: `hello` with the current version, then one
/// event per rebuild. It only waits on a channel, so it holds no thread;
/// it holds one of the `max_streams` slots until its connection ends, and
/// past them the answer is a 503.
fn events(app: &Arc<App>) -> Response {
    let Ok(slot) = app.streams.clone().try_acquire_owned() else {
        if !app.streams_warned.swap(true, Ordering::Relaxed) {
            eprintln!("warning: {} live-reload streams are open, the most the preview keeps; tabs opened now will not reload by themselves", app.max_streams);
        }
        let message = format!(
            "Too many live-reload streams: {} are open, the most the preview keeps (each tab keeps one). \
             Close some tabs of the preview; pages still load, but do not reload by themselves.\n",
            app.max_streams
        );
        return respond(StatusCode::SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", Bytes::from(message));
    };
    // Subscribe before reading the version, so no rebuild falls in between.
    let rx = app.state.subscribe();
    let hello = Event::default().event("hello").retry(Duration::from_millis(1000)).data(app.version(app.state.read(|s| s.generation)));
    let app = app.clone();
    let updates = BroadcastStream::new(rx).map(move |notice| {
        Ok::<_, Infallible>(match notice {
            Ok(Notice::Reload(generation)) => Event::default().event("reload").data(app.version(generation)),
            Ok(Notice::Problems(_, problems)) => problems_event(&problems),
            // Missed some notices: the page is stale for sure.
            Err(_) => Event::default().event("reload").data("lagged"),
        })
    });
    let stream = Slotted { stream: tokio_stream::once(Ok(hello)).chain(updates), _slot: slot };
    Sse::new(stream).keep_alive(KeepAlive::new().interval(EVENTS_KEEP_ALIVE)).into_response()
}

/// An event stream holding its slot among the open streams: hyper drops
/// the stream, and so gives the slot back, when its connection ends.
struct Slotted<S> {
    stream: S,
    _slot: OwnedSemaphorePermit,
}

impl<S: Stream + Unpin> Stream for Slotted<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        Pin::new(&mut self.stream).poll_next(cx)
    }
}

fn problems_event(problems: &[Diagnostic]) -> Event {
    // `overlay_html` is one line, as an SSE data field must be.
    Event::default().event("problems").data(overlay_html(problems))
}
