"""`attribution batch --engine ray` on a local Ray cluster: the same rows as `attribution batch`, resumable,
bad records reported alone."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attribution.cli import app
from tests.conftest import SEED

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
runner = CliRunner()
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def _sentences(db: Path) -> list[tuple[str, int, str, float]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            'SELECT article.document, sentence."index", sentence.label, sentence.confidence FROM sentence '
            "JOIN article ON article.id = sentence.article_id ORDER BY article.document, sentence.\"index\""
        ).fetchall()


def _export(db: Path) -> str:
    result = runner.invoke(app, ["export", "-f", "jsonl", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return _TIME.sub("<time>", result.stdout)


@pytest.mark.slow  # a local Ray cluster takes 10-20 s to start on two cores
def test_ray_engine_stores_what_batch_stores(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import attribution.factchecks.checked as checked

    hooked: list[str] = []  # the fact-check hook runs after the Ray run stores, as after `attribution batch`
    monkeypatch.setattr(checked, "match_after_scoring", lambda session: hooked.append(str(session.get_bind().url)))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    records = [
        {"id": "r1", "text": "Mayor Ana Ruiz said the bridge would reopen in May. \u201cWe are ready,\u201d Ruiz told reporters.", "title": "Bridge"},
        {"id": "r2", "text": "Officials said the repairs cost more than planned. Traffic was light on Monday."},
        {"id": "bad", "title": "no text here"},
    ]
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    local, distributed = tmp_path / "local.db", tmp_path / "ray.db"

    assert runner.invoke(app, ["batch", str(folder), "--db", str(local), "--model", str(tiny_model_dir), "--quiet"]).exit_code == 1
    result = runner.invoke(app, ["batch", str(folder), "--engine", "ray", "--db", str(distributed), "--model", str(tiny_model_dir), "--quiet"])
    assert result.exit_code == 1  # the bad record fails alone
    assert hooked and hooked[-1].endswith("ray.db")
    assert "scored 3, skipped 0" in result.stderr
    assert "Error: " in result.stderr and "record has no string field 'text'" in result.stderr
    assert _export(distributed) == _export(local)
    # The tiny model's statements fall under the calibrated storing threshold; its sentences must match too.
    assert _sentences(distributed) == _sentences(local) and len(_sentences(local)) > 0

    again = runner.invoke(app, ["batch", str(folder), "--engine", "ray", "--db", str(distributed), "--model", str(tiny_model_dir), "--quiet"])
    assert "scored 0, skipped 3" in again.stderr

    # Two scoring actors on two cores: they leave the read tasks a CPU (no deadlock), and store the same rows.
    two = tmp_path / "two.db"
    result = runner.invoke(app, ["batch", str(folder), "--engine", "ray", "--workers", "2", "--db", str(two), "--model", str(tiny_model_dir), "--quiet"])
    assert result.exit_code == 1 and "scored 3, skipped 0" in result.stderr, result.stderr
    assert _export(two) == _export(local) and _sentences(two) == _sentences(local)


def test_the_plan_skips_as_batch_does_and_cuts_chunks_in_pieces_for_the_actors() -> None:
    import pickle

    from attribution.ingest import ReadFailure, article_from_text
    from attribution.ray_batch import _plan

    texts = [f"Minister {name} said the plan would work. Critics said it would not. It rained." for name in "ABCDEF"]
    articles = [article_from_text(text, f"a{i}") for i, text in enumerate(texts)]
    stored, repeated = articles[1], article_from_text(texts[2], "again")
    rows = [*articles, repeated]
    batch = {"article": [pickle.dumps(a) for a in rows] + [None], "error": [None] * len(rows) + ["bad.jsonl: not valid JSON (x)"]}
    plan = _plan(batch, done={stored.content_hash}, budget=1000, pieces=2)
    assert plan["kind"] == ["failure", "plan", "skipped", "piece", "chunk"]
    assert pickle.loads(plan["article"][0]) == ReadFailure("bad.jsonl", "not valid JSON (x)")
    assert plan["count"][1:3] == [5, 2]  # to score; skipped: the stored one and the repeat
    pieces = [pickle.loads(blob) for blob in plan["article"][3:]]
    assert [a.document for piece in pieces for a in piece] == ["a0", "a2", "a3", "a4", "a5"]  # in input order
    assert all(pieces) and len(pieces) == 2
    one = _plan(batch, done={stored.content_hash}, budget=1000)  # one actor: one chunk, as `attribution batch` cuts it
    assert one["kind"] == ["failure", "plan", "skipped", "chunk"]


def test_address_needs_the_ray_engine(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path), "--address", "head:6379", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "--address needs --engine ray" in result.output
