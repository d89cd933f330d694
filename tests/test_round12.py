"""Round 12 of the who-said-what rules (issue 13): names in mojibake are read repaired. Texts are composed here
(no corpus text)."""

from __future__ import annotations

import unicodedata

import pytest

from attribution.ingest import repair, repair_with_offsets
from tests.test_issue13 import resolve

# "Sarukhán" through two wrong decodings, each "Ã" written as "A" and a combining tilde, as PolNeAR has it
DECOMPOSED_MOJIBAKE = unicodedata.normalize("NFD", "Sarukh\u00c3\u0192\u00c2\u00a1n")


def test_mojibake_written_with_combining_accents_is_repaired() -> None:
    assert "\u0303" in DECOMPOSED_MOJIBAKE  # the test's input really is decomposed
    assert repair(f"Arturo {DECOMPOSED_MOJIBAKE} said so.") == "Arturo Sarukhán said so."
    assert repair(unicodedata.normalize("NFD", "José Peña")) == "José Peña"  # one spelling for one name
    fixed, origin = repair_with_offsets(f"Arturo {DECOMPOSED_MOJIBAKE} said so.")
    given = f"Arturo {DECOMPOSED_MOJIBAKE} said so."
    assert given[origin[fixed.index("said")] :].startswith("said")


def test_a_pronoun_resolves_to_the_repaired_name_and_spans_index_the_text_as_given() -> None:
    text = (f"Mexico names envoy\n\nArturo {DECOMPOSED_MOJIBAKE} arrived in Washington on Monday for talks. "
            "He said the wall was absurd. The ambassador said Mexico would not pay.")
    found = resolve(text, [("He", "said", "the wall was absurd"), ("The ambassador", "said", "Mexico would not pay")])
    assert [a.entity for a in found] == ["Arturo Sarukhán", "Arturo Sarukhán"]
    for attribution, mention, content in zip(found, ["He", "The ambassador"], ["the wall was absurd", "Mexico would not pay"]):
        assert attribution.source is not None and attribution.content is not None
        assert text[attribution.source.start : attribution.source.end] == mention
        assert text[attribution.content.start : attribution.content.end] == content


def test_a_text_without_mojibake_is_resolved_as_before() -> None:
    text = "Ann Holloway arrived in Leeds on Monday. She said the plan would work."
    found = resolve(text, [("She", "said", "the plan would work")])
    assert found[0].entity == "Ann Holloway"
    assert found[0].source is not None and (found[0].source.start, found[0].source.end) == (text.index("She"), text.index("She") + 3)


def test_a_shared_surname_used_only_after_both_are_named_is_nobodys() -> None:
    from attribution.link import ArticleIndex

    text = "Bernard Hale and his brother Jim Hale ran the shop. Hale said it was busy."
    index = ArticleIndex(text, [0, text.index("Hale said")])
    assert [m.entity.name for m in index.mentions if m.position == text.index("Hale said")] == []


def test_a_one_word_name_the_article_titles_counts_where_it_stands_alone() -> None:
    """'President Obama' makes a later bare 'Obama' the same person, so 'He' after 'so Obama ... brought it up
    himself' is Obama, not the senator quoted a paragraph before."""
    text = ("President Obama took questions in Turkey. Senator Lindsey Graham said the strategy had failed. "
            "Nobody asked about refugees, so Obama brought it up himself. He called the rhetoric shameful.")
    found = resolve(text, [("He", "called", "the rhetoric shameful")])
    assert found[0].entity == "Obama"
    from attribution.link import ArticleIndex

    index = ArticleIndex(text, [0])
    assert [m.entity.name for m in index.mentions if m.position == text.index("Obama brought")] == ["Obama"]


def test_what_a_name_is_said_to_be_tells_its_gender() -> None:
    from attribution.link import ArticleIndex

    text = ("Attallah Shabazz, the daughter of the activist, spoke first. Sir Robin Hale, the Queen's private secretary, "
            "read a letter. Ileana Marsh, a mother of two, objected.")
    index = ArticleIndex(text, [0])
    assert index.gender.get("Attallah Shabazz") == "female"
    assert index.gender.get("Robin Hale") != "female"  # "the Queen's" is whose secretary he is, not what he is
    assert index.gender.get("Ileana Marsh") is None  # no person on other evidence: the appositive makes none
    lawyer = ArticleIndex("Jordan Blake, a lawyer for the widow, spoke. Silicon Valley, the mother of all hubs, grew.", [0])
    assert lawyer.gender.get("Jordan Blake") is None  # the widow is someone else
    assert "Silicon Valley" not in {m.entity.name for m in lawyer.mentions if m.entity.type == "person"}


def test_he_after_a_quotation_is_not_the_person_the_quotation_talks_about() -> None:
    text = ('Brian Moore believes the captain should not be a full-back. And former captain Moore told the BBC: '
            '"Full-backs are too far away from the action. That is not a reflection on Robinson personally." '
            'He added: "The point of influence needs to move closer to the pack." Jason Robinson has led the team.')
    found = resolve(text, [("former captain Moore", "told", '"Full-backs are too far away from the action. That is not a reflection on Robinson personally."'),
                           ("He", "added", '"The point of influence needs to move closer to the pack."')])
    assert [a.entity for a in found] == ["Brian Moore", "Brian Moore"]


def test_a_candidate_senator_or_governor_is_the_one_holder_the_article_names() -> None:
    from attribution import offices

    text = ("Hillary Clinton spoke in Iowa on Monday. Republicans were in Nevada. "
            "The Democratic presidential candidate said the economy was the issue.")
    (found,) = resolve(text, [("The Democratic presidential candidate", "said", "the economy was the issue")], published="2016-02-26")
    assert found.entity == "Hillary Clinton"
    rivals = text.replace("Republicans were in Nevada.", "Bernie Sanders was in Nevada.")
    (found,) = resolve(rivals, [("The Democratic presidential candidate", "said", "the economy was the issue")], published="2016-02-26")
    assert found.entity != "Hillary Clinton" and found.entity != "Bernie Sanders"  # two named: nobody is guessed
    debate = ("Jeb Bush went after Donald Trump at the debate. The former Florida governor said the businessman was unhinged.")
    (found,) = resolve(debate, [("The former Florida governor", "said", "the businessman was unhinged")], published="2015-12-16")
    assert found.entity == "Jeb Bush"
    florida = offices.office_mention("the former Florida governor")
    assert florida is not None and "Jeb Bush" in [t.holder for t in offices.holders(florida, "2015-12-16")]
    assert "Rick Scott" not in [t.holder for t in offices.holders(florida, "2015-12-16")]  # in office that day: not "former"


def test_a_holder_named_only_by_surname_blocks_the_guess() -> None:
    """'Kasich' alone is no person the index knows, but it names a candidate: 'the candidate' is not Trump."""
    text = ("Donald Trump held a rally on Thursday. Kasich told reporters he would stay in the race. "
            "The candidate said Ohio would decide it.")
    (found,) = resolve(text, [("The candidate", "said", "Ohio would decide it")], published="2016-03-04")
    assert found.entity != "Donald Trump"


def test_a_title_case_name_ending_in_a_role_word_is_a_name() -> None:
    from attribution.link import mention_kind

    assert mention_kind("the Philippine Star") == "named"  # a newspaper, not "the star" of the story
    assert mention_kind("the pop star") == "description"
    assert mention_kind("the Frenchman") == "description"


# A name once, then a "he" after someone else is named in passing: who the paragraph is about stays salient.
SALIENT_THROUGH = {
    # a bare surname is the person the article had named when it first used it alone (a relative named in full
    # later does not make every "Hale" nobody's)
    "a shared surname": ("Hale offers a preview.\n\nBernard Hale came to Leeds on Friday to campaign. The crowd was smaller "
                         "this time. Hale was rallying for an academic named Eric King, who is running for Parliament and who "
                         "promised to defend pensions. The visit, Hale's first for another candidate, was brief, and he said "
                         "the party must listen. His brother, Jim Hale, runs the local party.", "he"),
    # the writer's own pronouns carry the subject on: "He said" is not the man met in passing
    "the writer's pronouns": ("Bernard Hale came to Leeds on Friday to campaign. He was flat-out running, and his crowd was "
                              "large. He spoke for an hour about pensions. After the rally he met Eric King. "
                              "He said the party must listen.", "He"),
}


@pytest.mark.parametrize("case", SALIENT_THROUGH)
def test_the_person_a_paragraph_is_about_stays_salient(case: str) -> None:
    text, pronoun = SALIENT_THROUGH[case]
    found = resolve(text, [(pronoun, "said", "the party must listen")])
    assert found[0].entity == "Bernard Hale"


def test_pronouns_in_quotations_and_statements_are_left_alone() -> None:
    from attribution.link import ArticleIndex, _pronouns_in_text
    from attribution.results import SentenceResult

    text = 'Ann Marsh spoke. "He will lose," she said of Tom Reed, and she left.'
    index = ArticleIndex(text, [0, text.index('"He')], reported=[(text.index('"He'), text.index(",") + 1)])
    sentence = SentenceResult(1, text.index('"He'), len(text), text[text.index('"He'):], "quote", 0.9)
    named = list(index.mentions)
    _pronouns_in_text(sentence, index, [], {text.index("she said")})
    added = [(m.position, m.entity.name) for m in index.pronoun_mentions]
    assert [text[p : p + 3] for p, _ in added] == ["she"]  # only "and she left": not the quoted "He", not the source
    assert all(name == "Ann Marsh" for _, name in added)
    assert index.mentions == named  # salience only: never a name the article gives


def test_they_after_two_people_spoke_is_the_two() -> None:
    text = ('Ann Marsh joined Tom Reed on stage. "Look at what you did," Reed said. Marsh responded, "We can fix it." '
            'They continued to joke, saying they were nervous.')
    spoke = [("Reed", "said", "Look at what you did"), ("Marsh", "responded", "We can fix it"),
             ("They", "continued to joke, saying", "they were nervous")]
    assert resolve(text, spoke)[2].entity in ("Tom Reed and Ann Marsh", "Ann Marsh and Tom Reed")
    # people only named, not speaking, are not who "they" are ("Critics ... They said")
    named = "The plan was drawn up by Ann Reed and Tom Hale. Critics attacked it on Monday. They said it was unaffordable."
    assert resolve(named, [("They", "said", "it was unaffordable")])[0].entity != "Ann Reed and Tom Hale"


def test_a_person_who_held_no_such_office_is_not_the_candidate() -> None:
    """'the candidate' is nobody rather than the FBI director just quoted: the 2016 candidate lists are complete."""
    from attribution import offices

    text = ('Donald Trump and Ted Cruz met in the debate. "The inquiry is over," James Comey said on Friday. '
            'The candidate said the inquiry was a disgrace.')
    quoted = [("James Comey", "said", "The inquiry is over"), ("The candidate", "said", "the inquiry was a disgrace")]
    comey, candidate_source = resolve(text, quoted, published="2016-02-07")
    assert comey.entity == "James Comey"
    assert candidate_source.entity is None and candidate_source.resolution == "unresolved"
    (undated,) = resolve(text, quoted, published=None)[1:]
    assert undated.entity == "James Comey"  # no date, no list to check him against: the rules' answer stands
    candidate = offices.office_mention("the candidate")
    assert candidate is not None and offices.complete(candidate)
    senator = offices.office_mention("the senator")
    assert senator is not None and not offices.complete(senator)  # a selection: a senator not listed may be meant


def test_spans_next_to_repaired_characters_keep_their_edges() -> None:
    from attribution.ingest import repair_with_offsets

    for given, piece in [("Ann Reed said \u00e2\u20ac\u0153\u00c3\u2030mile was right\u00e2\u20ac\x9d on Monday.", "\u00c9mile was right\u201d"),
                         ("\u00e2\u20ac\u0153We won\u00e2\u20ac\x9d\u00e2\u20ac\u201dAnn Reed said it twice.", "\u201cWe won\u201d")]:
        fixed, origin = repair_with_offsets(given)
        start = fixed.index(piece)
        assert repair_with_offsets(given[origin[start] : origin[start + len(piece)]])[0] == piece


def test_a_titled_name_heading_a_longer_name_is_not_the_person() -> None:
    text = ("Governor Brown spoke in Sacramento. Ann Reed asked about fees at Brown University. "
            "She said the fees were too high.")
    assert resolve(text, [("She", "said", "the fees were too high")])[0].entity == "Ann Reed"


def test_a_newcomer_in_the_object_does_not_outrank_the_subject() -> None:
    text = "Senator Tom Hale met John Reed, a banker from Ohio, on Monday. He said the talks had gone well."
    assert resolve(text, [("He", "said", "the talks had gone well")])[0].entity == "Tom Hale"


def test_a_title_case_description_is_not_a_name_unless_a_newspaper() -> None:
    from attribution.link import mention_kind

    assert mention_kind("The England Captain") == "description"
    assert mention_kind("the Charlotte Observer") == "named"


def test_another_persons_full_name_is_no_holder_named_by_surname() -> None:
    text = "Jerry Brown signed the law in Sacramento, where Tom Scott protested. The governor said the law was needed."
    (found,) = resolve(text, [("The governor", "said", "the law was needed")], published="2016-06-01")
    assert found.entity == "Jerry Brown"


def test_you_is_the_reader_never_a_source_named_you() -> None:
    text = 'Ann Reed ran the network. "It was bad," you might say. It did not show the speech.'
    you, it = resolve(text, [("you", "might say", "It was bad"), ("It", "did not show", "the speech")])
    assert (you.entity, you.resolution) == (None, "unresolved")
    assert it.entity != "You"
