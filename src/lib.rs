//! lede: a static-site generator for subscription publications. It builds
//! a public tree (teasers and subscribe boxes, never paid text) and a
//! members tree (everything) from Markdown articles.
//!
//! The stages, each a module that only uses the ones before it: the shared
//! vocabulary (`text`, `urls`, `target`, `dates`, `diagnostics`, `layout`),
//! the site's own images (`images`),
//! the settings (`config`), Markdown and the paywall cut (`paywall`,
//! `balance`, `markdown`), the library of content and its listings
//! (`content`), templates and views (`render`), where files go (`output`),
//! the pages a site has (`site`), and the two commands that drive them
//! (`build`, `serve`), with `scaffold` writing new sites and articles and
//! `import` bringing in an archive from another tool.

mod balance;
pub mod build;
pub mod cite;
pub mod config;
pub mod content;
mod dates;
pub mod deploy;
pub mod diagnostics;
pub mod images;
pub mod import;
mod layout;
pub mod leakcheck;
pub mod linkcheck;
pub mod markdown;
pub mod output;
pub mod paywall;
pub mod progress;
pub mod related;
mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod target;
mod text;
mod urls;

pub use build::{BuildOptions, Summary, build};
pub use diagnostics::{Diagnostic, Diagnostics};
