"""A statement's content as its parts: a quotation over several sentences is one statement whose words are
its pieces, without the narrator's clause between them ('"A," said Roddick, who ... . "B."'), in the
pipeline, the JSONL contract, the stored row, and a database of revision 0002 upgraded to hold them.
Texts are composed here (no corpus text)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import Session, select

from attribution.db.models import Statement
from attribution.ingest import article_from_text
from attribution.link import resolve_article
from attribution.pipeline import content_parts, merge_continuations
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import split_sentences
from attribution.store import save_result
from tests.test_migrations import HEAD, _populated, _schema_diffs, error_line, run, sql

CONTRACT = json.loads((Path(__file__).parents[1] / "schemas" / "contract.schema.json").read_text())

LONG_CLAUSE = "said Andy Roddick, who was on the US team which lost to France in the final in 2002 and has played since"
FIRST, SECOND = '"I think we put up a better fight,"', '"They were just better than us."'


def span(text: str, part: str, after: int = 0) -> TextSpan:
    start = text.index(part, after)
    return TextSpan(start, start + len(part), part)


def two_sentences(text: str, first: list[tuple[str | None, str | None, str | None]], second: str) -> list[SentenceResult]:
    """Two sentences as the model would give them: (mention, cue, content) per attribution of the first (each
    looked up after the first quotation's end when it is not the quotation), the second's bare quotation."""
    spans = split_sentences(text)
    assert len(spans) == 2, [s.text_of(text) for s in spans]
    quote_end = text.index('"', 1) + 1
    attributions = []
    for mention, cue, content in first:
        attributions.append(Attribution(span(text, mention, quote_end) if mention else None, span(text, cue, quote_end) if cue else None,
                                        span(text, content) if content else None, 0.9, statement=content is not None))
    return [
        SentenceResult(0, spans[0].start, spans[0].end, spans[0].text_of(text), "quote", 0.9, attributions),
        SentenceResult(1, spans[1].start, spans[1].end, spans[1].text_of(text), "quote", 0.9,
                       [Attribution(None, None, span(text, second), 0.9)]),
    ]


def test_a_long_attribution_clause_between_two_sentences_is_one_statement_without_the_clause(session: Session) -> None:
    text = f"{FIRST} {LONG_CLAUSE}. {SECOND}"
    assert len(text[text.index(FIRST) + len(FIRST) : text.index(SECOND)]) > 80  # longer than continuation_rest_chars
    sentences = two_sentences(text, [("Andy Roddick", "said", FIRST)], SECOND)
    merged = merge_continuations(sentences, text)
    assert sentences[1].attributions[0].content_parts == ()  # the stage returned new objects
    carried = merged[1].attributions[0]
    assert carried.continues == (0, 0)
    assert [(p.start, p.end, p.text) for p in carried.content_parts] == [
        (0, len(FIRST), FIRST), (text.index(SECOND), len(text), SECOND)]
    assert (carried.content.start, carried.content.end) == (0, len(text))  # the whole span, for code keyed on it
    assert merged[0].attributions[0].content_parts == carried.content_parts  # the chain's first carries the same parts
    assert "Roddick" not in carried.said

    # The JSONL contract gives the parts (offsets into the input) beside the whole span.
    record = merged[1].contract("t")
    jsonschema.validate(record, CONTRACT)
    assert [p["text"] for p in record["attributions"][0]["content_parts"]] == [FIRST, SECOND]
    assert all(text[p["start"] : p["end"]] == p["text"] for p in record["attributions"][0]["content_parts"])

    save_result(session, resolve_article(ArticleResult(article_from_text(text, "r"), merged, "v1")))
    rows = session.exec(select(Statement)).all()
    assert len(rows) == 1
    assert rows[0].content == f"{FIRST} {SECOND}"  # what was said: the parts joined by a space
    assert (rows[0].content_start, rows[0].content_end) == (0, len(text))
    assert json.loads(rows[0].content_parts or "null") == [[0, len(FIRST)], [text.index(SECOND), len(text)]]


def test_a_short_clause_gives_parts_too() -> None:
    text = f'{FIRST} he said. {SECOND}'
    merged = merge_continuations(two_sentences(text, [("he", "said", FIRST)], SECOND), text)
    assert [p.text for p in merged[1].attributions[0].content_parts] == [FIRST, SECOND]
    assert merged[1].attributions[0].said == f"{FIRST} {SECOND}"


@pytest.mark.parametrize("clause", [
    "he said, but Smith disagreed",
    "he said, but Smith, who has led the opposition on the council since the election of 2010, disagreed",
])
def test_a_clause_that_brings_in_a_second_speaker_ends_the_statement(clause: str, session: Session) -> None:
    text = f"{FIRST} {clause}. {SECOND}"
    merged = merge_continuations(two_sentences(text, [("he", "said", FIRST), ("Smith", "disagreed", None)], SECOND), text)
    second = merged[1].attributions[0]
    assert (second.content.text, second.content_parts) == (SECOND, ())
    assert (merged[0].attributions[0].content.text, merged[0].attributions[0].content_parts) == (FIRST, ())
    assert "content_parts" not in merged[1].contract("t")["attributions"][0]


def test_a_quotation_carried_on_after_the_clause_grows_its_last_part() -> None:
    """'"A," he said. "B. C."': the third sentence starts inside the quotation the second opened."""
    text = f'{FIRST} he said. "They were better. We will be back."'
    spans = split_sentences(text)
    assert len(spans) == 3
    sentences = [
        SentenceResult(0, spans[0].start, spans[0].end, spans[0].text_of(text), "quote", 0.9,
                       [Attribution(span(text, "he", len(FIRST)), span(text, "said"), span(text, FIRST), 0.9)]),
        SentenceResult(1, spans[1].start, spans[1].end, spans[1].text_of(text), "quote", 0.9,
                       [Attribution(None, None, span(text, '"They were better.'), 0.9)]),
        SentenceResult(2, spans[2].start, spans[2].end, spans[2].text_of(text), "quote", 0.9,
                       [Attribution(None, None, span(text, 'We will be back."'), 0.9)]),
    ]
    merged = merge_continuations(sentences, text)
    expected = [FIRST, '"They were better. We will be back."']
    for sentence in merged:
        assert [p.text for p in sentence.attributions[0].content_parts] == expected


def test_pieces_with_nothing_but_marks_between_them_are_one() -> None:
    text = '"The plan is fair." "It will work," he said. "Soon."'
    one, two = span(text, '"The plan is fair."'), span(text, '"It will work,"')
    assert content_parts([one, two], text) == ()  # one piece: the content is whole
    three = span(text, '"Soon."')
    assert [p.text for p in content_parts([one, two, three], text)] == ['"The plan is fair." "It will work,"', '"Soon."']


def test_a_database_of_revision_0002_is_upgraded_to_hold_the_parts(tmp_path: Path) -> None:
    db = tmp_path / "rev2.db"
    _populated(str(db))
    sql(db, "ALTER TABLE statement DROP COLUMN content_parts", "UPDATE alembic_version SET version_num = '0002'",
        "UPDATE attribution_schema SET version = 2")
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT id, content, content_start, content_end FROM statement ORDER BY id").fetchall()
    assert stored
    assert f"(schema revision 0002; this one needs revision {HEAD})" in error_line(run("sources", "--db", db))

    result = run("db", "upgrade", "--db", db)
    assert result.exit_code == 0 and f"upgraded from schema revision 0002 to schema revision {HEAD}" in result.stderr
    assert _schema_diffs(f"sqlite:///{db}") == []
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version FROM attribution_schema").fetchall() == [(3,)]
        # every row kept; rows stored before the upgrade are one piece (NULL)
        assert connection.execute("SELECT id, content, content_start, content_end FROM statement ORDER BY id").fetchall() == stored
        assert connection.execute("SELECT count(*) FROM statement WHERE content_parts IS NOT NULL").fetchone() == (0,)
    assert run("who-said", "Kirby", "--db", db).exit_code == 0
    again = run("db", "upgrade", "--db", db)
    assert again.exit_code == 0 and "nothing to do" in again.stderr
