//! `newsdex ner`: evaluation on CoNLL-2003, training, and bad files.

use predicates::prelude::*;

use crate::support::{newsdex, shared_path};

/// What the shipped model must keep on the CoNLL-2003 development set; a
/// little under what it reaches (90.6), so a regression fails.
const DEV_F1_FLOOR: f64 = 0.90;

#[test]
fn the_shipped_model_keeps_its_f1_on_the_conll_dev_set() {
    let Some(dev) = shared_path("corpus/conll2003/eng.testa") else {
        return;
    };
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let output = newsdex(scratch.path())
        .args(["ner", "eval", "--json"])
        .arg(&dev)
        .output()
        .expect("newsdex runs");
    assert!(output.status.success());
    let evaluation: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("JSON scores");
    let overall = &evaluation["overall"];
    assert_eq!(overall["gold"], 5942, "every entity of the dev set is read");
    let (gold, found, correct) = (
        overall["gold"].as_f64().unwrap_or_default(),
        overall["found"].as_f64().unwrap_or_default(),
        overall["correct"].as_f64().unwrap_or_default(),
    );
    let f1 = 2.0 * correct / (gold + found);
    assert!(
        f1 >= DEV_F1_FLOOR,
        "dev F1 {f1:.4} fell under {DEV_F1_FLOOR}"
    );
    for kind in ["PER", "ORG", "LOC", "MISC"] {
        assert!(evaluation["by_type"][kind]["correct"].as_u64().unwrap_or(0) > 0);
    }

    // The text report has conlleval's layout.
    newsdex(scratch.path())
        .args(["ner", "eval"])
        .arg(&dev)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "processed 51362 tokens with 5942 phrases",
        ))
        .stdout(predicate::str::contains("FB1:"));
}

#[test]
fn a_trained_model_is_written_and_used_through_the_environment() {
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let model = scratch.path().join("tiny-model.bin.gz");
    newsdex(scratch.path())
        .args([
            "ner",
            "train",
            "fixtures/ner/tiny.conll",
            "--epochs",
            "4",
            "--folds",
            "2",
        ])
        .arg("--out")
        .arg(&model)
        .assert()
        .success()
        .stderr(predicate::str::contains("training on 2 documents"));
    assert!(std::fs::metadata(&model).expect("model written").len() > 0);

    // Scored on its own training data, the tiny model finds its entities.
    let output = newsdex(scratch.path())
        .env("NEWSDEX_NER_MODEL", &model)
        .args(["ner", "eval", "fixtures/ner/tiny.conll", "--json"])
        .output()
        .expect("newsdex runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let evaluation: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(evaluation["overall"]["gold"], 10);
    assert!(evaluation["overall"]["correct"].as_u64().unwrap_or(0) >= 6);

    // A file that is not a model is refused with the variable's name.
    let not_a_model = scratch.path().join("not-a-model.bin.gz");
    std::fs::write(&not_a_model, b"plain text").expect("writable");
    newsdex(scratch.path())
        .env("NEWSDEX_NER_MODEL", &not_a_model)
        .args(["entities", "--text", "-"])
        .write_stdin("Mark Rutte")
        .assert()
        .failure()
        .stderr(predicate::str::contains("entity model"));
}

#[test]
fn a_bad_tag_is_reported_with_file_line_and_reason() {
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["ner", "eval", "fixtures/ner/bad-tag.conll"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad-tag.conll:4"))
        .stderr(predicate::str::contains("X-PER"));
}
