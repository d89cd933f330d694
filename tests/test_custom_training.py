"""Training on annotation-tool labels: import -> train (new label) -> score emits it; the review loop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attribution.cli import app
from tests.conftest import SEED

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def tiny_config(tmp_path: Path, base: Path, epochs: int = 40) -> Path:
    config = tmp_path / "configs" / "tiny.toml"
    config.parent.mkdir()
    config.write_text(
        f'[model]\nbase_model = "{base}"\nlora_r = 4\nlora_alpha = 8\nmax_length = 64\n'
        f'[training]\ntrain_data = []\ndev_data = ""\nepochs = {epochs}\nbatch_size = 2\n'
        "learning_rate = 5e-3\nhead_learning_rate = 1e-2\nwarmup_ratio = 0.0\n"
    )
    return config


def test_import_train_and_score_a_new_label(tiny_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    imported = runner.invoke(app, ["data", "import", str(DATA / "labelstudio_export.json"), "--format", "labelstudio", "-o", str(labels)])
    assert imported.exit_code == 0, imported.output
    assert "skipped:" in imported.stderr and "outside the text" in imported.stderr
    records = [json.loads(line) for line in labels.read_text().splitlines()]
    assert "statistic" in {r["label"] for r in records}
    output = tmp_path / "custom-model"
    trained = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base)), "--data", str(labels),
                                  "--from", str(tiny_model_dir), "--output", str(output)])
    assert trained.exit_code == 0, trained.output
    report = json.loads(trained.stdout)
    assert report["labels"] == ["claim", "quote", "context", "statistic"]
    assert json.loads((output / "settings.json").read_text())["sentence_labels"][-1] == "statistic"
    assert "data_hash" in (output / "README.md").read_text()
    statistic = next(r for r in records if r["label"] == "statistic")
    article = tmp_path / "stat.txt"
    article.write_text(statistic["text"] + "\n", encoding="utf-8")
    scored = runner.invoke(app, ["score", str(article), "--model", str(output), "--format", "jsonl", "--no-store"])
    assert scored.exit_code == 0, scored.output
    assert [json.loads(line)["label"] for line in scored.stdout.splitlines()] == ["statistic"]


def test_wrong_format_and_strict_mode_are_one_line_errors(tmp_path: Path) -> None:
    wrong = runner.invoke(app, ["data", "import", str(DATA / "doccano.jsonl"), "--format", "labelstudio", "-o", str(tmp_path / "x.jsonl")])
    assert wrong.exit_code == 1 and "not a Label Studio JSON export" in wrong.stderr
    strict = runner.invoke(app, ["data", "import", str(DATA / "labelstudio_export.json"), "--format", "labelstudio", "--strict", "-o", str(tmp_path / "y.jsonl")])
    assert strict.exit_code == 1 and "outside the text" in strict.stderr
    assert not (tmp_path / "y.jsonl").exists()


def test_training_on_an_unknown_file_fails_cleanly(tiny_base: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base)), "--data", str(tmp_path / "none.jsonl"), "--output", str(tmp_path / "o")])
    assert result.exit_code == 1 and "Error:" in result.stderr
    assert not (tmp_path / "o").exists()


def corrected_tasks(tasks: list[dict], corrections: dict[int, str]) -> list[dict]:
    """What an annotator's Label Studio export looks like after accepting or correcting each prediction."""
    done = []
    for task in tasks:
        result = json.loads(json.dumps(task["predictions"][0]["result"]))
        for item in result:
            if item.get("type") == "choices" and task["id"] in corrections:
                item["value"]["choices"] = [corrections[task["id"]]]
        done.append({**task, "annotations": [{"id": 1, "was_cancelled": False, "result": result}]})
    return done


def test_review_export_imports_back(tiny_model_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert runner.invoke(app, ["score", str(SEED), "--db", str(db), "--model", str(tiny_model_dir)]).exit_code == 0
    tasks_path = tmp_path / "tasks.json"
    exported = runner.invoke(app, ["review", "--uncertain", "5", "--db", str(db), "-o", str(tasks_path)])
    assert exported.exit_code == 0, exported.output
    tasks = json.loads(tasks_path.read_text())
    assert len(tasks) == 5
    confidences = [t["predictions"][0]["score"] for t in tasks]
    assert confidences == sorted(confidences)
    import sqlite3

    with sqlite3.connect(db) as c:
        lowest = c.execute("select min(confidence) from sentence").fetchone()[0]
    assert confidences[0] == pytest.approx(lowest)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(corrected_tasks(tasks, {tasks[0]["id"]: "quote"})))
    from training.importers import import_labels

    report = import_labels(edited, "labelstudio", strict=True)
    assert len(report.records) == 5 and report.records[0]["label"] == "quote"


@pytest.mark.slow
def test_review_loop_corrections_are_learned(tiny_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    runner.invoke(app, ["score", str(SEED), "--db", str(db), "--model", str(tiny_model_dir)])
    tasks_path = tmp_path / "tasks.json"
    runner.invoke(app, ["review", "--uncertain", "8", "--db", str(db), "-o", str(tasks_path)])
    tasks = json.loads(tasks_path.read_text())
    corrections = {t["id"]: ("quote" if t["predictions"][0]["result"][0]["value"]["choices"][0] != "quote" else "context") for t in tasks[:4]}
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(corrected_tasks(tasks, corrections)))
    labels = tmp_path / "labels.jsonl"
    assert runner.invoke(app, ["data", "import", str(edited), "--format", "labelstudio", "-o", str(labels)]).exit_code == 0
    output = tmp_path / "next-model"
    result = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base, epochs=60)), "--data", str(labels),
                                 "--from", str(tiny_model_dir), "--output", str(output)])
    assert result.exit_code == 0, result.output
    from attribution.model import Predictor

    predictor = Predictor.from_folder(output, quantize=False)
    corrected = [t for t in tasks if t["id"] in corrections]
    predictions = predictor.predict([t["data"]["text"] for t in corrected])
    assert [p.label for p in predictions] == [corrections[t["id"]] for t in corrected]
