"""Round 17 of issue 13: how the statement benchmark reads a judged statement's kind, and speakers read off the
rule-writing sets' wrong ones (a spokesman's quotation over sentences, a name closing a spokesman's description, a
time after a one-word name, a British city's club). Texts are composed here (no corpus text)."""

from __future__ import annotations

from types import ModuleType

import pytest

from attribution.link import parse_named, trim_name
from tests.test_issue13 import resolve


def _part(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_paraphrase_folded_with_the_quotation_after_it_takes_either_kind(statement_scorer: ModuleType) -> None:
    scorer = statement_scorer
    text = 'Mr Smith said the plan would fail. "It is a disaster for the town."'
    folded = (_part(text, "the plan would fail"), _part(text, "It is a disaster for the town."))
    assert scorer.is_mixed(text, folded)
    # the paraphrase alone is reported speech without quoted words: a claim, nothing else
    assert not scorer.is_mixed(text, folded[:1])


def test_a_quotation_over_sentences_is_a_quote_only(statement_scorer: ModuleType) -> None:
    scorer = statement_scorer
    text = 'Mr Smith said: "The plan will fail. It is a disaster for the town."'
    parts = (_part(text, "The plan will fail."), _part(text, "It is a disaster for the town."))
    assert not scorer.is_mixed(text, parts)


def test_reported_speech_with_quoted_words_inside_takes_either_kind(statement_scorer: ModuleType) -> None:
    scorer = statement_scorer
    text = 'Mr Smith said the plan was "a disaster" for the town.'
    assert scorer.is_mixed(text, (_part(text, 'the plan was "a disaster" for the town'),))


# --- the linker: speakers read off rule-writing sets' wrong speakers (texts composed here) ----------------------



def test_he_after_a_spokesmans_quotation_over_sentences_is_the_body_he_speaks_for() -> None:
    text = ('Dean Boyd of the customs agency said the gang had been caught. A spokesman for the Software Alliance said: '
            '"They did profit. They used very expensive servers." He said piracy cost the industry billions. '
            'He said the problem would not go away.')
    found = resolve(
        text, [("Dean Boyd of the customs agency", "said", "the gang had been caught"),
               ("A spokesman for the Software Alliance", "said", '"They did profit.'),
               ("He", "said", "piracy cost the industry billions"), ("He", "said", "the problem would not go away")],
        quoted=("They used very expensive servers",))
    # the quotation ends one sentence before the first "He", two after its cue; Dean Boyd spoke before it
    assert [a.entity for a in found] == ["Dean Boyd"] + ["Software Alliance"] * 3


def test_a_name_closing_a_spokesmans_description_is_the_person_whatever_the_first_name() -> None:
    boyd = parse_named("A spokesman for US Immigration, Customs and Enforcement, Dean Boyd")
    assert (boyd.name, boyd.type) == ("Dean Boyd", "person")
    titled = parse_named("A spokesman for the Home Office, Dean Boyd")
    assert titled.name == "Dean Boyd" and titled.affiliation is None  # a sentence's capital "A" is no body
    assert titled.role is not None and not titled.role.endswith(",")


@pytest.mark.parametrize("span, name", [("Castaignede ahead", "Castaignede"), ("Blair earlier", "Blair"),
                                        ("Reuters later this week", "Reuters"), ("Man Utd", "Man Utd")])
def test_a_time_after_a_one_word_name_is_no_part_of_it(span: str, name: str) -> None:
    assert trim_name(span) == name


def test_a_british_city_that_speaks_is_no_person_a_description_may_mean() -> None:
    text = ("Michael Owen has settled in well in Madrid. Recent speculation has linked Owen with a move back to England, "
            "with Newcastle expressing their interest, but the England striker said he is not ready to return home.")
    found = resolve(text, [("Newcastle", "expressing", "their interest"),
                           ("the England striker", "said", "he is not ready to return home")])
    assert [a.entity for a in found] == ["Newcastle", "Michael Owen"]


def test_a_body_that_speaks_again_after_others_has_no_spokesmans_chain() -> None:
    text = ('A spokesman for the Software Alliance said the firm would appeal. Mr Jones said the firm was wrong. '
            'Ms Lee said it was fine. Mr Brown said the law was clear. The Software Alliance lost the case on Monday. '
            '"We will fight on," it said. He said the ruling was unfair.')
    found = resolve(text, [("A spokesman for the Software Alliance", "said", "the firm would appeal"),
                           ("Mr Jones", "said", "the firm was wrong"), ("Ms Lee", "said", "it was fine"),
                           ("Mr Brown", "said", "the law was clear"), ("it", "said", '"We will fight on,"'),
                           ("He", "said", "the ruling was unfair")])
    assert found[-1].entity != "Software Alliance"  # the spokesman spoke five sentences and three speakers before


@pytest.mark.parametrize("mention", ["Mr Birmingham", "Ms Coventry"])
def test_a_titled_surname_that_is_also_a_city_is_a_person(mention: str) -> None:
    entity = parse_named(mention)
    assert (entity.name, entity.type) == (mention.split()[1], "person")


def test_a_pronoun_before_a_time_is_no_one_word_name() -> None:
    assert trim_name("He later") == "He later"  # left to the pronoun rules, never a person named "He"
