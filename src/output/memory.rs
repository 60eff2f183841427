//! Both trees held in memory, for the preview (which never writes over
//! `dist/`) and for tests that compare two renderings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::Sink;
use crate::diagnostics::Result;
use crate::target::{PerTarget, Target};

/// One tree: output path (`articles/x/index.html`) to bytes.
pub type Tree = HashMap<String, Arc<[u8]>>;

/// Both trees.
pub type Trees = PerTarget<Tree>;

/// A [`Sink`] that collects rendered files in memory.
#[derive(Default)]
pub struct MemorySink {
    trees: Mutex<Trees>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        MemorySink::default()
    }

    /// The files written so far.
    pub fn into_trees(self) -> Trees {
        self.trees.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for MemorySink {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<()> {
        let mut trees = self.trees.lock().unwrap_or_else(PoisonError::into_inner);
        trees[target].insert(path.to_string(), Arc::from(bytes));
        Ok(())
    }

    /// One copy of the bytes, shared by both trees.
    fn write_both(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let bytes: Arc<[u8]> = Arc::from(bytes);
        let mut trees = self.trees.lock().unwrap_or_else(PoisonError::into_inner);
        for tree in trees.iter_mut() {
            tree.insert(path.to_string(), bytes.clone());
        }
        Ok(())
    }
}
