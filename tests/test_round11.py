"""Round 11 of the who-said-what rules (issue 13): who held an office when (``attribution/data/office_holders.json``)
and who ran a poll the source names. Texts are composed here (no corpus text)."""

from __future__ import annotations

import pytest

from attribution import link, offices
from attribution.results import TextSpan
from tests.test_issue13 import resolve

RALLY = ("Donald Trump held a rally in Ohio on Monday. Hillary Clinton was in Florida. "
         "The GOP nominee said the crowd was the biggest yet.")


def test_an_office_is_normalised_before_it_is_looked_up() -> None:
    assert offices.office_mention("The GOP nominee") == offices.OfficeMention("republican nominee", False)
    assert offices.office_mention("the Republican presidential front-runner") == offices.OfficeMention("republican front-runner", False)
    assert offices.office_mention("outgoing U.N. chief") == offices.OfficeMention("un chief", False)
    assert offices.office_mention("the former House Speaker") == offices.OfficeMention("house speaker", True)
    assert offices.office_mention("the president's party") is None  # the party, not the president
    # one of several in a primary: looked up (round 12's candidate lists), resolved only where the article names one
    assert offices.office_mention("the Democratic presidential candidate") == offices.OfficeMention("democratic candidate", False)
    assert offices.office_mention("the Democratic presidential candidates") is None  # several of them: no one holder
    assert offices.office_mention("President Obama") is None  # a name: resolved as a name


def test_the_holder_is_the_one_in_office_on_the_day() -> None:
    president = offices.office_mention("the president")
    assert president is not None
    assert [t.holder for t in offices.holders(president, "2016-06-09")] == ["Barack Obama"]
    assert [t.holder for t in offices.holders(president, "2018-03-01T10:00:00Z")] == ["Donald Trump"]
    assert len(offices.holders(president, None)) == len(offices.all_holders(president))  # no date: any of them
    assert len(offices.holders(president, "not a date")) == len(offices.all_holders(president))
    former = offices.office_mention("the former president")
    assert former is not None and "Barack Obama" not in [t.holder for t in offices.holders(former, "2016-06-09")]


def test_an_article_name_is_the_holder_by_surname_and_initial() -> None:
    assert offices.same_person("Joseph R. Biden Jr.", "Joe Biden")
    assert offices.same_person("Trump", "Donald Trump")
    assert not offices.same_person("Bill Clinton", "Hillary Clinton")
    assert not offices.same_person("Jeb Bush", "George W. Bush")


def test_the_nominee_is_the_holder_on_the_articles_date_when_the_article_names_him() -> None:
    (found,) = resolve(RALLY, [("The GOP nominee", "said", "the crowd was the biggest yet")], published="2016-08-01")
    assert (found.entity, found.resolution, found.confidence) == ("Donald Trump", "description", round(0.9 * link.CERTAINTY["known-holder"], 4))


def test_before_the_nomination_nobody_is_the_nominee() -> None:
    (found,) = resolve(RALLY, [("The GOP nominee", "said", "the crowd was the biggest yet")], published="2016-02-01")
    assert found.entity == "The GOP nominee"


def test_without_a_date_the_one_holder_the_article_names_is_meant() -> None:
    text = ("Barack Obama spoke at the summit. Reporters asked about trade. "
            "The president said the talks would go on.")
    (found,) = resolve(text, [("The president", "said", "the talks would go on")])
    assert found.entity == "Barack Obama"


def _index(text: str) -> link.ArticleIndex:
    """The index of a composed text whose sentences end in ". "."""
    return link.ArticleIndex(text, [0] + [i + 2 for i, _ in enumerate(text) if text[i : i + 2] == ". "])


def _holder(text: str, mention: str, published: str | None, found: link.Entity | None = None) -> link.Entity | None:
    """What the office-holder rule alone makes of ``mention`` (its last occurrence) in ``text``."""
    at = text.rindex(mention)
    return link._known_holder(TextSpan(at, at + len(mention), mention), _index(text), published, found)


def test_someone_else_given_the_office_leaves_the_office_unresolved() -> None:
    text = ("Israeli Prime Minister Benjamin Netanyahu met David Cameron in London. "
            "The prime minister said the meeting went well.")
    assert _holder(text, "The prime minister", "2015-03-01") is None  # Cameron held it that day, but which is meant?
    text = "Enrique Pena Nieto, the president of Mexico, met Barack Obama. The president said the meeting went well."
    assert _holder(text, "The president", "2016-06-09") is None
    text = "The president of the United States, Barack Obama, spoke. The president said the meeting went well."
    holder = _holder(text, "The president", "2016-06-09")
    assert holder is not None and holder.name == "Barack Obama"  # his own country's office is no other holder


def test_a_holder_the_article_never_names_is_not_guessed() -> None:
    text = "Senator Amy Kovach spoke on Monday. The president said the talks would go on."
    (found,) = resolve(text, [("The president", "said", "the talks would go on")], published="2016-06-09")
    assert found.entity == "The president"


def test_an_indefinite_office_is_someone_new() -> None:
    assert offices.office_mention("A president") is None
    text = "Barack Obama spoke at the summit. A president said the talks would go on."
    (found,) = resolve(text, [("A president", "said", "the talks would go on")], published="2016-06-09")
    assert found.entity == "A president"


def test_the_holder_is_the_very_name_not_a_son_who_shares_it() -> None:
    text = ("Donald Trump spoke in Ohio. Donald Trump Jr. spoke in Iowa. "
            "The GOP nominee said the crowd was the biggest yet.")
    (found,) = resolve(text, [("The GOP nominee", "said", "the crowd was the biggest yet")], published="2016-08-01")
    assert found.entity == "Donald Trump"


def test_an_office_the_article_gives_someone_stays_theirs() -> None:
    text = ("Former President Bill Clinton spoke in Ohio. George W. Bush stayed in Texas. "
            "The former president said the economy was strong.")
    (found,) = resolve(text, [("The former president", "said", "the economy was strong")], published="2016-08-01")
    assert found.entity == "Bill Clinton"
    clinton = link.Entity("Bill Clinton", "person", role="Former President")
    assert _holder(text, "The former president", "2016-08-01", clinton) is None  # the rules' answer stands


def test_a_person_the_article_gives_another_office_is_not_the_holder() -> None:
    text = "Chancellor Gordon Brown set out his budget. The prime minister said taxes would fall."
    assert _holder(text, "The prime minister", None) is None  # Brown was prime minister once, not here
    text = "Gordon Brown set out his budget. Angela Merkel called him. The chancellor said taxes would fall."
    holder = _holder(text, "The chancellor", "2006-03-01")
    assert holder is not None and holder.name == "Gordon Brown"  # "the chancellor" alone is the British one


def test_a_past_holder_is_nobody_who_holds_the_office_that_day() -> None:
    former = offices.office_mention("the ex-president")
    assert former == offices.OfficeMention("president", True)
    assert "Donald Trump" not in [t.holder for t in offices.holders(former, "2025-06-01")]
    assert "Donald Trump" in [t.holder for t in offices.holders(former, "2023-06-01")]


def test_a_named_poll_speaks_for_whoever_ran_it() -> None:
    text = ("A Monmouth University poll of voters was released on Monday. "
            "The Monmouth poll found that most voters want change.")
    (found,) = resolve(text, [("The Monmouth poll", "found", "that most voters want change")])
    assert found.entity == "Monmouth University"
    text = "A new YouGov survey found that turnout would be high."
    (found,) = resolve(text, [("A new YouGov survey", "found", "that turnout would be high")])
    assert found.entity == "YouGov"


def test_a_poll_named_by_an_acronym_is_the_body_it_stands_for() -> None:
    text = ("The Public Policy Institute of California (PPIC) asked 1,000 adults. "
            "The PPIC survey showed that support was falling.")
    (found,) = resolve(text, [("The PPIC survey", "showed", "that support was falling")])
    assert found.entity == "Public Policy Institute of California"


def test_a_poll_named_for_a_month_a_nickname_or_a_person_has_no_pollster() -> None:
    assert link._NAMED_POLL.match("The poll") is None
    text = "Hillary Clinton led in Iowa. The Clinton poll showed that she was ahead."
    index = link.ArticleIndex(text, [0, 25])
    assert link._poll_producer("The Clinton poll", index) is None  # a surname: her campaign's? not a pollster
    assert link._poll_producer("an April survey", index) is None
    assert link._poll_producer("The Q poll", index) is None


def test_a_former_holder_is_the_one_past_holder_the_article_names() -> None:
    text = ("Donald Trump campaigned in Iowa on Monday. Newt Gingrich stood beside him. Paul Ryan stayed in Washington. "
            "The former House Speaker said the party must unite.")
    (found,) = resolve(text, [("The former House Speaker", "said", "the party must unite")], published="2016-03-01")
    assert found.entity == "Newt Gingrich"  # not Paul Ryan, the speaker that day, nor Trump, the man in focus


def test_a_poll_an_outlet_commissioned_stays_the_source() -> None:
    text = "The BBC asked 1,000 voters. The BBC poll found that trust mattered less than expected."
    (found,) = resolve(text, [("The BBC poll", "found", "that trust mattered less than expected")])
    assert found.entity == "BBC poll"


def test_a_poll_named_for_a_place_a_party_or_a_body_of_state_has_no_pollster() -> None:
    index = link.ArticleIndex("Voters were asked.", [0])
    for mention in ("a new Iowa poll", "The U.S. poll", "The Republican poll", "The Senate poll", "The Jan. poll"):
        assert link._poll_producer(mention, index) is None, mention


def test_judge_agreement_counts_named_referents_the_second_judge_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import PROJECT

    monkeypatch.syspath_prepend(str(PROJECT / "benchmarks"))
    import judge_agreement

    def row(start: int, kind: str, entity: str, named: bool = True) -> dict:
        return {"article": "a", "start": start, "end": start + 2, "kind": kind, "entity": entity, "named": named}

    first = {(r["article"], r["start"], r["end"]): r for r in [
        row(0, "pronoun", "Hillary Clinton"), row(10, "pronoun", "Bernie Sanders"), row(20, "description", "Clinton campaign"),
        row(30, "description", "polls", named=False), row(40, "name", "Ted Cruz"), row(50, "pronoun", "Jeb Bush")]}
    second = {(r["article"], r["start"], r["end"]): r for r in [
        row(0, "pronoun", "Clinton"), row(10, "pronoun", "Martin O'Malley"), row(20, "description", "campaign", named=False),
        row(30, "description", "Gallup"), row(40, "name", "Cruz")]}  # the mention at 50 was not judged twice
    tally = judge_agreement.agreement(first, second)
    assert (tally[("pronoun", "named")], tally[("pronoun", "agree")], tally[("pronoun", "another entity")]) == (2, 1, 1)
    assert (tally[("description", "named")], tally[("description", "second leaves it unnamed")]) == (1, 1)
    assert tally[("description", "unnamed, second names it")] == 1
    assert ("name", "named") not in tally  # names are not what the resolver is measured on


def test_the_poll_is_whoever_ran_the_poll_just_named() -> None:
    text = ("A new Quinnipiac University poll was released on Tuesday. It asked 1,200 voters in Ohio. "
            "The poll found that the race was tied.")
    (found,) = resolve(text, [("The poll", "found", "that the race was tied")])
    assert found.entity == "Quinnipiac University"


def test_the_poll_after_an_outlets_poll_an_unnamed_one_or_long_after_has_no_pollster() -> None:
    def before(text: str) -> link.Entity | None:
        return link._poll_named_before("The poll", text.rindex("The poll"), _index(text))

    assert before("Monday\u2019s CBS poll was released late. The poll found that the race was tied.") is None
    assert before("A Gallup poll was out in May. Voters were asked. Then came the conventions. Turnout rose. "
                  "The poll found that the race was tied.") is None  # four sentences back: which poll is meant?
    assert before("A Quinnipiac poll came out on Monday. But another poll, by a Democratic group, disagreed. "
                  "The poll found that the race was tied.") is None  # the last poll spoken of is named for nobody
    assert before("Support fell, said Obama\n\nThe Quinnipiac poll came out. The poll found that the race was tied.") == (
        link.Entity("Quinnipiac", "organization"))  # a name never runs over a line break


def test_a_title_case_headline_gives_only_the_names_the_body_writes() -> None:
    text = ("Dana Whitlock Visit To Harbor Memorial Brings Allegations Of Pandering\n\n"
            "Wherever Dana Whitlock goes, the cameras follow. Critics accused Whitlock of staging it.\n\n"
            "She also said the visit was private.")
    index = link.ArticleIndex(text, [0, text.index("Wherever"), text.index("Critics"), text.index("She")])
    names = {m.entity.name for m in index.mentions}
    assert "Dana Whitlock" in names
    assert not any("Memorial" in name or "Wherever" in name for name in names)
    (found,) = resolve(text, [("She", "also said", "the visit was private")])
    assert found.entity == "Dana Whitlock"


def test_a_sentence_case_headline_and_a_glued_one_keep_their_runs() -> None:
    assert link._title_case_headline_end("Clinton plan for taxes is expansive\n\nThe plan ...") == 0
    assert link._title_case_headline_end("Visa Program Up for Renewal Amid Allegations of Fraud\n\nThe program") > 0
    assert link._title_case_headline_end("UK heading wrong way - Howard Tony Blair has failed, Michael Howard said.") == 0  # no line
    assert link._title_case_headline_end("Donald Trump and Hillary Clinton met Monday.\nTrump said it went well.") == 0  # no blank line


def test_a_capitalised_opener_before_a_first_name_is_no_part_of_the_name() -> None:
    text = "Whenever Bernie Sanders speaks, crowds gather. Senator Hillary Clinton spoke later."
    names = {m.entity.name for m in link.ArticleIndex(text, [0, text.index("Senator")]).mentions}
    assert "Bernie Sanders" in names and "Hillary Clinton" in names
    assert not any(name.startswith(("Whenever", "Senator")) for name in names)


def test_justice_is_a_title_before_a_judges_name() -> None:
    text = "Justice Sonia Sotomayor wrote the dissent. Justice Clarence Thomas agreed with the ruling."
    names = {m.entity.name for m in link.ArticleIndex(text, [0, text.index("Justice Clarence")]).mentions}
    assert {"Sonia Sotomayor", "Clarence Thomas"} <= names
    assert link.parse_named("Justice Department").type == "government"  # a body, not a person
    assert link.parse_named("Justice Democrats").type != "person"  # a group: no person "Democrats"


def test_an_office_the_rules_left_unnamed_is_the_one_holder_an_undated_article_names() -> None:
    text = ("Howard backs research Michael Howard has backed the research, saying people need not fear it. "
            "The issue came up in the US election. But the Tory leader argued there was a moral case for it.")
    (found,) = resolve(text, [("the Tory leader", "argued", "there was a moral case for it")])
    assert (found.entity, found.confidence) == ("Michael Howard", round(0.9 * link.CERTAINTY["known-holder"], 4))


def test_a_pronoun_nobody_near_fits_is_the_person_of_that_gender_named_further_back_at_low_confidence() -> None:
    text = ("Mary Corlett won the vote on Monday. The board met. Members spoke. The weather was bad. Trains were late. "
            "Roads shut. Schools closed. Shops stayed open. She said the result was fair.")
    (found,) = resolve(text, [("She", "said", "the result was fair")])
    assert (found.entity, found.resolution, found.confidence) == ("Mary Corlett", "pronoun", round(0.9 * link.CERTAINTY["pronoun-far"], 4))
    text = text.replace("Mary Corlett", "Mark Corlett")
    (found,) = resolve(text, [("She", "said", "the result was fair")])
    assert found.entity is None  # nobody of that gender: unresolved, never the man


def test_people_listed_in_apposition_with_where_they_work_are_the_group() -> None:
    text = ("In a recent study, three economists -- Dana Autry at the Massachusetts Institute of Technology, Mark Dorne "
            "at the University of Zurich and Gordon Hale at the University of California, San Diego -- raised a "
            "challenge. They examined the experience of towns hit by imports.")
    mention = text[text.index("three economists") : text.index(" -- raised")]
    first, second = resolve(text, [(mention, "raised", "a challenge"), ("They", "examined", "the experience of towns hit by imports")])
    assert first.entity == second.entity == "Dana Autry and Mark Dorne and Gordon Hale"  # not "San Diego"
