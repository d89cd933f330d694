"""Round 13 of the who-said-what rules (issue 13): polls that speak for their producer, names with nicknames and
initials, full names listed with a person's, people named after they are described. Texts are composed here (no
corpus text)."""

from __future__ import annotations

from attribution.link import _NAME_RUN, ArticleIndex
from tests.test_issue13 import resolve


def test_the_poll_spoken_of_before_speaks_for_whoever_ran_it() -> None:
    text = ("In a poll of 1,000 voters conducted last month, Greenfield Partners found that turnout would fall. "
            "Still, the poll shows that moderates may be persuaded. The results show a divided party.")
    found = resolve(text, [("Greenfield Partners", "found", "that turnout would fall"),
                           ("the poll", "shows", "that moderates may be persuaded"),
                           ("The results", "show", "a divided party")])
    assert [a.entity for a in found] == ["Greenfield Partners", "Greenfield Partners", "Greenfield Partners"]


def test_a_report_keeps_its_words_when_its_sentence_names_only_what_it_is_about() -> None:
    """'reports filed with the Securities and Exchange Commission': the commission is the report's subject, not its
    producer; a report stays the document it is."""
    text = ("The company disclosed the losses in reports filed with the Securities and Exchange Commission last year. "
            "The report said revenue fell.")
    found = resolve(text, [("The report", "said", "revenue fell")])
    assert found[0].entity == "The report"


def test_a_sentence_opening_poll_word_is_no_pollster() -> None:
    text = "Early polls show voters rejecting the plan. New polls suggest a close race."
    found = resolve(text, [("Early polls", "show", "voters rejecting the plan"), ("New polls", "suggest", "a close race")])
    assert [a.entity for a in found] == ["Early polls", "New polls"]


def test_names_with_a_nickname_or_run_together_initials_are_one_name() -> None:
    runs = [m.group(0) for m in _NAME_RUN.finditer('Idaho Gov. C.L. "Butch" Otter and Jesús “Chuy” García met J.K. Rowling.')]
    assert runs == ['Idaho Gov. C.L. "Butch" Otter', "Jesús “Chuy” García", "J.K. Rowling"]
    assert [m.group(0) for m in _NAME_RUN.finditer("the U.S. Court of Appeals ruled")] == ["U.S. Court of Appeals"]
    text = 'The race was close. Idaho Gov. C.L. "Butch" Otter, who backed the bill, said it would pass.'
    found = resolve(text, [("who", "backed", "the bill")])
    assert found[0].entity is not None and found[0].entity.endswith("Otter")


def test_a_full_name_listed_with_a_persons_is_a_person() -> None:
    """'Ileana' is in no list of first names; listed with Carlos Curbelo, the run is a person all the same."""
    text = ("In addition to the mayor, two members of Congress from Florida, Ileana Ros-Lehtinen and Carlos Curbelo, have "
            "said they will not back the nominee.")
    index = ArticleIndex(text, [0])
    assert "Ileana Ros-Lehtinen" in {m.entity.name for m in index.mentions if m.entity.type == "person"}
    found = resolve(text, [("two members of Congress from Florida, Ileana Ros-Lehtinen and Carlos Curbelo", "have",
                            "they will not back the nominee")])
    assert found[0].entity == "Ileana Ros-Lehtinen and Carlos Curbelo"


def test_a_name_listed_alone_stays_unclassified() -> None:
    """Without a person beside it, an unknown first name still proves nothing ('Goldfield Partners')."""
    text = "Ileana Ros-Lehtinen said the bill would pass."
    index = ArticleIndex(text, [0])
    assert "Ileana Ros-Lehtinen" not in {m.entity.name for m in index.mentions if m.entity.type == "person"}


def test_companions_after_with_are_no_group_of_their_own() -> None:
    """'they wrote with Peter Miller and Brendan Price': the pair are the subject's companions, never a "they" of
    their own; 'Peter Miller and Brendan Price said' is a pair."""
    text = "In another study they wrote with Peter Miller and Brendan Price, they estimated that jobs were lost."
    groups = {m.entity.name for m in ArticleIndex(text, [0]).mentions if m.entity.type == "group"}
    assert "Peter Miller and Brendan Price" not in groups
    text = "In another study Peter Miller and Brendan Price estimated that jobs were lost."
    groups = {m.entity.name for m in ArticleIndex(text, [0]).mentions if m.entity.type == "group"}
    assert "Peter Miller and Brendan Price" in groups


def test_a_description_named_a_few_sentences_later_by_its_title_is_that_person() -> None:
    text = ("The defendant spoke for an hour on Tuesday. As the judge read his decision, the defendant smiled. "
            "Reporters filled the room. U.S. District Judge Michael W. Mosman called the clip distasteful.")
    found = resolve(text, [("the judge", "read", "his decision")])
    assert found[0].entity == "Michael W. Mosman"


def test_a_description_nobody_is_later_titled_with_is_not_given_a_later_name() -> None:
    text = ("Mary Stone spoke for an hour on Tuesday. As the judge read his decision, Stone smiled. "
            "Reporters filled the room. Lawyer Peter Grant called the clip distasteful.")
    found = resolve(text, [("the judge", "read", "his decision")])
    assert found[0].entity != "Peter Grant"


def test_a_source_along_with_others_is_all_of_them_and_they_after_it() -> None:
    text = ("Lee Epstein studies the courts. Ms. Epstein, along with Judge Richard A. Posner of the United States Court of "
            "Appeals for the Seventh Circuit and William M. Landes, a law professor at the University of Chicago, wrote "
            "an assessment of business cases. In it, they conclude that the court favours business.")
    found = resolve(text, [
        ("Ms. Epstein, along with Judge Richard A. Posner of the United States Court of Appeals for the Seventh Circuit and "
         "William M. Landes, a law professor at the University of Chicago", "wrote", "an assessment of business cases"),
        ("they", "conclude", "that the court favours business"),
    ])
    assert [a.entity for a in found] == ["Lee Epstein and Richard A. Posner and William M. Landes"] * 2


def test_a_first_name_alone_is_the_one_person_named_in_full_with_it() -> None:
    text = ("Jerome Arthur Siegel died on Monday. He worked at Titan Industrial Corporation with Luis Batista. "
            "Jerome also founded Henry Realty, a firm focused on real estate. He was proud of his board role.")
    index = ArticleIndex(text, [0, text.index("He worked"), text.index("Jerome also"), text.index("He was")])
    assert [m.entity.name for m in index.mentions if m.position == text.index("Jerome also")] == ["Jerome Arthur Siegel"]
    assert {m.entity.type for m in index.mentions if m.entity.name == "Henry Realty"} == {"organization"}
    found = resolve(text, [("He", "was proud", "of his board role")])
    assert found[0].entity == "Jerome Arthur Siegel"


def test_a_first_name_in_someones_quotation_or_that_is_also_a_word_is_no_mention() -> None:
    text = ('Willie Walsh, Brian Dunne and Seamus Kearney resigned. "Brian and Seamus are in a fortunate position," '
            "Mr Walsh said. Actor Christian Slater was greeted by cries of Christian from the crowd.")
    index = ArticleIndex(text, [0, text.index('"Brian'), text.index("Actor")])
    quoted = text.index("Brian and")
    assert not [m for m in index.mentions if m.position == quoted]
    assert not [m for m in index.mentions if m.position == text.rindex("Christian")]


def test_a_nationality_before_a_full_name_is_not_part_of_it() -> None:
    text = "American Justin Gatlin won the race. Gatlin said he was happy."
    names = {m.entity.name for m in ArticleIndex(text, [0, text.index("Gatlin said")]).mentions}
    assert "Justin Gatlin" in names and "American Justin Gatlin" not in names


def test_an_office_named_before_its_holder_is_the_holder() -> None:
    """'The Turkish President, Recep Tayyip Erdogan, did ...': the office is no person listed beside Erdogan (a comma
    alone is an apposition), and 'He' after it is Erdogan."""
    text = ("Erdogan Is In Syria With A Green Light From The U.S. And Iran.\n\nThe Turkish President, Recep Tayyip Erdogan, "
            "did another about-face after the coup. He has since redefined the country's role. Turkish President Erdogan "
            "has also met Iranian leaders.")
    index = ArticleIndex(text, [0, text.index("The Turkish"), text.index("He has"), text.index("Turkish President Erdogan")])
    assert "Turkish President" not in {m.entity.name for m in index.mentions}
    found = resolve(text, [("He", "has since redefined", "the country's role")])
    assert found[0].entity == "Recep Tayyip Erdogan"


def test_a_word_before_the_surname_of_someone_named_in_full_is_no_new_person() -> None:
    """A shirt that read 'Fascist Trump' names no 'Fascist Trump': it is Donald Trump where it stands."""
    text = ("Donald J. Trump spoke in Louisville. Mr. Trump was heckled. A man wore a shirt that read Fascist Trump. "
            "Kashiya Nwanguma held up a sign. Ms. Nwanguma was shocked, she said.")
    index = ArticleIndex(text, [0, text.index("Mr."), text.index("A man"), text.index("Kashiya"), text.index("Ms.")])
    assert "Fascist Trump" not in {m.entity.name for m in index.mentions}


def test_a_demonstrative_source_is_nobody() -> None:
    text = "Nancy Reagan kept tabs on the staff. Naturally, this did not set well with some. She did not care."
    found = resolve(text, [("this", "did not set well", "with some")])
    assert found[0].entity is None


def test_the_writers_own_voice_is_never_the_he_after_it() -> None:
    """In an op-ed by Raul Grijalva, "I support him because I know he will ... He knows" is about Sanders: the writer's
    "I" is not a third person the next "He" may mean."""
    from attribution.ingest import article_from_text
    from attribution.link import resolve_article
    from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
    from attribution.segment import split_sentences

    text = ("Bernie Sanders has run a remarkable campaign this year. I endorsed Sanders early. "
            "I believe that he understands this moment. He knows how important it is to win in November.")
    statements = [("I", "believe", "that he understands this moment"), ("He", "knows", "how important it is to win in November")]
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), "context", 0.9) for i, s in enumerate(split_sentences(text))]
    for mention, cue, content in statements:
        at = text.index(content)
        sentence = next(s for s in sentences if s.start <= at < s.end)
        spans = [TextSpan(text.index(part, sentence.start), text.index(part, sentence.start) + len(part), part) for part in (mention, cue, content)]
        sentence.attributions.append(Attribution(*spans, 0.9))
    article = article_from_text(text, "t", author="Raul Grijalva")
    result = resolve_article(ArticleResult(article, sentences, "test"))
    found = [a.entity for s in result.sentences for a in s.attributions]
    assert found == ["Raul Grijalva", "Bernie Sanders"]


def test_a_pronoun_in_an_opening_phrase_is_the_subject_it_leads_to() -> None:
    text = ("Donald Trump wants a wall on the border. Felipe Calderon, the former president, spoke on Monday. "
            "Trump has repeated the promise. In his assessment of the real estate magnate, Calderon intimated disappointment.")
    found = resolve(text, [("his", "assessment", "of the real estate magnate")])
    assert found[0].entity == "Felipe Calderon"


def test_a_pronoun_after_the_opening_phrase_is_not_pointed_ahead() -> None:
    text = "Felipe Calderon spoke on Monday. In Mexico City, Trump said that he would build the wall."
    index = ArticleIndex(text, [0, text.index("In Mexico")])
    from attribution.link import _subject_after_opening

    assert _subject_after_opening("he", text.index("he would"), index) is None


def test_a_capital_that_speaks_is_its_countrys_government() -> None:
    text = "China and Kazakhstan signed a pipeline deal. Beijing said the deal would last. It added that talks would go on."
    found = resolve(text, [("Beijing", "said", "the deal would last"), ("It", "added", "that talks would go on")])
    assert [a.entity for a in found] == ["China", "China"]
