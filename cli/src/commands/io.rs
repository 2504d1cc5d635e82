//! What every command writes: pretty JSON, its exit status, the files it produces.

use crate::error::CliError;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Pretty JSON on stdout.
pub(super) fn print_json<T: Serialize>(v: &T) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

/// Exit code 0 when `clean`, else 1 (the command ran and reported problems).
pub(super) fn status(clean: bool) -> ExitCode {
    ExitCode::from(if clean { 0 } else { 1 })
}

/// Writes a file the command produced.
pub(super) fn write_file(path: &std::path::Path, contents: impl AsRef<[u8]>) -> Result<(), CliError> {
    std::fs::write(path, contents).map_err(|e| CliError::file(path, e))
}
