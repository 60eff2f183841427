//! What a build changed: the files of the two trees whose bytes differ
//! from the previous output's, those it added and those it removed, for a
//! CDN purge or an upload of only what changed.

use std::collections::BTreeMap;
use std::path::Path;

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

/// The files of both trees of `new` that differ from those of `old`, by
/// tree and path (`/`-separated), in order. An `old` that does not exist is
/// an empty output: everything is added.
pub fn differences(new: &Path, old: &Path) -> Vec<(Target, String, Difference)> {
    let mut found = Vec::new();
    for target in Target::ALL {
        let (now, before) = (files(&new.join(target.dir())), files(&old.join(target.dir())));
        for (path, len) in &now {
            let difference = match before.get(path) {
                None => Some(Difference::Added),
                // Same length: compare the bytes; a file that cannot be read counts as changed.
                Some(old_len) if old_len == len => {
                    let same = std::fs::read(new.join(target.dir()).join(path))
                        .ok()
                        .zip(std::fs::read(old.join(target.dir()).join(path)).ok())
                        .is_some_and(|(a, b)| a == b);
                    (!same).then_some(Difference::Changed)
                }
                Some(_) => Some(Difference::Changed),
            };
            if let Some(d) = difference {
                found.push((target, path.clone(), d));
            }
        }
        found.extend(before.keys().filter(|p| !now.contains_key(*p)).map(|p| (target, p.clone(), Difference::Removed)));
    }
    found.sort_by(|a, b| (a.0.dir(), &a.1).cmp(&(b.0.dir(), &b.1)));
    found
}

/// Every file below `dir` with its length, by `/`-separated path.
fn files(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_string_lossy().replace('\\', "/");
            Some((rel, e.metadata().ok()?.len()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_changed_and_removed_files_are_found_and_the_same_bytes_are_not() {
        let (new, old) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let put = |root: &Path, rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        put(old.path(), "public/same.html", "abc");
        put(new.path(), "public/same.html", "abc");
        put(old.path(), "public/edited.html", "abc");
        put(new.path(), "public/edited.html", "abd");
        put(old.path(), "members/longer.html", "abc");
        put(new.path(), "members/longer.html", "abcd");
        put(new.path(), "public/a/new.html", "x");
        put(old.path(), "members/gone.html", "x");
        put(new.path(), "deploy/nginx/site.conf", "not a tree");
        let found = differences(new.path(), old.path());
        assert_eq!(
            found,
            [
                (Target::Members, "gone.html".to_string(), Difference::Removed),
                (Target::Members, "longer.html".to_string(), Difference::Changed),
                (Target::Public, "a/new.html".to_string(), Difference::Added),
                (Target::Public, "edited.html".to_string(), Difference::Changed),
            ]
        );
        let fresh = differences(new.path(), &old.path().join("nothing"));
        assert!(fresh.iter().all(|(_, _, d)| *d == Difference::Added) && fresh.len() == 4, "{fresh:?}");
    }
}
