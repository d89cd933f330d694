"""Round 14 of the who-said-what rules (issue 13): transcripts ('TAPPER: ...', 'Q: ... A: ...'), where "I" is the
turn's speaker and "you" the other side, and a speaker's label in capitals is the name as written; the "self" of a
"self-described" phrase; a pollster's name that ends with its sentence. Texts are composed here (no corpus text)."""

from __future__ import annotations

from attribution.ingest import article_from_text
from attribution.link import (
    ArticleIndex,
    Entity,
    _country_by_its_name,
    _resolve_mention,
    name_case,
    named_works,
    parse_named,
    resolve_article,
    transcript_turns,
)
from attribution.pipeline import merge_continuations
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import split_sentences
from tests.test_issue13 import resolve

LABELLED = (
    "Biden Says the Economy Is Turning Around\n\nVice President Joe Biden spoke with the reporter Jane Doe on Tuesday.\n\n"
    "DOE: Do you think the economy is recovering?\n\nBIDEN: Well, I think it is recovering.\n\n"
    "DOE: What about the deficit?\n\nBIDEN: You have to look at the long run, and my view is that it will shrink.\n\n"
    "Biden later left for Delaware. I asked him about the trip."
)


def test_in_a_labelled_transcript_i_is_the_turns_speaker_and_you_the_other_side() -> None:
    found = resolve(LABELLED, [("you", "think", "the economy is recovering"), ("I", "think", "it is recovering."),
                               ("You", "have to look", "at the long run")])
    assert [a.entity for a in found] == ["Joe Biden", "Joe Biden", "Jane Doe"]


def test_a_speakers_we_in_a_transcript_is_not_the_publisher() -> None:
    index = ArticleIndex(LABELLED, [0], author="Sam Writer", publisher="The Daily")
    inside = LABELLED.index("Well, I think") + len("Well, ")
    assert _resolve_mention("we", inside, index, []) == (None, "unresolved")
    outside = LABELLED.index("I asked")
    assert _resolve_mention("we", outside, index, [])[0] is not None


def test_after_the_last_turn_i_is_the_writers_again() -> None:
    """The paragraph after the transcript is no turn: its "I" is the byline's, not the last speaker's."""
    index = ArticleIndex(LABELLED, [0], author="Sam Writer")
    assert index.turn_at(LABELLED.index("I asked")) is None
    assert index.turn_at(LABELLED.index("I think")) is not None


def test_in_a_question_and_answer_interview_a_is_the_person_the_headline_names() -> None:
    text = ("Q&A with Vice President Joe Biden\n\nVice President Joe Biden sat down with Politico at the White House.\n\n"
            "Q: Do you think you will run?\n\nA: I believe I have to decide soon.\n\nQ: Will she win?\n\nA: I expect she will.")
    found = resolve(text, [("you", "think", "you will run"), ("I", "believe", "I have to decide soon"), ("I", "expect", "she will.")])
    assert [a.entity for a in found] == ["Joe Biden", "Joe Biden", "Joe Biden"]


def test_without_a_name_in_the_headline_the_interviewee_is_who_the_introduction_names_most() -> None:
    text = ("A conversation with the vice president\n\nPolitico's Jane Doe sat down with Vice President Joe Biden. Biden was "
            "relaxed.\n\nQ: Do you think you will run?\n\nA: I believe I have to decide soon.")
    found = resolve(text, [("I", "believe", "I have to decide soon")])
    assert found[0].entity == "Joe Biden"


def test_headings_and_a_single_label_make_no_transcript() -> None:
    """'Sanders: Win in a walk.' lines are headings; 'UPDATE:' names nobody; one labelled line is a quotation."""
    assert transcript_turns("Sanders: Win in a walk.\n\nClinton: Keep it close.\n\nRubio: Finish second.") == ()
    assert transcript_turns("UPDATE: The vote was delayed.\n\nTRUMP: I will win.") == ()
    assert transcript_turns("The senator spoke.\n\nTRUMP: I will win.") == ()
    assert transcript_turns("JAKE TAPPER: Why?\n\nTHE FACTS: Not so.\n\nWHY IT MATTERS: Votes.") == ()
    turns = transcript_turns("Gov. Mary Fallin spoke.\n\nJAKE TAPPER: Why?\n\nFALLIN: I think so.\n\nTAPPER: Thanks.")
    assert [(t.label, t.key) for t in turns] == [("JAKE TAPPER", "tapper"), ("FALLIN", "fallin"), ("TAPPER", "tapper")]


def test_a_speakers_label_in_capitals_is_the_name_as_written() -> None:
    assert parse_named("JAKE TAPPER").name == "Jake Tapper"
    assert parse_named("NATO").name == "NATO"
    text = "JAKE TAPPER: Why not debate?\n\nMARY FALLIN: We will.\n\nTAPPER: Thank you."
    found = resolve(text, [("JAKE TAPPER", ":", "Why not debate?"), ("TAPPER", ":", "Thank you.")])
    assert [a.entity for a in found] == ["Jake Tapper", "Jake Tapper"]


def test_the_self_of_a_self_described_phrase_is_the_person_it_describes() -> None:
    """PolNeAR marks "self" in "a self-described socialist" as the source of the description: the person named with it."""
    text = "Young voters favour Sen. Bernie Sanders, I-Vt., a self-described democratic socialist, a poll shows."
    found = resolve(text, [("self", "described", "democratic socialist")])
    assert found[0].entity == "Bernie Sanders"
    text = "The self-proclaimed outsider Donald Trump won the primary."
    found = resolve(text, [("self", "proclaimed", "outsider")])
    assert found[0].entity == "Donald Trump"


def test_a_pollster_named_at_a_sentences_end_stops_at_its_full_stop() -> None:
    text = "Support grew, according to a new poll by the Harvard University Institute of Politics. Twenty-four percent agreed."
    assert [name for _, _, name in named_works(text)] == ["Harvard University Institute of Politics poll"]


def test_a_country_is_one_source_by_any_of_its_names() -> None:
    text = ("The US said the talks would resume. U.S. officials agreed. America insisted it wanted peace. "
            "Britain said it would attend. The UK later denied it.")
    found = resolve(text, [("The US", "said", "the talks would resume"), ("America", "insisted", "it wanted peace"),
                           ("Britain", "said", "it would attend"), ("The UK", "denied", "it.")])
    assert [a.entity for a in found] == ["United States", "United States", "United Kingdom", "United Kingdom"]


def test_a_lower_case_us_is_a_pronoun_not_a_country() -> None:
    assert _country_by_its_name(Entity("us", "group")) == Entity("us", "group")
    assert _country_by_its_name(Entity("Us", "group")) == Entity("Us", "group")  # opening a sentence
    assert _country_by_its_name(Entity("the U.S.", "organization")).name == "United States"  # type: ignore[union-attr]


def _merged_and_resolved(text: str, label: str, tagged: dict[str, tuple[str | None, str | None, str]]) -> dict[str, Attribution]:
    """The tagger's output as given (``tagged``: words of a sentence -> its source, cue and content, each by its
    words), carried through continuations and resolution; the first attribution of each tagged sentence."""

    def span(part: str | None) -> TextSpan | None:
        if part is None:
            return None
        start = text.index(part)
        return TextSpan(start, start + len(part), part)

    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), label, 0.9) for i, s in enumerate(split_sentences(text))]
    for words, (source, cue, content) in tagged.items():
        sentence = next(s for s in sentences if words in s.text)
        sentence.attributions = [Attribution(span(source), span(cue), span(content), 0.9)]
    result = resolve_article(ArticleResult(article_from_text(text, "t"), merge_continuations(sentences, text), "test"))
    return {words: next(s for s in result.sentences if words in s.text).attributions[0] for words in tagged}


def test_a_sentence_with_no_speaker_of_its_own_in_a_turn_is_the_turns_speakers() -> None:
    """The model tags 'Some voters' as the source of the first sentence of Tapper's turn; the question after it
    names no one: it is Tapper's, not a continuation of what the voters say."""
    text = ("Gov. Mary Fallin was asked about the race.\n\nJAKE TAPPER: Is he a healer?\n\nFALLIN: I think so.\n\n"
            "TAPPER: Some voters say they are not convinced. What do you tell them?\n\nFALLIN: Look at his record.")
    found = _merged_and_resolved(text, "claim", {"Some voters": ("Some voters", "say", "they are not convinced."),
                                                 "What do you": (None, None, "What do you tell them?")})
    asked = found["What do you"]
    assert (asked.entity, asked.source.text if asked.source else None) == ("Jake Tapper", "TAPPER")
    assert asked.content is not None and asked.content.text == "What do you tell them?"
    said = found["Some voters"]
    assert said.entity == "Some voters" and said.content is not None and said.content.text == "they are not convinced."


def test_a_turn_runs_to_the_next_label_of_any_kind() -> None:
    """An answer over two paragraphs is one turn; a fact-check's "THE FACTS:" ends the speaker's turn though it names
    no speaker; after the last turn's paragraph the text is the writer's."""
    text = ("Sen. Ann Clinton and Gov. Bob Trump debated on Monday night.\n\nTRUMP: You have been wrong.\n\n"
            "CLINTON: I have a plan.\n\nAnd I will pay for it.\n\nTHE FACTS: Her plan is unfunded, we found.\n\n"
            "TRUMP: Wrong.\n\nI watched the debate twice.")
    index = ArticleIndex(text, [0], publisher="The Daily")
    assert [turn.label for turn in index.turns] == ["TRUMP", "CLINTON", "TRUMP"]
    continued = index.turn_at(text.index("And I will pay"))
    assert continued is not None and continued.label == "CLINTON"
    assert index.turn_at(text.index("Her plan is unfunded")) is None
    assert index.turn_at(text.index("I watched")) is None


def test_questions_that_ask_someone_make_an_interview_without_the_word() -> None:
    text = ("Biden at seventy\n\nVice President Joe Biden has had a long year. Biden is weighing a run.\n\n"
            "Q: Do you think you will run?\n\nA: I believe I have to decide soon.")
    found = resolve(text, [("I", "believe", "I have to decide soon")])
    assert found[0].entity == "Joe Biden"


def test_questions_the_writer_answers_are_no_interview() -> None:
    """'Q:' and 'A:' with no interview in sight: the answers are the writer's, not the person the article names."""
    text = ("What the new health law means for you\n\nPresident Barack Obama signed the law. Obama said it would help.\n\n"
            "Q: Will my premium go up?\n\nA: For most people, no.\n\nQ: Can I keep my doctor?\n\nA: Usually. I would check first.")
    found = resolve(text, [("I", "would check", "first")])
    assert found[0].entity != "Barack Obama"
    index = ArticleIndex(text, [0], author="Sam Writer")
    turn = index.turn_at(text.index("Usually"))
    assert turn is not None and index.turn_speaker(turn) is None


def test_an_i_quoted_inside_a_turn_is_not_the_turns_speaker() -> None:
    text = ('Oklahoma Gov. Mary Fallin spoke on CNN on Sunday about the race.\n\nJAKE TAPPER: Why?\n\n'
            'FALLIN: Trump told me, "I think we can win." And I believe him.')
    index = ArticleIndex(text, [0])
    quoted = text.index('"I think') + 1
    inside, outside = _resolve_mention("I", quoted, index, [])[0], _resolve_mention("I", text.index("I believe"), index, [])[0]
    assert inside is None or inside.name != "Mary Fallin"
    assert outside is not None and outside.name == "Mary Fallin"


def test_names_in_capitals_are_cased_as_names_are() -> None:
    assert [name_case(n) for n in ("MITCH MCCONNELL", "BETO O'ROURKE", "ILEANA ROS-LEHTINEN", "CLINTON'S")] == [
        "Mitch McConnell", "Beto O'Rourke", "Ileana Ros-Lehtinen", "Clinton's"]


def test_a_producers_name_keeps_its_abbreviations() -> None:
    text = "A poll by the Univ. of Mass. Lowell found support. A survey conducted by Ipsos Corp. for Reuters agreed."
    assert [name for _, _, name in named_works(text)] == ["Univ. of Mass. Lowell poll", "Ipsos Corp. for Reuters survey"]


def test_a_paragraph_that_names_the_speaker_is_the_writers_again() -> None:
    text = ("Oklahoma Gov. Mary Fallin spoke to Jake Tapper on CNN on Sunday.\n\nJAKE TAPPER: Is he a healer?\n\n"
            "FALLIN: I think so.\n\nFallin's comments came a day after the primary. I asked her aides about it.\n\n"
            "TAPPER: Will you campaign?\n\nFALLIN: Yes.\n\nAnd I mean it.\n\nTAPPER: Thanks.")
    index = ArticleIndex(text, [0], author="Sam Writer")
    assert index.turn_at(text.index("I asked her aides")) is None
    continued = index.turn_at(text.index("And I mean it"))
    assert continued is not None and continued.label == "FALLIN"


def test_a_quotation_carried_on_inside_a_turn_stays_the_quoted_speakers() -> None:
    text = ("Health Secretary Ann Smith answered questions on Monday.\n\nQ: Will my premium go up?\n\n"
            'A: "It will not," Smith said. "Most people will pay less."\n\nQ: Can I keep my doctor?\n\nA: Usually.')
    found = _merged_and_resolved(text, "quote", {'"It will not,"': ("Smith", "said", '"It will not,"'),
                                                 '"Most people': (None, None, '"Most people will pay less."')})
    assert found['"Most people'].entity == "Ann Smith"


def test_the_interviewee_is_the_one_named_after_the_cue() -> None:
    text = ("Jane Doe talks with Joe Biden\n\nPolitico's Jane Doe talks with Vice President Joe Biden about the race. "
            "Doe has covered him for years.\n\nQ: Do you think you will run?\n\nA: I believe I have to decide soon.")
    found = resolve(text, [("I", "believe", "I have to decide soon")])
    assert found[0].entity == "Joe Biden"


def test_a_label_taken_for_the_source_is_whom_it_names() -> None:
    text = ("Oklahoma Gov. Mary Fallin spoke on CNN on Sunday about the race.\n\nJAKE TAPPER: Is he a healer?\n\n"
            "FALLIN: He is trying to heal.\n\nTHE FACTS: Polls show no change.")
    found = resolve(text, [("FALLIN", ":", "He is trying to heal."), ("THE FACTS", ":", "Polls show no change.")])
    assert [a.entity for a in found] == ["Mary Fallin", None]


def test_abbreviations_in_a_producers_name_and_a_sentence_after_one() -> None:
    text = ("A poll by Warner Bros. Entertainment found support. A survey by the Public Policy Institute of Calif. "
            "Most voters agreed.")
    assert [name for _, _, name in named_works(text)] == ["Warner Bros. Entertainment poll",
                                                          "Public Policy Institute of Calif survey"]
