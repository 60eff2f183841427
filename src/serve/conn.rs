//! Accepting and serving the preview's connections, with the limits that
//! keep a misbehaving client (or a page opening thousands of streams) from
//! using up the process's file handles or its connection slots. Each
//! connection is served by hyper's HTTP/1.1 server directly, since
//! `axum::serve` has no timeouts: a header must arrive in time, a kept-alive
//! connection is closed when idle, a connection on which nothing moves is
//! cut, and past a number of connections new ones are turned away at once.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, oneshot};
use tokio::time::Instant;

use super::http::EVENTS_KEEP_ALIVE;

/// How long a client has to send a request's whole header, counted from
/// when the server starts waiting for it: when the connection opens, and
/// again after each response on a kept-alive one, so this is also how long
/// an idle kept-alive connection stays open. A browser sends its header in
/// one piece as soon as it has connected, and opens a new connection when
/// an idle one was closed; a client that trickles its header (slowloris)
/// or parks connections unused would otherwise hold a slot for ever.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may go with no byte moving either way: a client
/// that stopped reading a response keeps the server's write waiting for
/// ever otherwise. An open tab's event stream writes at least every
/// [`EVENTS_KEEP_ALIVE`], so this is a few of those.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(45);

/// The most connections served at once; a new one past it gets a 503 and
/// is closed at once. A browser keeps at most 6 connections to one host
/// plus one event stream per open tab, so this is far more than a person
/// previewing needs, and far below the 1,024 file handles a process is
/// commonly allowed (20,000 open connections used to exhaust them).
pub const MAX_CONNECTIONS: usize = 256;

/// The most live-reload event streams open at once (each tab of the
/// preview keeps one); past it `/_lede/events` answers 503. Well below
/// [`MAX_CONNECTIONS`], so that streams can never take every connection
/// and leave none to load the pages.
pub const MAX_EVENT_STREAMS: usize = 64;

/// After a failed accept (out of file handles, most likely), how long to
/// wait before accepting again, rather than spin on the same error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// When the preview stops, how long responses under way get to finish;
/// event streams never finish and are cut when it runs out.
const STOP_GRACE: Duration = Duration::from_millis(200);

// The timing rules only hold together in this order.
const _: () = assert!(STALL_TIMEOUT.as_millis() >= 2 * EVENTS_KEEP_ALIVE.as_millis());
const _: () = assert!(STALL_TIMEOUT.as_millis() > HEADER_TIMEOUT.as_millis());
const _: () = assert!(MAX_EVENT_STREAMS < MAX_CONNECTIONS);

/// The limits the preview serves under; the default is the constants of
/// this module, and tests shorten the timeouts to run fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// See [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// See [`STALL_TIMEOUT`].
    pub stall_timeout: Duration,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// See [`MAX_EVENT_STREAMS`].
    pub max_event_streams: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { header_timeout: HEADER_TIMEOUT, stall_timeout: STALL_TIMEOUT, max_connections: MAX_CONNECTIONS, max_event_streams: MAX_EVENT_STREAMS }
    }
}

/// Accepts and serves connections until `stop` fires (or its sender is
/// dropped), then gives responses under way [`STOP_GRACE`] to finish.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, stop: oneshot::Receiver<()>) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let service = TowerToHyperService::new(router);
    let refusal = too_many_connections(limits.max_connections);
    let mut stop = stop;
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    if !is_per_connection(&e) {
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // A new connection's send buffer is empty, so this one write
            // does not wait; if it fails anyway, the close says enough.
            let _ = stream.try_write(&refusal);
            continue;
        };
        // Events are small writes that should go out at once.
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched { stream, activity: activity.clone() });
        let connection = graceful.watch(builder.serve_connection(io, service.clone()));
        let stall = limits.stall_timeout;
        tokio::spawn(async move {
            // The slot is given back when the connection ends, however it ends.
            let _slot = slot;
            tokio::select! {
                // Errors are the client's doing (a reset, a bad request,
                // a timeout) and were answered where HTTP allows.
                _ = connection => {}
                () = activity.stalled(stall) => {}
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(STOP_GRACE, graceful.shutdown()).await;
}

/// Whether an accept error concerns only the connection being accepted
/// (so accepting the next one can go on at once).
fn is_per_connection(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::Interrupted)
}

/// The whole response sent to a connection past [`Limits::max_connections`].
fn too_many_connections(max: usize) -> Vec<u8> {
    let body =
        format!("Too many connections: the preview serves at most {max} at once. Close some of its tabs, or whatever else is connected to it, and reload.\n");
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// When a byte last moved on one connection, read or written.
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last byte moved.
    last: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity { start: Instant::now(), last: AtomicU64::new(0) }
    }

    fn touch(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
    }

    /// Completes once no byte has moved for `limit`.
    async fn stalled(&self, limit: Duration) {
        loop {
            let last = self.start + Duration::from_millis(self.last.load(Ordering::Relaxed));
            let quiet = last.elapsed();
            if quiet >= limit {
                return;
            }
            tokio::time::sleep(limit - quiet).await;
        }
    }
}

/// A connection that records when bytes move on it.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl Watched {
    fn moved<T>(&self, result: Poll<io::Result<T>>, bytes: impl FnOnce(&T) -> usize) -> Poll<io::Result<T>> {
        if let Poll::Ready(Ok(n)) = &result
            && bytes(n) > 0
        {
            self.activity.touch();
        }
        result
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        self.moved(result, |()| read)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.moved(result, |n| *n)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.moved(result, |n| *n)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
