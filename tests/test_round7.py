"""Round 7 of the who-said-what rules (issue 13), written reading the misses of a PolNeAR reading set judged
blind (``tests/data/polnear_read_resolution_judgements.jsonl``): epithets for the person just quoted,
party-state tags, documents known by their producer. Texts are composed here (no corpus text)."""

from __future__ import annotations

import pytest

from attribution.link import named_works
from tests.test_issue13 import resolve


def test_an_epithet_continues_the_person_just_quoted_not_someone_he_named() -> None:
    text = ('Ambassador Joan Pelham spoke on Monday. She said: "Everyone cuts their ties, unless your name is Gerald Voss. '
            'Gerald Voss never did. Voss is different." The former ambassador also said the rules were clear.')
    she, found = resolve(text, [("She", "said", "Everyone cuts their ties, unless your name is Gerald Voss."),
                                ("The former ambassador", "also said", "the rules were clear")])
    assert she.entity == found.entity == "Joan Pelham"
    assert found.resolution == "description"


def test_a_go_between_is_never_taken_for_the_person_just_quoted() -> None:
    text = "Gerald Voss said the plan would work. The aide said the talks had stalled."
    (found,) = resolve(text, [("The aide", "said", "the talks had stalled")])
    assert found.entity != "Gerald Voss"


def test_a_party_state_tag_lets_the_state_description_find_the_lawmaker() -> None:
    text = ('Gerald Voss said the speech was weak. Sen. Martin Okafor, R-Fla., said the plan failed. '
            'Nothing in it "will calm anyone," the Florida senator said.')
    (found,) = resolve(text, [("the Florida senator", "said", "will calm anyone")])
    assert found.entity == "Martin Okafor"


def test_a_description_with_a_party_nobody_is_given_stays_unnamed() -> None:
    text = 'Gerald Voss, a strategist, said the ads were working. The GOP nominee said he would win the state.'
    (found,) = resolve(text, [("The GOP nominee", "said", "he would win the state")])
    assert found.entity == "The GOP nominee"  # no guess: nobody here is called a Republican


def test_a_new_poll_is_the_poll_the_next_sentence_names() -> None:
    text = ("Clinton leads the race, according to a new poll. The survey, conducted by the Coastal Policy Institute, "
            "finds a close contest. The poll also shows a gender gap.")
    first, second, third = resolve(text, [("a new poll", "according to", "Clinton leads the race"),
                                          ("The survey, conducted by the Coastal Policy Institute", "finds", "a close contest"),
                                          ("The poll", "also shows", "a gender gap")])
    assert first.entity == second.entity == third.entity == "Coastal Policy Institute survey"


def test_a_poll_named_later_in_the_article_is_not_taken_for_an_old_one() -> None:
    text = ("Clinton leads the race, according to a new poll. Voters were split. Turnout was low. Crowds were thin. "
            "A Harbour University poll last month found the opposite.")
    (found,) = resolve(text, [("a new poll", "according to", "Clinton leads the race")])
    assert found.entity == "A new poll"  # four sentences on: too far to be the same poll


@pytest.mark.parametrize(("text", "works"), [
    ("a poll conducted by Quinnipiac University shows", ["Quinnipiac University poll"]),
    ("the survey, released by the Pew Research Center, found", ["Pew Research Center survey"]),
    # a bare "by" or "from" is too loose (a report "from" one firm may cite another's study): no producer
    ("A study by analysts Jupiter Research suggested it.", []),
    ("a report from Nielsen showed", []),
])
def test_documents_known_by_their_producer(text: str, works: list[str]) -> None:
    assert [name for _, _, name in named_works(text)] == works


@pytest.mark.parametrize(("mention", "expected"), [
    ("The two", {"Nora Quill", "Peter Hale"}),
    ("Both men", {"Nora Quill", "Peter Hale"}),
])
def test_a_counted_group_is_the_people_the_last_sentences_were_about(mention: str, expected: set[str]) -> None:
    text = (f"Nora Quill met Peter Hale in Ohio on Monday. Quill spoke first and Hale answered. "
            f"{mention} said the talks had gone well.")
    (found,) = resolve(text, [(mention, "said", "the talks had gone well")])
    assert found.entity is not None and set(found.entity.split(" and ")) == expected


def test_a_count_that_does_not_match_is_no_group() -> None:
    text = "Nora Quill met Peter Hale on Monday. All three said the talks had gone well."
    (found,) = resolve(text, [("All three", "said", "the talks had gone well")])
    assert found.entity is None or " and " not in found.entity  # only two people named: no guess at a third


@pytest.mark.parametrize("between", [", a longtime Club for Growth donor", ", a star anchor at Fox News", " (R-Idaho), an early endorser,"])
def test_who_after_an_appositive_is_the_person_it_describes(between: str) -> None:
    text = f"Donors included Mark Dalton and Robert Ames{between} who backs the senator, officials said."
    (found,) = resolve(text, [("who", "backs", "the senator")])
    assert found.entity == "Robert Ames"
