"""Round 15 of the who-said-what rules (issue 13): names the article gives in passing that the index missed, so that
a later "she" or "who" can mean them: a relative named by the first name alone ("Trump's wife, Melania"), a full
name with an unfamiliar first name that an appositive calls a consultant or a hacker, and the person a headline's
"Actor Who ..." introduces. Texts are composed here (no corpus text)."""

from __future__ import annotations

import pytest

from attribution.link import ArticleIndex, resolve_article
from attribution.segment import split_sentences
from tests.test_issue13 import resolve

FAMILY = (
    "Senator Tom Marlow and the mayor, Jane Kettle, spoke in Dayton on Monday. At the rally, Marlow's wife, Edith, "
    "was among the speakers. She told the crowd that her husband would win."
)


def test_a_relative_named_by_the_first_name_takes_the_owners_surname_and_the_relations_gender() -> None:
    index = ArticleIndex(FAMILY, [s.start for s in split_sentences(FAMILY)])
    edith = [m for m in index.mentions if FAMILY[m.position : m.end] == "Edith"]
    assert [m.entity.name for m in edith] == ["Edith Marlow"]
    assert index.gender["Edith Marlow"] == "female"


def test_she_after_a_relative_named_in_passing_is_that_relative() -> None:
    found = resolve(FAMILY, [("She", "told", "that her husband would win")])
    assert [a.entity for a in found] == ["Edith Marlow"]  # not Jane Kettle, the only woman named in full


def test_a_first_name_after_a_word_that_is_no_persons_surname_names_nobody() -> None:
    text = "Acme's son, Bobby, is a toy. Jane Kettle said it sold well."
    index = ArticleIndex(text, [s.start for s in split_sentences(text)])
    assert not any(m.entity.name.endswith("Acme") for m in index.mentions)


def test_an_appositive_that_calls_an_unfamiliar_name_a_consultant_makes_it_a_person() -> None:
    text = ("Voters in Ohio went to the polls on Tuesday. Barack Obama campaigned there last week. "
            "Tavish Ruskin, a Republican campaign consultant, doubted the polls. He said the race was close.")
    index = ArticleIndex(text, [s.start for s in split_sentences(text)])
    assert any(m.entity.name == "Tavish Ruskin" and m.entity.type == "person" for m in index.mentions)
    found = resolve(text, [("He", "said", "the race was close")])
    assert [a.entity for a in found] == ["Tavish Ruskin"]


def test_a_headlines_who_after_a_description_is_the_person_the_lead_names_with_it() -> None:
    text = ("Hollywood Actor Who Backed Ray Dunn Calls His Rival a Fraud\n\n"
            "Actor Tavish Ruskin says his choice for governor is the only honest man in the race. "
            "Ruskin, the younger brother of a film director, backed Dunn in November.")
    found = resolve(text, [("Who", "Calls", "His Rival a Fraud")])
    assert [a.entity for a in found] == ["Tavish Ruskin"]


def test_a_headlines_who_stays_unresolved_when_the_lead_names_nobody_so() -> None:
    text = ("Hollywood Actor Who Backed Ray Dunn Calls His Rival a Fraud\n\n"
            "Ray Dunn says the governor's race is close. Voters will decide in November.")
    found = resolve(text, [("Who", "Calls", "His Rival a Fraud")])
    assert found[0].entity != "Ray Dunn"  # the man backed is not the actor who backed him


def test_resolution_leaves_the_given_sentences_unchanged() -> None:
    """The relative the index reads is the resolver's own: the given attribution keeps no entity, the returned one
    names Edith Marlow (the pipeline's one-way data flow)."""
    from attribution.ingest import article_from_text
    from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan

    spans = split_sentences(FAMILY)
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(FAMILY), "context", 0.9) for i, s in enumerate(spans)]

    def at(part: str) -> TextSpan:
        return TextSpan(FAMILY.index(part), FAMILY.index(part) + len(part), part)

    given = Attribution(at("She"), at("told"), at("that her husband would win"), 0.9)
    sentences[-1].label, sentences[-1].attributions = "claim", [given]
    resolved = resolve_article(ArticleResult(article_from_text(FAMILY, "t"), sentences, "test"))
    assert resolved.sentences[-1].attributions[0].entity == "Edith Marlow"
    assert given.entity is None and sentences[-1].attributions == [given]


def test_the_misses_benchmark_places_a_judged_entity_by_how_the_index_reads_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import PROJECT

    monkeypatch.syspath_prepend(str(PROJECT / "benchmarks"))
    import resolution_misses

    text = ("Senator Tom Marlow spoke in Dayton. Jane Kettle, the mayor, listened. He said taxes would fall. "
            "She said they would not. Later Ann Brody arrived.")
    index = ArticleIndex(text, [s.start for s in split_sentences(text)])

    def place(pronoun: str, entity: str, at: str) -> str:
        return resolution_misses.judged_place({"pronoun": pronoun, "entity": entity, "start": text.index(at)}, index)

    assert place("he", "Tom Marlow", "He said") == "a candidate"
    assert place("he", "Jane Kettle", "He said") == "named before, but no fit"  # a woman, as the index reads her
    assert place("she", "Ann Brody", "She said") == "named only after"
    assert place("she", "Mary Sleet", "She said") == "never named"
    assert place("i", "Tom Marlow", "He said") == "a voice: I, you, we"
