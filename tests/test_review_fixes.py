"""Fixes from the code review (notes/review.md): each test fails on the code before its fix."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import literal
from sqlmodel import Session, select
from typer.testing import CliRunner

from attribution.cli import app
from attribution.db.models import Source, Statement
from attribution.editorial import fix_statement
from attribution.errors import StaleFixWarning
from attribution.export import export_rows, with_claim_key
from attribution.store import save_result
from tests.conftest import POLNEAR, needs_polnear
from tests.test_queries import build
from tests.test_store import make_result

# --- A10: an editor's fix survives a span the new model moved ------------------------------------------

TEXT = "Mr Pargeter said the bridge would reopen in May.\nThe council said it was too early to say."


def _scored(first: str, second: str = "it was too early to say") -> list[dict]:
    return [
        {"sentence": 0, "mention": "Mr Pargeter", "cue": "said", "content": first, "entity": "Pargeter"},
        {"sentence": 1, "mention": "The council", "cue": "said", "content": second, "entity": "Council", "type": "government"},
    ]


def _fixed_v1(session: Session) -> None:
    save_result(session, make_result(TEXT, _scored("the bridge would reopen in May")))
    first = session.exec(select(Statement).where(Statement.mention == "Mr Pargeter")).one()
    fix_statement(session, first.id, "Ann Holloway")  # type: ignore[arg-type]


def _sources(session: Session) -> dict[str, str]:
    return {s.content: session.get(Source, s.source_id).name for s in session.exec(select(Statement)).all()}  # type: ignore[misc, union-attr]


def test_a_fix_follows_its_words_when_a_new_model_moves_the_span_by_a_character(session: Session) -> None:
    _fixed_v1(session)
    # v2 takes the full stop into the content: the span ends one character later.
    assert save_result(session, make_result(TEXT, _scored("the bridge would reopen in May."), version="v2")) == "replaced"
    sources = _sources(session)
    assert sources == {"the bridge would reopen in May.": "Ann Holloway", "it was too early to say": "Council"}
    fixed = session.exec(select(Statement).where(Statement.content == "the bridge would reopen in May.")).one()
    assert (fixed.resolution, fixed.confidence) == ("editor", 1.0)


def test_a_fix_goes_to_the_statement_of_its_sentence_that_overlaps_it_most(session: Session) -> None:
    _fixed_v1(session)
    # v2 finds two statements in the first sentence; the fixed words are mostly the second one's.
    two = [
        {"sentence": 0, "mention": "Mr Pargeter", "cue": "said", "content": "the bridge", "entity": "Pargeter"},
        {"sentence": 0, "mention": "Mr Pargeter", "cue": "said", "content": "would reopen in May", "entity": "Pargeter"},
        *_scored("")[1:],
    ]
    save_result(session, make_result(TEXT, two, version="v2"))
    assert _sources(session) == {"the bridge": "Pargeter", "would reopen in May": "Ann Holloway", "it was too early to say": "Council"}


def test_a_fix_does_not_pass_to_another_claim_that_shares_a_few_words(session: Session) -> None:
    _fixed_v1(session)
    # v2 reads "May" alone as the content, and nothing else in the sentence: not the fixed claim.
    scored = [{"sentence": 0, "mention": "Mr Pargeter", "cue": "said", "content": "May", "entity": "Pargeter"}, *_scored("")[1:]]
    with pytest.warns(StaleFixWarning, match="no longer apply"):
        save_result(session, make_result(TEXT, scored, version="v2"))
    assert _sources(session) == {"May": "Pargeter", "it was too early to say": "Council"}


def test_a_fix_that_no_longer_applies_is_reported_not_dropped_silently(session: Session) -> None:
    _fixed_v1(session)
    only_second = _scored("")[1:]  # v2 finds no statement in the fixed sentence
    with pytest.warns(StaleFixWarning, match=r"1 editor fix\(es\) no longer apply.*characters 17-47 to 'Ann Holloway'"):
        save_result(session, make_result(TEXT, only_second, version="v2"))
    assert _sources(session) == {"it was too early to say": "Council"}  # nothing in another sentence takes the fix


# --- C5: the first appearance of a claim, grouped by the database ------------------------------------------

def test_export_first_appearance_ignores_case_quoting_and_punctuation(session: Session) -> None:
    def said(document: str, sentence: str, content: str, published: str | None) -> None:
        spec = {"mention": "Jane Doe", "cue": "said", "content": content, "entity": "Jane Doe", "entity_type": "person"}
        save_result(session, build(document, [(sentence, "claim", [spec])], title=document, published=published))

    said("late.txt", "Jane Doe said \u201cthe library will close\u2026 in June\u201d.", "\u201cthe library will close\u2026 in June\u201d", "2024-05-01")
    said("undated.txt", "Jane Doe said THE LIBRARY WILL CLOSE IN JUNE.", "THE LIBRARY WILL CLOSE IN JUNE", None)
    said("early.txt", 'Jane Doe said "The library will close -- in June."', '"The library will close -- in June."', "2024-01-02")
    said("other.txt", "Jane Doe said the pool will close in June.", "the pool will close in June", "2023-01-01")
    firsts = {row["title"]: row["first_title"] for row in export_rows(session)}
    assert firsts == {"late.txt": "early.txt", "undated.txt": "early.txt", "early.txt": "early.txt", "other.txt": "other.txt"}
    keyed = with_claim_key(select(literal("\u00abWe\u00a0are\tNOT going,\u00bb  he \u2014 said\u2026").label("content")))
    assert session.exec(select(keyed.c.claim_key)).one() == "we are not going he said"


# --- README E4: `evaluate`'s default --data is found from any working directory ------------------------------

@needs_polnear
def test_evaluate_finds_the_default_dev_split_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import training.evaluate

    given: list[Path] = []

    def evaluate_model(folder: Path, data: Path, *args: Any, **kwargs: Any) -> dict[str, Any]:
        given.append(data)
        return {"macro_f1": 0.0}

    monkeypatch.setattr(training.evaluate, "evaluate_model", evaluate_model)
    monkeypatch.chdir(tmp_path)  # not the repository root: ../shared is not beside it
    done = CliRunner().invoke(app, ["evaluate", "-f", "json"])
    assert done.exit_code == 0, done.output
    assert given == [POLNEAR / "dev"] and (given[0] / "text").is_dir()


# --- A2: a re-scored article's statements take new ids, and fact-check matching sees them ---------------


def test_rescored_statements_take_new_ids_and_are_matched_again(tmp_path: Path) -> None:
    from attribution.db.engine import make_engine
    from attribution.factchecks import encoder as encoder_module
    from attribution.factchecks.checked import checked_rows, update_matches
    from attribution.factchecks.store import import_file
    from tests.test_factchecks import DATA, SETTINGS, WordsEncoder, article

    encoder_module.set_encoder(WordsEncoder())
    try:
        with Session(make_engine(tmp_path / "a2.db")) as session:
            import_file(session, DATA / "plain.jsonl")
            scored = article("Councillor Jo Park said the mayor banned cycling on all the city streets.", "the mayor banned cycling on all the city streets", "Jo Park")
            save_result(session, scored)
            first_ids = session.exec(select(Statement.id)).all()
            assert update_matches(session, settings=SETTINGS) == 1

            save_result(session, dataclasses.replace(scored, model_version="v2"))  # the same article, a new model version
            second_ids = session.exec(select(Statement.id)).all()
            assert len(second_ids) == 1 and min(second_ids) > max(first_ids)  # an id a reader copied never names another statement
            assert update_matches(session, settings=SETTINGS) == 1  # the new statement is matched (the old match went with its row)
            assert [row.statement_id for row in checked_rows(session)] == second_ids
    finally:
        encoder_module.set_encoder(None)


# --- A1: fact-checks match on a mistyped --db is an error, and creates nothing -------------------------


def test_fact_check_match_on_a_missing_database_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(app, ["fact-checks", "match", "taxes went up", "--db", str(missing)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: database {missing} does not exist; score articles into it first or pass --db"]
    assert list(tmp_path.iterdir()) == []
