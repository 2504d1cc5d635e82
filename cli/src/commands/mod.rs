//! One function per subcommand. Each returns its exit code or a [`CliError`];
//! [`run`] picks the function, the binary prints the error.

mod forms;
mod io;
mod member;
mod rules;
mod scoring;
mod units;

use crate::args::{Cli, Cmd};
use crate::error::CmdResult;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> CmdResult {
    match cli.cmd {
        Cmd::Check(a) => rules::check(a),
        Cmd::Schedule(a) => member::schedule(a),
        Cmd::Checklist(a) => member::checklist(a),
        Cmd::Material(a) => member::material(a),
        Cmd::Score(a) => scoring::score(a),
        Cmd::Exam(a) => scoring::exam(a),
        Cmd::Units(a) => units::units(a),
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
