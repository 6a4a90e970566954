"""`antenna nlu evaluate`: cross-validation, then a score for each test file, as JSON."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.nlu import NluPipeline
from bot.nlu.evaluation import run, summary_lines
from bot.settings import PROJECT_ROOT

# Four messages as a test file; the thanks is labelled goodbye on purpose, to be reported.
TEST_FILE = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - buongiorno, scrivo da [Bruino](comune)
- intent: goodbye
  examples: |
    - grazie mille
- intent: report_problem
  examples:
  - text: |
      aiuto mio padre non respira piu
    metadata:
      category: health
      urgency: high
  - text: |
      la panchina del parco di [rivalta]{"entity": "comune", "value": "Rivalta di Torino"} è rotta
    metadata:
      category: public_spaces
      urgency: low
"""


def test_each_test_file_gets_its_figures_and_its_errors(nlu: NluPipeline, tmp_path: Path) -> None:
    test_file = tmp_path / "mine.yml"
    test_file.write_text(TEST_FILE, encoding="utf-8")

    report = run(nlu, PROJECT_ROOT / "nlu", [test_file], folds=2)

    assert report["cross_validation"]["folds"] == 2
    assert report["cross_validation"]["examples"] > 1000
    [scored] = report["heldout"]
    assert scored["file"] == str(test_file) and scored["examples"] == 4
    intents = scored["intent_evaluation"]
    assert {"truth": "goodbye", "predicted": "thank", "count": 1} in intents["confusions"]
    assert [error["text"].strip() for error in intents["errors"]] == ["grazie mille"]
    assert scored["urgency_evaluation"]["high"]["recall"] == 1.0
    assert scored["town_evaluation"]["accuracy"] == 1.0
    assert scored["town_evaluation"]["messages_with_invented_town"] == 0
    assert set(scored["category_evaluation"]["report"]) >= {"health", "public_spaces"}
    lines = list(summary_lines(report))
    assert lines[0].startswith("cross_validation (")
    assert any(line.startswith(f"heldout {test_file} (4 examples)") for line in lines)
    json.dumps(report)  # the report is written as JSON


def test_a_missing_test_file_is_said_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.yml"

    code = main(["nlu", "evaluate", "--heldout", str(missing), "--report", str(tmp_path / "r")])

    assert code == 2
    assert f"no such test file: {missing}" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
