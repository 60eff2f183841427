//! lede: a static-site generator for subscription publications. It builds
//! a public tree (teasers and subscribe boxes, never paid text) and a
//! members tree (everything) from Markdown articles.

pub mod balance;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod layout;
pub mod leakcheck;
pub mod markdown;
pub mod output;
pub mod paywall;
pub mod render;
pub mod serve;
pub mod site;
pub mod target;
pub mod text;
pub mod urls;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use site::{BuildOptions, Summary, build};
