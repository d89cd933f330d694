"""Reading articles: metadata, boilerplate, JSONL records and every kind of bad input."""

import json
from pathlib import Path

import pytest

from attribution.errors import InputError
from attribution.ingest import MAX_ARTICLE_BYTES, ReadFailure, article_from_text, read_inputs, read_text_file
from tests.conftest import SEED


def test_seed_article_metadata_and_boilerplate() -> None:
    article = read_text_file(SEED)
    assert article.title == "Kim Jong-un likely to meet Putin in Russia for arms deal negotiations, claims US"
    assert article.published == "2023-09-06"
    assert article.author == "Lee Bon-young"
    lines = {article.text[a:b] for a, b in article.boilerplate}
    assert {"Related stories", "Most viewed articles", "By Lee Bon-young, Washington correspondent"} <= lines
    assert article.text == SEED.read_text(encoding="utf-8")


def test_jsonl_records_keep_their_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    record = {"id": "n1", "title": "T", "text": "A said B.", "url": "http://x", "published": "2024-01-02", "publisher": "P", "author": "Q"}
    path.write_text(json.dumps(record) + '\n\n{"id": "n2", "text": "C."}\n')
    first, second = list(read_inputs([str(path)]))
    assert (first.document, first.title, first.url, first.published, first.publisher, first.author) == ("n1", "T", "http://x", "2024-01-02", "P", "Q")
    assert second.document == "n2" and second.title == "C."


def _failure(tmp_path: Path, name: str, content: bytes) -> ReadFailure:
    path = tmp_path / name
    path.write_bytes(content)
    (item,) = list(read_inputs([str(path)]))
    assert isinstance(item, ReadFailure), item
    return item


def test_bad_inputs_are_named_with_a_reason(tmp_path: Path) -> None:
    assert "empty" in _failure(tmp_path, "empty.txt", b"").reason
    assert "empty" in _failure(tmp_path, "blank.txt", b"  \n\n").reason
    assert "binary" in _failure(tmp_path, "bin.txt", b"\x00\x01\x02PNG").reason
    assert "UTF-8" in _failure(tmp_path, "latin.txt", "caf\u00e9 said".encode("latin-1")).reason
    assert "too large" in _failure(tmp_path, "huge.txt", b"word. " * (MAX_ARTICLE_BYTES // 5)).reason
    missing = list(read_inputs([str(tmp_path / "nope.txt")]))[0]
    assert isinstance(missing, ReadFailure) and "no such file" in missing.reason
    (tmp_path / "emptydir").mkdir()
    nothing = list(read_inputs([str(tmp_path / "emptydir")]))[0]
    assert isinstance(nothing, ReadFailure) and "no .txt or .jsonl" in nothing.reason


def test_malformed_jsonl_lines_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "ok", "text": "Fine."}\n{not json\n{"id": "x"}\n[1, 2]\n')
    items = list(read_inputs([str(path)]))
    assert items[0].document == "ok"
    assert [(i.input, i.reason.split(" (")[0]) for i in items[1:]] == [
        (f"{path}:2", "malformed JSON"),
        (f"{path}:3", "record has no string field 'text'"),
        (f"{path}:4", "record is not a JSON object"),
    ]


def test_empty_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty article"):
        article_from_text("   ", "blank")


def test_a_sentence_opening_with_by_is_no_byline() -> None:
    """Review A3: "By Tuesday evening, ..." is a claim of the article, not a byline (nor its author)."""
    text = "Floods hit the north\nBy Tuesday evening, the minister said 200 people had died.\nBy Jane Doe, staff writer\nRoads closed."
    article = article_from_text(text, "a.txt")
    assert [text[a:b] for a, b in article.boilerplate] == ["By Jane Doe, staff writer"]
    assert article.author == "Jane Doe"
    for line in ("By March, prices had risen by a third.", "By then it was too late, officials said.",
                 "By John Smith said the plan would fail"):
        alone = article_from_text(line, "b.txt")
        assert alone.boilerplate == [] and alone.author is None, line


@pytest.mark.parametrize(
    ("line", "author"),
    [("By Lee Bon-young, Washington correspondent", "Lee Bon-young"), ("By Jane Doe and John Smith", "Jane Doe and John Smith"),
     ("By Maria de la Cruz | BBC News", "Maria de la Cruz"), ("By JOHN SMITH", "JOHN SMITH")],
)
def test_bylines_are_boilerplate_with_their_author(line: str, author: str) -> None:
    article = article_from_text(f"Headline\n{line}\nThe vote failed.", "a.txt")
    assert [article.text[a:b] for a, b in article.boilerplate] == [line]
    assert article.author == author
