"""Resolution is one stage that returns new objects: continuations name the attribution they carry on by a key
that survives a later stage dropping attributions from a sentence, and no stage changes what it was given.
Texts are composed here (no corpus text)."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from attribution.ingest import article_from_text
from attribution.link import resolve_article
from attribution.pipeline import merge_continuations
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import split_sentences


def _at(text: str, part: str, after: int = 0) -> TextSpan:
    begin = text.index(part, after)
    return TextSpan(begin, begin + len(part), part)


def test_a_continuation_keeps_its_speaker_when_resolution_drops_an_earlier_attribution() -> None:
    # The first sentence's "quoting [unnamed officials]" is tagged as content too: resolution drops that
    # attribution, so the one the second sentence carries on moves from position 1 to 0 in its sentence.
    text = 'The Daily Ledger reported the plan would fail, quoting unnamed officials. "It is dead."'
    first, second = split_sentences(text)
    ledger, reported = _at(text, "The Daily Ledger"), _at(text, "reported")
    sentences = [
        SentenceResult(0, first.start, first.end, first.text_of(text), "claim", 0.9, [
            Attribution(ledger, reported, _at(text, "unnamed officials"), 0.9, key=(0, 0)),
            Attribution(ledger, reported, _at(text, "the plan would fail"), 0.9, key=(0, 1)),
        ]),
        SentenceResult(1, second.start, second.end, second.text_of(text), "quote", 0.9, [
            Attribution(ledger, reported, _at(text, '"It is dead."'), 0.8, resolution="continuation", continues=(0, 1), key=(1, 0)),
        ]),
    ]
    result = resolve_article(ArticleResult(article_from_text(text, "nested"), sentences, "test"))
    [carried_on] = result.sentences[0].attributions
    [continuation] = result.sentences[1].attributions
    assert carried_on.content is not None and carried_on.content.text == "the plan would fail"
    assert carried_on.via == "Daily Ledger" and carried_on.entity_type != "media"
    # the officials the paper quoted speak on in the next sentence, not the paper
    assert (continuation.entity, continuation.via, continuation.resolution) == (carried_on.entity, "Daily Ledger", "continuation")
    assert continuation.confidence == min(0.8, carried_on.confidence)


def test_continuations_name_the_key_of_the_attribution_they_carry_on() -> None:
    text = ('Andrew Marr said: "This is damaging. Gordon Brown knows it as well as Tony Blair. '
            'Things are difficult." Tony Blair said the claims were nonsense.')
    spans = split_sentences(text)
    parts = [("Andrew Marr", "said", '"This is damaging.'), ("Gordon Brown", "knows", "it as well as Tony Blair"),
             (None, None, 'Things are difficult."'), ("Tony Blair", "said", "the claims were nonsense")]
    sentences = [
        SentenceResult(i, s.start, s.end, s.text_of(text), "quote", 0.9,
                       [Attribution(_at(text, m, s.start) if m else None, _at(text, c, s.start) if c else None, _at(text, t, s.start), 0.9)])
        for i, (s, (m, c, t)) in enumerate(zip(spans, parts))
    ]
    merged = merge_continuations(sentences, text)
    keys = {a.key: a for s in merged for a in s.attributions}
    assert all(a.key == (s.index, n) for s in merged for n, a in enumerate(s.attributions))
    chain = [a for s in merged for a in s.attributions if a.continues is not None]
    assert chain and all(keys[a.continues].content == a.content for a in chain)  # type: ignore[index]


def test_the_stages_leave_what_they_are_given_as_it_is() -> None:
    text = ('"Rich countries give less. This must stop," Ann Holloway said. '
            '"Children pay. Leaders must act," she added. Mr Holloway said it was late.')
    spans = split_sentences(text)
    parts = [(None, None, '"Rich countries give less.'), ("Ann Holloway", "said", 'This must stop,"'),
             (None, None, '"Children pay.'), ("she", "added", 'Leaders must act,"'), ("Mr Holloway", "said", "it was late")]
    sentences = [
        SentenceResult(i, s.start, s.end, s.text_of(text), "quote", 0.9,
                       [Attribution(_at(text, m, s.start) if m else None, _at(text, c, s.start) if c else None, _at(text, t, s.start), 0.9)])
        for i, (s, (m, c, t)) in enumerate(zip(spans, parts))
    ]
    given = copy.deepcopy(sentences)
    merged = merge_continuations(sentences, text)
    assert sentences == given
    assert merged[0].attributions[0].content != sentences[0].attributions[0].content  # the chain was joined, anew
    result = ArticleResult(article_from_text(text, "s"), merged, "test")
    before = copy.deepcopy(result)
    resolved = resolve_article(result)
    assert result == before and not result.resolved
    assert resolved.sentences[1].attributions[0].entity == "Ann Holloway"
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolved.sentences[1].attributions[0].entity = "someone else"  # type: ignore[misc]
