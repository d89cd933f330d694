"""Round 18 (issue 13): where a quotation over several sentences ends.

BBC records lose their line breaks, and now and then a closing quotation mark; a quotation left open ran on
through the writer's next sentences and into the next speaker's quotation.  The texts here are made up.
"""

from __future__ import annotations

import re

import pytest

from attribution.ingest import article_from_text
from attribution.link import resolve_article
from attribution.pipeline import _span, is_statement, merge_continuations, trim_content
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import Span, split_sentences
from tests.test_issue13 import resolve

Tagged = tuple[str | None, str | None, str]


def _carried(text: str, tagged: dict[str, Tagged]) -> dict[str, Attribution]:
    """The tagger's output as given (``tagged``: words of a sentence -> its source, cue and content, each found as
    whole words in that sentence), carried through continuations and resolution; each sentence's first attribution."""
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), "quote", 0.9) for i, s in enumerate(split_sentences(text))]

    def span(part: str | None, sentence: SentenceResult) -> TextSpan | None:
        if part is None:
            return None
        found = re.compile(r"(?<!\w)" + re.escape(part) + r"(?!\w)").search(text, sentence.start, sentence.end)
        assert found is not None, part
        return TextSpan(found.start(), found.end(), part)

    for words, (source, cue, content) in tagged.items():
        sentence = next(s for s in sentences if words in s.text)
        sentence.attributions = [Attribution(span(source, sentence), span(cue, sentence), span(content, sentence), 0.9)]
    result = resolve_article(ArticleResult(article_from_text(text, "t"), merge_continuations(sentences, text), "test"))
    return {words: next(s for s in result.sentences if words in s.text).attributions[0] for words in tagged}


LOST_CLOSE = (
    'Arsenal beat Leeds on Sunday. Defender Ashley Cole said: "I have done it before. "Of course he will learn. '
    "I've been sent off a couple of times myself. Freddie Ljungberg is likely to play up front and will be partnered "
    'by a youngster. Gunners boss Arsene Wenger said: "Freddie is an option but we need a second striker." '
    "Arsenal are away next week."
)


def test_a_quotation_that_lost_its_closing_mark_ends_before_the_writers_sentence() -> None:
    found = _carried(LOST_CLOSE, {
        "I have done": ("Ashley Cole", "said", '"I have done it before.'),
        "Of course": (None, None, '"Of course he will learn.'),
        "Gunners boss": ("Gunners boss Arsene Wenger", "said", '"Freddie is an option but we need a second striker."'),
    })
    cole = found["I have done"]
    assert cole.entity == "Ashley Cole" and cole.content is not None
    # the speaker's own voice ('I've been sent off') is still his; the writer's sentence after it is not
    assert "sent off a couple of times myself." in cole.content.text
    assert "Ljungberg" not in cole.content.text and "Freddie is an option" not in cole.content.text
    wenger = found["Gunners boss"]
    assert wenger.entity == "Arsene Wenger" and wenger.content is not None
    assert wenger.content.text.startswith('"Freddie is an option')


def test_sentences_before_the_closing_mark_stay_inside_the_quotation() -> None:
    """The quotation closes later ('... considered," said Dr Avineri'): the sentence between, with no first person,
    is still the speaker's."""
    text = ('Dr Erel Avineri said: "The design is not adjusted to the elderly. The other issues are not the only ones '
            'that should be considered," said Dr Avineri. The study was published on Monday.')
    found = _carried(text, {"The design": ("Dr Erel Avineri", "said", '"The design is not adjusted to the elderly.')})
    content = found["The design"].content
    assert content is not None and content.text.endswith('should be considered,"')


def test_a_new_paragraph_with_its_own_clause_is_a_second_statement_of_the_same_speaker() -> None:
    """'Monfils said: "A. "B," he said.': the second paragraph closes with a clause of its own, a second act of
    saying; its "he" is Monfils, not Federer, whom the first paragraph named."""
    text = ('Gael Monfils beat Roger Federer in Rotterdam on Wednesday. Monfils said: "This is my first win over '
            'Roger Federer and I am delighted. "I play my best tennis when I am fired up," he said. He meets Safin next.')
    found = _carried(text, {
        "This is my": ("Monfils", "said", '"This is my first win over Roger Federer and I am delighted.'),
        "I play": ("he", "said", '"I play my best tennis when I am fired up,"'),
    })
    first, second = found["This is my"], found["I play"]
    assert first.content is not None and "fired up" not in first.content.text
    assert second.content is not None and second.content.text.startswith('"I play')
    assert (first.entity, second.entity) == ("Gael Monfils", "Gael Monfils")
    assert second.resolution == "pronoun"


def test_a_paragraph_that_carries_the_quotation_on_without_a_clause_stays_one_statement() -> None:
    text = ('Gael Monfils beat Roger Federer on Wednesday. Monfils said: "This is my first win over a top player. '
            '"I play my best tennis when I am fired up." He meets Safin next.')
    found = _carried(text, {"This is my": ("Monfils", "said", '"This is my first win over a top player.')})
    content = found["This is my"].content
    assert content is not None and content.text.endswith('when I am fired up."')


def test_a_paragraph_closed_by_its_own_clause_after_an_unattributed_one_is_its_own_statement() -> None:
    """'"A," he said. "B. "C," he said.': C closes with a clause of its own, a second act of saying, and B does
    not run into it; B, which named nobody, is credited to nobody else."""
    text = ('Carl Clump runs a fraud unit in Leeds. "Shops lose money every day," he said. "We have seen a rise in '
            'fraud this year. "Fraud does not just disappear, it moves on," he said. Retail sales fell.')
    found = _carried(text, {
        "Shops lose": ("he", "said", '"Shops lose money every day,"'),
        "We have seen": (None, None, '"We have seen a rise in fraud this year.'),
        "Fraud does": ("he", "said", '"Fraud does not just disappear, it moves on,"'),
    })
    opened, closed = found["We have seen"], found["Fraud does"]
    assert opened.content is not None and "Fraud does" not in opened.content.text
    assert opened.entity in (None, "Carl Clump")
    assert closed.content is not None and closed.content.text.startswith('"Fraud does')
    assert closed.entity == "Carl Clump"


@pytest.mark.parametrize(("cue", "content", "said"), [
    ("has attacked", 'positive discrimination, saying it is "outdated and unjust" for everyone',
     'it is "outdated and unjust" for everyone'),
    ("will argue against", "the plan saying that it would cost far too much", "it would cost far too much"),
    # a verb of saying keeps its content whole: "saying" is part of what was said
    ("said", "the minister had been saying she understood the problem", "the minister had been saying she understood the problem"),
])
def test_the_object_of_an_attack_is_no_part_of_what_was_said(cue: str, content: str, said: str) -> None:
    """'X attacked positive discrimination, saying it is "outdated"': what was said follows 'saying'."""
    text = f"Michael Howard {cue} {content}."
    span = trim_content(_span(text, text.index(content), text.index(content) + len(content)),
                        _span(text, text.index(cue), text.index(cue) + len(cue)), Span(0, len(text)), text)
    assert span is not None and span.text == said


@pytest.mark.parametrize(("cue", "content", "statement"), [
    ("has criticised", "the US-led tsunami aid coalition", False),
    ("have welcomed", "efforts to improve competitiveness and invest more in skills", False),
    ("attacked", "Tory plans to process asylum claims abroad", False),
    # someone's words as the object, a clause of what was said, a quotation, a pronoun opening a clause: reported
    ("has angrily rejected", "claims that she and her sister are a declining force", True),
    ("strongly reject", "the charges against their chairman", True),
    ("attacked", 'the plan as "a disgrace"', True),
    ("criticised", "it would cost too much", True),
    ("said", "the US-led tsunami aid coalition was too slow", True),
])
def test_a_verdict_on_something_with_nothing_said_is_no_statement(cue: str, content: str, statement: bool) -> None:
    text = f"The minister {cue} {content}."
    attribution = Attribution(TextSpan(0, 12, "The minister"), TextSpan(13, 13 + len(cue), cue),
                              TextSpan(14 + len(cue), 14 + len(cue) + len(content), content), 0.9)
    assert text[attribution.content.start : attribution.content.end] == content  # type: ignore[union-attr]
    assert is_statement(attribution) is statement


@pytest.mark.parametrize(("text", "statement", "speaker", "via", "said"), [
    ("News Corp is looking at games firms. The Financial Times reported that chief operating officer Peter Chernin said "
     "that News Corp is kicking the tyres of games companies.",
     ("The Financial Times", "reported", "chief operating officer Peter Chernin said that News Corp is kicking the tyres of games companies"),
     "Peter Chernin", "Financial Times", "News Corp is kicking the tyres of games companies"),
    ("Mark Oaten spoke on Sunday. The Conservatives said Mr Oaten had initially said he accepted Mr Blunkett's word on it.",
     ("The Conservatives", "said", "Mr Oaten had initially said he accepted Mr Blunkett's word on it"),
     "Mark Oaten", "Conservative Party", "he accepted Mr Blunkett's word on it"),
    # a relative clause is no nested report: "the figures [that] Gordon Brown said were wrong" stays the firm's
    ("Sales fell. The firm said the figures the Chancellor Gordon Brown said were wrong came from the Treasury.",
     ("The firm", "said", "the figures the Chancellor Gordon Brown said were wrong came from the Treasury"),
     "The firm", None, "the figures the Chancellor Gordon Brown said were wrong came from the Treasury"),
])
def test_a_nested_report_after_a_role_or_an_adverb_is_the_inner_speakers(
    text: str, statement: tuple[str, str, str], speaker: str, via: str | None, said: str
) -> None:
    found = resolve(text, [statement])[0]
    assert (found.entity, found.via) == (speaker, via)
    assert found.content is not None and found.content.text == said
