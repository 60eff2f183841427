//! What a build changed: the files of the two trees whose bytes differ
//! from the previous output's, those it added and those it removed, for a
//! CDN purge or an upload of only what changed. Worked out from the two
//! outputs' ledgers, not by reading the trees again.

use std::collections::HashMap;

use super::Stamp;
use crate::target::Target;

/// How a file differs from the previous output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// New in this build.
    Added,
    /// There before, with other bytes.
    Changed,
    /// There before, gone now.
    Removed,
}

/// How a build's output differs from the one it replaced, by path below the output.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files that were not there before.
    pub added: Vec<String>,
    /// Files whose bytes changed.
    pub changed: Vec<String>,
    /// Files no longer there.
    pub removed: Vec<String>,
    /// Files with the same bytes as before.
    pub kept: usize,
    /// Whether the output replaced had a ledger to compare with (else every file counts as added).
    pub compared: bool,
}

impl Changes {
    /// The differences between the files of a new output (`now`) and those
    /// of the one it replaces (`before`, when it had a ledger).
    pub fn between(now: &HashMap<String, Stamp>, before: Option<&HashMap<String, Stamp>>) -> Changes {
        let mut changes = Changes { compared: before.is_some(), ..Changes::default() };
        let empty = HashMap::new();
        let before = before.unwrap_or(&empty);
        for (key, stamp) in now {
            match before.get(key) {
                Some(old) if old.hash == stamp.hash && old.len == stamp.len => changes.kept += 1,
                Some(_) => changes.changed.push(key.clone()),
                None => changes.added.push(key.clone()),
            }
        }
        changes.removed = before.keys().filter(|k| !now.contains_key(*k)).cloned().collect();
        for list in [&mut changes.added, &mut changes.changed, &mut changes.removed] {
            list.sort_unstable();
        }
        changes
    }

    /// How many files differ from the replaced output's.
    pub fn written(&self) -> usize {
        self.added.len() + self.changed.len()
    }

    /// The files of the two trees that differ, by tree and path
    /// (`/`-separated) within it, in order; files beside the trees (deploy
    /// configurations) are left out.
    pub fn list(&self) -> Vec<(Target, String, Difference)> {
        let marked = [(&self.added, Difference::Added), (&self.changed, Difference::Changed), (&self.removed, Difference::Removed)];
        let mut found: Vec<(Target, String, Difference)> = marked
            .iter()
            .flat_map(|(keys, d)| keys.iter().map(move |k| (k, *d)))
            .filter_map(|(key, d)| {
                let (dir, path) = key.split_once('/')?;
                let target = Target::ALL.into_iter().find(|t| t.dir() == dir)?;
                Some((target, path.to_string(), d))
            })
            .collect();
        found.sort_by(|a, b| (a.0.dir(), &a.1).cmp(&(b.0.dir(), &b.1)));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_changed_and_removed_files_are_found_and_the_same_bytes_are_not() {
        let stamp = |text: &str| Stamp { hash: super::super::ledger::hash(text.as_bytes()), len: text.len() as u64, mtime: 1 };
        let files = |list: &[(&str, &str)]| -> HashMap<String, Stamp> { list.iter().map(|(k, t)| (k.to_string(), stamp(t))).collect() };
        let old = files(&[("public/same.html", "abc"), ("public/edited.html", "abc"), ("members/longer.html", "abc"), ("members/gone.html", "x")]);
        let new = files(&[
            ("public/same.html", "abc"),
            ("public/edited.html", "abd"),
            ("members/longer.html", "abcd"),
            ("public/a/new.html", "x"),
            ("deploy/nginx/site.conf", "not a tree"),
        ]);
        let found = Changes::between(&new, Some(&old));
        assert_eq!(
            found.list(),
            [
                (Target::Members, "gone.html".to_string(), Difference::Removed),
                (Target::Members, "longer.html".to_string(), Difference::Changed),
                (Target::Public, "a/new.html".to_string(), Difference::Added),
                (Target::Public, "edited.html".to_string(), Difference::Changed),
            ]
        );
        assert_eq!((found.kept, found.compared), (1, true));
        let fresh = Changes::between(&new, None);
        assert!(fresh.list().iter().all(|(_, _, d)| *d == Difference::Added) && fresh.list().len() == 4, "{:?}", fresh.list());
        assert!(!fresh.compared);
    }
}
