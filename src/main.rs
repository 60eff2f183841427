//! The `lede` command line: parses flags, runs a subcommand, prints its
//! problems and sets the exit code.

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
    /// Include articles dated after today.
    #[arg(long)]
    future: bool,
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let out = self.out.unwrap_or_else(|| self.root.join("dist"));
        let opts = lede::BuildOptions { root: self.root, out, drafts: self.drafts, future: self.future };
        match lede::build(&opts) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("{problems}");
                ExitCode::FAILURE
            }
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => args.run(),
    }
}
