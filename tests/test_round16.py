"""Round 16 of the who-said-what rules (issue 13): speakers a high-confidence statement credited to the wrong
name. A name inside a relative clause between the subject and the cue is no speaker ("The actor, whose films
include ... The Phantom Menace, said"); "Mr Begg's father, Azmat," is Azmat Begg; "the state's Republican governor"
is no statement of the state. Texts are composed here (no corpus text)."""

from __future__ import annotations

import pytest

from attribution.model import SentencePrediction, SpanPrediction
from attribution.pipeline import group_spans
from attribution.segment import Span
from tests.test_issue13 import resolve


def _attribution_of(text: str, source: str, cue: str = "said"):
    """What group_spans makes of a sentence where the model marked ``source``, ``cue`` and the quotation after it."""
    content = text.index('"')

    def span(part: str, label: str, start: int = 0) -> SpanPrediction:
        begin = text.index(part, start)
        return SpanPrediction(label, begin, begin + len(part), 0.9)

    prediction = SentencePrediction("quote", 0.9, [span(source, "SOURCE"), span(cue, "CUE", text.index(source) + len(source)),
                                                   SpanPrediction("CONTENT", content, len(text), 0.9)])
    (attribution,) = group_spans(Span(0, len(text)), text, prediction)
    return attribution


ACTOR = ('The Tony-winning actor, whose films include Dark Harbour, Tom Reed and Star Hunt: The Lost Fleet, said: '
         '"The theatre gave me my start."')


def test_a_name_inside_a_relative_clause_before_the_cue_is_not_the_speaker() -> None:
    attribution = _attribution_of(ACTOR, "The Lost Fleet")
    assert attribution.source is not None
    assert attribution.source.start == 0 and attribution.source.text.startswith("The Tony-winning actor, whose films")
    assert attribution.source.end == ACTOR.index(", said")


def test_a_source_the_model_starts_at_the_relative_pronoun_takes_the_subject_before_it() -> None:
    text = 'The Drifter, whose real name is Carl Boone, told a news conference: "I want to apologise."'
    attribution = _attribution_of(text, "whose real name is Carl Boone", cue="told")
    assert attribution.source is not None and attribution.source.text.startswith("The Drifter, whose")


@pytest.mark.parametrize("text, source", [
    # the model's source already starts with the subject: left as it is
    ('Mr Cook, who is giving evidence to the inquiry, said: "Turnout matters."', "Mr Cook, who is giving evidence to the inquiry"),
    # no comma closes a clause right before the cue: the name is the subject of its own clause
    ('Fans who met Tom Reed said: "He was kind."', "Tom Reed"),
    # a clause of a thing, not a person ("which"): not this rule's
    ('The report, which Tom Reed wrote, said: "Costs will rise."', "Tom Reed"),
    # the clause ended before the source, which is the subject of a clause of its own
    ('John Smith, who founded the firm, has stepped down and its chairman, Peter Jones, said: "He will be missed."', "Peter Jones"),
    ('Police, who were called at 10pm, found the body, and a neighbour, Ann Lee, said: "It was awful."', "a neighbour, Ann Lee"),
])
def test_other_sources_are_left_as_the_model_marked_them(text: str, source: str) -> None:
    attribution = _attribution_of(text, source)
    assert attribution.source is not None and attribution.source.text == source


def test_the_subject_of_the_relative_clause_resolves_to_the_person_the_article_names() -> None:
    text = ("Hollywood star Liam Carver has backed a theatre appeal. " + ACTOR)
    sentence = text.index("The Tony-winning")
    found = resolve(text, [(text[sentence : text.index(", said")], "said", '"The theatre gave me my start."')])
    assert [a.entity for a in found] == ["Liam Carver"]  # not "Lost Fleet"


@pytest.mark.parametrize("title", ["Mr ", "Dr ", ""])
def test_a_relative_named_by_the_first_name_after_a_titled_surname_takes_the_surname(title: str) -> None:
    text = (f"Moazzam Rahim was freed on Tuesday. {title}Rahim's father, Azmat, said he had been told he could see "
            "his son for 20 minutes.")
    found = resolve(text, [(f"{title}Rahim's father, Azmat", "said", "he had been told")])
    assert [a.entity for a in found] == ["Azmat Rahim"]


@pytest.mark.parametrize("owner", ["state", "county", "province"])
def test_a_role_the_state_gives_is_no_statement_of_the_state(owner: str) -> None:
    text = (f"Voters in Georgia went to the polls on Tuesday. The {owner}'s Republican governor said the count was fair.")
    (found,) = resolve(text, [(f"The {owner}'s Republican governor", "said", "the count was fair")])
    assert found.entity not in ("Georgia", f"The {owner}")  # the governor speaks, not the place


def test_a_rival_far_less_salient_leaves_the_pronoun_sure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reed, the subject named twice, is far more salient than Hale, named once as an object: "He" is Reed and Hale is
    no competing antecedent; counted as one, the statement's confidence would carry the competing certainty."""
    import attribution.link as link

    text = "Tom Reed said taxes would fall. Reed met Jim Hale on Monday. He said the plan would pass."
    (sure,) = resolve(text, [("He", "said", "the plan would pass")])
    assert sure.entity == "Tom Reed" and sure.confidence == round(0.9 * link.CERTAINTY["pronoun"], 4)
    monkeypatch.setattr(link, "CLEAR_LEAD", 1e9)  # any rival at all competes
    (guess,) = resolve(text, [("He", "said", "the plan would pass")])
    assert guess.entity == "Tom Reed" and guess.confidence == round(0.9 * link.CERTAINTY["pronoun-competing"], 4)


@pytest.mark.parametrize("text", [
    "John Smith met Peter Jones. He said the plan would pass.",  # the subject counts double: exactly twice, a guess
    ("Tom Reed said taxes would fall. Reed said spending would rise. Reed told reporters the plan was sound. "
     "Jim Hale sat beside him. He said the plan would pass."),
])
def test_a_rival_about_as_salient_keeps_the_pronoun_a_guess(text: str) -> None:
    import attribution.link as link

    (found,) = resolve(text, [("He", "said", "the plan would pass")])
    assert found.confidence == round(0.9 * link.CERTAINTY["pronoun-competing"], 4)


def test_these_officials_are_the_unnamed_group_just_quoted() -> None:
    text = ("Kim will travel to Russia, according to a New York Times story quoting unnamed sources from the US and its "
            "allies. The trip would be his first abroad since 2019. On Monday, the Times reported that Kim would go by "
            "train, citing these officials.")
    found = resolve(text, [("unnamed sources from the US and its allies", "quoting", "Kim will travel to Russia"),
                           ("these officials", "citing", "Kim would go by train")])
    assert [a.entity for a in found] == ["Unnamed sources from the US and its allies"] * 2


def test_these_officials_with_no_group_just_named_stay_as_written() -> None:
    text = ("Kim will travel to Russia. The trip would be his first abroad since 2019. It will be long. "
            "On Monday, the Times reported that Kim would go by train, citing these officials.")
    (found,) = resolve(text, [("these officials", "citing", "Kim would go by train")])
    assert found.entity == "These officials"


@pytest.mark.parametrize("other", ["Some analysts", "Local residents"])
def test_these_officials_are_never_another_group(other: str) -> None:
    text = f"Unnamed officials said the talks had stalled. {other} said a deal was possible. These officials said the gap was wide."
    found = resolve(text, [("Unnamed officials", "said", "the talks had stalled"), (other, "said", "a deal was possible"),
                           ("These officials", "said", "the gap was wide")])
    assert [a.entity for a in found] == ["Unnamed officials", other, "Unnamed officials"]
