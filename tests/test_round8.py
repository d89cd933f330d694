"""Round 8 of the who-said-what rules (issue 13), written reading the misses of the PolNeAR reading set
(``tests/data/polnear_read_resolution_judgements.jsonl``): relative pronouns point back to what they follow and
are never a source's name. Texts are composed here (no corpus text)."""

from __future__ import annotations

from attribution.link import ArticleIndex
from tests.test_issue13 import resolve


def test_whose_and_that_are_never_stored_as_a_name() -> None:
    text = ("Pastor Wendell Hoyt, a Toledo minister whose plan drew crowds, spoke on Monday. "
            "The agency released a memo in 2014 that would have shown the delay.")
    whose, that = resolve(text, [("whose", "plan", "drew crowds"), ("that", "would have shown", "the delay")])
    assert whose.entity == "Wendell Hoyt"
    assert that.entity is None  # a memo nobody names is no source, and never one called "That"


def test_a_relative_pronoun_after_a_description_is_what_the_description_resolves_to() -> None:
    text = ("The Harbour Growth Club attacked the plan in March. All told, the group, whose members met last week, "
            "says the fight is not over.")
    (found,) = resolve(text, [("whose members", "says", "the fight is not over")])
    assert found.entity == "Harbour Growth Club"


def test_an_appositive_that_a_place_heads_is_the_place() -> None:
    text = ("The ruling is a rebuke to Mississippi, a former Confederate state that has refused to follow the court. "
            "Officials were silent.")
    (found,) = resolve(text, [("that", "has refused", "to follow the court")])
    assert found.entity == "Mississippi"


def test_an_unknown_first_name_is_a_person_when_a_person_word_introduces_it() -> None:
    index = ArticleIndex("The Journal's deputy editor Bret Okonjo said so. Ronnie Vale, a poultry magnate who backs him.", [0, 48])
    people = {m.entity.name for m in index.mentions if m.entity.type == "person"}
    assert {"Bret Okonjo", "Ronnie Vale"} <= people


def test_a_bare_who_after_a_team_is_no_evidence_of_a_person() -> None:
    index = ArticleIndex("A move to Red Sharks Veracruz, who also expressed an interest, is possible.", [0])
    assert all(m.entity.type != "person" for m in index.mentions if "Veracruz" in m.entity.name)


def test_a_description_that_names_its_person_in_apposition_is_that_person() -> None:
    text = ("He tweeted that. A former Republican presidential candidate -- Walter Brandt, who lost the 2008 race to "
            "Obama -- said the plan failed.")
    (found,) = resolve(text, [("A former Republican presidential candidate -- Walter Brandt, who lost the 2008 race to Obama --",
                               "said", "the plan failed")])
    assert found.entity == "Walter Brandt"


def test_a_description_that_lists_people_in_apposition_is_the_group() -> None:
    text = "So they said. The three scholars - Mr. Tribe, Ms. Epstein and Mr. Amar - agreed there was time."
    (found,) = resolve(text, [("The three scholars - Mr. Tribe, Ms. Epstein and Mr. Amar -", "agreed", "there was time")])
    assert found.entity == "Tribe and Epstein and Amar"


def test_a_name_cut_inside_its_party_tag_still_counts() -> None:
    text = "It was dangerous. Another former lawmaker, Sen. Joe Lindqvist (I-Conn.), also said he would vote."
    (found,) = resolve(text, [("Another former lawmaker, Sen. Joe Lindqvist (I-Conn", "also said", "he would vote")])
    assert found.entity == "Joe Lindqvist"


def test_a_name_that_opens_the_span_keeps_its_own_reading() -> None:
    text = "Tony Blair, the prime minister, said the plan was right."
    (found,) = resolve(text, [("Tony Blair, the prime minister,", "said", "the plan was right")])
    assert found.entity == "Tony Blair"
