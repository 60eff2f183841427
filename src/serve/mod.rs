//! `lede serve`: the local preview. Loads the site into memory (never over
//! `dist/`), renders the articles' and listings' pages when asked for and
//! the rest up front, serves them over HTTP/1.1 on one loopback port,
//! watches the inputs, rebuilds what an edit touches and reloads open tabs;
//! a broken edit is shown over the last good pages until it is fixed.
//!
//! Measuring edit-to-page time on a large site: `bench/run --serve-only`
//! writes an article file and polls `GET /articles/<slug>/` until the page
//! carries the new text. The terminal's per-rebuild line says how long the
//! rebuild took and how long after the first change the result was served;
//! the difference is the wait for the batch to be complete (see
//! [`watch::Gather`]; `--poll` adds up to 300 ms before a change is seen).
//! See docs/serve.md for numbers.

pub mod conn;
pub mod host;
pub mod http;
pub mod inject;
pub mod memory;
pub mod rebuild;
pub mod route;
pub mod search;
pub mod watch;

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::layout::CONFIG_FILE;

pub use conn::Limits;
use host::HostPolicy;
use memory::State;
use rebuild::{Builder, Report, Urls};
use watch::{Gather, Watcher};

/// The port tried first when `--port` is not given.
pub const DEFAULT_PORT: u16 = 4400;

/// How many ports after the default are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// What `lede serve` was asked to do, validated.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The port; `None`: [`DEFAULT_PORT`] or the next free one; `Some(0)`: any free port.
    pub port: Option<u16>,
    /// The address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// Include drafts.
    pub drafts: bool,
    /// Include articles and pages dated in the future.
    pub future: bool,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Poll for changes instead of using the system's file events.
    pub poll: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions { root: PathBuf::from("."), port: None, bind: IpAddr::V4(Ipv4Addr::LOCALHOST), drafts: false, future: false, open: false, poll: false }
    }
}

/// Why the preview could not start (problems in the site itself do not stop it).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The folder is not a site.
    #[error("{0}: no config.toml here; run `lede serve` in a site folder or pass --root")]
    NotASite(PathBuf),
    /// The port asked for is taken.
    #[error("port {port} on {ip} is already in use (another `lede serve`?); choose another with --port")]
    PortInUse {
        /// The address.
        ip: IpAddr,
        /// The port.
        port: u16,
    },
    /// Every port tried was taken.
    #[error("ports {first} to {last} on {ip} are all in use; choose one with --port")]
    NoFreePort {
        /// The address.
        ip: IpAddr,
        /// First port tried.
        first: u16,
        /// Last port tried.
        last: u16,
    },
    /// Listening failed otherwise.
    #[error("could not listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The file watcher could not start.
    #[error("could not watch {root} for changes: {source} (try --poll)")]
    Watch {
        /// The site.
        root: PathBuf,
        /// Why.
        source: notify::Error,
    },
    /// A thread or the async runtime could not start.
    #[error("could not start the server: {0}")]
    Start(io::Error),
}

/// Runs the preview until the process is stopped.
pub fn run(opts: &ServeOptions) -> Result<(), ServeError> {
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview, including the subscriber view with every article in full",
            opts.bind
        );
    }
    // Said before the first build, which a large site takes seconds over:
    // a page opened meanwhile says the site is being built, and reloads when it is.
    let announce = |url: &str| {
        println!("Serving at {url}/ (subscriber view: {url}/_members/)");
        println!("Watching content/, templates/, static/ and config.toml{}; press Ctrl-C to stop", if opts.poll { " by polling" } else { "" });
        if opts.open {
            open_browser(&format!("{url}/"));
        }
    };
    launch(opts, Limits::default(), announce)?.wait()
}

/// A running preview: stops when dropped.
pub struct Running {
    addr: SocketAddr,
    url: String,
    stop_server: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<JoinHandle<io::Result<()>>>,
    stop_rebuilds: mpsc::Sender<Msg>,
}

/// What the rebuild thread receives.
enum Msg {
    Events(watch::Changes),
    Stop,
}

impl Running {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The public tree's URL, without a trailing slash (`http://127.0.0.1:4400`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Blocks until the server stops.
    pub fn wait(mut self) -> Result<(), ServeError> {
        match self.server.take().map(JoinHandle::join) {
            Some(Ok(result)) => result.map_err(ServeError::Start),
            Some(Err(_)) => Err(ServeError::Start(io::Error::other("the server thread stopped unexpectedly"))),
            None => Ok(()),
        }
    }

    /// Stops serving and watching.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.stop_rebuilds.send(Msg::Stop);
        if let Some(tx) = self.stop_server.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Binds, builds the site once, then serves and watches in background threads.
pub fn start(opts: &ServeOptions) -> Result<Running, ServeError> {
    start_with(opts, Limits::default())
}

/// [`start`] under other limits than the default ones (tests shorten the timeouts).
pub fn start_with(opts: &ServeOptions, limits: Limits) -> Result<Running, ServeError> {
    launch(opts, limits, |_| {})
}

/// Binds and starts serving, calls `announce` with the preview's URL, then
/// builds the site once and starts watching; returns once the site is built.
fn launch(opts: &ServeOptions, limits: Limits, announce: impl FnOnce(&str)) -> Result<Running, ServeError> {
    let root = opts.root.canonicalize().map_err(|_| ServeError::NotASite(opts.root.clone()))?;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(ServeError::NotASite(opts.root.clone()));
    }
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(ServeError::Start)?;
    let url = local_url(addr);
    let urls = Urls { base: url.clone(), members: format!("{url}/_members") };

    let state = Arc::new(State::new());
    let (tx, rx) = mpsc::channel();
    let events = tx.clone();
    // Watch before the first build, so an edit made during it is not lost.
    let watcher = Watcher::start(&root, opts.poll, move |changes| {
        // The receiver is gone only when the server is stopping.
        let _ = events.send(Msg::Events(changes));
    })
    .map_err(|source| ServeError::Watch { root: root.clone(), source })?;

    // Serving before the first build: until it ends, a page says the site is being built, and reloads when it is.
    let instance = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    let hosts = HostPolicy::new(addr.ip());
    let app = Arc::new(http::App::new(state.clone(), format!("{instance:x}"), hosts, url.clone(), limits.max_event_streams));
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::Builder::new().name("lede-http".into()).spawn(move || serve_http(listener, app, limits, stopped)).map_err(ServeError::Start)?;
    // Stops the server when dropped, so a failure from here on stops it too.
    let running = Running { addr, url, stop_server: Some(stop_server), server: Some(server), stop_rebuilds: tx };
    announce(running.url());

    let mut builder = Builder::new(root.clone(), opts.drafts, opts.future, urls, state);
    print_report("site", &builder.build_all(), None);
    std::thread::Builder::new().name("lede-rebuild".into()).spawn(move || rebuild_loop(builder, watcher, &rx)).map_err(ServeError::Start)?;
    Ok(running)
}

/// Listens on the port asked for, or on the default one or the next free one.
fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, ServeError> {
    let listen = |port: u16| {
        let addr = SocketAddr::new(ip, port);
        TcpListener::bind(addr).map_err(|source| match source.kind() {
            io::ErrorKind::AddrInUse => ServeError::PortInUse { ip, port },
            _ => ServeError::Listen { addr, source },
        })
    };
    if let Some(port) = port {
        return listen(port);
    }
    let last = DEFAULT_PORT + PORT_TRIES - 1;
    for port in DEFAULT_PORT..=last {
        match listen(port) {
            Ok(listener) => {
                if port != DEFAULT_PORT {
                    println!("Port {DEFAULT_PORT} is in use; using {port} instead.");
                }
                return Ok(listener);
            }
            Err(ServeError::PortInUse { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ServeError::NoFreePort { ip, first: DEFAULT_PORT, last })
}

/// The URL links are built on: an unspecified address (`0.0.0.0`) is reached as loopback from here.
fn local_url(addr: SocketAddr) -> String {
    let shown = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(shown, addr.port()))
}

fn serve_http(listener: TcpListener, app: Arc<http::App>, limits: Limits, stopped: tokio::sync::oneshot::Receiver<()>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let result = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        conn::serve(listener, http::router(app), limits, stopped).await;
        Ok(())
    });
    // Open event streams never end by themselves: `conn::serve` gave them
    // their grace, and whatever is left is dropped here.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

/// Waits for batches of changes and rebuilds once per batch.
fn rebuild_loop(mut builder: Builder, mut watcher: Watcher, rx: &mpsc::Receiver<Msg>) {
    let root = builder.root().to_path_buf();
    let mut gather = Gather::default();
    loop {
        let received = match gather.due() {
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            Some(due) => rx.recv_timeout(due.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(Msg::Events(changes)) => {
                gather.add(&root, changes, Instant::now());
            }
            Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        // Checked after every message too, so a stream of events that never
        // pauses is still rebuilt once the batch is held for its longest.
        let Some(first) = gather.first().filter(|_| gather.due().is_some_and(|due| due <= Instant::now())) else {
            continue;
        };
        let mut batch = gather.take();
        let rewatched = if batch.full { watcher.rewatch_all() } else { watcher.refresh() };
        match rewatched {
            Ok(true) => batch.full = true,
            Ok(false) => {}
            Err(e) => eprintln!("warning: could not watch a folder of the site: {e}"),
        }
        if batch.is_empty() {
            continue;
        }
        let report = builder.rebuild(&batch);
        print_report(&batch.describe(), &report, Some(first.elapsed()));
    }
}

/// One line per rebuild in the terminal: what was rebuilt, how long the
/// rebuild took and, after an edit, how long after the first change it was
/// served (the rest is the wait for the batch to be complete). Problems in
/// full, as the overlay shows them.
fn print_report(what: &str, report: &Report, since_change: Option<Duration>) {
    // `what` names the edited file, whose name may hold a terminal's escape codes.
    let what = crate::diagnostics::printable(what);
    let clock = jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string();
    let ms = report.elapsed.as_secs_f64() * 1000.0;
    let after = since_change.map(|d| format!(", served {:.0} ms after the change", d.as_secs_f64() * 1000.0)).unwrap_or_default();
    match &report.problems {
        None => {
            let scope = match (report.full, since_change, report.from_cache) {
                (true, None, true) => "took the site from the last build's cache in dist/",
                (true, None, false) => "built the site",
                (true, Some(_), _) => "rebuilt the site",
                (false, _, _) => "rebuilt",
            };
            println!("[{clock}] {what}: {scope}, {} files in {ms:.0} ms{after}", report.files);
        }
        Some(problems) => {
            let n = problems.0.len();
            let mut err = io::stderr().lock();
            for d in &problems.0 {
                let _ = writeln!(err, "error: {d}");
            }
            let _ = writeln!(err, "[{clock}] {what}: {n} problem{} ({ms:.0} ms{after}); still serving the last good build", if n == 1 { "" } else { "s" });
        }
    }
}

/// Opens `url` in the desktop's browser; failing to is only worth a note.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url).stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    if let Err(e) = cmd.spawn() {
        eprintln!("note: could not open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_from_an_unspecified_address_use_loopback() {
        assert_eq!(local_url("0.0.0.0:4400".parse().unwrap()), "http://127.0.0.1:4400");
        assert_eq!(local_url("[::]:4400".parse().unwrap()), "http://[::1]:4400");
        assert_eq!(local_url("127.0.0.1:4401".parse().unwrap()), "http://127.0.0.1:4401");
    }

    #[test]
    fn a_taken_port_is_named_and_the_default_moves_on() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), Some(port)).unwrap_err();
        assert!(err.to_string().contains(&format!("port {port} on 127.0.0.1 is already in use")), "{err}");
    }

    /// A `GET` of `path` over a new connection: the status line and the body.
    fn get(url: &str, path: &str) -> String {
        use std::io::Read;
        let host = url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    }

    #[test]
    fn the_preview_answers_while_its_first_build_runs() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(CONFIG_FILE), "title = \"T\"\nbase_url = \"https://t.example\"\n").unwrap();
        std::fs::create_dir_all(tmp.path().join("content/articles")).unwrap();
        std::fs::write(tmp.path().join("content/articles/one.md"), "+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nText.\n").unwrap();
        let opts = ServeOptions { root: tmp.path().to_path_buf(), port: Some(0), ..ServeOptions::default() };
        let mut during = String::new();
        let running = launch(&opts, Limits::default(), |url| during = get(url, "/articles/one/")).expect("starts");
        assert!(during.starts_with("HTTP/1.1 503"), "{during}");
        assert!(during.contains("being built") && during.contains("EventSource"), "the page says so and reloads: {during}");
        let after = get(running.url(), "/articles/one/");
        assert!(after.starts_with("HTTP/1.1 200") && after.contains("One"), "{after}");
    }

    #[test]
    fn a_folder_without_config_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let opts = ServeOptions { root: tmp.path().to_path_buf(), port: Some(0), ..ServeOptions::default() };
        assert!(matches!(start(&opts), Err(ServeError::NotASite(_))));
    }
}
