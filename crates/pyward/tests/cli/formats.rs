//! Every report format, from the real binary on the sample project.

use crate::support::{Pyward, example_app, stderr};

#[test]
fn every_format_writes_a_report_of_the_sample_project() {
    let pyward = Pyward::new();
    for format in [
        "text",
        "json",
        "sarif",
        "markdown",
        "html",
        "cyclonedx",
        "spdx",
        "github",
        "junit",
        "gitlab-sca",
        "gitlab-codequality",
    ] {
        let output = pyward
            .cmd()
            .args(["scan", "--offline", "--format", format])
            .arg(example_app())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr(&output)
        );
        assert!(output.stdout.len() > 200, "{format}: empty report");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            !text.contains("q7Hk2Zt9VbN4mLp0Xc8Rf3Ws6Yd1Ge5Ju2Ia7Ko9"),
            "{format} leaks the AWS secret"
        );
        if [
            "json",
            "sarif",
            "cyclonedx",
            "spdx",
            "gitlab-sca",
            "gitlab-codequality",
        ]
        .contains(&format)
        {
            serde_json::from_slice::<serde_json::Value>(&output.stdout)
                .unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
        }
    }
}

#[test]
fn color_quiet_and_statistics() {
    let pyward = Pyward::new();
    let run = |args: &[&str]| {
        let output = pyward
            .cmd()
            .env_remove("NO_COLOR")
            .args(["scan", "--offline"])
            .args(args)
            .arg(example_app())
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(
        run(&["--color", "always"]).contains("\x1b["),
        "colour when asked"
    );
    assert!(!run(&[]).contains("\x1b["), "no colour into a pipe");
    let quiet = run(&["-q"]);
    assert_eq!(quiet.trim().lines().count(), 1, "{quiet}");
    assert!(quiet.contains("findings"), "{quiet}");
    let statistics = run(&["--statistics"]);
    assert!(statistics.contains("B602"), "{statistics}");
}

/// `pyward sbom` is `deps` in CycloneDX unless another format is asked for.
#[test]
fn sbom_writes_cyclonedx_by_default() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["sbom", "--offline"])
        .arg(crate::support::example_app())
        .output()
        .unwrap();
    let bom: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert!(!bom["components"].as_array().unwrap().is_empty());
    let output = pyward
        .cmd()
        .args(["sbom", "--offline", "--format", "spdx"])
        .arg(crate::support::example_app())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
}
