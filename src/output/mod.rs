//! Output: where rendered files go. The [`Sink`] is the seam every page
//! is written through; its implementations sit side by side: a folder on
//! disk ([`DiskSink`]), a build's staging folder swapped in whole when
//! everything succeeded ([`Staging`]), and memory for the preview
//! ([`MemorySink`]).

mod changed;
mod disk;
mod ledger;
mod memory;
mod staging;
#[cfg(test)]
mod tests;
mod update;

use std::path::{Path, PathBuf};

pub use changed::{Difference, differences};
pub use disk::DiskSink;
pub use ledger::{LEDGER_FILE, Ledger, Stamp};
pub use memory::{MemorySink, Tree, Trees};
pub use staging::{Held, Staging, articles_in, remove_tree};
pub use update::{Changes, Update};

use crate::diagnostics::Result;
use crate::target::Target;

/// Somewhere rendered files can be put (disk for builds, memory for the preview).
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated) in `target`'s tree.
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<()>;

    /// Stores the same `bytes` at `path` in both trees (a static file).
    fn write_both(&self, path: &str, bytes: &[u8]) -> Result<()> {
        for target in Target::ALL {
            self.write(target, path, bytes)?;
        }
        Ok(())
    }
}

/// How a build reaches its output: whole, into a staging folder swapped in
/// at the end, or by updating in place the files whose bytes changed.
#[derive(Debug)]
pub enum Output {
    /// The whole output, written afresh.
    Whole(Staging),
    /// Only what changed.
    Update(Update),
}

impl Output {
    /// Takes `out` for a build: updated in place when it has a ledger this
    /// lede wrote, unless `whole` asks for a staging folder holding every file.
    pub fn open(out: &Path, whole: bool) -> Result<Output> {
        let held = Held::take(out)?;
        match Ledger::read(out).filter(|_| !whole) {
            Some(ledger) => Ok(Output::Update(Update::new(held, ledger))),
            None => Ok(Output::Whole(Staging::within(held)?)),
        }
    }

    /// Readies the output for writing: an update first reads what is on disk.
    pub fn prepare(&mut self) {
        if let Output::Update(u) = self {
            u.verify();
        }
    }

    /// Where the build writes.
    pub fn sink(&self) -> &dyn Sink {
        match self {
            Output::Whole(s) => s.sink(),
            Output::Update(u) => u,
        }
    }

    /// Writes a file beside the two trees (`deploy/nginx/site.conf`).
    pub fn write_beside(&self, path: &str, bytes: &[u8]) -> Result<()> {
        match self {
            Output::Whole(s) => s.sink().write_beside(path, bytes),
            Output::Update(u) => u.write_file(path.to_string(), bytes),
        }
    }

    /// The folder holding every file of the new output, while the build
    /// runs: only a whole build has one (the checks that read it ask for one).
    pub fn whole(&self) -> Option<&Path> {
        match self {
            Output::Whole(s) => Some(s.path()),
            Output::Update(_) => None,
        }
    }

    /// Folders an interrupted build had left beside the output, which this build took or removed.
    pub fn recovered(&self) -> Vec<PathBuf> {
        match self {
            Output::Whole(s) => s.recovered().to_vec(),
            Output::Update(u) => u.recovered().to_vec(),
        }
    }
}
