//! `xianjiao`, the command line over `xianjiao-core`, as a library: the
//! binary (`main.rs`) parses the arguments, calls [`run`] and prints the one
//! error type. Reads rule files and inputs from disk, prints readable Chinese
//! tables or `--json`.
//!
//! Modules, in the order a command uses them: [`args`] (the command line),
//! `commands` (one function per subcommand), [`fs_source`] (rule files on disk),
//! [`input`] (files on disk into the one sheet reader, `xianjiao-reader`), `profiles`
//! (members' checklist progress), `office` (scoring with decisions and votes,
//! result tables), `report` (the HTML report), `table` / `csvout`
//! (terminal output; the results workbook is core's `output`), [`error`].

pub mod args;
mod commands;
mod csvout;
pub mod error;
mod fastcsv;
pub mod fs_source;
pub mod input;
mod office;
mod profiles;
mod report;
mod table;
pub mod timing;

pub use args::Cli;
pub use commands::run;
pub use error::{CliError, CmdResult};

/// Exits with the command's code, printing its error (the one place errors are printed).
pub fn main_exit(result: CmdResult) -> std::process::ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

/// Exit quietly when the reader of our output goes away (`xianjiao ... | head`),
/// as Unix tools do, instead of panicking on a broken pipe. Call first in `main`.
pub fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
