"""Issue 15: databases the tool did not make, write failures, concurrent creation, bad input lines.

Each case runs the command a user would and checks its exit code and its one-line message.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attribution.cli import app
from tests.conftest import PROJECT, SEED

runner = CliRunner()


def run(*args: object, env: dict | None = None, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], env=env, input=input)


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    """The single ``Error:`` line of stderr (and no traceback)."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return errors[0]


def count(db: Path, table: str = "article") -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# --------------------------------------------------------------------------- 2. another program's database


def test_foreign_database_is_refused_and_untouched(tiny_model_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as connection:
        connection.execute("create table article(id integer primary key, headline text)")
    before = db.read_bytes()
    for args in (["who-said", "Kirby"], ["score", SEED, "--model", tiny_model_dir], ["batch", SEED, "--model", tiny_model_dir], ["sources"]):
        result = run(*args, "--db", db)
        assert result.exit_code == 1, (args, result.stderr)
        line = one_error_line(result)
        assert line.startswith(f"Error: {db}: not a database made by attribution") and "article" in line, line
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal or -shm beside it either


def test_marker_of_another_program_or_newer_schema_is_refused(tmp_path: Path) -> None:
    from attribution.db.engine import make_engine

    db = tmp_path / "marked.db"
    make_engine(db).dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE attribution_schema SET version = version + 1")
    result = run("sources", "--db", db)
    assert result.exit_code == 1 and "made by a newer attribution" in one_error_line(result)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE attribution_schema SET application = 'other'")
    result = run("sources", "--db", db)
    assert result.exit_code == 1 and "not a database made by attribution" in one_error_line(result)


def test_two_processes_creating_a_database_at_once(tmp_path: Path) -> None:
    code = "import sys; from attribution.db.engine import make_engine; make_engine(sys.argv[1]).dispose()"
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    for attempt in range(3):
        db = tmp_path / f"new{attempt}.db"
        processes = [subprocess.Popen([sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE, text=True, env=env) for _ in range(4)]
        errors = [p.communicate(timeout=120)[1] for p in processes]
        assert [p.returncode for p in processes] == [0] * 4, errors
        assert count(db, "attribution_schema") == 1


def test_switching_to_wal_waits_for_another_process_holding_the_write_lock(tmp_path: Path) -> None:
    """SQLite fails the switch to WAL at once (no busy timeout) while another connection holds the write lock:
    the race behind a rare failure of the test above, made certain here."""
    import threading

    from attribution.db.engine import make_engine

    db = tmp_path / "rollback.db"
    make_engine(db).dispose()
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA journal_mode=DELETE")
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        make_engine(db).dispose()
    finally:
        release.join()
        other.close()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --------------------------------------------------------------------------- 3. write failures


def _scored_db(tiny_model_dir: Path, tmp_path: Path) -> Path:
    db = tmp_path / "claims.db"
    assert run("score", SEED, "--db", db, "--model", tiny_model_dir, "--format", "jsonl").exit_code == 0
    return db


def _second_article(tmp_path: Path) -> Path:
    other = tmp_path / "second.txt"
    other.write_text("Officials said the repairs cost more than planned.\n\nTraffic was light on Monday.\n", encoding="utf-8")
    return other


@pytest.mark.skipif(shutil.which("chattr") is None and os.geteuid() == 0, reason="root ignores file modes and chattr is missing")
def test_read_only_database_is_one_line(tiny_model_dir: Path, tmp_path: Path) -> None:
    db = _scored_db(tiny_model_dir, tmp_path)
    # Close the connections the scoring run left for the garbage collector: SQLite reuses an open
    # descriptor of the same file within a process, which would still be writable.
    gc.collect()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
            pytest.skip("this filesystem has no immutable flag")
    else:
        db.chmod(0o444)
    try:
        for command in ("score", "batch"):
            result = run(command, _second_article(tmp_path), "--db", db, "--model", tiny_model_dir)
            assert result.exit_code == 1, result.stderr
            assert one_error_line(result).startswith(f"Error: {db}: the database is read-only"), result.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db)], check=True)
    assert count(db) == 1


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection may grow the file by no page: SQLite's own 'database or disk is full' path."""
    from attribution.db import engine

    original = engine._sqlite_pragmas

    def pragmas(connection, record):  # type: ignore[no-untyped-def]
        original(connection, record)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count={max(pages, 1)}")

    monkeypatch.setattr(engine, "_sqlite_pragmas", pragmas)


@pytest.mark.parametrize("command", ["score", "batch"])
def test_full_disk_mid_write_is_one_line_and_rolled_back(command: str, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _scored_db(tiny_model_dir, tmp_path)
    sentences = count(db, "sentence")
    _full_disk(monkeypatch)
    big = tmp_path / "big.txt"  # enough rows to need new pages
    big.write_text("\n\n".join(f"Officials said the repairs in district {n} cost more than planned." for n in range(300)), encoding="utf-8")
    result = run(command, big, "--db", db, "--model", tiny_model_dir, "--quiet" if command == "batch" else "--format=jsonl")
    assert result.exit_code == 1, result.stderr
    assert one_error_line(result).startswith(f"Error: {db}: the disk is full (database or disk is full)"), result.stderr
    monkeypatch.undo()
    assert count(db) == 1 and count(db, "sentence") == sentences  # nothing of the failed transaction


def test_lock_held_too_long_is_one_line(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from attribution.db import engine

    db = _scored_db(tiny_model_dir, tmp_path)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    try:
        result = run("score", _second_article(tmp_path), "--db", db, "--model", tiny_model_dir)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1, result.stderr
    assert one_error_line(result).startswith(f"Error: {db}: another process held the database locked for more than 0.2 s"), result.stderr
    assert count(db) == 1


def test_unopenable_database_is_one_line(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("just some notes\n" * 100, encoding="utf-8")
    result = run("sources", "--db", not_sqlite)
    assert result.exit_code == 1 and one_error_line(result).startswith(f"Error: {not_sqlite}: cannot open the database: not an SQLite database")
    result = run("score", SEED, "--db", tmp_path / "no" / "such" / "folder.db")
    assert result.exit_code == 1 and "cannot open the file" in one_error_line(result)


# --------------------------------------------------------------------------- 1. the same article, the same answer

NEIGHBOURS = [
    "서울시는 새 다리가 5월에 개통된다고 밝혔다. 시장은 \u201c안전하다\u201d고 말했다.",
    "Officials said the repairs cost more than planned. Traffic was light on Monday.\n\n"
    "\u201cWe are ready,\u201d Mayor Ana Ruiz told reporters, adding that the bridge would reopen in May.",
    "The engineer said the steel was sound. " * 30,
]


def _jsonl(scorer_output: dict) -> dict[str, str]:
    return {
        document: "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        for document, records in zip(scorer_output["id"], scorer_output["records"])
    }


def _score(model: Path | None, texts: dict[str, str], batch_size: int, threads: int) -> dict[str, str]:
    import torch

    from attribution.batch import BatchScorer
    from attribution.ingest import article_from_text
    from attribution.pipeline import _cached_predictor

    _cached_predictor.cache_clear()
    before = torch.get_num_threads()
    torch.set_num_threads(threads)  # the ONNX backend runs one single-threaded session per thread
    try:
        scorer = BatchScorer(model, batch_size=batch_size, backend="onnx")
        return _jsonl(scorer.score_articles([article_from_text(text, name) for name, text in texts.items()]))
    finally:
        torch.set_num_threads(before)
        _cached_predictor.cache_clear()


def _check_reproducible(model: Path | None, articles: dict[str, str]) -> None:
    together = _score(model, articles, batch_size=32, threads=2)
    runs = [
        _score(model, articles, batch_size=4, threads=1),
        _score(model, {**{f"n{i}": t for i, t in enumerate(NEIGHBOURS)}, **articles}, batch_size=7, threads=2),
        *[_score(model, {name: text}, batch_size=32, threads=2) for name, text in articles.items()],
    ]
    for run_output in runs:
        for name, jsonl in run_output.items():
            if name in together:
                assert jsonl == together[name], f"{name} scored differently beside other articles or in other batches"
    assert all(together.values())


def test_an_article_scores_the_same_whatever_its_batch(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The int8 export (static scales) through the same code path as the shipped model, on a tiny model."""
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    articles = {"seed": SEED.read_text(encoding="utf-8"), "korean": NEIGHBOURS[0], "short": "The mayor said the bridge is safe."}
    _check_reproducible(tiny_model_dir, articles)
    assert any(p.name.endswith(".int8.onnx") for p in (tmp_path / "cache").iterdir())


@pytest.mark.slow
def test_the_shipped_model_scores_an_article_the_same_whatever_its_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    bbc = PROJECT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
    articles = {"seed": SEED.read_text(encoding="utf-8")}
    if bbc.is_file():
        with bbc.open(encoding="utf-8") as handle:
            for line, _ in zip(handle, range(12)):
                record = json.loads(line)
                articles[str(record["id"])] = record["text"]
    _check_reproducible(None, articles)


# --------------------------------------------------------------------------- 5. brat import, 7. all-invalid import


def _brat_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "brat"
    folder.mkdir()
    text = "Traffic was light. The mayor said the bridge is safe. Officials told reporters it would reopen.\n"
    (folder / "bridge.txt").write_text(text, encoding="utf-8")

    def at(part: str) -> str:
        start = text.index(part)
        return f"{start} {start + len(part)}\t{part}"

    reopen = text.index("it would reopen.")
    (folder / "bridge.ann").write_text("\n".join([
        f"T1\tSource {at('The mayor')}", f"T2\tCue {at('said')}", f"T3\tContent {at('the bridge is safe')}",
        f"T4\tCue {at('said the')}",  # a second cue overlapping the first
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3", "E2\tAttribution:T4 Cue:T4 Content:T3",
        f"T5\tSource {at('Officials')}", f"T6\tCue {at('told')}",
        f"T7\tContent {reopen} {len(text) + 40}\tit would reopen.",  # runs past the end of the text
        "E3\tAttribution:T6 Source:T5 Cue:T6 Content:T7",
    ]) + "\n", encoding="utf-8")
    return folder


def test_brat_import_skips_bad_spans_with_a_reason_and_strict_stops(tmp_path: Path) -> None:
    folder = _brat_folder(tmp_path)
    output = tmp_path / "labels.jsonl"
    result = run("data", "import", folder, "--format", "brat", "-o", output)
    assert result.exit_code == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 2, result.stderr
    assert skipped[0] == "skipped: bridge.ann: sentence 1: Cue 29-33 overlaps Cue 29-37"
    assert skipped[1] == "skipped: bridge.ann: sentence 2: span T7 Content 79-136 lies outside the text (length 96)"
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == ["Traffic was light."]

    strict = run("data", "import", folder, "--format", "brat", "-o", tmp_path / "strict.jsonl", "--strict")
    assert strict.exit_code == 1
    assert one_error_line(strict) == "Error: bridge.ann: sentence 1: Cue 29-33 overlaps Cue 29-37"
    assert not (tmp_path / "strict.jsonl").exists()


def test_import_where_every_record_is_invalid_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "", "spans": []}\n{"text": "x", "spans": [{"start": 0, "end": 9, "label": "CUE"}]}\n', encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = run("data", "import", bad, "--format", "canonical", "-o", output)
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: {bad}: no valid records (2 skipped); {output} not written"
    assert result.stderr.count("skipped:") == 2 and not output.exists()


# --------------------------------------------------------------------------- 4. JSONL read line by line, 7. messages


def _record(n: int) -> bytes:
    return json.dumps({"id": f"good-{n}", "text": f"Officials said district {n} would get a new bridge."}).encode() + b"\n"


def test_one_bad_jsonl_line_fails_alone(tiny_model_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_bytes(
        _record(1) + _record(2) + b'{"id": "latin", "text": "caf\xe9 owners said prices rose."}\n' + _record(3)
        + b'{"id": "nul", "text": "The mayor\x00 said so."}\n' + _record(4) + b'{"id": "cut", "text": \n' + _record(5)
    )
    result = run("batch", source, "--db", tmp_path / "claims.db", "--model", tiny_model_dir, "--quiet")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {source}:3: not UTF-8 text (byte 29 of the line); convert the file with iconv -t UTF-8",
        f"Error: {source}:5: NUL byte at column 33",
        f"Error: {source}:7: malformed JSON (Expecting value)",
    ], result.stderr
    assert "scored 5," in result.stderr and count(tmp_path / "claims.db") == 5


def test_bad_jsonl_line_on_stdin_fails_alone(tiny_model_dir: Path, tmp_path: Path) -> None:
    result = run("batch", "-", "--db", tmp_path / "claims.db", "--model", tiny_model_dir, "--quiet",
                 input=_record(1) + b'{"id": "latin", "text": "caf\xe9"}\n' + _record(2))
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: <stdin>:2: not UTF-8 text") and count(tmp_path / "claims.db") == 2


def _score_jsonl(tiny_model_dir: Path, path: Path) -> list[dict]:
    result = run("score", path, "--no-store", "--format", "jsonl", "--model", tiny_model_dir)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_utf16_article_is_read(tiny_model_dir: Path, tmp_path: Path) -> None:
    text = "Officials said the bridge would reopen in May.\n\nTraffic was light on Monday.\n"
    expected = [(r["text"], r["start"]) for r in _score_jsonl(tiny_model_dir, _write(tmp_path / "utf8.txt", text.encode()))]
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):  # with a byte-order mark, and without
        records = _score_jsonl(tiny_model_dir, _write(tmp_path / f"{encoding}.txt", text.encode(encoding)))
        assert [(r["text"], r["start"]) for r in records] == expected, encoding


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_fifo_and_process_substitution_are_read_as_streams(tiny_model_dir: Path, tmp_path: Path) -> None:
    import threading

    text = "Officials said the bridge would reopen in May."
    for name, data in (("article", text.encode()), ("articles", _record(1) + _record(2))):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        writer = threading.Thread(target=lambda f=fifo, d=data: f.write_bytes(d))
        writer.start()
        records = _score_jsonl(tiny_model_dir, fifo)
        writer.join(timeout=30)
        documents = {r["document"] for r in records}
        assert documents == ({str(fifo)} if name == "article" else {"good-1", "good-2"}), records
    if shutil.which("bash"):  # <(cat file) as a user types it: a pipe named /dev/fd/N
        article = _write(tmp_path / "a.txt", text.encode())
        code = "import sys; sys.argv = ['attribution'] + sys.argv[1:]; from attribution.cli import main; main()"
        shell = f'"{sys.executable}" -c "{code}" score <(cat "{article}") --no-store --format jsonl --model "{tiny_model_dir}"'
        done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT)}, timeout=300)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout.splitlines()[0])["text"] == text


def test_nul_bytes_anywhere_are_refused_with_where(tiny_model_dir: Path, tmp_path: Path) -> None:
    late = _write(tmp_path / "late.txt", b"Officials said the bridge would reopen. " * 250 + b"\x00tail")
    result = run("score", late, "--no-store", "--model", tiny_model_dir)
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: {late}: binary file (NUL byte at byte 10000), not a text article"


def test_long_sentence_analysed_in_part_is_warned(tiny_model_dir: Path, tmp_path: Path) -> None:
    long = " and ".join(f"item {i} was approved" for i in range(60))
    article = _write(tmp_path / "long.txt", f"The committee said {long}.\n\nTraffic was light.\n".encode())
    result = run("score", article, "--no-store", "--format", "jsonl", "--model", tiny_model_dir)
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "was analysed only in its first" in warnings[0] and "(the model reads 64 word pieces)" in warnings[0]
    assert '"The committee said item 0 was approved' in warnings[0]
