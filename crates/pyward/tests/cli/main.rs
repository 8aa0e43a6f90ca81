//! End-to-end tests: the real `pyward` binary, run as a user runs it.

use assert_cmd::Command;

fn pyward() -> Command {
    Command::cargo_bin("pyward").expect("the pyward binary is built for tests")
}

#[test]
fn bad_argument_exits_2() {
    pyward().arg("--no-such-flag").assert().code(2);
}
