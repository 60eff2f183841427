//! Output: where rendered files go. The [`Sink`] is the seam every page
//! is written through; its implementations sit side by side: a folder on
//! disk ([`DiskSink`]), a build's staging folder swapped in whole when
//! everything succeeded ([`Staging`]), and memory for the preview
//! ([`MemorySink`]).

mod changed;
mod disk;
mod ledger;
mod memory;
mod patch;
mod staging;
#[cfg(test)]
mod tests;

use std::path::Path;

pub use changed::{Changes, Difference};
pub use disk::DiskSink;
pub use ledger::{LEDGER_FILE, Ledger, Stamp, nanos};
pub use memory::{MemorySink, Tree, Trees};
pub use patch::Patch;
pub use staging::{Held, Staging, articles_in, remove_tree};

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

/// An output being written: its trees, and the files beside them (deploy configurations).
pub trait Output: Sink {
    /// Stores `bytes` at `path` below the output, beside the trees.
    fn write_beside(&self, path: &str, bytes: &[u8]) -> Result<()>;
}

/// An output taken for a build: its lock held and its ledger read, before
/// anything is written (a build with nothing to do stops here).
#[derive(Debug)]
pub struct Opening {
    held: Held,
    live: Option<Ledger>,
}

impl Opening {
    /// Takes the lock of `out` (waiting for another build of it) and reads its ledger.
    pub fn take(out: &Path) -> Result<Opening> {
        let held = Held::take(out)?;
        let live = Ledger::read(out);
        Ok(Opening { held, live })
    }

    /// Whether the output is as its last build left it, by a build whose
    /// inputs `same_inputs` accepts (given what that build recorded of them).
    pub fn unchanged(&self, same_inputs: impl FnOnce(&str) -> bool) -> bool {
        self.live.as_ref().is_some_and(|l| l.inputs.as_deref().is_some_and(same_inputs)) && self.output_as_noted()
    }

    /// The output.
    pub fn out(&self) -> &Path {
        self.held.out()
    }

    /// Folders an interrupted build had left beside the output, which this build took or removed.
    pub fn recovered(&self) -> usize {
        self.held.recovered().len()
    }

    /// Whether the live output has a ledger this lede wrote and every file it notes is there as noted.
    pub fn output_as_noted(&self) -> bool {
        self.output_as_noted_unless(&std::sync::atomic::AtomicBool::new(false))
    }

    /// [`Opening::output_as_noted`], giving up (false) once `stop` is set.
    pub fn output_as_noted_unless(&self, stop: &std::sync::atomic::AtomicBool) -> bool {
        self.live.as_ref().is_some_and(|l| l.as_noted_unless(self.held.out(), stop))
    }

    /// Starts changing the live output in place (see [`Patch`]), when it has a ledger.
    pub fn patch(self) -> std::result::Result<Patch, Box<Opening>> {
        match self.live {
            Some(live) => Ok(Patch::new(self.held, live)),
            None => Err(Box::new(self)),
        }
    }

    /// Starts writing: a staging folder made from the spare, where only
    /// the files whose bytes differ from the spare's are written.
    pub fn begin(self) -> Result<Staging> {
        Staging::within(self.held, self.live)
    }
}
