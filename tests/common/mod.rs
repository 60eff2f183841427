//! Fixture sites written into temporary folders, built with the real binary
//! or the library, and helpers to look at what they produced.
#![allow(dead_code)]

pub mod checks;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A minimal valid config with three plans and a default cutoff.
pub const CONFIG: &str = r#"title = "Fixture Weekly"
base_url = "https://fixture.example"
members_url = "https://members.fixture.example"
description = "A fixture publication"

[paywall]
free_blocks = 2

[subscribe]
action = "https://subscribe.fixture.example/join"
pitch = "Fixture pitch: every analysis, in full."

[[subscribe.plans]]
id = "monthly"
name = "Monthly"
price = "$9 a month"

[[subscribe.plans]]
id = "yearly"
name = "Yearly"
price = "$90 a year"

[[subscribe.plans]]
id = "student"
name = "Student"
price = "$4 a month"
"#;

/// A site in a temporary folder.
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A site with `CONFIG` and an empty content/articles/.
    pub fn new() -> Site {
        let site = Site { dir: tempfile::tempdir().expect("tempdir") };
        site.write("config.toml", CONFIG);
        std::fs::create_dir_all(site.path("content/articles")).expect("mkdir");
        site
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
        self
    }

    /// Writes `content/articles/<slug>.md` from front matter lines and a body.
    pub fn article(&self, slug: &str, front: &str, body: &str) -> &Site {
        self.write(&format!("content/articles/{slug}.md"), format!("+++\n{front}\n+++\n{body}"))
    }

    /// Runs the real binary with `args` in the site folder.
    pub fn lede(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lede")).args(args).current_dir(self.root()).output().expect("run lede")
    }

    /// `lede build`; panics with its output unless it succeeded.
    pub fn build_ok(&self) -> String {
        let out = self.lede(&["build"]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stdout}\n{stderr}");
        stdout
    }

    /// `lede build` expected to fail: returns stderr after checking the exit code and that nothing panicked.
    pub fn build_err(&self) -> String {
        let out = self.lede(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "build should have failed; stdout: {}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(out.status.code(), Some(1), "exit code; stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "lede panicked: {stderr}");
        stderr
    }

    /// The text of a built file (`dist/...`).
    pub fn read(&self, rel: &str) -> String {
        let p = self.path(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    /// Every file under a folder of the site, with its bytes as a browser
    /// reads them (a gzip file, as the search index's are, decompressed),
    /// sorted by path.
    pub fn files_under(&self, rel: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(self.path(rel)).sort_by_file_name() {
            let entry = entry.expect("walk");
            if entry.file_type().is_file() {
                let mut bytes = std::fs::read(entry.path()).expect("read");
                if bytes.starts_with(&[0x1f, 0x8b]) {
                    let mut plain = Vec::new();
                    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain).expect("gunzip");
                    bytes = plain;
                }
                out.push((entry.path().strip_prefix(self.root()).expect("prefix").to_path_buf(), bytes));
            }
        }
        out
    }
}

/// A PNG or JPEG (by `name`'s extension) of `width` × `height` pixels, its
/// colours seeded by `seed` so that two pictures never share their bytes.
pub fn picture(width: u32, height: u32, name: &str, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, seed]));
    let format = if name.ends_with(".png") { image::ImageFormat::Png } else { image::ImageFormat::Jpeg };
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}
