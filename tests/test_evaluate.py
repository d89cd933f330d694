"""`attribution evaluate` agrees with the reference scorer on the same predictions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attribution.cli import app
from tests.conftest import POLNEAR, SHARED, needs_polnear, needs_reference_scorer
from training.data import read_polnear
from training.evaluate import format_report, reference_sentences, score


def _predictions_from_gold(drop_every: int) -> list[dict]:
    """Contract records made from gold sentences, with every n-th sentence's label and spans spoiled."""
    records = []
    for i, r in enumerate(read_polnear(POLNEAR / "dev")):
        spoil = i % drop_every == 0
        label = "context" if spoil else r["label"]
        attributions = []
        if not spoil:
            for s in r["spans"]:
                span = {"text": r["text"][s["start"]:s["end"]], "start": r["start"] + s["start"], "end": r["start"] + s["end"]}
                key = {"SOURCE": "source", "CUE": "cue", "CONTENT": "content"}[s["label"]]
                attributions.append({"source": None, "cue": None, "content": None, "via": None, key: span})
        records.append({"document": r["document"] + ".txt", "start": r["start"], "end": r["end"], "label": label, "attributions": attributions})
    return records


@needs_polnear
@needs_reference_scorer
@pytest.mark.parametrize("drop_every", [3, 7])
def test_agrees_with_the_reference_scorer(tmp_path: Path, drop_every: int) -> None:
    records = _predictions_from_gold(drop_every)
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    reference = json.loads(subprocess.run(
        [sys.executable, str(SHARED / "tools" / "polnear_eval.py"), str(POLNEAR / "dev"), str(predictions)],
        capture_output=True, text=True, check=True).stdout)
    ours = score(POLNEAR / "dev", records)
    for key in ("sentence_macro_f1", "source_overlap_f1", "content_overlap_f1"):
        assert ours[key] == pytest.approx(reference[key], abs=0.01), key
    for key in ("source_exact", "cue_exact"):
        assert ours[key][2] == pytest.approx(reference[key][2], abs=0.01), key
    for label, value in reference["per_label_f1"].items():
        assert ours["per_label_f1"][label] == pytest.approx(value, abs=0.01)
    assert ours["sentence_macro_f1"] < 1.0  # the spoiled sentences count
    assert "sentence macro-F1" in format_report(ours)


def test_reference_segmentation_keeps_abbreviations() -> None:
    text = "Sen. Smith met Gov. Lee. They talked.\nNext line"
    assert [text[a:b] for a, b in reference_sentences(text)] == ["Sen. Smith met Gov. Lee.", "They talked.", "Next line"]


@needs_polnear
def test_evaluate_command_prints_json(tiny_model_dir: Path, tmp_path: Path) -> None:
    small = tmp_path / "dev"
    (small / "text").mkdir(parents=True)
    (small / "attributions").mkdir()
    for ann in sorted((POLNEAR / "dev" / "attributions").glob("*.ann"))[:2]:
        (small / "attributions" / ann.name).write_text(ann.read_text(encoding="utf-8"), encoding="utf-8")
        name = ann.stem.rsplit("_", 1)[0] + ".txt"
        (small / "text" / name).write_text((POLNEAR / "dev" / "text" / name).read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--model", str(tiny_model_dir), "--data", str(small), "--format", "json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["articles"] == 2 and 0 <= metrics["sentence_macro_f1"] <= 1
