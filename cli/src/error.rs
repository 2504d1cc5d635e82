//! The one error type of every command: what to print on stderr (Chinese
//! first, English after a slash) and the exit code. The binary prints it in
//! one place (`main_exit` in `lib.rs`).

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

/// A command that could not do its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    message: String,
    code: u8,
}

impl CliError {
    /// Input the command cannot use (a missing or unreadable file, a bad
    /// argument, an unknown name): exit code 2.
    pub fn usage(message: impl fmt::Display) -> Self {
        CliError { message: message.to_string(), code: 2 }
    }

    /// [`CliError::usage`] about one file: `path: message`.
    pub fn file(path: &Path, message: impl fmt::Display) -> Self {
        CliError::usage(format!("{}: {message}", path.display()))
    }

    /// The inputs were read but fail (rules with errors, scoring that cannot
    /// finish): exit code 1.
    pub fn failed(message: impl fmt::Display) -> Self {
        CliError { message: message.to_string(), code: 1 }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }

    /// The numeric exit code.
    pub fn code(&self) -> u8 {
        self.code
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// What a command returns: its exit code when it ran (1 when it found
/// problems it reported), or why it could not run.
pub type CmdResult = Result<ExitCode, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_message_and_code() {
        let e = CliError::file(Path::new("a/b.csv"), "无法读取 / cannot read");
        assert_eq!(e.to_string(), "a/b.csv: 无法读取 / cannot read");
        assert_eq!(e.code(), 2);
        assert_eq!(CliError::failed("x").code(), 1);
    }
}
