"""Round 9 of the who-said-what rules (issue 13), written reading the misses of the PolNeAR reading sets
(``tests/data/polnear_read*_resolution_judgements.jsonl``). Texts are composed here (no corpus text)."""

from __future__ import annotations

from tests.test_issue13 import resolve

_EARLIER = ("Sen. Nora Pell kept her lead in the polls. She spoke in Concord on Monday. "
            "Turnout was expected to be high. Snow fell across the state. Schools closed early. ")


def test_the_senator_is_the_person_the_last_sentences_are_about_not_a_senator_named_long_before() -> None:
    text = _EARLIER + "Dale Ruvio stopped by his headquarters. Walking into the office, the senator said his campaign was strong."
    (found,) = resolve(text, [("the senator", "said", "his campaign was strong")])
    assert found.entity == "Dale Ruvio"


def test_the_senator_named_lately_stays_the_senator() -> None:
    text = ("Sen. Nora Pell kept her lead in the polls. Dale Ruvio stopped by his headquarters. "
            "In Concord, the senator said her campaign was strong.")
    (found,) = resolve(text, [("the senator", "said", "her campaign was strong")])
    assert found.entity == "Nora Pell"


def test_a_person_in_focus_with_another_title_is_not_the_senator() -> None:
    text = _EARLIER + "Mayor Dale Ruvio stopped by his office. Walking into the office, the senator said her campaign was strong."
    (found,) = resolve(text, [("the senator", "said", "her campaign was strong")])
    assert found.entity == "Nora Pell"


def test_a_state_nobody_is_given_may_describe_the_person_just_named_but_a_party_may_not() -> None:
    text = ("Lowell Crane warned against a brokered convention. \u201cIt would be a disaster,\u201d the Texas senator said. "
            "Ann Mirov disagreed with him. In an interview with hosts Joe Vance and Mika Tarr, "
            "the Democratic presidential candidate stated that the plan was unfair.")
    texas, democrat = resolve(text, [("the Texas senator", "said", "It would be a disaster"),
                                     ("the Democratic presidential candidate", "stated", "that the plan was unfair")])
    assert texas.entity == "Lowell Crane"
    assert democrat.entity not in ("Joe Vance", "Mika Tarr", "Lowell Crane")  # a guess would take a host


def test_a_state_the_article_gives_someone_else_is_not_the_person_just_named() -> None:
    text = ("Sen. Ruth Ambler (R-Texas) spoke first. Lowell Crane warned against a brokered convention. "
            "\u201cIt would be a disaster,\u201d the Texas senator said.")
    (found,) = resolve(text, [("the Texas senator", "said", "It would be a disaster")])
    assert found.entity != "Lowell Crane"


def test_a_pronoun_is_never_the_person_its_own_verb_addresses() -> None:
    text = ("Sean Pell asked Donald Rusk how high the wall would be. "
            "\u201cIt could rise,\u201d he told Pell, to cheers from a crowd.")
    (found,) = resolve(text, [("he", "told", "It could rise")])
    assert found.entity == "Donald Rusk"


def test_a_word_before_a_name_that_tells_a_gender_outweighs_the_first_name() -> None:
    text = ("Officials defended the veto on Monday. \u201cThe rationale is wrong,\u201d said 9/11 widow Terry Vasko. "
            "She continued, \u201cAll we ask is a hearing.\u201d")
    (found,) = resolve(text, [("She", "continued", "All we ask is a hearing.")])
    assert found.entity == "Terry Vasko"


def test_spokesman_before_a_womans_name_tells_no_gender() -> None:
    text = ("Dan Ruhle spoke first. Campaign spokesman Hope Hicksley confirmed the plan. "
            "\u201cThey are not affiliated,\u201d she said.")
    (found,) = resolve(text, [("she", "said", "They are not affiliated")])
    assert found.entity == "Hope Hicksley"


def test_a_document_issued_by_or_from_someone_speaks_for_them() -> None:
    text = ("Sen. Bernie Sanders lost in New York. On his wall, the writer Mark Sanger has a handwritten note from Donald J. Trump. "
            "\u201cYou are a total loser!\u201d the note says. "
            "A separate statement issued by the Sanders campaign late Tuesday was notable. "
            "Instead, the statement talked about giving voters the right to choose.")
    note, statement = resolve(text, [("the note", "says", "You are a total loser!"),
                                     ("the statement", "talked about", "giving voters the right to choose")])
    assert note.entity == "Donald J. Trump"
    assert statement.entity == "Sanders campaign"


def test_a_document_its_owner_had_someone_write_speaks_for_the_owner() -> None:
    text = ("Exxon Mobil Corp. contended in its letter, written by Kenneth P. Cohen, a vice president, that the reporting was biased. "
            "The letter also accuses one of the journalists of ignoring information.")
    (found,) = resolve(text, [("The letter", "accuses", "one of the journalists of ignoring information")])
    assert found.entity != "Kenneth P. Cohen"


def test_a_work_is_never_named_across_a_paragraph_break() -> None:
    from attribution.link import named_works

    works = named_works("Young voters back him in the United States.\n\nThe poll found a wide gap.")
    assert all("United States" not in name for _, _, name in works)


def test_a_party_epithet_nobody_carries_is_the_person_the_article_is_about() -> None:
    text = ("Hillary Rodman delivered her acceptance speech on Thursday. Rodman painted her rival, Donald Tramp, as unfit. "
            "Rodman spoke for an hour. Critics were unmoved. "
            "\u201cA man you can bait with a tweet is not a man we can trust,\u201d said the Democratic nominee.")
    (found,) = resolve(text, [("the Democratic nominee", "said", "A man you can bait with a tweet is not a man we can trust")])
    assert found.entity == "Hillary Rodman"


def test_a_party_epithet_is_no_guess_where_the_article_gives_that_party_to_someone() -> None:
    text = ("Hillary Rodman delivered her acceptance speech on Thursday. Rodman painted her rival, Democrat Donald Tramp, "
            "as unfit. Rodman spoke for an hour. Critics were unmoved. "
            "\u201cA man you can bait with a tweet is not a man we can trust,\u201d said the Democratic nominee.")
    (found,) = resolve(text, [("the Democratic nominee", "said", "A man you can bait with a tweet is not a man we can trust")])
    assert found.entity != "Hillary Rodman"


def test_two_people_and_their_body_are_the_two_people() -> None:
    from attribution.link import parse_named

    pair = parse_named("Stephen S. Cohen and J. Bradford DeLong of the University of California, Berkeley")
    assert (pair.name, pair.type, pair.affiliation) == ("Stephen S. Cohen and J. Bradford DeLong", "group", "University of California, Berkeley")
    assert parse_named("Procter and Gamble of Cincinnati").type != "group"


def test_who_after_a_name_ending_in_jr_is_that_person() -> None:
    text = "Chief Justice Roberts assigned the opinion to Justice Samuel A. Alito Jr., who had made clear his views."
    (found,) = resolve(text, [("who", "had made clear", "his views")])
    assert "Alito" in str(found.entity)


def test_which_after_a_possessed_thing_is_its_owner() -> None:
    text = ("Laura Ingram hosted the show on Thursday. Ted Cruse answered Ingram's questions, which were pointedly about "
            "immigration.")
    (found,) = resolve(text, [("which", "were", "pointedly about immigration")])
    assert found.entity == "Laura Ingram"


def test_a_possessive_role_then_a_name_is_the_person_named() -> None:
    text = ("The channel aired the segment on Monday. The network's nightly news anchor Ilia Calderas reacted with a letter. "
            "\u201cI am concerned,\u201d she tweeted.")
    anchor, she = resolve(text, [("The network's nightly news anchor Ilia Calderas", "reacted", "with a letter"),
                                 ("she", "tweeted", "I am concerned")])
    assert anchor.entity == "Ilia Calderas" and she.entity == "Ilia Calderas"


def test_an_earlier_he_that_is_the_addressee_is_not_carried_on() -> None:
    text = ("Donald Tramp visited the county on Monday. \u201cHe asked me questions. He knew it was important,\u201d Eddie Whitmore said, "
            "adding that he told Tramp to stay focused on jobs.")
    (found,) = resolve(text, [("he", "told", "Tramp to stay focused on jobs")])
    assert found.entity == "Eddie Whitmore"


def test_a_poll_by_a_body_is_that_bodys_poll() -> None:
    from attribution.link import named_works

    works = named_works("Sanders' appeal can be attributed to his views, according to a new poll by the Harvard Youth Institute.")
    assert [name for _, _, name in works] == ["Harvard Youth Institute poll"]
    assert named_works("It rose, according to a report by the Pew Research Center.") == []  # a report needs "published by"


def test_the_one_asked_answers_the_quotation_that_follows() -> None:
    text = ("Scott Conway spoke on Monday. Conway asked Bernard Sandler whether his health was fair game. "
            "\u201cSure it is. I cannot remember the last day I took off,\u201d he said.")
    (found,) = resolve(text, [("he", "said", "I cannot remember the last day I took off")])
    assert found.entity == "Bernard Sandler"


def test_a_body_backing_a_person_is_never_that_person() -> None:
    text = ("Iowa votes next week. With the caucus days ahead, the super PAC backing Hillary Rodman is using its muscle "
            "to undo a narrative. Markets fell on Monday. The firm advising Tony Blare said markets were calm.")
    pac, firm = resolve(text, [("the super PAC backing Hillary Rodman", "is using", "its muscle to undo a narrative"),
                               ("The firm advising Tony Blare", "said", "markets were calm")])
    assert pac.entity != "Hillary Rodman" and firm.entity != "Tony Blare"
