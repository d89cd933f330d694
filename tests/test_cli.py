"""Every command through typer's CliRunner: exit codes, messages, the JSONL contract, bad inputs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, Self

import jsonschema
import pytest
from typer.testing import CliRunner

from attribution.cli import app
from tests.conftest import PROJECT, SEED

runner = CliRunner()
CONTRACT = json.loads((PROJECT / "schemas" / "contract.schema.json").read_text())


def run(*args: str, env: dict | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], env=env)


def test_score_jsonl_follows_the_contract(tiny_model_dir: Path) -> None:
    result = run("score", SEED, "--format", "jsonl", "--no-store", "--model", tiny_model_dir)
    assert result.exit_code == 0, result.output
    text = SEED.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) > 20
    for index, record in enumerate(records):
        jsonschema.validate(record, CONTRACT)
        assert record["document"] == str(SEED) and record["sentence"] == index
        assert text[record["start"] : record["end"]] == record["text"]
        assert record["label"] in ("claim", "quote", "context")
        if record["label"] == "context":
            assert record["attributions"] == []
        for attribution in record["attributions"]:
            for key in ("source", "cue", "content"):
                if attribution[key]:
                    assert text[attribution[key]["start"] : attribution[key]["end"]] == attribution[key]["text"]
    # Boilerplate is context, never a claim.
    by_text = {r["text"]: r for r in records}
    assert by_text["Related stories"]["label"] == "context"
    assert by_text["Please direct questions or comments to [english@hani.co.kr]"]["label"] == "context"


def test_score_stores_and_queries_read_it(tiny_model_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    assert run("score", SEED, "--db", db, "--model", tiny_model_dir).exit_code == 0
    again = run("score", SEED, "--db", db, "--model", tiny_model_dir)
    assert again.exit_code == 0
    shown = run("show", "1", "--db", db)
    assert shown.exit_code == 0 and "Kim Jong-un likely to meet Putin" in shown.stdout
    listed = run("sources", "--db", db, "--format", "json")
    assert listed.exit_code == 0
    json.loads(listed.stdout)
    import sqlite3

    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from article").fetchone()[0] == 1
        assert connection.execute("select count(*) from sentence").fetchone()[0] > 20


def test_database_from_environment(tiny_model_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    result = run("score", SEED, "--model", tiny_model_dir, env={"ATTRIBUTION_DB": str(db)})
    assert result.exit_code == 0 and db.exists()


def test_bad_inputs_fail_alone(tiny_model_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Officials said the bridge would reopen.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff\x00PNG")
    (tmp_path / "latin.txt").write_bytes("caf\u00e9 said yes".encode("latin-1"))
    (tmp_path / "huge.txt").write_bytes(b"Words said here. " * 300_000)  # 5 MB
    (tmp_path / "nothing").mkdir()
    db = tmp_path / "graph.db"
    result = run("score", good, tmp_path / "missing.txt", tmp_path / "empty.txt", tmp_path / "binary.txt",
                 tmp_path / "latin.txt", tmp_path / "huge.txt", tmp_path / "nothing", "--db", db, "--model", tiny_model_dir)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    expected = {"missing.txt": "no such file", "empty.txt": "empty", "binary.txt": "binary", "latin.txt": "UTF-8",
                "huge.txt": "too large", "nothing": "no .txt or .jsonl"}
    assert len(errors) == len(expected)
    for name, reason in expected.items():
        assert any(name in line and reason in line for line in errors), (name, errors)
    import sqlite3

    with sqlite3.connect(db) as connection:
        assert connection.execute("select document from article").fetchall() == [(str(good),)]


def test_usage_errors_exit_2(tiny_model_dir: Path) -> None:
    assert run("score", SEED, "--format", "xml", "--model", tiny_model_dir).exit_code == 2
    assert run("score").exit_code == 2


def test_named_errors_become_one_line(tmp_path: Path) -> None:
    result = run("score", SEED, "--model", tmp_path, "--no-store")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "Error:" in result.stderr and "settings.json" in result.stderr


def test_sources_merge_and_split(tiny_model_dir: Path, tmp_path: Path) -> None:
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.store import save_result
    from tests.test_store import KIRBY, make_result

    db = tmp_path / "graph.db"
    with Session(make_engine(db)) as session:
        save_result(session, KIRBY)
        save_result(session, make_result("The NSC spokesman said no.", [
            {"sentence": 0, "mention": "The NSC spokesman", "cue": "said", "content": "no", "entity": "NSC spokesman"}], document="x.txt"))
    merged = run("sources", "merge", "NSC spokesman", "John Kirby", "--db", db)
    assert merged.exit_code == 0 and "merged" in merged.stdout
    missing = run("sources", "merge", "Nobody", "John Kirby", "--db", db)
    assert missing.exit_code == 1 and missing.stderr == "Error: no source matches 'Nobody'; `attribution sources` lists them\n"
    split = run("sources", "split", "NSC spokesman", "--from", "John Kirby", "--db", db)
    assert split.exit_code == 0 and "own source" in split.stdout
    nothing = run("sources", "split", "Nobody At All", "--db", db)
    assert nothing.exit_code == 1 and nothing.stderr == "Error: no source matches 'Nobody At All'; `attribution sources` lists them\n"
    assert "Nobody At All" not in run("sources", "--db", db, "--format", "json").stdout


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    group = typer_group()
    names = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            names += [f"{name} {sub}" for sub in command.commands] + [name]
        else:
            names.append(name)
    for name in names:
        assert re.search(rf"attribution {re.escape(name)}\b", readme), f"`attribution {name}` is not in the README"


def typer_group():  # type: ignore[no-untyped-def]
    import typer.main

    return typer.main.get_group(app)


def test_help_lists_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0 and "score" in result.stdout and "who-said" in result.stdout


def test_unusable_database_is_a_one_line_error(tmp_path: Path) -> None:
    missing = run("sources", "--db", tmp_path / "none.db")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
    driver = run("score", SEED, "--db", "postgresql://nobody@127.0.0.1:1/x", "--no-store")
    assert driver.exit_code == 0  # --no-store never opens it
    bad = run("score", SEED, "--db", "postgresql://nobody@127.0.0.1:1/x")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: postgresql://") and bad.stderr.count("\n") == 1


# --- one option vocabulary ---------------------------------------------------------------------

# Commands that read or write the claim graph take --db; those that print results take -f/--format.
NO_DB = {"train", "evaluate", "data import"}
NO_FORMAT = {"batch", "train", "review", "sources merge", "sources split", "statements fix", "embed", "browse", "db upgrade"}


def _commands() -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(prefix: str, command: Any) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            found[path] = sub
            walk(path, sub)

    walk("", typer_group())
    return found


def test_every_command_has_the_same_options_for_the_same_things() -> None:
    commands = _commands()
    assert {"who-said", "timeline", "said-about", "show", "repeats", "similar", "export", "embed", "sources"} <= set(commands)
    db_helps = set()
    for path, command in commands.items():
        options = {opt: param for param in command.params for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])}
        if getattr(command, "commands", None) and not command.params:  # a bare group ("data", "statements")
            continue
        if path not in NO_DB:
            assert "--db" in options, f"{path} has no --db"
            db_helps.add(options["--db"].help)
        if path not in NO_FORMAT:
            assert "--format" in options and "-f" in options, f"{path} has no -f/--format"
            assert options["--format"] is options["-f"]
            assert issubclass(options["--format"].type_descriptor.annotation, Enum), f"{path} --format is not an Enum"
        if "--backend" in options:
            assert [b.value for b in options["--backend"].type_descriptor.annotation] == ["onnx", "torch"]
    assert len(db_helps) == 1, db_helps  # --db described once
    for query in ("who-said", "timeline"):
        names = {opt for param in commands[query].params for opt in getattr(param, "opts", [])}
        assert {"--since", "--until", "--kind", "--limit", "--min-confidence"} <= names, query
    for query in ("said-about", "repeats", "similar", "export"):
        assert "--min-confidence" in {opt for p in commands[query].params for opt in getattr(p, "opts", [])}, query


def test_query_commands_are_plain_functions() -> None:
    from attribution import query_cli

    assert query_cli.who_said.__qualname__ == "who_said" and callable(query_cli.timeline)
    assert {c.name for c in query_cli.query_app.registered_commands} >= {"who-said", "timeline", "show", "export", "embed"}


@pytest.mark.parametrize("command", [
    ["who-said", "Tony Blaire"], ["timeline", "Tony Blaire"], ["export", "--source", "Tony Blaire"],
    ["sources", "merge", "Tony Blaire", "Tony Blair"], ["sources", "merge", "Tony Blair", "Tony Blaire"],
    ["sources", "split", "Blair", "--from", "Tony Blaire"],
])
def test_an_unknown_source_is_the_same_error_everywhere(tmp_path: Path, command: list[str]) -> None:
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from tests.test_store import make_result

    db = tmp_path / "graph.db"
    engine = make_engine(db)
    with Session(engine) as session:
        from attribution.store import save_result

        save_result(session, make_result("Tony Blair said no.", [
            {"sentence": 0, "mention": "Tony Blair", "cue": "said", "content": "no", "entity": "Tony Blair"}]))
    engine.dispose()
    result = run(*command, "--db", db)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "Error: no source matches 'Tony Blaire'; did you mean Tony Blair?\n"


# --- every argument checked at the edge (issue 15, item 6) ----------------------------------------


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.store import save_result
    from tests.test_store import KIRBY

    db = tmp_path / "graph.db"
    engine = make_engine(db)
    with Session(engine) as session:
        save_result(session, KIRBY)
    engine.dispose()
    return db


ODD_ARGUMENTS = [
    (["show", "99999999999999999999999"], 1, "Error: no article matches '99999999999999999999999'"),
    (["show", "\u00b2"], 1, "Error: no article matches '\u00b2'"),
    (["show", "x" * 100_000], 2, "Error: attribution show: Invalid value for 'article': 100,000 characters is too long (at most 1,000)"),
    (["who-said", "Kirby", "--limit", "99999999999999999999999"], 2, "Error: attribution who-said: Invalid value for '--limit':"),
    (["export", "--article", "\u00b2"], 1, "Error: no article matches '\u00b2'"),
    (["who-said", "x" * 100_000], 2, "Error: attribution who-said: Invalid value for 'name': 100,000 characters is too long"),
    (["said-about", "y" * 5_000], 2, "Error: attribution said-about: Invalid value for 'text': 5,000 characters is too long"),
    (["sources", "--min", "99999999999999999999999"], 2, "Error: attribution sources: Invalid value for '--min':"),
    (["timeline", "Kirby", "--min-confidence", "2"], 2, "Error: attribution timeline: Invalid value for '--min-confidence':"),
]


@pytest.mark.parametrize(("args", "code", "message"), ODD_ARGUMENTS, ids=[" ".join(a)[:40] for a, _, _ in ODD_ARGUMENTS])
def test_odd_arguments_are_one_line_errors(small_db: Path, args: list[str], code: int, message: str) -> None:
    result = run(*args, "--db", small_db)
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message), result.stderr
    assert result.stdout == ""


# --- the batch progress bar --------------------------------------------------------------------


class RecordingBar:
    """Stands in for the rich progress bar: records how far it was each time it moved."""

    def __init__(self) -> None:
        self.completed = 0
        self.total: int | None = None
        self.seen: list[int] = []

    def add_task(self, _label: str, total: int | None = None, **_fields: Any) -> int:
        self.total = total
        return 0

    def advance(self, _task: int, amount: int) -> None:
        self.completed += amount
        self.seen.append(self.completed)

    def update(self, _task: int, completed: int | None = None, total: int | None = None, **_fields: Any) -> None:
        if completed is not None:
            self.completed = completed
            self.seen.append(completed)
        if total is not None:
            self.total = total

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def test_batch_progress_moves_with_the_sentences(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from attribution import batch
    from tests.test_batch import write_articles

    bar = RecordingBar()
    monkeypatch.setattr(batch, "progress_bar", lambda quiet, label="scoring": bar)
    folder = tmp_path / "articles"
    write_articles(folder, 12)
    summary = batch.run_batch(str(folder), db=str(tmp_path / "b.db"), model_dir=tiny_model_dir, batch_size=2)
    assert summary.scored == 12
    with sqlite3.connect(tmp_path / "b.db") as connection:
        sentences = connection.execute("select count(*) from sentence").fetchone()[0]
    assert bar.completed == bar.total == sentences
    # All 12 articles are one chunk (one transaction), yet the bar moved with every forward pass.
    moves_before_the_end = [n for n in bar.seen if 0 < n < sentences]
    assert len(moves_before_the_end) >= sentences // 2 - 1


def test_an_unwritable_output_is_a_one_line_error(small_db: Path, tmp_path: Path) -> None:
    """Review A7: `data import -o`, `review -o` and `evaluate --predictions` on a folder or under a missing one."""
    from tests.test_importers import DATA

    folder, missing = tmp_path / "a-folder", tmp_path / "no" / "such" / "x.json"
    folder.mkdir()
    cases = [
        (["data", "import", DATA / "labelstudio_export.json", "-f", "labelstudio", "-o", folder], f"{folder}: Is a directory"),
        (["review", "--db", small_db, "-o", folder], f"{folder}: Is a directory"),
        (["review", "--db", small_db, "-o", missing], f"{missing}: No such file or directory"),
        (["evaluate", "--data", tmp_path, "--predictions", folder], f"{folder}: Is a directory"),
        (["evaluate", "--data", tmp_path, "--predictions", missing], f"{missing}: No such file or directory"),
    ]
    for command, reason in cases:
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        *skipped, error = result.stderr.splitlines()  # `data import` names the records it leaves out first
        assert error == f"Error: cannot write {reason}", command
        assert all(line.startswith("skipped: ") for line in skipped) and result.stdout == ""
    assert not any(folder.iterdir()) and not missing.parent.exists()


def _all_commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _all_commands(sub, (*path, name))


def test_help_shows_every_default() -> None:
    """Review E1: rich read "[default: the shipped model]" in help text as a markup tag and dropped it."""
    import typer.main

    for path, command in _all_commands(typer.main.get_command(app)):
        for param in command.params:
            text = getattr(param, "help", None) or ""
            assert not re.search(r"(?<!\\)\[", text), f"{' '.join(path)} {param.name}: a bracket rich would eat: {text!r}"
    flat = {tuple(args): re.sub(r"[\s\u2502]+", " ", run(*args, "--help").stdout) for args in (["score"], ["batch"], ["train"], ["evaluate"])}
    assert "--model <path> A trained model folder [default: (the shipped model)]" in flat[("score",)]
    assert "Inference backend [default: (onnx (int8) where onnxruntime is installed, else torch)]" in flat[("evaluate",)]
    assert "(pip install 'attribution[ray]') [default: local]" in flat[("batch",)]
    for shown in ("[default: (the shipped model)]", "[default: (0.2)]", "[default: (sized to the data)]"):
        assert shown in flat[("train",)], shown


def test_train_epochs_make_new_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review B1: `train --epochs` builds validated new settings (dataclasses.replace), the loaded ones stay as read."""
    import training.train
    from attribution.config import load_config

    loaded = load_config(PROJECT / "configs" / "polnear.toml")
    monkeypatch.setattr("attribution.config.load_config", lambda path: loaded)
    given = []

    def fake_training(model_settings: Any, training_settings: Any, output: Path) -> Any:
        given.append(training_settings)
        return type("Result", (), {"best_step": 1, "best_metrics": {}})()

    monkeypatch.setattr(training.train, "train", fake_training)
    result = run("train", "-o", tmp_path / "model", "--epochs", "0.5")
    assert result.exit_code == 0, result.output
    assert given[0].epochs == 0.5 and given[0] is not loaded[1]
    assert loaded[1].epochs == load_config(PROJECT / "configs" / "polnear.toml")[1].epochs != 0.5


def test_sources_ambiguous_is_rendered_by_query_cli(tmp_path: Path) -> None:
    """Review B1: `sources --ambiguous` parses arguments and calls query_cli.render_ambiguous, like the other renderers."""
    import inspect

    from sqlmodel import Session

    from attribution import cli, query_cli
    from attribution.db.engine import make_engine
    from attribution.store import save_result
    from tests.test_store import make_result

    db = tmp_path / "graph.db"
    engine = make_engine(db)
    with Session(engine) as session:
        save_result(session, make_result("Senator Paul Grant said yes.\nEconomist Laura Grant said no.", [
            {"sentence": 0, "mention": "Senator Paul Grant", "cue": "said", "content": "yes", "entity": "Paul Grant", "role": "Senator"},
            {"sentence": 1, "mention": "Economist Laura Grant", "cue": "said", "content": "no", "entity": "Laura Grant", "role": "Economist"}]))
        save_result(session, make_result("Grant said maybe.", [
            {"sentence": 0, "mention": "Grant", "cue": "said", "content": "maybe", "entity": "Grant"}], document="d.txt"))
    engine.dispose()
    listed = run("sources", "--ambiguous", "--db", db, "-f", "json")
    assert listed.exit_code == 0, listed.output
    (grant,) = json.loads(listed.stdout)
    assert grant["name"] == "Grant" and grant["statements"] == 1 and len(grant["candidates"]) == 2
    table = run("sources", "--ambiguous", "--db", db)
    assert table.exit_code == 0 and "Ambiguous sources" in table.stdout and "Laura Grant" in table.stdout
    assert callable(query_cli.render_ambiguous)
    assert "Column(" not in inspect.getsource(cli.sources) and "render(" not in inspect.getsource(cli.sources)
