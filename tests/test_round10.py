"""Round 10 of the who-said-what rules (issue 13), written reading the misses of the PolNeAR reading sets
(``tests/data/polnear_read*_resolution_judgements.jsonl``). Texts are composed here (no corpus text)."""

from __future__ import annotations

from attribution import link
from tests.test_issue13 import resolve
from tests.test_round6 import _trimmed


def test_a_state_of_two_words_describes_the_person_the_article_gives_it() -> None:
    text = ("New Jersey Gov. Carl Brixton and Sen. Dana Welk met voters on Sunday. Welk spoke about taxes first. "
            "Then the New Jersey governor said the plan was a gimmick.")
    (found,) = resolve(text, [("the New Jersey governor", "said", "the plan was a gimmick")])
    assert found.entity == "Carl Brixton"


def test_a_state_of_two_words_is_one_qualifier() -> None:
    assert link._qualifiers(["New", "Hampshire"]) == {"new hampshire"}
    assert link._qualifiers(["GOP", "North", "Carolina"]) == {"republican", "north carolina"}
    assert link._qualifiers(["New", "Labour"]) is None  # "New" alone is no state
    assert link.mention_kind("The New Jersey governor") == "description"


def test_a_role_once_held_is_a_description_of_the_person_just_quoted() -> None:
    text = ("\u201cI think voters will look at the full picture,\u201d Hanna Corley told reporters. "
            "The former secretary of state has long maintained that she complied with the rules.")
    (found,) = resolve(text, [("The former secretary of state", "has long maintained", "that she complied with the rules")])
    assert found.entity == "Hanna Corley"


def test_a_role_once_held_with_a_party_word_is_the_person_just_quoted() -> None:
    text = ("Republican Ben Harlow spoke on Monday. "
            "\u201cThey have to stop and listen,\u201d the retired surgeon told a radio station. "
            "The former Republican presidential candidate continued, saying the economy came first.")
    (found,) = resolve(text, [("The former Republican presidential candidate", "continued, saying", "the economy came first")])
    assert found.entity == "Ben Harlow"


def test_a_role_once_held_is_never_a_name_and_a_present_office_stays_an_office() -> None:
    assert link.mention_kind("the former secretary of state") == "description"
    assert link.mention_kind("the former Republican presidential candidate") == "description"
    assert link.mention_kind("the former Secretary of State John Kerry") == "named"  # a name follows: the person named
    assert not link._past_holder("the secretary of state".split())  # no "former": today's holder, not a guess


def test_a_pronoun_in_the_clause_before_a_role_once_held_tells_its_gender() -> None:
    text = ("\u201cThis is not what America is about,\u201d Bernard Sallow said. It was a contrast to Hanna Corley. "
            "Reprising one of her favorite lines, the former secretary of state talked about progress.")
    quoted, found = resolve(text, [("Bernard Sallow", "said", "This is not what America is about,"),
                                   ("the former secretary of state", "talked about", "progress")])
    assert (quoted.entity, found.entity) == ("Bernard Sallow", "Hanna Corley")  # not the man just quoted


def test_an_unnamed_role_holder_is_the_person_the_article_names_with_that_role() -> None:
    text = ("The emails were withheld, according to a report from the State Department's inspector general. "
            "The department did not respond. The State Department inspector general, Steve Lanick, declined to comment.")
    (found,) = resolve(text, [("the State Department's inspector general", "according to", "The emails were withheld")])
    assert found.entity == "Steve Lanick"


def test_a_role_that_only_shares_words_with_a_name_s_context_stays_unnamed() -> None:
    text = ("A State Department spokesman said the review was routine. "
            "Department officials met Steve Lanick, who works in the State Department, on Monday.")
    (found,) = resolve(text, [("A State Department spokesman", "said", "the review was routine")])
    assert found.entity != "Steve Lanick"
    assert link._role_tokens("the State Department's inspector general") == ["state", "department", "inspector", "general"]


def _only_person(text: str, pronoun_at: str) -> str | None:
    """``_only_person_before`` on the text's three sentences (each test text opens its second with "And while")."""
    index = link.ArticleIndex(text, [0, text.index("And while"), text.index(pronoun_at)])
    position = text.index(pronoun_at)
    found = link._only_person_before(pronoun_at.split()[0].lower(), position, index, None)
    return found.name if found is not None else None


def test_a_he_opening_its_sentence_is_the_one_person_the_sentence_before_names() -> None:
    text = ("\u201cThe House and the Senate have to come together,\u201d said Senator Lionel Grahn. "
            "And while Mr. Rayne's positions remain popular, they are out of step with the voters. "
            "He remains a proponent of changes to the tax code.")
    assert _only_person(text, "He remains") == "Rayne"
    two = text.replace("with the voters", "with Sen. Tom Barker's voters")
    assert _only_person(two, "He remains") is None  # two men named: no guess here
    her = text.replace("Mr. Rayne's", "Ms. Rayne's")
    assert _only_person(her, "He remains") is None  # a woman is no "he"


def test_a_he_whose_quotation_talks_about_the_person_the_sentence_before_names_is_someone_else() -> None:
    text = ("Rafa Benitoz hailed the crowd. The Reds scored three goals, capped by Steven Gerrit's drive. "
            "He added: \u201cSteven can play all over the pitch.\u201d")
    starts = [0, text.index("The Reds"), text.index("He added")]
    index = link.ArticleIndex(text, starts)
    content = (text.index("Steven can"), len(text) - 1)
    assert link._only_person_before("he", text.index("He added"), index, content) is None
    assert link._only_person_before("he", text.index("He added"), index, None) is not None


def test_a_he_after_a_sentence_opened_by_an_unnamed_description_is_not_the_person_it_names() -> None:
    text = ("\u201cVoters will see it,\u201d said Glen Bexley. "
            "The radio talker has filled his speeches for Ted Cruise with religious imagery. "
            "He has declared the senator anointed.")
    _, found = resolve(text, [("Glen Bexley", "said", "Voters will see it"), ("He", "has declared", "the senator anointed")])
    assert found.entity != "Ted Cruise"


def test_a_description_before_or_after_a_body_s_name_is_no_part_of_it() -> None:
    for written, name, kind in [
        ("UK think-tank Demos", "Demos", "organization"),
        ("News agency Associated Press", "Associated Press", "media"),
        ("Reuters news agency", "Reuters", "media"),
        ("the Sun newspaper", "Sun", "media"),
        ("Microsoft rival Google", "Google", "organization"),
    ]:
        entity = link.parse_named(written)
        assert (entity.name, entity.type) == (name, kind), written


def test_a_person_after_a_description_stays_a_person() -> None:
    assert link.parse_named("Analyst Lee Hart").name == "Lee Hart"
    assert link.parse_named("Analyst Lee Hart").type == "person"
    assert link.parse_named("Chelsea manager Jose Mourinho").name == "Jose Mourinho"
    assert link._described_body("Labour leader Tony Blair") is None
    assert link._described_body("Tory leader") is None


def test_a_titled_surname_with_its_body_is_the_person_named_in_full_before() -> None:
    text = ("Banks are turning to Windows, said Dominic Hirst, managing director of Retail Banking Research. "
            "Todd Thiel, spokesman for Trend Micro, said the move was risky. "
            "But Mr Hirst from Retail Banking Research said the risk was low.")
    (found,) = resolve(text, [("Mr Hirst from Retail Banking Research", "said", "the risk was low")])
    assert found.entity == "Dominic Hirst"
    assert link.parse_named("Mr Hirst from Retail Banking Research").name == "Hirst"


def test_he_after_a_body_s_spokesman_is_the_body_he_speaks_for() -> None:
    text = ("A spokesman for US Customs, Dean Boyle, said the case was closed. Mr Boyle said more arrests would follow. "
            "A spokesman for the Business Software Alliance said piracy was falling. He said sales were up.")
    spec = [("A spokesman for US Customs, Dean Boyle", "said", "the case was closed"),
            ("Mr Boyle", "said", "more arrests would follow"),
            ("A spokesman for the Business Software Alliance", "said", "piracy was falling"),
            ("He", "said", "sales were up")]
    *_, alliance, he = resolve(text, spec)
    assert alliance.entity == "Business Software Alliance"
    assert he.entity == "Business Software Alliance"


def test_she_is_never_a_body_s_spokesman() -> None:
    text = ("Ann Corrie, the minister, defended the plan. A spokesman for the Business Software Alliance said piracy was "
            "falling. She said sales were up.")
    spec = [("A spokesman for the Business Software Alliance", "said", "piracy was falling"), ("She", "said", "sales were up")]
    _, she = resolve(text, spec)
    assert she.entity != "Business Software Alliance"


def test_what_the_speaker_is_doing_now_is_no_part_of_what_was_said() -> None:
    sentence = "Yukos says the sale was illegal and is pursuing damages in a US court."
    assert _trimmed(sentence, "the sale was illegal and is pursuing damages in a US court", "says") == "the sale was illegal"


def test_a_clause_in_the_present_that_goes_on_in_the_present_stays_whole() -> None:
    sentence = "He said the firm is strong and is growing fast."
    assert _trimmed(sentence, "the firm is strong and is growing fast", "said") == "the firm is strong and is growing fast"


def test_which_after_a_body_named_of_a_place_is_the_body() -> None:
    text = ("Unions split over the race. Chris Shelby, the president of the Communications Workers of America, which "
            "endorsed the senator in December, said the choice was easy.")
    (found,) = resolve(text, [("which", "endorsed", "the senator")])
    assert found.entity == "Communications Workers of America"


def test_which_after_two_bodies_is_both() -> None:
    text = ("The rumours spread through outlets popular among conservatives, such as Fox News and the Drudge Report, "
            "which devoted attention to them.")
    (found,) = resolve(text, [("which", "devoted", "attention to them")])
    assert found.entity == "Fox News and Drudge Report"


def test_an_adjective_before_a_name_is_no_part_of_it() -> None:
    assert link.parse_named("A defensive Obama").name == "Obama"
    assert link.parse_named("a defiant Mr Blair").name == "Blair"
    assert link.parse_named("A visibly angry Michael Howard").name == "Michael Howard"
    assert link.parse_named("a super PAC").name != "PAC"  # an acronym noun, no name
    assert link.parse_named("The former Republican").name != "Republican"  # a role once held: a description


def test_one_of_a_candidate_s_staff_speaks_for_the_campaign_the_article_names() -> None:
    text = ("The Sandor campaign raised $20m in January. Bernard Sandor spoke in Iowa. "
            "A top Sandor adviser said the money would go to ads. A spokeswoman for Sandor said turnout would be high.")
    adviser, spokeswoman = resolve(text, [("A top Sandor adviser", "said", "the money would go to ads"),
                                          ("A spokeswoman for Sandor", "said", "turnout would be high")])
    assert (adviser.entity, spokeswoman.entity) == ("Sandor campaign", "Sandor campaign")


def test_a_candidate_s_adviser_stays_unnamed_where_the_article_names_no_campaign() -> None:
    text = "Bernard Sandor spoke in Iowa. A longtime adviser to Sandor said the money would go to ads."
    (adviser,) = resolve(text, [("A longtime adviser to Sandor", "said", "the money would go to ads")])
    assert adviser.entity != "Sandor campaign"


def test_a_body_named_x_of_y_is_no_person_and_keeps_its_whole_name() -> None:
    chambers = link.parse_named("The British Chambers of Commerce (BCC)")
    assert (chambers.name, chambers.type) == ("British Chambers of Commerce", "organization")
    assert link.parse_named("Hannah Ward of the Refugee Council").name == "Hannah Ward"  # a person of a body still is
