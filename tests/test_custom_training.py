"""Training on annotation-tool labels: import -> train (new label) -> score emits it; the review loop."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attribution.cli import app
from attribution.errors import ConfigError
from tests.conftest import SEED, tiny_records

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def tiny_config(tmp_path: Path, base: Path, epochs: int = 40, steps: int = 0) -> Path:
    config = tmp_path / "configs" / "tiny.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text(
        f'[model]\nbase_model = "{base}"\nlora_r = 4\nlora_alpha = 8\nmax_length = 64\n'
        f'[training]\ntrain_data = []\ndev_data = ""\nepochs = {epochs}\nbatch_size = 2\n'
        "learning_rate = 5e-3\nhead_learning_rate = 1e-2\nwarmup_ratio = 0.0\n"
        # a tiny random encoder needs larger steps than MiniLM; the schedule is still sized to the data
        f"[custom]\nlearning_rate = 5e-3\nhead_learning_rate = 2e-2\nbatch_size = 8\nmin_steps = 60\nmax_steps = 120\nsteps = {steps}\n"
    )
    return config


STATISTICS = [
    "Sales rose 12% to 4.5 million units in 2004.",
    "The firm employs 3,000 people in 14 countries.",
    "Profits fell 8% to $56m in the fourth quarter.",
    "Unemployment stands at 5.1% after 20,000 jobs went.",
    "Prices climbed 3.2% in March, to 410 pence.",
    "Exports were worth 9.7 billion euros last year.",
]


def newsroom_labels(path: Path, statistics: int = 6) -> list[dict]:
    """Six tiny records (claim, quote, context) plus ``statistics`` figure sentences, each its own document."""
    records = [dict(r, document=r["id"]) for r in tiny_records()]
    records += [{"id": f"stat:{i}", "document": f"stat:{i}", "start": 0, "end": len(t), "text": t, "label": "statistic", "spans": []}
                for i, t in enumerate(STATISTICS[:statistics])]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def test_a_new_label_is_learnt_with_the_defaults_and_reported(tiny_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    records = newsroom_labels(labels)
    output = tmp_path / "custom-model"
    # No --steps, no --epochs: the schedule is sized to the 12 records; rehearsal on the starting model's
    # own predictions over an unlabelled article (no PolNeAR in this config).
    trained = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base)), "--data", str(labels),
                                  "--from", str(tiny_model_dir), "--output", str(output), "--unlabelled", str(SEED)])
    assert trained.exit_code == 0, trained.output
    assert "rehearsal: the starting model's predictions on" in trained.stdout
    assert "No reference set (no PolNeAR dev, and no held-out records)" in trained.stdout
    assert "statistic: 6 examples, all trained on, none held out; label 14 more" in trained.stdout
    report = json.loads((output / "training_report.json").read_text())
    assert report["labels"] == ["claim", "quote", "context", "statistic"]
    assert report["new_labels"] == {"statistic": {"parent": "context", "examples": 6}}
    assert report["steps"] == 60  # 12 records x 10 passes / 2 of yours in a batch of 8 (the rest rehearsed)
    assert json.loads((output / "settings.json").read_text())["sentence_labels"][-1] == "statistic"
    assert json.loads((output / "label_parents.json").read_text()) == {"statistic": "context"}
    card = (output / "README.md").read_text()
    assert "data_hash" in card and "Training on your own labels: the report" in card and "custom_training:" in card
    article = tmp_path / "stat.txt"
    article.write_text(STATISTICS[0] + "\n", encoding="utf-8")
    scored = runner.invoke(app, ["score", str(article), "--model", str(output), "--format", "jsonl", "--no-store"])
    assert scored.exit_code == 0, scored.output
    assert [json.loads(line)["label"] for line in scored.stdout.splitlines()] == ["statistic"]
    assert report["training_records_after"]["emitted"].get("statistic", 0) >= 5
    assert len(records) == report["records"]
    # The case feature, added to every word piece, is the starting model's: a few records do not move it.
    from safetensors.torch import load_file

    start_case, new_case = (load_file(str(folder / "heads.safetensors"))["case_embedding.weight"] for folder in (tiny_model_dir, output))
    assert start_case.abs().sum() > 0 and bool((start_case == new_case).all())


def test_too_few_examples_of_a_new_label_says_how_many_more(tiny_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    newsroom_labels(labels, statistics=2)
    output = tmp_path / "o"
    result = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base)), "--data", str(labels),
                                 "--from", str(tiny_model_dir), "--output", str(output)])
    assert result.exit_code == 1
    assert "'statistic' has 2 examples: label 3 more" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not output.exists()


def test_import_train_and_score_a_label_studio_export(tiny_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    imported = runner.invoke(app, ["data", "import", str(DATA / "labelstudio_export.json"), "--format", "labelstudio", "-o", str(labels)])
    assert imported.exit_code == 0, imported.output
    assert "skipped:" in imported.stderr and "outside the text" in imported.stderr
    records = [json.loads(line) for line in labels.read_text().splitlines()]
    assert [r["label"] for r in records if r["label"] not in ("claim", "quote", "context")] == ["statistic"]
    trained = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base)), "--data", str(labels),
                                  "--from", str(tiny_model_dir), "--output", str(tmp_path / "m")])
    assert trained.exit_code == 1 and "'statistic' has 1 example: label 4 more" in trained.stderr


def test_masked_losses_leave_the_other_head_alone(tiny_base: Path) -> None:
    import torch

    from attribution.config import ModelSettings
    from attribution.model import build_model, load_tokenizer
    from training.train import collate, featurize, masked_loss

    settings = ModelSettings(base_model=str(tiny_base), lora_r=4, lora_alpha=8, max_length=64,
                             sentence_labels=["claim", "quote", "context", "statistic"])
    model = build_model(settings)
    tokenizer = load_tokenizer(settings)
    text = "Sales rose 12% to 4.5 million units."
    label_only = {"text": text, "label": "statistic", "spans": [], "spans_complete": False}
    spans_only = {"text": "Officials said it rose.", "label": None,
                  "spans": [{"start": 0, "end": 9, "label": "SOURCE"}, {"start": 10, "end": 14, "label": "CUE"}]}
    for record, untouched, touched in ((label_only, "token_head", "sentence_head"), (spans_only, "sentence_head", "token_head")):
        model.zero_grad()
        loss = masked_loss(model, collate(featurize([record], tokenizer, settings), 0, 4), 1.0)
        loss.backward()
        assert all(p.grad is None or not p.grad.any() for p in getattr(model, untouched).parameters()), untouched
        assert any(p.grad is not None and p.grad.any() for p in getattr(model, touched).parameters()), touched
    # A PolNeAR "context" also accepts statistic: no loss pushes a figure sentence away from the new label.
    rehearsed = featurize([{"text": text, "label": "context", "spans": [], "allowed_labels": ["context", "statistic"]}], tokenizer, settings)
    batch = collate(rehearsed, 0, 4)
    model.eval()  # no dropout: the two passes below see the same logits
    assert batch["allowed"].tolist() == [[False, False, True, True]] and batch["preferred"].tolist() == [2]
    model.zero_grad()
    masked_loss(model, batch, 1.0).backward()  # without a preference, moving mass within {context, statistic} costs nothing
    free = model.sentence_head.bias.grad.clone()
    model.zero_grad()
    masked_loss(model, batch, 1.0, prefer_weight=0.3).backward()
    preferred = model.sentence_head.bias.grad
    assert preferred[2] < free[2] and preferred[3] > free[3]  # with one, context is pulled up against statistic
    # ... and only against statistic: claim and quote get the gradient they get without it, so the old
    # labels' boundaries (context against claim) do not move.
    assert torch.allclose(preferred[:2], free[:2])


def test_the_schedule_is_sized_to_the_data_and_the_holdout_keeps_documents_apart() -> None:
    from training.custom import CustomSettings, _schedule, split_holdout

    custom = CustomSettings()
    sizes = [_schedule(n, custom, 8) for n in (8, 50, 100, 300, 2000)]
    assert sizes[0] == custom.min_steps and sizes[-1] == custom.max_steps and sizes == sorted(sizes)
    records = [{"id": str(i), "document": f"a{i // 3}", "text": "x", "label": ["claim", "context", "statistic"][i % 3], "spans": []}
               for i in range(90)]
    train, held = split_holdout(records, 0.2, 13)
    assert {r["document"] for r in train}.isdisjoint({r["document"] for r in held})
    assert all(5 <= sum(r["label"] == label for r in held) <= 7 for label in ("claim", "context", "statistic"))
    assert split_holdout(records[:8], 0.2, 13) == (records[:8], [])


def test_a_drop_beyond_the_threshold_is_a_warning() -> None:
    from training.custom import drops

    before = {"per_label": {"claim": {"f1": 0.90}, "context": {"f1": 0.80}}, "span_exact_f1": 0.70}
    after = {"per_label": {"claim": {"f1": 0.895}, "context": {"f1": 0.77}, "statistic": {"f1": 0.9}}, "span_exact_f1": 0.60}
    warnings = drops(before, after, 0.01, "your held-out records", ["statistic"])
    assert warnings == ["context F1 on your held-out records dropped from 0.8000 to 0.7700 (-0.0300)",
                        "span exact F1 on your held-out records dropped from 0.7000 to 0.6000 (-0.1000)"]
    with pytest.raises(ConfigError, match="rehearsal_share"):
        from training.custom import CustomSettings

        CustomSettings(rehearsal_share=1.5)
    with pytest.raises(ConfigError, match=r"parent_preference=-0.3 must be in \[0, 10\], e.g. 0.3"):
        CustomSettings(parent_preference=-0.3)


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


QUOTES = '"\u201c\u201d'
HELD_OUT_ARTICLE = """Council approves new budget
The council approved a budget of 4 million pounds on Tuesday.
"This is a good day for the town," the mayor said.
Officials said the library would stay open on Sundays.
The vote came after a long debate.
According to the treasurer, reserves will fall next year.
"We listened to residents," said councillor Ben Ode.
The meeting ended at ten in the evening.
Residents told reporters they welcomed the decision.
"""


def rule_label(text: str) -> str:
    """The annotator of this test: quotation marks make a quote, a reporting verb a claim, else context."""
    if any(q in text for q in QUOTES):
        return "quote"
    return "claim" if re.search(r"\b(said|says|told|according to)\b", text, re.IGNORECASE) else "context"


@pytest.mark.slow
def test_review_loop_improves_the_model_on_held_out_sentences(tiny_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    """review --uncertain -> corrected in Label Studio -> import -> train: better on sentences never reviewed."""
    from attribution.model import Predictor
    from attribution.segment import split_sentences

    db = tmp_path / "r.db"
    assert runner.invoke(app, ["score", str(SEED), "--db", str(db), "--model", str(tiny_model_dir)]).exit_code == 0
    tasks_path = tmp_path / "tasks.json"
    assert runner.invoke(app, ["review", "--uncertain", "24", "--db", str(db), "-o", str(tasks_path)]).exit_code == 0
    tasks = json.loads(tasks_path.read_text())
    corrections = {t["id"]: rule_label(t["data"]["text"]) for t in tasks}
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(corrected_tasks(tasks, corrections)))
    labels = tmp_path / "labels.jsonl"
    assert runner.invoke(app, ["data", "import", str(edited), "--format", "labelstudio", "-o", str(labels)]).exit_code == 0
    output = tmp_path / "next-model"
    result = runner.invoke(app, ["train", "--config", str(tiny_config(tmp_path, tiny_base)), "--data", str(labels),
                                 "--from", str(tiny_model_dir), "--output", str(output), "--holdout", "0"])
    assert result.exit_code == 0, result.output
    reviewed = {t["data"]["text"] for t in tasks}
    seed_text = SEED.read_text(encoding="utf-8")
    held_out = [seed_text[s.start : s.end] for s in split_sentences(seed_text)] + [
        HELD_OUT_ARTICLE[s.start : s.end] for s in split_sentences(HELD_OUT_ARTICLE)]
    held_out = [t for t in held_out if t not in reviewed]
    assert len(held_out) >= 15 and len({rule_label(t) for t in held_out}) == 3

    def accuracy(folder: Path) -> float:
        predictions = Predictor.from_folder(folder, quantize=False).predict(held_out)
        return sum(p.label == rule_label(t) for p, t in zip(predictions, held_out)) / len(held_out)

    before, after = accuracy(tiny_model_dir), accuracy(output)
    assert after > before + 0.1, (before, after)


def test_rehearsal_sentences_come_from_articles_and_the_database(tiny_model_dir: Path, tmp_path: Path) -> None:
    from attribution.errors import DatabaseNotFoundError
    from training.custom import unlabelled_sentences

    db = tmp_path / "r.db"
    assert runner.invoke(app, ["score", str(SEED), "--db", str(db), "--model", str(tiny_model_dir)]).exit_code == 0
    from_db = unlabelled_sentences([], str(db), 1000, 13)
    from_file = unlabelled_sentences([SEED], None, 1000, 13)
    assert len(from_db) >= 20 and set(from_db) == set(from_file)
    assert set(unlabelled_sentences([], f"sqlite:///{db}", 1000, 13)) == set(from_db)  # a URL, as --db takes everywhere
    assert len(unlabelled_sentences([SEED], str(db), 10, 13)) == 10
    with pytest.raises(DatabaseNotFoundError, match="does not exist"):
        unlabelled_sentences([], str(tmp_path / "none.db"), 10, 13)
