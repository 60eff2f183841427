//! A build's progress on a terminal: articles loaded, then pages written,
//! on one line of standard error that is cleared when the build ends. It
//! shows only when standard error is a terminal and the build has run for
//! a second, so quick builds, pipes and CI logs see nothing.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its progress shows (`LEDE_PROGRESS_AFTER_MS` sets it, for tests).
const AFTER: Duration = Duration::from_secs(1);

/// The progress line of one build (hidden when it is not wanted).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A line that appears after a second if standard error is a terminal.
    pub fn start() -> Progress {
        let progress = Progress::hidden();
        let bar = &progress.bar;
        if std::io::stderr().is_terminal() {
            let after = std::env::var("LEDE_PROGRESS_AFTER_MS").ok().and_then(|ms| ms.parse().ok()).map_or(AFTER, Duration::from_millis);
            let show = |bar: &ProgressBar| {
                if !bar.is_finished() {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(100));
                }
            };
            if after.is_zero() {
                // At once, not whenever a thread gets to it: the first step shows.
                show(bar);
            } else {
                let shown = bar.clone();
                // A thread that only sleeps: a build that ends first leaves the line hidden.
                let _ = std::thread::Builder::new().name("lede-progress".into()).spawn(move || {
                    std::thread::sleep(after);
                    show(&shown);
                });
            }
        }
        progress
    }

    /// A line that never shows (for callers that report no progress).
    pub fn hidden() -> Progress {
        Progress { bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()) }
    }

    /// Starts a counted step: `what` and how many there are.
    pub fn step(&self, what: &'static str, total: usize) {
        self.bar
            .set_style(ProgressStyle::with_template("{msg:>24} [{bar:30}] {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
        // Back to nought before the new total, so no frame shows more done than there is.
        self.bar.set_position(0);
        self.bar.set_length(total as u64);
        self.bar.set_message(what);
    }

    /// Starts a step with nothing to count.
    pub fn stage(&self, what: &'static str) {
        self.bar.set_style(ProgressStyle::with_template("{msg:>24} {spinner}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        self.bar.set_message(what);
    }

    /// One more done in the current step.
    pub fn inc(&self) {
        self.bar.inc(1);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // The summary (or the errors) print where the line was.
        self.bar.finish_and_clear();
    }
}
