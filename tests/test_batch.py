"""Batch scoring: mixed inputs, stdin, kill-and-resume, and a reader while a batch writes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from attribution.batch import BatchScorer, run_batch
from attribution.cli import app
from attribution.segment import split_sentences
from tests.conftest import PROJECT

SUBJECTS = ["The mayor", "Officials", "A spokesman", "The minister", "Analysts", "The police chief"]


def article_text(n: int, sentences: int = 12) -> str:
    lines = [f"Headline number {n} about the port"]
    for i in range(sentences):
        subject = SUBJECTS[(n + i) % len(SUBJECTS)]
        lines.append(f"{subject} said on day {i} that shipment {n}-{i} would arrive late. Trucks waited near gate {i}.")
    return "\n".join(lines) + "\n"


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"a{n:03d}.txt").write_text(article_text(n), encoding="utf-8")


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as c:
        articles = c.execute("select count(*), count(distinct content_hash) from article").fetchone()
        sentences = c.execute("select count(*) from sentence").fetchone()[0]
    return articles[0], articles[1], sentences


def test_scorer_is_a_columnar_callable(tiny_model_dir: Path) -> None:
    scorer = BatchScorer(tiny_model_dir, batch_size=8)
    out = scorer({"id": ["x", "y"], "text": [article_text(1), article_text(2)], "title": ["X", None]})
    assert out["id"] == ["x", "y"] and len(out["records"]) == 2
    assert len(out["records"][0]) == len(split_sentences(article_text(1)))
    assert out["model_version"][0] == scorer.model_version


def test_mixed_directory_with_bad_files(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder / "nested", 3)
    (folder / "bad.txt").write_bytes(b"\x00\x01binary")
    (folder / "empty.txt").write_text("")
    (folder / "records.jsonl").write_text(json.dumps({"id": "j1", "text": article_text(50)}) + "\n{broken\n")
    db = tmp_path / "b.db"
    result = CliRunner().invoke(app, ["batch", str(folder), "--db", str(db), "--model", str(tiny_model_dir), "--quiet"])
    assert result.exit_code == 1
    assert "scored 4, skipped 0" in result.stderr and "failed 3" in result.stderr
    assert f"{folder / 'bad.txt'}: binary" in result.stderr
    assert f"{folder / 'records.jsonl'}:2: malformed JSON" in result.stderr
    assert counts(db)[0] == 4
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from failure").fetchone()[0] == 3
    again = CliRunner().invoke(app, ["batch", str(folder), "--db", str(db), "--model", str(tiny_model_dir), "--quiet"])
    assert "scored 0, skipped 4" in again.stderr and counts(db)[0] == 4


def test_stdin_jsonl(tiny_model_dir: Path, tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": f"s{n}", "text": article_text(n), "publisher": "Wire"}) + "\n" for n in range(3))
    db = tmp_path / "s.db"
    result = CliRunner().invoke(app, ["batch", "-", "--db", str(db), "--model", str(tiny_model_dir), "--quiet"], input=lines)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as c:
        assert c.execute("select document, publisher from article order by document").fetchall() == [("s0", "Wire"), ("s1", "Wire"), ("s2", "Wire")]


def _batch_process(folder: Path, db: Path, model: Path) -> subprocess.Popen:
    code = "from attribution.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "batch", str(folder), "--db", str(db), "--model", str(model), "--batch-size", "4", "--quiet"],
        cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_killed_run_resumes_without_duplicates_or_partial_articles(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    write_articles(folder, 60)
    db = tmp_path / "k.db"
    process = _batch_process(folder, db, tiny_model_dir)
    deadline = time.time() + 120
    while time.time() < deadline:
        if db.exists():
            try:
                if counts(db)[0] > 0:
                    break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored_before = counts(db)[0]
    assert 0 < stored_before < 60, "the kill should land mid-run"
    # No partial article: every stored article has all its sentences.
    expected = {f"{folder / f'a{n:03d}.txt'}": len(split_sentences(article_text(n))) for n in range(60)}
    with sqlite3.connect(db) as c:
        for document, n in c.execute("select document, (select count(*) from sentence where article_id = article.id) from article"):
            assert n == expected[document]
    summary = run_batch(str(folder), db=str(db), model_dir=tiny_model_dir, batch_size=4, quiet=True)
    assert summary.skipped == stored_before and summary.scored == 60 - stored_before
    total, distinct, sentences = counts(db)
    assert total == distinct == 60 and sentences == sum(expected.values())


def test_reader_queries_while_a_batch_writes(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    write_articles(folder, 40)
    db = tmp_path / "r.db"
    from attribution.db.engine import make_engine

    make_engine(db)  # schema first, so the reader has tables from the start
    process = _batch_process(folder, db, tiny_model_dir)
    reads = 0
    while process.poll() is None:
        result = CliRunner().invoke(app, ["who-said", "mayor", "--db", str(db), "--format", "json"])
        # Until the first chunk is stored the source is unknown (exit 1); never "database is locked".
        assert result.exit_code == 0 or result.stderr.startswith("Error: no source matches 'mayor'"), result.output
        reads += 1
    assert process.returncode == 0, process.stderr.read().decode()
    assert reads > 1 and counts(db)[0] == 40


def test_progress_is_told_per_call_not_to_the_shared_model(tiny_model_dir: Path) -> None:
    """Review B7: the model is shared (one per process); a progress callback belongs to one call only."""
    from attribution.ingest import article_from_text
    from attribution.pipeline import Tracker

    mine, other = Tracker(tiny_model_dir), Tracker(tiny_model_dir)
    assert mine.predictor is other.predictor  # loaded once per process
    articles = [article_from_text(article_text(n), f"{n}.txt") for n in range(3)]
    told: list[int] = []
    mine.analyze_many(articles, on_batch=told.append)
    sentences = sum(len(split_sentences(a.text)) for a in articles)
    assert sum(told) == sentences and len(told) >= 2
    other.analyze_many(articles)
    mine.analyze_many(articles)
    assert sum(told) == sentences  # no other call, of this tracker or another, reports to it
    assert not hasattr(mine.predictor, "on_batch")
