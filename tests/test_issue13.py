"""Issue 13: one source per person, names that are names, one statement per attribution, editors' fixes,
scraped input. Texts are composed here (no corpus text); they follow the BBC house style ("Mr X said")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from attribution.cli import app
from attribution.db.models import Source, Statement, StatementFix
from attribution.editorial import ambiguous_sources, fix_statement
from attribution.ingest import article_from_text, repair_with_offsets
from attribution.link import classify, parse_named, resolve_article
from attribution.pipeline import is_statement, merge_continuations
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import glued_headline_end, split_sentences
from attribution.store import save_result, save_results
from tests.test_store import make_result


def resolve(
    text: str, statements: list[tuple[str, str, str]], published: str | None = None, quoted: tuple[str, ...] = ()
) -> list[Attribution]:
    """(mention, cue, content) per statement, each in the first sentence holding its content; resolved in order
    (in an article published on ``published``, where given). The sentences holding ``quoted`` are labelled quotes,
    as the model labels a quotation's later sentences, so that they carry on a statement whose quotation is open."""
    spans = split_sentences(text)
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), "context", 0.9) for i, s in enumerate(spans)]
    for words in quoted:
        next(s for s in sentences if s.start <= text.index(words) < s.end).label = "quote"
    where = []
    for mention, cue, content in statements:
        start = text.index(content)
        sentence = next(s for s in sentences if s.start <= start < s.end)

        def at(part: str, sentence: SentenceResult = sentence) -> TextSpan:
            begin = text.index(part, sentence.start)
            return TextSpan(begin, begin + len(part), part)

        sentence.label = "claim"
        sentence.attributions.append(Attribution(at(mention), at(cue), at(content), 0.9))
        where.append((sentence.index, len(sentence.attributions) - 1))
    article = article_from_text(text, "t", published=published)
    result = resolve_article(ArticleResult(article, merge_continuations(sentences, text), "test"))
    return [result.sentences[i].attributions[j] for i, j in where]


# --- one source per entity, within an article -------------------------------------------------------------

def test_surnames_titles_and_offices_link_to_the_person_the_article_names() -> None:
    text = ("Chancellor Nigel Pargeter set out his plans on Monday. Mr Pargeter said taxes would fall. "
            "The chancellor said borrowing was under control. Home Secretary Ann Holloway disagreed. "
            "The home secretary said the sums did not add up. Pargeter said she was wrong.")
    found = resolve(text, [("Mr Pargeter", "said", "taxes would fall"), ("The chancellor", "said", "borrowing was under control"),
                           ("The home secretary", "said", "the sums did not add up"), ("Pargeter", "said", "she was wrong")])
    assert [a.entity for a in found] == ["Nigel Pargeter", "Nigel Pargeter", "Ann Holloway", "Nigel Pargeter"]
    assert [a.resolution for a in found] == ["alias", "description", "description", "alias"]


def test_an_office_nobody_holds_in_the_article_is_not_the_last_person_quoted() -> None:
    text = "Home Secretary Ann Holloway said crime was falling. The prime minister said the economy was strong."
    holloway, pm = resolve(text, [("Home Secretary Ann Holloway", "said", "crime was falling"),
                                  ("The prime minister", "said", "the economy was strong")])
    assert holloway.entity == "Ann Holloway"
    assert (pm.entity, pm.role, pm.resolution) == ("The prime minister", "prime minister", "description")
    assert pm.confidence < holloway.confidence  # left for the corpus to name: less sure


def test_sir_first_name_is_not_someone_with_that_surname() -> None:
    text = ("Tory leader Michael Hadley attacked the plans. Sir Hadley Newcombe, the university chief, welcomed them. "
            "Sir Hadley said the money was needed. Mr Hadley said it was wasted.")
    sir, mr = resolve(text, [("Sir Hadley", "said", "the money was needed"), ("Mr Hadley", "said", "it was wasted")])
    assert sir.entity == "Hadley Newcombe"
    assert mr.entity == "Michael Hadley"


def test_two_people_named_together_are_a_pair_not_one_with_the_others_title() -> None:
    pair = parse_named("German Chancellor Gerhard Schroeder and French President Jacques Chirac")
    assert (pair.name, pair.type, pair.affiliation) == ("Gerhard Schroeder and Jacques Chirac", "group", None)


# --- names are names --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("mention", "name"), [
    ("Earlier Tony Blair", "Tony Blair"), ("Tanzania Mr Brown", "Brown"), ("Mr Blair, who was instrumental", "Blair"),
    ("EU Tony Blair", "Tony Blair"), ("Confederation of British Industry (CBI", "Confederation of British Industry"),
    ("Lord Chancellor Lord Falconer", "Lord Falconer"), ("deputy prime minister Mr Prescott", "Prescott"),
])
def test_source_names_are_trimmed_to_the_name(mention: str, name: str) -> None:
    assert parse_named(mention).name == name


@pytest.mark.parametrize(("name", "kind"), [
    ("Labour", ("organization", False)), ("the Conservatives", ("organization", False)), ("Lib Dems", ("organization", False)),
    ("A spokesman", ("anonymous", True)), ("MPs", ("anonymous", True)), ("Some opinion polls", ("document", False)),
])
def test_types_and_vague_flag(name: str, kind: tuple[str, bool]) -> None:
    assert classify(name) == kind


def test_pronoun_and_quantifier_mentions_never_become_sources() -> None:
    text = ("Ann Holloway said the plan was fair. We all know the plan is fair, she added. "
            "Those who oppose it said it was unfair. His spokesman said she was right.")
    found = resolve(text, [("Ann Holloway", "said", "the plan was fair"), ("Those who oppose it", "said", "it was unfair"),
                           ("His spokesman", "said", "she was right")])
    assert found[1].entity is None and found[1].resolution == "unresolved"
    assert not (found[2].entity or "").lower().startswith("his ")


def test_a_competing_antecedent_lowers_a_pronoun_s_confidence() -> None:
    alone = resolve("John Smith spoke first. He said the plan was fair.", [("He", "said", "the plan was fair")])[0]
    rivals = resolve("John Smith met Peter Jones. He said the plan was fair.", [("He", "said", "the plan was fair")])[0]
    assert alone.entity == "John Smith" and rivals.confidence < alone.confidence <= 0.9
    assert rivals.confidence < 0.8


# --- one statement per attribution ------------------------------------------------------------------------

def test_a_quotation_over_several_sentences_is_one_statement(session: Session) -> None:
    text = 'Ann Holloway said: "The plan is fair. It will work. Nobody will lose."'
    spans = split_sentences(text)
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), "quote", 0.9) for i, s in enumerate(spans)]
    quoted = ['"The plan is fair.', "It will work.", 'Nobody will lose."']
    for sentence, part in zip(sentences, quoted):
        start = text.index(part)
        source = TextSpan(0, 12, "Ann Holloway") if sentence.index == 0 else None
        cue = TextSpan(13, 17, "said") if sentence.index == 0 else None
        sentence.attributions.append(Attribution(source, cue, TextSpan(start, start + len(part), part), 0.9))
    merged = merge_continuations(sentences, text)
    assert sentences[0].attributions[0].content.text == quoted[0]  # the stage returned new objects
    assert merged[2].attributions[0].continues == (1, 0)
    result = resolve_article(ArticleResult(article_from_text(text, "q"), merged, "v1"))
    save_result(session, result)
    rows = session.exec(select(Statement)).all()
    assert len(rows) == 1 and rows[0].content == text[text.index('"The'):]


@pytest.mark.parametrize(("cue", "content", "kept"), [
    ("said", "which", False), ("was", "the plan", False), ("scrapped", "the plan", False),
    ("scrapped", '"a plan that never worked"', True), ("said", "the plan was fair", True),
])
def test_function_words_and_actions_are_not_statements(cue: str, content: str, kept: bool) -> None:
    attribution = Attribution(TextSpan(0, 3, "Ann"), TextSpan(4, 4 + len(cue), cue), TextSpan(10, 10 + len(content), content), 0.9)
    assert is_statement(attribution) is kept


# --- across articles --------------------------------------------------------------------------------------

def _person(text: str, mention: str, entity: str, **more: str) -> ArticleResult:
    return make_result(text, [{"sentence": 0, "mention": mention, "cue": "said", "content": "it was so",
                               "entity": entity, "resolution": more.pop("resolution", "named"), **more}],
                       document=text[:12])


def test_bare_surname_joins_on_evidence_and_stays_apart_when_the_title_disagrees(session: Session) -> None:
    save_results(session, [
        _person("Tony Pargeter said it was so.", "Tony Pargeter", "Tony Pargeter"),
        _person("Cherie Pargeter said it was so.", "Cherie Pargeter", "Cherie Pargeter"),
        _person("Mr Pargeter said it was so.", "Mr Pargeter", "Pargeter"),
        _person("Mrs Pargeter said it was so.", "Mrs Pargeter", "Pargeter"),
    ])
    by_mention = {s.mention: session.get(Source, s.source_id).name for s in session.exec(select(Statement)).all()}
    # Two people share the surname; the title tells them apart.
    assert by_mention["Mr Pargeter"] == "Tony Pargeter"
    assert by_mention["Mrs Pargeter"] == "Cherie Pargeter"


def test_an_office_joins_the_holder_the_corpus_names_and_ambiguous_ones_are_listed(session: Session) -> None:
    def titled(text: str, document: str, titles: list[tuple[str, str]], office: str = "chancellor") -> ArticleResult:
        mention = f"The {office}"
        result = make_result(text, [{"sentence": 0, "mention": mention, "cue": "said", "content": "it was so",
                                     "entity": mention, "role": office, "resolution": "description"}], document=document)
        result.titles = titles
        return result

    save_results(session, [
        titled("The chancellor said it was so. Chancellor Nigel Pargeter agreed.", "a", [("chancellor", "Nigel Pargeter")]),
        titled("The chancellor said it was so, again. Chancellor Nigel Pargeter agreed.", "b", [("chancellor", "Nigel Pargeter")]),
    ])
    names = {session.get(Source, s.source_id).name for s in session.exec(select(Statement)).all()}
    assert names == {"Nigel Pargeter"}
    # Split evidence: nobody is chosen, and the editor sees why.
    save_results(session, [
        titled("The foreign secretary said it was so.", "c", [("foreign secretary", "Ann Holloway")], "foreign secretary"),
        titled("The foreign secretary said it was so, too.", "d", [("foreign secretary", "Robin Bright")], "foreign secretary"),
    ])
    listed = {a.name: a for a in ambiguous_sources(session)}
    assert "The foreign secretary" in listed
    assert {c.split(" (")[0] for c in listed["The foreign secretary"].candidates} == {"Ann Holloway", "Robin Bright"}


# --- editors' fixes ---------------------------------------------------------------------------------------

def test_a_fixed_statement_stays_fixed_after_rescoring(session: Session) -> None:
    text = "Mr Pargeter said it was so."
    save_result(session, _person(text, "Mr Pargeter", "Pargeter"))
    statement = session.exec(select(Statement)).one()
    fixed = fix_statement(session, statement.id, "Ann Holloway")
    assert (fixed.old_source, fixed.new_source) == ("Pargeter", "Ann Holloway")
    assert session.exec(select(StatementFix)).one().source == "Ann Holloway"
    assert save_result(session, make_result(text, [{"sentence": 0, "mention": "Mr Pargeter", "cue": "said", "content": "it was so",
                                                   "entity": "Pargeter"}], version="v2", document=text[:12])) == "replaced"
    again = session.exec(select(Statement)).one()
    assert session.get(Source, again.source_id).name == "Ann Holloway"
    assert (again.resolution, again.confidence) == ("editor", 1.0)


def test_statements_fix_and_ambiguous_from_the_cli(tmp_path: Path) -> None:
    from attribution.db.engine import make_engine

    db = tmp_path / "c.db"
    engine = make_engine(str(db))
    with Session(engine) as session:
        save_result(session, _person("Mr Pargeter said it was so.", "Mr Pargeter", "Pargeter"))
        statement_id = session.exec(select(Statement.id)).one()
    runner = CliRunner()
    done = runner.invoke(app, ["statements", "fix", str(statement_id), "--source", "Ann Holloway", "--db", str(db)])
    assert done.exit_code == 0 and "'Pargeter' -> 'Ann Holloway'" in done.output
    missing = runner.invoke(app, ["statements", "fix", "999", "--source", "X", "--db", str(db)])
    assert missing.exit_code == 1 and "no statement with id 999" in missing.output
    listed = runner.invoke(app, ["sources", "--ambiguous", "--format", "json", "--db", str(db)])
    assert listed.exit_code == 0 and json.loads(listed.output) == []


# --- scraped input ----------------------------------------------------------------------------------------

def test_a_glued_headline_is_split_off_and_becomes_the_title() -> None:
    text = ("Minister rejects tax rise claims The minister for rural affairs has denied suggestions that taxes "
            "will rise after the election. He said the figures were wrong.")
    end = glued_headline_end(text)
    assert text[:end].strip() == "Minister rejects tax rise claims"
    assert [text[s.start : s.end] for s in split_sentences(text)][:2] == [
        "Minister rejects tax rise claims", text[end : text.index(" He said")]]
    assert article_from_text(text, "x").title == "Minister rejects tax rise claims"
    # A headline on its own line, and a text that opens like a sentence, are left alone.
    assert glued_headline_end("Minister rejects tax rise claims\n" + text[end:]) is None
    assert glued_headline_end("The minister said on Monday that Ann Holloway and Robin Bright will meet the "
                              "unions next week to discuss the plans.") is None


def test_mojibake_is_repaired_and_offsets_index_the_input_as_given() -> None:
    given = "He said it would cost Â£35bn in total."
    fixed, origin = repair_with_offsets(given)
    assert fixed == "He said it would cost £35bn in total."
    start = fixed.index("£35bn")
    assert given[origin[start] : origin[start + len("£35bn")]].endswith("£35bn")
    assert repair_with_offsets("plain “quoted” text")[0] == "plain “quoted” text"  # quotes stay curly


@pytest.mark.parametrize(("mention", "affiliation"), [
    ("Former Conservative leader William Hague", "Conservative"), ("Education Secretary Ruth Kelly", "Education"),
    ("Minister Richard Caborn", None), ("Shadow home secretary David Davis", None),
    ("White House National Security Council spokesperson John Kirby", "White House"),
])
def test_affiliations_name_a_body_never_a_title(mention: str, affiliation: str | None) -> None:
    assert parse_named(mention).affiliation == affiliation


def test_bbc_benchmark_reads_a_scored_database(tmp_path: Path) -> None:
    """benchmarks/bbc_sources.py --db: the leader, office, pronoun and duplicate figures from stored rows."""
    import subprocess
    import sys

    from attribution.db.engine import make_engine
    from tests.conftest import PROJECT

    db = tmp_path / "bbc.db"
    with Session(make_engine(str(db))) as session:
        save_results(session, [
            _person("Tony Blair said it was so.", "Tony Blair", "Tony Blair"),
            _person("Mr Blair said it was so.", "Mr Blair", "Tony Blair"),
            _person("Sir Blair said it was so.", "Sir Blair", "Sir Blair"),  # not his name: not counted
            _person("Earlier Tony Blair said it was so.", "Earlier Tony Blair", "Earlier Tony Blair"),
        ])
    finished = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "bbc_sources.py"), "--db", str(db)],
                              capture_output=True, text=True, timeout=120, cwd=PROJECT, check=False)
    assert finished.returncode == 0, finished.stderr
    assert "leader Blair: 2/3 = 66.7% of his name/surname/Mr mentions under 'Tony Blair' (2 sources)" in finished.stdout
    assert "duplicate statements: 0/4 = 0.00%" in finished.stdout


# --- round 3: pronouns -------------------------------------------------------------------------------------

def test_he_prefers_the_subject_of_the_last_sentence_to_its_object() -> None:
    text = ("Dan Kemble, who works in the party's research unit, had been due to take on Tony Blair in Sedgefield. "
            "He says his remark was misrepresented.")
    (he,) = resolve(text, [("He", "says", "his remark was misrepresented")])
    assert he.entity == "Dan Kemble"


def test_a_person_named_inside_what_was_said_is_talked_about_not_talking() -> None:
    text = ("Michael Hadley said Mr Blair had failed, that Mr Blair had wasted money and that Mr Blair should go. "
            "He added that taxes were too high.")
    _, added = resolve(text, [("Michael Hadley", "said", "Mr Blair had failed, that Mr Blair had wasted money and that Mr Blair should go"),
                              ("He", "added", "that taxes were too high")])
    assert added.entity == "Michael Hadley"


def test_a_name_that_only_describes_the_next_is_not_the_subject() -> None:
    text = ("Anne Blair welcomed the report. Blair campaign director Jane Palmer said the figures were good. "
            "She said voters had noticed.")
    *_, she = resolve(text, [("Anne Blair", "welcomed", "the report"), ("Blair campaign director Jane Palmer", "said", "the figures were good"),
                             ("She", "said", "voters had noticed")])
    assert she.entity == "Jane Palmer"


# --- round 3: quotations over sentences, contents ------------------------------------------------------------

def _sentences(text: str, parts: list[tuple[str | None, str | None, str | None]], label: str = "quote") -> list[SentenceResult]:
    """One sentence per split; per sentence (mention, cue, content) as the model might tag them, or Nones."""
    spans = split_sentences(text)
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), label, 0.9) for i, s in enumerate(spans)]

    def at(part: str | None, sentence: SentenceResult) -> TextSpan | None:
        if part is None:
            return None
        begin = text.index(part, sentence.start)
        return TextSpan(begin, begin + len(part), part)

    for sentence, (mention, cue, content) in zip(sentences, parts):
        if (mention, cue, content) != (None, None, None):
            sentence.attributions.append(Attribution(at(mention, sentence), at(cue, sentence), at(content, sentence), 0.9))
    return sentences


def test_a_name_inside_an_open_quotation_is_no_speaker(session: Session) -> None:
    text = ('Andrew Marr said: "This is damaging. Gordon Brown knows it as well as Tony Blair. '
            'Things are difficult." Tony Blair said the claims were nonsense.')
    sentences = _sentences(text, [("Andrew Marr", "said", '"This is damaging.'), ("Gordon Brown", "knows", "it as well as Tony Blair"),
                                  (None, None, 'Things are difficult."'), ("Tony Blair", "said", "the claims were nonsense")])
    merged = merge_continuations(sentences, text)
    assert [a.continues for a in merged[1].attributions] == [(0, 0)]
    result = resolve_article(ArticleResult(article_from_text(text, "q"), merged, "v1"))
    save_result(session, result)
    rows = sorted(session.exec(select(Statement)).all(), key=lambda r: r.content_start or 0)
    assert [(session.get(Source, r.source_id).name, r.content) for r in rows] == [
        ("Andrew Marr", '"This is damaging. Gordon Brown knows it as well as Tony Blair. Things are difficult."'),
        ("Tony Blair", "the claims were nonsense"),
    ]


def test_a_quotation_named_at_its_end_is_that_speaker_s_and_a_second_cue_is_a_second_statement() -> None:
    text = ('"Rich countries give less. This must stop," Ann Holloway said. '
            '"Children pay. Leaders must act," the charity\'s director added.')
    sentences = _sentences(text, [(None, None, '"Rich countries give less.'), ("Ann Holloway", "said", 'This must stop,"'),
                                  (None, None, '"Children pay.'), ("the charity's director", "added", 'Leaders must act,"')])
    merged = merge_continuations(sentences, text)
    first, second = merged[0].attributions[0], merged[2].attributions[0]
    assert first.source is not None and first.source.text == "Ann Holloway"
    assert first.content is not None and first.content.text == '"Rich countries give less. This must stop,"'
    assert second.source is not None and second.source.text == "the charity's director" and second.continues is None
    assert second.content is not None and second.content.text == '"Children pay. Leaders must act,"'


@pytest.mark.parametrize(("sentence", "cue", "content", "trimmed"), [
    ('Mr Kemble was quoted in the Guardian saying: "We plan to cut services."', "saying",
     'Mr Kemble was quoted in the Guardian saying: "We plan to cut services."', '"We plan to cut services."'),
    ('Addressing the claims, Mr Mitchell told the Today programme: "The law is clear."', "told",
     "Addressing the claims", '"The law is clear."'),
    ('Ann Holloway interrupted, saying "That is rubbish" as she tried to complain.', "saying",
     '"That is rubbish" as she tried to complain', '"That is rubbish"'),
    ('Ann Holloway said "A plan," and then "a good one".', "said", '"A plan," and then "a good one"', '"A plan," and then "a good one"'),
    ("But he told the Times Educational Supplement that truancy was bad.", "told",
     "the Times Educational Supplement that truancy was bad", "truancy was bad"),
])
def test_a_content_is_what_was_said(sentence: str, cue: str, content: str, trimmed: str) -> None:
    from attribution.pipeline import trim_content
    from attribution.segment import Span

    def at(part: str) -> TextSpan:
        return TextSpan(sentence.index(part), sentence.index(part) + len(part), part)

    found = trim_content(at(content), at(cue), Span(0, len(sentence)), sentence)
    assert found is not None and found.text == trimmed


@pytest.mark.parametrize(("mention", "name", "kind"), [
    ("Veteran Labour MP and former Cabinet minister Jack Cunningham", "Jack Cunningham", "person"),
    ("Mr Brown's former adviser Ed Balls, now a parliamentary hopeful", "Ed Balls", "person"),
    ("the ruling Carla Ferstman, legal director of the human rights organisation Redress", "Carla Ferstman", "person"),
    ("Many MPs with rural constituencies, particularly in eastern England", "Many MPs with rural constituencies", "anonymous"),
    ("the Conservatives and Lib Dems", "Conservatives and Lib Dems", "group"),
    ("Foreign Policy Centre", "Foreign Policy Centre", "organization"),
    ("Frank Field MP", "Frank Field", "person"),
    ("Australian Lynton Crosby", "Lynton Crosby", "person"),
    ("The SNP's Nicola Sturgeon", "Nicola Sturgeon", "person"),
    ("Rhian Beynon of the JCWI", "Rhian Beynon", "person"),
    ("Shani Rhys James", "Shani Rhys James", "person"),
    ("Republican Christine Todd Whitman", "Christine Todd Whitman", "person"),
    ("Royal Bank of Scotland", "Royal Bank of Scotland", "organization"),
])
def test_round_three_names(mention: str, name: str, kind: str) -> None:
    entity = parse_named(mention)
    assert (entity.name, entity.type) == (name, kind)
    assert entity.affiliation is None or "Mr" not in entity.affiliation


def test_it_is_no_place_named_in_the_last_sentence() -> None:
    text = "The law covers England and Wales. It said sentences should be cut."
    (it,) = resolve(text, [("It", "said", "sentences should be cut")])
    assert it.entity != "Wales"


@pytest.mark.parametrize(("cue", "kept"), [("is being urged", False), ("were warned", False), ("is expected", False),
                                           ("has been criticised by", True), ("declined", False), ("urged", True)])
def test_a_passive_cue_names_who_was_spoken_to(cue: str, kept: bool) -> None:
    content = "to cut taxes before the election"
    attribution = Attribution(TextSpan(0, 3, "Ann"), TextSpan(4, 4 + len(cue), cue), TextSpan(40, 40 + len(content), content), 0.9)
    assert is_statement(attribution) is kept


def test_one_mention_is_one_referent_for_all_its_cues() -> None:
    text = ("Michael Hadley said Britain was heading the wrong way. The weather was cold. "
            "Mr Blair has failed to tackle crime, he claimed, saying he has the wrong solution.")
    _, claimed, saying = resolve(text, [("Michael Hadley", "said", "Britain was heading the wrong way"),
                                        (", he", "claimed", "Mr Blair has failed to tackle crime"),
                                        (", he", "saying", "he has the wrong solution")])
    assert claimed.entity == saying.entity == "Michael Hadley"


def test_a_surname_glued_before_a_full_name_is_cut_and_the_premier_is_the_prime_minister() -> None:
    text = ("Britain heading wrong way - Hadley Tony Pargeter has failed, Michael Hadley has said. "
            "Mr Hadley said taxes were too high. Mr Pargeter disagreed. The premier said taxes were low.")
    found = resolve(text, [("Mr Pargeter", "disagreed", "Mr Pargeter disagreed"), ("The premier", "said", "taxes were low")])
    assert found[0].entity == "Tony Pargeter"
    assert found[1].role == "prime minister"


def test_an_office_in_lower_case_before_a_name_is_that_person_s_title() -> None:
    text = ("Hadley taunts Pargeter. The feud is damaging, Tory leader Michael Hadley has claimed. "
            "Mr Pargeter disagreed. The Tory leader said the feud was real.")
    *_, leader = resolve(text, [("Hadley", "taunts", "Pargeter"), ("Tory leader Michael Hadley", "has claimed", "The feud is damaging"),
                                ("The Tory leader", "said", "the feud was real")])
    assert (leader.entity, leader.resolution) == ("Michael Hadley", "description")


def test_a_party_s_spokesman_is_the_one_the_article_names_or_stays_unnamed() -> None:
    text = ("Lib Dem spokesman Vince Hadley said taxes were unfair. Mr Pargeter disagreed. "
            "The Lib Dem spokesman said the sums were wrong. The Tory spokesman said nothing had changed.")
    _, lib_dem, tory = resolve(text, [("Mr Pargeter", "disagreed", "Mr Pargeter disagreed"),
                                      ("The Lib Dem spokesman", "said", "the sums were wrong"),
                                      ("The Tory spokesman", "said", "nothing had changed")])
    assert lib_dem.entity == "Vince Hadley"
    assert tory.entity == "The Tory spokesman" and tory.vague


def test_she_may_be_the_unnamed_spokeswoman_just_quoted() -> None:
    text = ("Nicola Hadley said the remark was a gaffe. But an executive spokeswoman insisted it was meant for adults. "
            "She said the rules were clear.")
    _, she = resolve(text, [("an executive spokeswoman", "insisted", "it was meant for adults"), ("She", "said", "the rules were clear")])
    assert she.entity == "An executive spokeswoman" and she.vague


def test_a_second_verb_of_saying_is_a_second_statement() -> None:
    from attribution.pipeline import split_coordinated

    text = "Mr Prentis said workers did not want to strike and called for talks with the government."
    content = "workers did not want to strike and called for talks with the government"
    at = lambda part: TextSpan(text.index(part), text.index(part) + len(part), part)  # noqa: E731
    said, called = split_coordinated(Attribution(at("Mr Prentis"), at("said"), at(content), 0.9), text)
    assert (said.cue.text, said.content.text) == ("said", "workers did not want to strike")
    assert (called.cue.text, called.content.text, called.source) == ("called for", "talks with the government", said.source)
    comma = "Mr Caborn said the government had been cautious, and responded to the concerns raised."
    content = "the government had been cautious, and responded to the concerns raised"
    at = lambda part: TextSpan(comma.index(part), comma.index(part) + len(part), part)  # noqa: E731
    assert len(split_coordinated(Attribution(at("Mr Caborn"), at("said"), at(content), 0.9), comma)) == 1
    calling = "Ms Sturgeon wrote to him, accusing him of an error of judgement and calling for him to apologise at once."
    content = "him of an error of judgement and calling for him to apologise at once"
    at = lambda part: TextSpan(calling.index(part), calling.index(part) + len(part), part)  # noqa: E731
    _, second = split_coordinated(Attribution(at("Ms Sturgeon"), at("accusing"), at(content), 0.9), calling)
    assert (second.cue.text, second.content.text) == ("calling for", "him to apologise at once")


@pytest.mark.parametrize(("content", "trimmed"), [
    ("plans to limit new casinos to 24, in a move branded a retreat by the Tories", "plans to limit new casinos to 24"),
    ('the episode as a "bit of a disaster" as it meant the launch got little coverage', 'the episode as a "bit of a disaster"'),
    ('his party had "gone AWOL" after the great opportunity of June', 'his party had "gone AWOL" after the great opportunity of June'),
])
def test_the_writer_s_narration_after_a_content_is_cut(content: str, trimmed: str) -> None:
    from attribution.pipeline import trim_content
    from attribution.segment import Span

    sentence = f"Ann Holloway said {content}."
    found = trim_content(TextSpan(18, 18 + len(content), content), TextSpan(13, 17, "said"), Span(0, len(sentence)), sentence)
    assert found is not None and found.text == trimmed


def test_who_is_the_name_it_follows() -> None:
    text = "Damian Hadley accused the party of lying. But the claim was denied by a party spokesman, who said it was empty."
    *_, who = resolve(text, [("Damian Hadley", "accused", "the party of lying"), ("a party spokesman", "was denied by", "the claim"),
                             ("who", "said", "it was empty")])
    assert who.entity is not None and who.entity.lower().endswith("party spokesman")


def test_two_cues_of_one_quotation_are_one_statement(session: Session) -> None:
    text = ('Shadow chief secretary George Osborne said: "There is a black hole," he said. '
            '"Taxes will rise after the election."')
    sentences = _sentences(text, [("George Osborne", "said", '"There is a black hole,"'), (None, None, '"Taxes will rise after the election."')])
    second = sentences[0]
    second.attributions.append(Attribution(TextSpan(text.index("he said"), text.index("he said") + 2, "he"),
                                           TextSpan(text.index("he said") + 3, text.index("he said") + 7, "said"), None, 0.9,
                                           statement=False))  # as group_spans marks a cue without content beside one with it
    merged = merge_continuations(sentences, text)
    result = resolve_article(ArticleResult(article_from_text(text, "q"), merged, "v1"))
    save_result(session, result)
    rows = session.exec(select(Statement)).all()
    # one statement: what was said, without the clause between its two sentences; its span covers both
    assert [r.content for r in rows] == ['"There is a black hole," "Taxes will rise after the election."']
    first, second = text.index('"There'), text.index('"Taxes')
    assert (rows[0].content_start, rows[0].content_end) == (first, len(text))
    assert json.loads(rows[0].content_parts or "[]") == [[first, first + len('"There is a black hole,"')], [second, len(text)]]


def test_the_source_of_a_cue_after_name_who_is_that_who() -> None:
    from attribution.pipeline import _relative_speaker
    from attribution.segment import Span

    text = "He was responding to Tory spokesman Julian Lewis who said the ads were a smear."
    said = text.index("said")
    who = _relative_speaker(TextSpan(said, said + 4, "said"), Span(0, len(text)), text)
    assert who is not None and (who.text, who.start) == ("who", text.index("who"))
    other = "He said the ads were a smear."
    assert _relative_speaker(TextSpan(3, 7, "said"), Span(0, len(other)), other) is None


def test_the_question_put_to_a_speaker_is_no_statement_of_his() -> None:
    from attribution.model import SentencePrediction, SpanPrediction
    from attribution.pipeline import group_spans
    from attribution.segment import Span

    text = "Asked whether he would quit, Mr Blair said he was staying."
    def span(part: str, label: str) -> SpanPrediction:
        return SpanPrediction(label, text.index(part), text.index(part) + len(part), 0.9)
    prediction = SentencePrediction("claim", 0.9, [
        span("Asked", "CUE"), span("whether he would quit", "CONTENT"), span("Mr Blair", "SOURCE"), span("said", "CUE"),
        span("he was staying", "CONTENT"),
    ])
    asked, said = group_spans(Span(0, len(text)), text, prediction)
    assert not asked.statement and said.statement and said.content.text == "he was staying"


def test_a_speaker_after_the_cue_ends_the_sentence_and_us_in_capitals_is_no_pronoun() -> None:
    """'..., claims US' (the seed's headline): the model marks the cue and content but no source; the name
    after the cue is the speaker, and "US" is the United States, not "us" (which pointed at the byline)."""
    from attribution.link import mention_kind
    from attribution.model import SentencePrediction, SpanPrediction
    from attribution.pipeline import group_spans
    from attribution.segment import Span

    text = "Kim Jong-un likely to meet Putin in Russia for arms deal negotiations, claims US"
    cue, content = text.index("claims"), text.index(", claims")
    prediction = SentencePrediction("claim", 0.9, [SpanPrediction("CUE", cue, cue + 6, 0.9), SpanPrediction("CONTENT", 0, content, 0.9)])
    (attribution,) = group_spans(Span(0, len(text)), text, prediction)
    assert attribution.source is not None and (attribution.source.start, attribution.source.text) == (len(text) - 2, "US")
    said = 'The bridge will reopen in May, said Mayor Ana Ruiz.'
    cue = said.index("said")
    (inverted,) = group_spans(Span(0, len(said)), said, SentencePrediction("claim", 0.9, [SpanPrediction("CUE", cue, cue + 4, 0.9)]))
    assert inverted.source is not None and inverted.source.text == "Mayor Ana Ruiz"
    # Not after a cue that does not follow a comma or a quotation, and not a lower-case phrase.
    plain = "Officials said Monday."
    cue = plain.index("said")
    (no_source,) = group_spans(Span(0, len(plain)), plain, SentencePrediction("claim", 0.9, [SpanPrediction("CUE", cue, cue + 4, 0.9)]))
    assert no_source.source is None
    assert mention_kind("US") == "named" and mention_kind("us") == "pronoun" and mention_kind("I") == "pronoun"


# --- round 4: the house styles of the business, sport and arts desks (composed texts) -------------------------

@pytest.mark.parametrize(("mention", "name", "kind"), [
    ("Striker Thierry Henry", "Thierry Henry", "person"),  # a description capitalised as the sentence's first word
    ("Farmer Geoff Brooks, a senior member of the Quorn hunt", "Geoff Brooks", "person"),
    ("Former France centre Philippe Sella", "Philippe Sella", "person"),
    ("the World Travel and Tourism Council (WTTC", "World Travel and Tourism Council", "government"),
    ("Standard Chartered chief executive Mervyn Davies at a London press", "Mervyn Davies", "person"),
    ("Mr Crosby's statement", "Crosby", "person"),  # a statement speaks for its author
    ("Bank of England governor Mervyn King", "Mervyn King", "person"),  # "King" after a first name is a surname
    ("The US agrochemical giant Monsanto", "Monsanto", "organization"),
    ("UK-based bank Standard Chartered", "Standard Chartered", "organization"),
    ("Other agencies", "Other agencies", "anonymous"),
    ("Reports", "Reports", "anonymous"),
    ("Paul Farmer", "Paul Farmer", "person"),  # an occupation as a surname stays
    ("Both the Tories and the Lib Dems", "Lib Dems", "organization"),
    ("energy analyst Orin Middleton of Barclays Capital", "Orin Middleton", "person"),  # the body is his affiliation
    ("Ian Hunter at Goodbody Stockbrokers in Dublin", "Ian Hunter", "person"),
    ("the central bank's vice president Farhat Omar Ben Gadaravice", "Farhat Omar Ben Gadaravice", "person"),
    ("The secretary of the Welsh Students Rugby Union, Reverend Eldon Phillips", "Eldon Phillips", "person"),
    ("Arts minister Estelle Morris of the findings", "Estelle Morris", "person"),  # what she spoke of is no name
    ("Critics of the government", "Critics of the government", "anonymous"),
    ("Dr Doug Williams of BT", "Doug Williams", "person"),
    ("Chris Tomlinson's coach Peter Stanley", "Peter Stanley", "person"),  # the coach, not the athlete
    ("Vice-chairman Vivek Paul", "Vivek Paul", "person"),
    ("Andrew Fisher's sales pitch", "Andrew Fisher", "person"),
])
def test_round_four_names(mention: str, name: str, kind: str) -> None:
    entity = parse_named(mention)
    assert (entity.name, entity.type) == (name, kind)


def test_an_office_before_a_name_stays_the_role_not_a_leading_description() -> None:
    entity = parse_named("Prime Minister Nigel Pargeter")
    assert (entity.name, entity.role) == ("Nigel Pargeter", "Prime Minister")  # the office is kept whole


def test_a_first_person_after_an_occupation_is_no_name() -> None:
    assert parse_named("Every activist I").name != "I"  # "Every activist I have spoken to says ..."


def test_a_seat_is_no_name_and_the_mp_for_it_is_left_unnamed() -> None:
    entity = parse_named("The MP for Kettleby and Wrenthorpe")
    assert entity.name == "The MP for Kettleby and Wrenthorpe" and entity.vague and entity.type == "person"


def test_an_age_or_a_club_role_points_to_the_person_the_article_is_about() -> None:
    text = ("Defender Marco Vellini has signed a new deal with Wexham Rovers. The 29-year-old said he was delighted. "
            "Rovers manager Tom Haskins said the signing was vital. The Rovers manager added that more would follow. "
            "The Dunmore boss said he was not worried.")
    found = resolve(text, [("The 29-year-old", "said", "he was delighted"), ("Rovers manager Tom Haskins", "said", "the signing was vital"),
                           ("The Rovers manager", "added", "that more would follow"),
                           ("The Dunmore boss", "said", "he was not worried")])
    assert [a.entity for a in found[:3]] == ["Marco Vellini", "Tom Haskins", "Tom Haskins"]
    assert [a.resolution for a in found[:3]] == ["description", "named", "description"]
    assert found[3].entity not in ("Tom Haskins", "Marco Vellini")  # nobody here manages Dunmore


def test_who_was_told_is_no_source() -> None:
    from attribution.model import SentencePrediction, SpanPrediction
    from attribution.pipeline import group_spans
    from attribution.segment import Span

    text = '"Cables are a nuisance," Jane Ravens, an Intel strategist, told technology site ZDNet.'
    def span(label: str, part: str) -> SpanPrediction:
        start = text.index(part)
        return SpanPrediction(label, start, start + len(part), 0.9)
    prediction = SentencePrediction("quote", 0.9, [span("CONTENT", '"Cables are a nuisance,"'), span("SOURCE", "Jane Ravens, an Intel strategist"),
                                                   span("CUE", "told"), span("SOURCE", "technology site ZDNet")])
    (attribution,) = group_spans(Span(0, len(text)), text, prediction)
    assert attribution.source is not None and attribution.source.text.startswith("Jane Ravens")


@pytest.mark.parametrize(("cue", "content", "kept"), [
    ("agreed", "to buy the rival firm for $16bn", False),  # a deal, not a statement
    ("agreed", "that the rules were unfair", True),
])
def test_agreeing_to_do_something_is_no_statement(cue: str, content: str, kept: bool) -> None:
    text = f"Axon Holdings {cue} {content}."
    span = lambda part: TextSpan(text.index(part), text.index(part) + len(part), part)  # noqa: E731
    assert is_statement(Attribution(span("Axon Holdings"), span(cue), span(content), 0.9)) is kept


def test_it_said_is_no_plural_document() -> None:
    text = ("Recent figures showed that Norvale's profits tripled. It said sales of cameras were strong. "
            "Dr Alan Torres of Belmont said the tools were ready. The project draws on Mervyn Peake's gothic fantasy. "
            "He said it would open next year.")
    found = resolve(text, [("Recent figures", "showed", "that Norvale's profits tripled"), ("It", "said", "sales of cameras were strong"),
                           ("Dr Alan Torres of Belmont", "said", "the tools were ready"), ("He", "said", "it would open next year")])
    assert found[1].entity != "Recent figures"


@pytest.mark.parametrize(("text", "first_words"), [
    ("Morland casts doubt over Hartley Rio Morland has said he is unsure of the new owner's motives after the takeover of the club. "
     "He said so.", "Rio Morland has"),
    ("Vexo 'too reliant on reality TV' The head of US TV network Vexo has admitted it relied too much on cheap shows. He said so.",
     "The head of"),
    ("Tobacco giants hail court ruling US tobacco companies have welcomed an appeal court's decision on the case. They said so.",
     "US tobacco companies"),
    ("Hartley attacks Vance on tax Tory leader Tom Hartley has attacked Ann Vance over tax rises in a speech on Monday. He said so.",
     "Tory leader Tom"),
    ("Pargeter vows to cut poverty Chancellor Nigel Pargeter has promised to end child poverty by 2020 in a speech. He said so.",
     "Chancellor Nigel Pargeter"),
])
def test_where_a_glued_headline_ends(text: str, first_words: str) -> None:
    end = glued_headline_end(text)
    assert end is not None and text[end:].startswith(first_words)


@pytest.mark.parametrize(("label", "sentence", "content", "kind"), [
    ("claim", 'He said the plan was "deeply flawed".', 'the plan was "deeply flawed"', "quote"),  # quoted words
    ("claim", '"The plan is flawed," he said.', "The plan is flawed", "quote"),  # the content inside the marks
    ("quote", "He said the plan was flawed.", "the plan was flawed", "claim"),  # a paraphrase, whatever the label
    ("claim", "He said members of the 'metropolitan elite' gained.", "members of the 'metropolitan elite' gained", "quote"),  # single marks quote words too
    ("context", "Whatever.", "Whatever", "context"),
])
def test_a_statement_is_a_quote_when_it_quotes(label: str, sentence: str, content: str, kind: str) -> None:
    from attribution.results import statement_kind

    start = sentence.index(content)
    assert statement_kind(label, sentence, start, start + len(content)) == kind
