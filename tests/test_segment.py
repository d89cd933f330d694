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
        # Review A11: a capital letter or a dotted acronym can end a sentence.
        ("He backed Plan B. The vote failed.", ["He backed Plan B.", "The vote failed."]),
        ("She was born in the U.S. Her father said so.", ["She was born in the U.S.", "Her father said so."]),
        ("He takes Vitamin C. Officials said it works.", ["He takes Vitamin C.", "Officials said it works."]),
        ("George W. Bush and Michael J. Fox met J. K. Rowling in the U.S. Capitol.",
         ["George W. Bush and Michael J. Fox met J. K. Rowling in the U.S. Capitol."]),
        ("The report was written by A. Smith, said Lyndon B. Johnson.", ["The report was written by A. Smith, said Lyndon B. Johnson."]),
        ("Costs rose to $375m. Analysts said so. He did not say St Mary's. Then he left.",
         ["Costs rose to $375m.", "Analysts said so.", "He did not say St Mary's.", "Then he left."]),
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
