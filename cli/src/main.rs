//! `xianjiao`: parses the command line, runs the command (the `xianjiao_cli`
//! library), prints its error in one place and exits with its code.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc: scoring allocates per member and per thread; glibc's allocator
/// made two threads slower than one on the project machine.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    xianjiao_cli::restore_sigpipe();
    xianjiao_cli::main_exit(xianjiao_cli::run(xianjiao_cli::Cli::parse()))
}
