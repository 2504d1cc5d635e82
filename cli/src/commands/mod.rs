//! One function per subcommand. Each returns its exit code or a [`CliError`];
//! [`run`] picks the function, the binary prints the error.

mod forms;
mod member;
mod rules;
mod scoring;

use crate::args::{Cli, Cmd};
use crate::error::{CliError, CmdResult};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> CmdResult {
    match cli.cmd {
        Cmd::Check(a) => rules::check(a),
        Cmd::Schedule(a) => member::schedule(a),
        Cmd::Checklist(a) => member::checklist(a),
        Cmd::Material(a) => member::material(a),
        Cmd::Score(a) => scoring::score(a),
        Cmd::Exam(a) => scoring::exam(a),
        Cmd::Report(a) => scoring::report(a),
        Cmd::Satisfaction(a) => scoring::satisfaction(a),
        Cmd::Forms(a) => forms::forms(a),
        Cmd::Reference => rules::reference(),
        Cmd::Explain(a) => rules::explain(a),
        Cmd::New(a) => rules::new(a),
        Cmd::Bundle(a) => rules::bundle(a),
        Cmd::Compile(a) => rules::compile(a),
        Cmd::Test(a) if a.mutate => rules::mutate(a),
        Cmd::Test(a) => rules::test(a),
    }
}

/// Pretty JSON on stdout.
fn print_json<T: Serialize>(v: &T) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

/// Exit code 0 when `clean`, else 1 (the command ran and reported problems).
fn status(clean: bool) -> ExitCode {
    ExitCode::from(if clean { 0 } else { 1 })
}

/// Writes a file the command produced.
fn write_file(path: &std::path::Path, contents: impl AsRef<[u8]>) -> Result<(), CliError> {
    std::fs::write(path, contents).map_err(|e| CliError::file(path, e))
}
