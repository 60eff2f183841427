//! Output: where rendered files go. The [`Sink`] is the seam every page
//! is written through; its implementations sit side by side: a folder on
//! disk ([`DiskSink`]), a build's staging folder swapped in whole when
//! everything succeeded ([`Staging`]), and memory for the preview
//! ([`MemorySink`]).

mod changed;
mod disk;
mod memory;
mod staging;
#[cfg(test)]
mod tests;

pub use changed::{Difference, differences};
pub use disk::DiskSink;
pub use memory::{MemorySink, Tree, Trees};
pub use staging::{Staging, articles_in, remove_tree};

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
