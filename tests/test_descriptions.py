"""Description sources ("the film", "the court", "the candidates") resolve to the entity the article names
(issue 13d). Texts are composed here (no corpus text)."""

from __future__ import annotations

from attribution.link import named_works, organisation_evidence
from tests.test_issue13 import resolve

# --- works and documents: "the film", "the book", "the study" ----------------------------------------------

def test_the_film_is_the_documentary_the_article_titles_in_quotation_marks() -> None:
    text = ("The director returns with her new documentary \u201cThe Long Road.\u201d Critics have praised it. "
            "The film argues that the law failed a generation.")
    found = resolve(text, [("The film", "argues", "that the law failed a generation")])
    assert (found[0].entity, found[0].entity_type, found[0].resolution) == ("The Long Road", "document", "description")


def test_the_book_is_the_memoir_named_after_entitled() -> None:
    text = ("Jane Moss wrote a memoir of her years in the Senate entitled Quiet Rooms: A Life in Politics. "
            "\u201cNobody knew,\u201d the book said.")
    found = resolve(text, [("the book", "said", "Nobody knew")])
    assert found[0].entity == "Quiet Rooms: A Life in Politics"


def test_the_study_is_the_survey_known_by_its_author() -> None:
    text = ("Turnout fell in the cities, according to a recent Harlow Institute survey of voter lists. "
            "The study found that young voters stayed at home.")
    found = resolve(text, [("The study", "found", "that young voters stayed at home")])
    assert found[0].entity == "Harlow Institute survey"


def test_a_work_of_another_kind_is_not_taken() -> None:
    # "the book" is no film: with no book named, the description stays as written.
    text = ("She made the documentary \u201cThe Long Road\u201d last year. The book said the law failed.")
    found = resolve(text, [("The book", "said", "the law failed")])
    assert found[0].entity == "The book"  # stays as written


def test_named_works_reads_titles_and_authors_in_reading_order() -> None:
    text = ('The film "Night Shift" opened. A memoir titled Small Hours followed, and the latest Reuters/Ipsos opinion poll '
            "came out.")
    assert [(kind, name) for _, kind, name in named_works(text)] == [
        ("screen", "Night Shift"), ("print", "Small Hours"), ("document", "Reuters/Ipsos poll")]


# --- pairs: "the candidates" ----------------------------------------------------------------------------------

def test_the_candidates_are_the_two_people_quoted_in_turn_over_the_last_sentences() -> None:
    text = ("Mary Holt said she would cut taxes. \u201cIt is time,\u201d Holt said. She spoke for an hour. "
            "The crowd cheered. Peter Crane said the plan was reckless. \u201cI have a better one,\u201d he said. "
            "The candidates said they would debate again in October.")
    found = resolve(text, [("Mary Holt", "said", "she would cut taxes"), ("Peter Crane", "said", "the plan was reckless"),
                           ("The candidates", "said", "they would debate again in October")])
    assert found[2].entity in ("Peter Crane and Mary Holt", "Mary Holt and Peter Crane")
    assert found[2].entity_type == "group"


# --- bodies: "the network", "the website" ---------------------------------------------------------------------

def test_the_network_is_the_body_of_the_last_sentences_not_an_older_name_with_the_word() -> None:
    text = ("The channel is carried by Orbit Network in some states. Viewers rarely notice. Ratings are low. "
            "Advertisers have left. Staff have complained. Last year Vostok TV sacked its presenter. "
            "The network said it would send her abroad.")
    found = resolve(text, [("The network", "said", "it would send her abroad")])
    assert found[0].entity == "Vostok TV"


def test_the_website_is_the_outlet_quoted_just_before_though_its_name_looks_like_a_person() -> None:
    text = ("Website Watch said the figures were wrong. Unemployment fell to 5 percent in May. Blue Harbor asked, \u201cWhy now?\u201d "
            "The website noted that both men had cited other studies.")
    found = resolve(text, [("Website Watch", "said", "the figures were wrong"), ("Blue Harbor", "asked", "Why now?"),
                           ("The website", "noted", "that both men had cited other studies")])
    assert found[2].entity == "Blue Harbor"


def test_a_person_with_a_first_name_is_never_the_company() -> None:
    text = ("Sales fell again. Mary Holt said the stores would stay open. The company said it would cut prices.")
    found = resolve(text, [("Mary Holt", "said", "the stores would stay open"), ("The company", "said", "it would cut prices")])
    assert found[1].entity == "The company"  # no company is named: stays as written, never Mary Holt


def test_the_campaign_is_the_named_campaign_not_unnamed_campaign_aides() -> None:
    text = ("The Holt campaign said it would send the governor to Ohio. After campaign aides insisted that he would stay home, "
            "plans changed. The campaign would like to hold another rally.")
    found = resolve(text, [("The Holt campaign", "said", "it would send the governor to Ohio"), ("campaign aides", "insisted", "that he would stay home"),
                           ("The campaign", "would like", "to hold another rally")])
    assert found[2].entity == "Holt campaign"


# --- a lead's description, named further down --------------------------------------------------------------------

def test_a_court_described_in_the_lead_is_the_court_named_further_down() -> None:
    text = ("A federal appeals court ruled Friday against the state's voting rules. The state plans to appeal. "
            "Observers were surprised. The ruling by the Court of Appeals for the Ninth Circuit reversed a lower court.")
    found = resolve(text, [("A federal appeals court", "ruled", "against the state's voting rules")])
    assert (found[0].entity, found[0].resolution) == ("Court of Appeals for the Ninth Circuit", "description")


def test_a_body_described_after_the_lead_stays_unnamed() -> None:
    text = ("Voters went to the polls on Tuesday. Turnout was high. Queues were long. Counting went on overnight. "
            "A federal appeals court ruled on Friday against the state's voting rules. "
            "The ruling by the Court of Appeals for the Ninth Circuit reversed a lower court.")
    found = resolve(text, [("A federal appeals court", "ruled", "on Friday against the state's voting rules")])
    assert found[0].entity == "A federal appeals court"  # after the lead: stays unnamed


def test_a_name_with_a_ceo_is_a_company_and_the_bank_is_it() -> None:
    assert organisation_evidence("Harlan Brooks CEO John Stumpf spoke on Tuesday.", "Harlan Brooks")
    text = ("Harlan Brooks CEO John Stumpf apologised on Tuesday. In the Harlan Brooks scandal, customers were charged twice. "
            "The bank said that it had fired the staff.")
    found = resolve(text, [("The bank", "said", "that it had fired the staff")])
    assert found[0].entity == "Harlan Brooks"


# --- "the Republican nominee": the person the article gives that party ---------------------------------------

def test_the_party_nominee_is_the_person_the_article_gives_that_party() -> None:
    text = ("Democratic nominee Mary Holt and Republican presidential nominee Peter Crane met voters on Monday. "
            "Holt said the economy was growing. The GOP nominee said it was not.")
    found = resolve(text, [("Holt", "said", "the economy was growing"), ("The GOP nominee", "said", "it was not")])
    assert (found[1].entity, found[1].resolution) == ("Peter Crane", "description")


def test_a_party_word_in_another_clause_is_no_evidence() -> None:
    text = ("Peter Crane spoke in Fort Wayne, Indiana, hours after Mary Holt left. The Indiana governor said he would come back.")
    found = resolve(text, [("The Indiana governor", "said", "he would come back")])
    assert found[0].entity == "The Indiana governor"  # nobody here is the Indiana governor


def test_a_quotation_from_a_report_is_no_title() -> None:
    assert named_works('According to the report, "more than half" of them were young. The report "found gaps".') == []


# --- "X, which include A and B": the named members ---------------------------------------------------------------

def test_authors_which_include_two_named_bodies_are_those_bodies_and_the_researchers_too() -> None:
    text = ("A new study looks at offshore accounts. The authors of the study, which include the Harlow Institute and "
            "Citizens for Fair Tax, said most companies used tax havens. The researchers said the figures were conservative.")
    found = resolve(text, [
        ("The authors of the study, which include the Harlow Institute and Citizens for Fair Tax", "said", "most companies used tax havens"),
        ("The researchers", "said", "the figures were conservative")])
    assert found[0].entity == "Harlow Institute and Citizens for Fair Tax"
    assert found[1].entity == "Harlow Institute and Citizens for Fair Tax"


def test_the_two_nominees_are_the_pair_named_together() -> None:
    text = ("Mary Holt and Peter Crane debated on Monday. The nominees said they would meet again.")
    found = resolve(text, [("The nominees", "said", "they would meet again")])
    assert found[0].entity == "Mary Holt and Peter Crane"

