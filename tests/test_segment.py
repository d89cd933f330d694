"""Sentence segmentation on hand-written cases; offsets always index the original text."""

import pytest

from attribution.segment import split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for s in spans:
        assert text[s.start : s.end] == s.text_of(text)
    return [s.text_of(text) for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. officials met on Sept. 3 with Gov. Ray. Dr. Lee spoke.", ["U.S. officials met on Sept. 3 with Gov. Ray.", "Dr. Lee spoke."]),
        ('He said, "We will win." Then he left.', ['He said, "We will win."', "Then he left."]),
        ("\u201cWe will win.\u201d Then he left.", ["\u201cWe will win.\u201d", "Then he left."]),
        ("Storm hits coast\nThe storm arrived at dawn. Roads closed.", ["Storm hits coast", "The storm arrived at dawn.", "Roads closed."]),
        ("By Jane Doe, staff writer\n\nPhoto: the harbour at night (Reuters)\nIt rained.", ["By Jane Doe, staff writer", "Photo: the harbour at night (Reuters)", "It rained."]),
        ("Is it over? Yes! It is.", ["Is it over?", "Yes!", "It is."]),
        ("John F. Kennedy spoke in the U.S. Senate.", ["John F. Kennedy spoke in the U.S. Senate."]),
        ("Prices rose 3.5 percent. Sales fell.", ["Prices rose 3.5 percent.", "Sales fell."]),
    ],
)
def test_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_offsets_survive_leading_space_and_paragraphs() -> None:
    text = "  First one.  \n\n\tSecond one. Third."
    spans = split_sentences(text)
    assert [(s.start, s.end) for s in spans] == [(2, 12), (17, 28), (29, 35)]


def test_lines_without_letters_are_not_sentences() -> None:
    assert sentences("***\n---\nReal text.") == ["Real text."]
