//! The two trees every build writes, public and members, and the one way
//! to keep a value per tree: [`PerTarget`], indexed by [`Target`].

use std::ops::{Index, IndexMut};

/// The two trees every build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// `dist/public`: safe to upload anywhere.
    Public,
    /// `dist/members`: the full text, deployed behind a login.
    Members,
}

impl Target {
    /// Both targets, public first.
    pub const ALL: [Target; 2] = [Target::Public, Target::Members];

    /// The folder name under the output directory.
    pub fn dir(self) -> &'static str {
        match self {
            Target::Public => "public",
            Target::Members => "members",
        }
    }
}

/// One value per target, public first wherever they are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerTarget<T> {
    public: T,
    members: T,
}

impl<T> PerTarget<T> {
    /// The value `make` gives for each target, public first.
    pub fn from_fn(mut make: impl FnMut(Target) -> T) -> Self {
        let public = make(Target::Public);
        PerTarget { public, members: make(Target::Members) }
    }

    /// [`PerTarget::from_fn`] for a `make` that may fail: stops at the first failure.
    pub fn try_from_fn<E>(mut make: impl FnMut(Target) -> Result<T, E>) -> Result<Self, E> {
        let public = make(Target::Public)?;
        Ok(PerTarget { public, members: make(Target::Members)? })
    }

    /// The value for `target`.
    pub fn get(&self, target: Target) -> &T {
        match target {
            Target::Public => &self.public,
            Target::Members => &self.members,
        }
    }

    /// The value for `target`, to change.
    pub fn get_mut(&mut self, target: Target) -> &mut T {
        match target {
            Target::Public => &mut self.public,
            Target::Members => &mut self.members,
        }
    }

    /// Each value passed through `f`, public first.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> PerTarget<U> {
        let public = f(self.public);
        PerTarget { public, members: f(self.members) }
    }

    /// The values, public first.
    pub fn iter(&self) -> std::array::IntoIter<&T, 2> {
        [&self.public, &self.members].into_iter()
    }

    /// The values, public first, to change.
    pub fn iter_mut(&mut self) -> std::array::IntoIter<&mut T, 2> {
        [&mut self.public, &mut self.members].into_iter()
    }
}

impl<T> Index<Target> for PerTarget<T> {
    type Output = T;

    fn index(&self, target: Target) -> &T {
        self.get(target)
    }
}

impl<T> IndexMut<Target> for PerTarget<T> {
    fn index_mut(&mut self, target: Target) -> &mut T {
        self.get_mut(target)
    }
}

impl<T> IntoIterator for PerTarget<T> {
    type Item = T;
    type IntoIter = std::array::IntoIter<T, 2>;

    fn into_iter(self) -> Self::IntoIter {
        [self.public, self.members].into_iter()
    }
}

impl<'a, T> IntoIterator for &'a PerTarget<T> {
    type Item = &'a T;
    type IntoIter = std::array::IntoIter<&'a T, 2>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut PerTarget<T> {
    type Item = &'a mut T;
    type IntoIter = std::array::IntoIter<&'a mut T, 2>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_target_values_are_found_by_their_target() {
        let mut dirs = PerTarget::from_fn(Target::dir);
        assert_eq!(dirs[Target::Public], "public");
        assert_eq!(*dirs.get(Target::Members), "members");
        dirs[Target::Members] = "full";
        assert_eq!(dirs.map(str::len).into_iter().collect::<Vec<_>>(), [6, 4]);
    }
}
