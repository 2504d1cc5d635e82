//! `xianjiao-dev`: developer tools kept out of the shipped `xianjiao` binary.
//!
//! * `fuzz`: the fuzz harness as a standing test (`./x fuzz`, one fixed-seed
//!   minute in `./x test`);
//! * `naive`: the benchmark's naive contender, one Rhai call per sheet
//!   (`bench/score_bench.py`).

mod fuzz;
mod naive;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use xianjiao_cli::fs_source::usable_rules;
use xianjiao_cli::timing::timing;
use xianjiao_cli::CmdResult;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `xianjiao-dev`.
#[derive(Parser)]
#[command(name = "xianjiao-dev", about = "xianjiao 开发工具 / developer tools: fuzzing, benchmark contenders")]
struct Dev {
    #[command(subcommand)]
    cmd: DevCmd,
}

#[derive(Subcommand)]
enum DevCmd {
    /// Fuzzing as a standing test: mutated sheets, workbooks, rule files and drafts (exit 1 on any property failure).
    Fuzz {
        /// How long to run, in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// PRNG seed (the same seed gives the same cases).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// csv, xlsx, rules, drafts, shapes or all.
        #[arg(long, default_value = "all")]
        target: String,
        /// Where inputs that broke a property are saved.
        #[arg(long, default_value = "tests/out")]
        out: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Benchmark only: score one CSV by calling a Rhai function per sheet.
    Naive {
        /// The entry rule file.
        #[arg(long)]
        rules: PathBuf,
        /// Form name (default: the first form in the rules).
        #[arg(long)]
        form: Option<String>,
        /// One CSV file: member,rater_group,<items...>.
        sheets: PathBuf,
    },
}

fn run(dev: Dev) -> CmdResult {
    match dev.cmd {
        DevCmd::Fuzz { seconds, seed, target, out, threads } => fuzz::run(seconds, seed, &target, &out, threads),
        DevCmd::Naive { rules, form, sheets } => {
            let t0 = std::time::Instant::now();
            let rs = usable_rules(&rules)?;
            timing("rules", t0.elapsed());
            naive::naive_score(&rs, form.as_deref(), &sheets)
        }
    }
}

fn main() -> std::process::ExitCode {
    xianjiao_cli::restore_sigpipe();
    xianjiao_cli::main_exit(run(Dev::parse()))
}
