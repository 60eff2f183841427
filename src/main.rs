//! The `lede` command line: parses flags, runs a subcommand, prints its
//! problems and sets the exit code.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "lede", version, about = "Static sites for subscription publications: public teasers, full text for members")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build dist/public (teasers, safe to publish) and dist/members (full text).
    Build(BuildArgs),
    /// Preview the site at http://127.0.0.1:4400/, rebuilding and reloading on every edit.
    Serve(ServeArgs),
    /// Build into a temporary folder, look for paid text in every public file and follow every link (dist/ is left alone).
    Check(CheckArgs),
    /// Create a new site: config.toml (every key explained), a sample article, .gitignore.
    Init(InitArgs),
    /// Create a new article in content/articles/, dated today, its slug made from the title.
    New(NewArgs),
    /// Bring in an archive from WordPress, Ghost, Substack, Hugo or Jekyll: articles, pages, authors, old addresses.
    Import(ImportArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportFormat {
    /// A WordPress export (Tools → Export: the .xml file).
    Wordpress,
    /// A Ghost export (Settings → Labs → Export: the .json file).
    Ghost,
    /// A Substack export (Settings → Exports: the folder or its .zip).
    Substack,
    /// A Hugo site folder (or its content/ folder).
    Hugo,
    /// A Jekyll site folder.
    Jekyll,
}

#[derive(Args)]
struct ImportArgs {
    /// What the archive comes from.
    #[arg(value_enum)]
    format: ImportFormat,
    /// The export file, the Substack folder or .zip, or the Hugo or Jekyll site folder.
    source: PathBuf,
    /// The site to import into; one is made (config.toml from the archive's name and address) where there is none.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Write over files that exist with other content (otherwise they are kept, and the report says so).
    #[arg(long)]
    force: bool,
    /// Cut the paywall at `<!--more-->` (WordPress, Hugo, Jekyll); otherwise it is dropped.
    #[arg(long)]
    more_is_paywall: bool,
    /// The paywall of posts whose source does not say who may read them: `site` (the site's
    /// [paywall] free_blocks), `false` (free), `members` (paywall = 0) or a number of free blocks.
    #[arg(long, default_value = "site", value_parser = parse_access)]
    paywall: lede::import::Access,
}

fn parse_access(text: &str) -> Result<lede::import::Access, String> {
    use lede::import::Access;
    match text {
        "site" => Ok(Access::SiteDefault),
        "false" | "free" => Ok(Access::Free),
        "members" | "0" => Ok(Access::MembersOnly),
        n => n.parse().map(Access::Blocks).map_err(|_| format!("{n:?}: write site, false, members or a number of free blocks")),
    }
}

impl ImportArgs {
    fn run(self) -> ExitCode {
        use lede::import::{Format, Options};
        let format = match self.format {
            ImportFormat::Wordpress => Format::WordPress,
            ImportFormat::Ghost => Format::Ghost,
            ImportFormat::Substack => Format::Substack,
            ImportFormat::Hugo => Format::Hugo,
            ImportFormat::Jekyll => Format::Jekyll,
        };
        let options = Options { force: self.force, more_is_paywall: self.more_is_paywall, default_access: self.paywall };
        let now = jiff::Timestamp::now();
        let (written, report) = match lede::import::import(format, &self.source, &self.root, &options, now) {
            Ok(done) => done,
            Err(problems) => {
                eprintln!(
                    "{problems}
Nothing was imported."
                );
                return ExitCode::FAILURE;
            }
        };
        if written.new_site {
            println!("Made a new site in {} (check title and base_url in config.toml).", self.root.display());
        }
        println!("Imported from {}:\n{}", format.name(), report.summary());
        println!("The report (every decision, dropped field and link to look at): {}", self.root.join(&written.report).display());
        if !written.kept.is_empty() {
            println!("{} files exist with other content and were kept; --force writes over them.", written.kept.len());
        }
        // What was written must build: a problem now is one to fix before publishing.
        match lede::import::check_site(&self.root, now) {
            Ok(()) => {
                let root = if self.root == std::path::Path::new(".") { String::new() } else { format!(" --root {}", self.root.display()) };
                println!("The site builds. Next: `lede serve{root}` to look at it, `lede check{root}` to follow its links.");
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!(
                    "{problems}
The import is written, but the site does not build yet: fix the files above, then run `lede build`."
                );
                ExitCode::FAILURE
            }
        }
    }
}

#[derive(Args)]
struct InitArgs {
    /// The folder to create the site in (made if missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

impl InitArgs {
    fn run(self) -> ExitCode {
        match lede::scaffold::init(&self.dir, jiff::Timestamp::now()) {
            Ok(files) => {
                let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                println!("Created a new site in {}: {}", self.dir.display(), names.join(", "));
                let cd = if self.dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", self.dir.display()) };
                println!("Next: set title and base_url in config.toml, then `{cd}lede serve` to preview it, and `lede build` to publish it into dist/.");
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("{}", lede::build::refusal(&problems));
                ExitCode::FAILURE
            }
        }
    }
}

#[derive(Args)]
struct NewArgs {
    /// The article's title (its slug and file name are made from it).
    title: String,
    /// The column (series) it belongs to.
    #[arg(long)]
    column: Option<String>,
    /// Make the article a folder (content/articles/<slug>/index.md), to keep its images and data beside it.
    #[arg(long)]
    folder: bool,
    /// The site folder (holding config.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

impl NewArgs {
    fn run(self) -> ExitCode {
        match lede::scaffold::new_article(&self.root, &self.title, self.column.as_deref(), self.folder, jiff::Timestamp::now()) {
            Ok(rel) => {
                println!("Created {}", self.root.join(rel).display());
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("{}", lede::build::refusal(&problems));
                ExitCode::FAILURE
            }
        }
    }
}

#[derive(Args)]
struct BuildArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The output folder; default: dist/ inside the site.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Include articles and pages dated in the future.
    #[arg(long)]
    future: bool,
    /// Print how long each step of the build took.
    #[arg(long)]
    timings: bool,
    /// Allow a build with no articles to replace an output that has some.
    #[arg(long)]
    allow_empty: bool,
    /// Also look for paid text in every public file after writing (about 70% more time); a find fails the build.
    #[arg(long)]
    check_leaks: bool,
    /// List the URLs whose files this build added, changed or removed in OUT/changed.txt (for a CDN purge or an upload).
    #[arg(long)]
    changed: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Also request every link to another host (over the network; off by default).
    #[arg(long)]
    external: bool,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Include articles and pages dated after now.
    #[arg(long)]
    future: bool,
}

impl CheckArgs {
    fn run(self) -> ExitCode {
        let tmp = match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: could not create a temporary folder: {e}");
                return ExitCode::FAILURE;
            }
        };
        let opts = lede::BuildOptions {
            root: self.root,
            out: tmp.path().join("dist"),
            drafts: self.drafts,
            future: self.future,
            allow_empty: true,
            check_leaks: true,
            check_links: if self.external { lede::build::LinkCheck::External } else { lede::build::LinkCheck::Internal },
            list_changed: false,
        };
        match lede::build(&opts) {
            Ok(summary) => {
                for note in &summary.notes {
                    println!("warning: {note}");
                }
                let links = if self.external { "every link, those to other hosts too," } else { "every link within the site" };
                println!(
                    "No paid text in any public file, and {links} leads somewhere: {} articles ({} paywalled) built and checked in {:.2} s",
                    summary.articles,
                    summary.paywalled,
                    summary.elapsed.as_secs_f64()
                );
                ExitCode::SUCCESS
            }
            Err(problems) => {
                // The check builds into a temporary folder: there is no output to have left alone.
                eprintln!("{problems}");
                ExitCode::FAILURE
            }
        }
    }
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        // `--root .` should print "dist", not "./dist".
        let out = self.out.unwrap_or_else(|| if self.root == std::path::Path::new(".") { PathBuf::from("dist") } else { self.root.join("dist") });
        let opts = lede::BuildOptions {
            root: self.root,
            out,
            drafts: self.drafts,
            future: self.future,
            allow_empty: self.allow_empty,
            check_leaks: self.check_leaks,
            check_links: lede::build::LinkCheck::Off,
            list_changed: self.changed,
        };
        match lede::build(&opts) {
            Ok(summary) => {
                println!("{summary}");
                // Opened from disk, the pages find no stylesheet: it is linked at base_url.
                let serve =
                    if opts.root == std::path::Path::new(".") { "lede serve".to_string() } else { format!("lede serve --root {}", opts.root.display()) };
                println!("To see it as readers will: {serve}, then open http://127.0.0.1:4400/");
                if self.timings {
                    for (step, took) in &summary.steps {
                        println!("  {step:<44} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                    }
                }
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("{}", lede::build::refusal(&problems));
                ExitCode::FAILURE
            }
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The port [default: 4400, or the next free one; 0: any free port].
    #[arg(long)]
    port: Option<u16>,
    /// The address to listen on; anything but loopback exposes the subscriber view to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Include articles and pages dated in the future.
    #[arg(long)]
    future: bool,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
    /// Poll for changes instead of using file-system events (network drives, containers).
    #[arg(long)]
    poll: bool,
}

impl ServeArgs {
    fn run(self) -> ExitCode {
        let opts = lede::serve::ServeOptions {
            root: self.root,
            port: self.port,
            bind: self.bind,
            drafts: self.drafts,
            future: self.future,
            open: self.open,
            poll: self.poll,
        };
        match lede::serve::run(&opts) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => args.run(),
        Command::Serve(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Init(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Import(args) => args.run(),
    }
}
