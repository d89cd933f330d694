"""Text -> sentences -> labels and spans -> attributions -> resolved sources.

``Tracker.analyze`` writes nothing; storing a result is ``store.save_result``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from attribution import link
from attribution.ingest import Article, article_from_text, repair, repair_with_offsets
from attribution.predictor import PACKAGED_MODEL_DIR, Predictor, SentencePrediction, SpanPrediction, model_version
from attribution.results import QUOTATION_MARKS, ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import Span, split_sentences


def default_backend() -> str:
    """ONNX Runtime int8 where installed (fastest on CPU), else torch int8."""
    from attribution.onnx_backend import available

    return "onnx" if available() else "torch"


@lru_cache(maxsize=4)
def _cached_predictor(folder: str, base_model: str | None, quantize: bool, batch_size: int, backend: str) -> Predictor:
    """The model is loaded once per process (per folder and settings)."""
    return Predictor.from_folder(Path(folder), base_model, batch_size, quantize, backend)


def _nearest(target: SpanPrediction, candidates: Sequence[SpanPrediction]) -> SpanPrediction | None:
    def distance(span: SpanPrediction) -> int:
        return max(span.start - target.end, target.start - span.end, 0)

    return min(candidates, key=distance) if candidates else None


_DATA = Path(__file__).resolve().parent / "data"
_PIPELINE_WORDS = json.loads((_DATA / "pipeline_words.json").read_text(encoding="utf-8"))
_FUNCTION_WORDS = frozenset(_PIPELINE_WORDS["function_words"])
_SOURCE_PRONOUNS = frozenset(_PIPELINE_WORDS["source_pronouns"])  # function words that are still a source
_IRREGULAR_PAST_CUES = frozenset(_PIPELINE_WORDS["irregular_past_cues"])
_STATEMENTS = json.loads((_DATA / "statements.json").read_text(encoding="utf-8"))
CONTENT_FUNCTION_WORDS = frozenset(_STATEMENTS["function_words"])
AUXILIARY_CUES = frozenset(_STATEMENTS["auxiliary_cues"])
ACTION_CUES = frozenset(_STATEMENTS["action_cues"])
INFINITIVE_ACTION_CUES = frozenset(_STATEMENTS["infinitive_action_cues"])
PASSIVE_PARTICIPLES = frozenset(_STATEMENTS["passive_participles"])
_BE_FORMS = frozenset(_STATEMENTS["be_forms"])
REFUSAL_WORDS = frozenset(_STATEMENTS["refusal_words"])
REFUSED_SPEECH = frozenset(_STATEMENTS["refused_speech"])
CUE_ADVERBS = frozenset(_STATEMENTS["cue_adverbs"])
NON_SPEAKERS = frozenset(_STATEMENTS["non_speakers"])
FIGURE_NOUNS = frozenset(_STATEMENTS["figure_nouns"])
FIGURE_CUES = frozenset(_STATEMENTS["figure_cues"])
EXPLAINING_CUES = frozenset(_STATEMENTS["explaining_cues"])
FIGURE_OPENERS = [[w] for w in _STATEMENTS["figure_openers"]]  # "a loss of", "its profits"
_AMOUNT = re.compile(r"[\d$\u00a3\u20ac%]")  # a figure has a number or a currency
DATA_SOURCES = frozenset(_STATEMENTS["data_sources"])
DATA_CUES = frozenset(_STATEMENTS["data_cues"])
VERDICT_CUES = frozenset(_STATEMENTS["verdict_cues"])
CLAIM_NOUNS = frozenset(_STATEMENTS["claim_nouns"])
CLAUSE_WORDS = frozenset(_STATEMENTS["clause_words"])


def _bare_words(text: str) -> list[str]:
    return [w for w in (w.strip(".,;:!?\"'\u201c\u201d\u2018\u2019()").lower() for w in text.split()) if w]


def is_statement(attribution: Attribution) -> bool:
    """False for what is no statement: a content of function words only ("which"), a cue that only says
    something was ("was", "has been"), an action ("scrapped") with nothing quoted, a passive cue without
    its agent ("is being urged": the source was spoken to; "are said to": a report about the source), a
    refusal to say anything ("declined to comment", "did not say when"), a source that is no one
    ("Speculation suggests")."""
    source = _bare_words(attribution.source.text) if attribution.source is not None else []
    if source[-1:] and source[-1] in NON_SPEAKERS:
        return False
    if attribution.content is not None:
        words = _bare_words(attribution.content.text)
        if not words or all(w in CONTENT_FUNCTION_WORDS for w in words):
            return False
        if len(words) == 1:
            return False  # 'the report warned "Dubious"': one word says nothing a fact-checker can check
    if attribution.cue is not None:
        cue = _bare_words(attribution.cue.text)
        if cue and all(w in AUXILIARY_CUES for w in cue):
            return False
        quoted = attribution.content is not None and any(q in attribution.content.text for q in QUOTATION_MARKS)
        main = [w for w in cue if w not in AUXILIARY_CUES]
        if main and main[0] in ACTION_CUES and not quoted:
            return False
        if main and main[-1] in INFINITIVE_ACTION_CUES and attribution.content is not None and _bare_words(attribution.content.text)[:1] == ["to"]:
            return False  # "agreed to buy AT&T": a deal, not a statement
        refused = [i for i, w in enumerate(cue) if w in REFUSED_SPEECH and (
            (i >= 1 and cue[i - 1] in REFUSAL_WORDS) or (i >= 2 and cue[i - 1] == "to" and cue[i - 2] in REFUSAL_WORDS))]
        if refused:
            return False  # "declined to comment", "did not say"; never "did not hesitate to say"
        # "Halifax's figures", "Home Office figures": a body's; only figures nobody owns ("Latest figures") are the writer's reading
        owned = any(w.endswith("'s") or w.endswith("\u2019s") for w in source) or any(
            w[:1].isupper() for w in attribution.source.text.split()[1:-1]) if attribution.source is not None else False
        if source and source[-1] in DATA_SOURCES and not owned and cue and cue[-1] in DATA_CUES:
            return False  # "Latest figures suggest": the writer's reading of data
        opening = _bare_words(attribution.content.text)[:4] if attribution.content is not None and not quoted else []
        numbers = attribution.content is not None and _AMOUNT.search(attribution.content.text) is not None
        if main and main[-1] in FIGURE_CUES and numbers and any(w in FIGURE_NOUNS for w in opening[:3]) and opening[:1] in FIGURE_OPENERS:
            return False  # "AMR reported a loss of $387m": figures, not a statement
        if main and main[0] in EXPLAINING_CUES and opening[:1] == ["why"]:
            return False  # "Explaining why it has asked the WTO ...": a reason for an act, nothing said
        if _verdict_without_content(attribution, cue, quoted):
            return False  # "has criticised the US-led tsunami aid coalition": an act, nothing said
        plain = [w for w in cue if w not in CUE_ADVERBS]  # "are also said to"
        passive = any(a in _BE_FORMS and b in PASSIVE_PARTICIPLES for a, b in zip(plain, plain[1:]))
        if passive and "by" not in cue:
            return False
    return True


def _verdict_without_content(attribution: Attribution, cue: list[str], quoted: bool) -> bool:
    """A verdict cue ('criticised', 'welcomed') whose content is only its object, right after it: nothing quoted,
    no pronoun subject ('he', 'it') opening a clause, no clause or words of someone's ('that', 'claims')."""
    content = attribution.content
    if content is None or attribution.cue is None or quoted or not set(cue) & VERDICT_CUES:
        return False
    if content.start - attribution.cue.end > 2:  # 'rejected that idea, saying ...': the content is what follows 'saying'
        return False
    words = _bare_words(content.text)
    return bool(words) and words[0] not in _SOURCE_PRONOUNS and not set(words) & CLAUSE_WORDS and not set(words[:4]) & CLAIM_NOUNS


def _has_content_word(text: str) -> bool:
    words = [w.strip(".,;:\"'\u201c\u201d\u2019()").lower() for w in text.split()]
    return any(w and (w not in _FUNCTION_WORDS or w in _SOURCE_PRONOUNS) for w in words)


def group_spans(sentence: Span, text: str, prediction: SentencePrediction) -> list[Attribution]:
    """Group a sentence's SOURCE/CUE/CONTENT spans into attributions around their cues."""
    by_label: dict[str, list[SpanPrediction]] = {"SOURCE": [], "CUE": [], "CONTENT": []}
    for span in prediction.spans:
        if span.label == "SOURCE" and not _has_content_word(text[sentence.start + span.start : sentence.start + span.end]):
            continue  # a stray "The" or "it's" is no source
        by_label.setdefault(span.label, []).append(span)
    sources, cues, contents = by_label["SOURCE"], by_label["CUE"], by_label["CONTENT"]
    told = [c.end for c in cues if set(_bare_words(text[sentence.start + c.start : sentence.start + c.end])[-1:]) & TELL_CUES]
    # "..., Jeff Ravencraft told technology site ZDNet": who was told is no source
    sources = [s for s in sources if not any(end <= s.start and not text[sentence.start + end : sentence.start + s.start].strip() for end in told)]
    anchors = cues or contents or sources
    if not anchors:
        return []
    groups: dict[int, dict[str, list[SpanPrediction]]] = {id(a): {"SOURCE": [], "CUE": [], "CONTENT": []} for a in anchors}
    for label, spans in (("SOURCE", sources), ("CUE", cues), ("CONTENT", contents)):
        for span in spans:
            anchor = span if span in anchors and label == anchors[0].label else _nearest(span, anchors)
            groups[id(anchor)][label].append(span)

    def text_span(spans: list[SpanPrediction]) -> TextSpan | None:
        if not spans:
            return None
        start, end = sentence.start + min(s.start for s in spans), sentence.start + max(s.end for s in spans)
        return TextSpan(start, end, repair(text[start:end]))  # offsets index the input; the words are repaired

    attributions = []
    for anchor in anchors:
        group = groups[id(anchor)]
        members = [s for spans in group.values() for s in spans]
        if not members:
            continue
        # A cue without its own source shares the sentence's ("X said ..., urging ...").
        source = _nearest(anchor, group["SOURCE"] or sources)
        span_confidence = sum(s.confidence for s in members) / len(members)
        cue = text_span(group["CUE"])
        source_span = _complete_name(text_span([source]), text) if source else None
        source_span = _head_of_relative_clause(source_span, cue, sentence, text)
        attributions.append(
            Attribution(
                source=_relative_speaker(cue, sentence, text) or source_span or _speaker_after(cue, sentence, text),
                cue=cue,
                content=trim_content(text_span(group["CONTENT"]), cue, sentence, text),
                confidence=round(min(prediction.confidence, span_confidence), 4),
            )
        )
    attributions = [_without_own_source(a, text) for a in attributions]
    attributions = [part for attribution in _fill_contents(attributions, sentence, text) for part in split_coordinated(attribution, text)]
    # "Asked whether ..., Mr Blair said ...": the question put to the speaker opens the sentence; it is no
    # statement of his.
    opener = text[sentence.start : sentence.end].lstrip()
    question_at = sentence.end - len(opener) if opener.lower().startswith("asked ") else None
    attributions = [replace(a, statement=False) if a.cue is not None and a.cue.start == question_at else a for a in attributions]
    return _mark_statements(attributions)


def _mark_statements(attributions: list[Attribution]) -> list[Attribution]:
    """Which attributions are statements of the claim graph (the rest stay in the JSONL contract: PolNeAR
    marks such spans too).  Not: what ``is_statement`` rejects; a cue with no content of its own beside one
    that has it ('Mr Johnson told Today: "...," he said.'); a second cue of the same content ('was denied by
    UKIP spokesman, who said: "..."'), of which the one whose source is a name is kept, else the first."""
    with_content = any(a.content is not None for a in attributions)
    contents = [(a.content.start, a.content.end) if a.content is not None else None for a in attributions]
    keep: dict[tuple[int, int], tuple[int, bool]] = {}
    for number, (attribution, content) in enumerate(zip(attributions, contents)):
        if content is None:
            continue
        named = attribution.source is not None and link.mention_kind(attribution.source.text) != "pronoun"
        if content not in keep or (named and not keep[content][1]):
            keep[content] = (number, named)
    return [
        replace(a, statement=a.statement and is_statement(a) and (content is not None or not with_content) and (content is None or keep[content][0] == number))
        for number, (a, content) in enumerate(zip(attributions, contents))
    ]


_WHO_BEFORE = re.compile(
    r"(?:[A-Z][\w\u2019'.-]*\s+)*[A-Z][\w\u2019'.-]*,?\s+(who)\s+(?:" + "|".join(w + r"\s+" for w in _PIPELINE_WORDS["relative_auxiliaries"]) + r")?$"
)


def _relative_speaker(cue: TextSpan | None, sentence: Span, text: str) -> TextSpan | None:
    """A "who" right after a name and before the cue ("He was responding to Tory spokesman Julian Lewis who
    said ..."): the source of that cue, whatever source the sentence's other cue has (the linker resolves
    it to the name it follows)."""
    if cue is None:
        return None
    found = _WHO_BEFORE.search(text, max(sentence.start, cue.start - 80), cue.start)
    if found is None or found.end() != cue.start:
        return None
    return TextSpan(found.start(1), found.end(1), repair(found.group(1)))


# "The Oscar-nominated actor, whose films include ... The Phantom Menace, said": the sentence's first phrase, then a
# relative clause of a person that a comma closes before the cue
_CLAUSE_HEAD = re.compile(
    r"[\s\"'\u201c\u2018]*(?P<head>[A-Z][^,;:\"\u201c\u201d]{1,80}?),\s+(?:"
    + "|".join(sorted(link.PERSON_RELATIVES)) + r")\b[^;\"\u201c\u201d]*?$"
)


_CLAUSE_ENDS = re.compile(r"[,;]\s+[a-z]")


def _head_of_relative_clause(source: TextSpan | None, cue: TextSpan | None, sentence: Span, text: str) -> TextSpan | None:
    """A source the model found inside the relative clause that separates the sentence's subject from its cue
    is a name the clause mentions, not the speaker: the speaker is the subject the clause describes.  Returns
    the span from the subject to the model's source (the linker reads the subject and drops the clause, as it
    does for "Mr Cook, who is giving evidence ..."), or the source as it was."""
    if source is None or cue is None or text[source.end : cue.start].strip() != ",":
        return source
    opened = _CLAUSE_HEAD.match(text, sentence.start, source.end)
    if opened is None or opened.end("head") >= source.start or len(opened.group("head").split()) > 8:
        return source  # no such clause, or the model's source already starts with the subject
    if _CLAUSE_ENDS.search(text, opened.end("head") + 1, source.start):
        # "John Smith, who founded the firm, has stepped down and its chairman, Peter Jones, said": the clause ended
        # before the source (a comma before a lower-case word: a verb or a new clause; a list of names goes on
        # in capitals), so the source is a subject of its own
        return source
    return TextSpan(opened.start("head"), source.end, repair(text[opened.start("head") : source.end]))


# "..., claims US" / "..., said Ana Ruiz.": the speaker after the cue, ending the sentence (headlines, inverted clauses).
_SPEAKER_AFTER = re.compile(r"[ \t]+((?:[Tt]he[ \t]+)?[A-Z][\w.\u2019'-]*(?:[ \t]+[A-Z][\w.\u2019'-]*){0,4})[ \t]*[.!?]?[\s\"'\u201d\u2019]*$")


def _speaker_after(cue: TextSpan | None, sentence: Span, text: str) -> TextSpan | None:
    """The capitalised name that follows the cue and ends the sentence, when the model found no source."""
    if cue is None or not text[sentence.start : cue.start].rstrip().endswith((",", "\"", "\u201d", "\u2019", "'")):
        return None
    found = _SPEAKER_AFTER.match(text[: sentence.end], cue.end)
    if found is None:
        return None
    start, end = found.span(1)
    if text[end - 1] == "." and "." not in text[start : end - 1].split()[-1]:
        end -= 1  # the full stop ends the sentence ("Ruiz."), unless the word is dotted ("U.S.")
    return TextSpan(start, end, repair(text[start:end]))


_TRAILING_LINK = re.compile(r"(?:[\s,;]+(?:" + "|".join(_PIPELINE_WORDS["trailing_links"]) + r")\b)+[\s,;]*$|[\s,;:]+$")


def _without_own_source(attribution: Attribution, text: str) -> Attribution:
    """'"...," said Mr King, "they just do what works."': a content tagged from the speaker's name on is what
    follows the name and its comma."""
    source, content = attribution.source, attribution.content
    if source is None or content is None or not (content.start <= source.start < source.end < content.end):
        return attribution
    if text[content.start : source.start].strip(" \t,\"'\u201c\u201d"):
        return attribution
    rest = source.end
    while rest < content.end and text[rest] in " \t,":
        rest += 1
    return replace(attribution, content=_span(text, rest, content.end)) if content.end - rest >= 12 else attribution


def _fill_contents(attributions: list[Attribution], sentence: Span, text: str) -> list[Attribution]:
    """A cue the model left without a content, beside others that have one ('he told the paper that truancy
    was "very bad" and said "firm action" was needed'): what follows the cue up to the next attribution's
    words, when that is at least three words."""
    if all(a.content is not None for a in attributions) or all(a.content is None for a in attributions):
        return attributions
    starts = sorted(span.start for a in attributions for span in (a.source, a.cue, a.content) if span is not None)
    filled = []
    for attribution in attributions:
        cue = attribution.cue
        if attribution.content is None and cue is not None:
            end = next((start for start in starts if start >= cue.end), sentence.end)
            words = _TRAILING_LINK.sub("", text[cue.end : end])
            if len(words.split()) >= 3:
                attribution = replace(attribution, content=trim_content(_span(text, cue.end, cue.end + len(words)), cue, sentence, text))
        filled.append(attribution)
    return filled


_COLON_THEN_QUOTE = re.compile(r"[^\"\u201c\u201d]{0,60}?:\s*[\"\u201c]")


def _span(text: str, start: int, end: int) -> TextSpan:
    while start < end and text[start] in " \t\n:,":
        start += 1
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    return TextSpan(start, end, repair(text[start:end]))


def trim_content(content: TextSpan | None, cue: TextSpan | None, sentence: Span, text: str) -> TextSpan | None:
    """What was said, without its cue or the writer's narration around it.

    - A content holding its own cue ('Mr Kruger was quoted in the Guardian saying: "We plan ..."') is what
      follows the cue.
    - A content before its cue when a quotation follows the cue and a colon ('Addressing claims ..., Mr
      Michael told the Today programme: "There has been ...') is that quotation.
    - A quotation followed by narration ('"Tony, that's rubbish" as she tried to complain ...') ends at its
      closing mark, unless another quotation follows ('"A," he said, "B."').
    """
    if content is None:
        return None
    if cue is not None and content.start < cue.start and cue.end <= content.end:
        after = _span(text, cue.end, content.end)
        content = after if len(after.text.split()) >= 3 else _span(text, content.start, cue.start)
    elif cue is not None and content.end <= cue.start and not any(q in content.text for q in QUOTATION_MARKS):
        quotation = _COLON_THEN_QUOTE.match(text, cue.end, sentence.end)
        if quotation is not None:
            content = _span(text, quotation.end() - 1, sentence.end)
    if content.text.lstrip()[:1] in QUOTATION_MARKS:
        marks = quotation_marks(text, content.start, content.end, False)[0]
        closing = [position for position, opens in marks if not opens]
        if closing and closing[0] == marks[-1][0] and len(text[closing[0] + 1 : content.end].split()) >= 2:
            content = _span(text, content.start, closing[0] + 1)
    saying = _OBJECT_THEN_SAYING.match(text, content.start, content.end)
    if saying is not None and cue is not None and set(_bare_words(cue.text)) & _OBJECT_CUES and len(text[saying.end() : content.end].split()) >= 3:
        content = _span(text, saying.end(), content.end)  # "attacked [positive discrimination, saying] it is ..."
    addressee = _ADDRESSEE.match(text, content.start, content.end)
    if addressee is not None and cue is not None and _bare_words(cue.text)[-1:] and _bare_words(cue.text)[-1] in ADDRESSEE_CUES:
        content = _span(text, addressee.end(), content.end)  # "told [the Times] that truancy was bad"
    narration = _NARRATION.search(text, content.start, content.end)
    if narration is not None and len(text[content.start : narration.start()].split()) >= 3:
        content = _span(text, content.start, narration.start())
    contrast = _CONTRAST.search(text, content.start, content.end)
    quoted = any(q in text[content.start : content.end] for q in QUOTATION_MARKS)  # a quotation is the speaker's, whole
    if contrast is not None and not quoted and len(text[content.start : contrast.start()].split()) >= 3:
        content = _span(text, content.start, contrast.start())  # "Foxx will win best actor, while Staunton looks likely to lose"
    if not quoted:
        relative = _TRAILING_RELATIVE.search(text, content.start, content.end)
        if relative is not None and len(text[content.start : relative.start()].split()) >= 4:
            content = _span(text, content.start, relative.start())  # "... another series, each of which was set in ..."
        second = _SECOND_ACT.search(text, content.start, content.end)
        if second is not None and second.group("verb") in _SECOND_ACT_VERBS and len(text[content.start : second.start()].split()) >= 3:
            content = _span(text, content.start, second.start())  # "... was not widespread and recommended users to ..."
    if not quoted:
        ongoing = _ONGOING_ACT.search(text, content.start, content.end)
        before = text[content.start : ongoing.start()] if ongoing is not None else ""
        # reported in the past, then the present: the writer on what the speaker does now ("the firm is strong and is
        # growing" stays whole)
        if ongoing is not None and len(before.split()) >= 3 and _PAST.search(before) and not _PRESENT.search(before):
            content = _span(text, content.start, ongoing.start())  # "the sale was illegal and is pursuing damages"
    dangling = _DANGLING.search(text, content.start, content.end)
    if dangling is not None and len(text[content.start : dangling.start()].split()) >= 3:
        content = _span(text, content.start, dangling.start())  # "... out of Europe, with"
    return content


_NARRATION = re.compile(
    r"(?:[,;]|\s[\u2013\u2014-])\s+(?:" + "|".join(re.escape(w) for w in _PIPELINE_WORDS["narration_clauses"]) + r")\b"
    + r"|(?<=[\"\u201d])\s+(?:" + "|".join(re.escape(w) for w in _PIPELINE_WORDS["narration_after_quotation"]) + r")\b"
)
# only a relative clause that runs to the content's end: ", which cut GM's holding to 10%, together with ..." is mid-sentence
_TRAILING_RELATIVE = re.compile(r",\s+(?:" + "|".join(_PIPELINE_WORDS["trailing_relatives"]) + r")\s[^,;]*$")
_SECOND_ACT = re.compile(r"\s(?:" + "|".join(j.replace(" ", r"\s+") for j in _PIPELINE_WORDS["second_act_joiners"]) + r")\s+(?P<verb>[a-z]+ed)\b")
_SECOND_ACT_VERBS = (
    frozenset(_STATEMENTS["speech_cues"]) | frozenset(_STATEMENTS["action_cues"]) | frozenset(_STATEMENTS["refusal_words"])
    | frozenset(_PIPELINE_WORDS["second_act_verbs"])
)
_CONTRAST = re.compile(r",\s+while\s+(?![a-z]+ing\b)")
_ONGOING_ACT = re.compile(r"\s(?:and|but)\s+(?:" + "|".join(_PIPELINE_WORDS["ongoing_acts"]) + r")\s+[a-z]+ing\b")
_PAST = re.compile(r"\b(?:" + "|".join(_PIPELINE_WORDS["past_auxiliaries"]) + r")\b")
_PRESENT = re.compile(r"\b(?:" + "|".join(_PIPELINE_WORDS["present_auxiliaries"]) + r")\b")
_DANGLING = re.compile(r",\s+(?:" + "|".join(_PIPELINE_WORDS["dangling_words"]) + r")\s*$")
_SPEECH_CUES = frozenset(_STATEMENTS["speech_cues"])
ADDRESSEE_CUES = frozenset(_PIPELINE_WORDS["addressee_cues"])
TELL_CUES = frozenset(_PIPELINE_WORDS["tell_cues"])
_ADDRESSEE = re.compile(r"(?:" + "|".join(a + " " for a in link.ARTICLES) + r")?(?:[\w\u2019'&.-]+ ){0,5}?that\s+")
_COORDINATION_PARTICLES = frozenset(_PIPELINE_WORDS["coordination_particles"])
_OBJECT_CUES = frozenset(_PIPELINE_WORDS["object_cues"])
# the object of such a cue, up to eight words with no quotation mark, then 'saying (that)'
_OBJECT_THEN_SAYING = re.compile(r"(?:[^\s\"\u201c\u201d]+\s+){0,7}[^\s\"\u201c\u201d]+?,?\s+saying\s+(?:that\s+)?")
_COORDINATED = re.compile(r"(?<![,;])\s+and\s+([a-z]+)\b")  # "..., and responded to ..." stays one statement


def split_coordinated(attribution: Attribution, text: str) -> list[Attribution]:
    """'Mr Prentis said workers did not want to strike and called for talks': two acts of saying, two
    statements of one speaker ("said" ..., "called for" talks).  Only a paraphrase splits, at "and" and a
    past verb of saying or doing ("called", "promised", "dismissed") or a verb of saying in -ing ("and
    calling for"), with three words or more on each side."""
    content = attribution.content
    if content is None or attribution.cue is None or content.text.lstrip()[:1] in QUOTATION_MARKS:
        return [attribution]
    for match in _COORDINATED.finditer(text, content.start, content.end):
        verb = match.group(1)
        past = verb.endswith("ed") or verb in _IRREGULAR_PAST_CUES
        participle = verb.endswith("ing") and verb in _SPEECH_CUES  # "accusing him of ... and calling for him to apologise"
        if not (verb in _SPEECH_CUES or verb in ACTION_CUES) or not (past or participle):
            continue
        cue_end = match.end()
        particle = re.match(r"\s+([a-z]+)\b", text[cue_end : content.end])
        if particle is not None and particle.group(1) in _COORDINATION_PARTICLES:
            cue_end += particle.end()
        first, second = _span(text, content.start, match.start()), _span(text, cue_end, content.end)
        if len(first.text.split()) < 3 or len(second.text.split()) < 3:
            continue
        cue = TextSpan(match.start(1), cue_end, repair(text[match.start(1) : cue_end]))
        return [replace(attribution, content=first), replace(attribution, cue=cue, content=second)]
    return [attribution]


_NEXT_NAME_WORD = re.compile(r" [A-Z][\w'\u2019-]*\b(?![\u2019']s\b)")
# Words that cannot end a source's name: first halves of names ("The White" | "House", "Mr." | "Obama").
_NAME_PREFIXES = frozenset(_PIPELINE_WORDS["name_prefixes"])


_DESCRIBED_BEFORE = re.compile(r"\b(?:the|The|a|A|an|An|its|Its|their|Their)\s+(?:[\w-]+\s+){0,5}$")


def _complete_name(span: TextSpan | None, text: str) -> TextSpan | None:
    """A source cut inside a name is extended by the name's next word; a lone lower-case head ("tank") by the
    description it ends ("the Paris-based economics think tank")."""
    if span is None or not span.text.split():
        return span
    if span.text.isalpha() and span.text.islower() and span.text not in _FUNCTION_WORDS and span.text not in link.PRONOUNS:
        described = _DESCRIBED_BEFORE.search(text, max(0, span.start - 60), span.start)
        between = text[described.end() if described else 0 : span.start].split() if described else []
        # only modifiers in between ("the Paris-based economics think tank"), never "a letter to his chairman he"
        if described is not None and not any(c in text[described.start() : span.start] for c in ",;:\"\u201c\u201d") and not any(
            w.lower() in _FUNCTION_WORDS or w.lower() in link.PRONOUNS for w in between):
            return TextSpan(described.start(), span.end, repair(text[described.start() : span.end]))
    words = span.text.split()
    last = words[-1].lower().strip(".")
    # A first name ends a source only when it stands alone ("Jon" | "Tester"); "Lindsey Graham" is whole.
    lone_first_name = last in link.FIRST_NAMES and not (len(words) > 1 and words[-2][:1].isupper())
    if last not in _NAME_PREFIXES and not lone_first_name:
        return span
    match = _NEXT_NAME_WORD.match(text, span.end)
    if match is None:
        return span
    return TextSpan(span.start, match.end(), repair(text[span.start : match.end()]))


# The most characters after a quotation's content in its sentence ('Oxfam's Barbara Stocking said') for
# the next sentence's quotation to be the same statement.
CONTINUATION_REST_CHARS = int(_PIPELINE_WORDS["continuation_rest_chars"])


def _speech_clause(rest: str, attribution: Attribution, sentence: SentenceResult) -> bool:
    """Whether what follows a quotation in its sentence is the clause that attributes it: it holds the
    attribution's own cue ('he said', 'he told BBC Radio 4's Today programme')."""
    content = attribution.content
    # its own cue, or another cue of the sentence ('X said: "...," he said.')
    return content is not None and any(
        a.cue is not None and content.end <= a.cue.start < sentence.end for a in [attribution, *sentence.attributions]
    )


def _only_own_clause(attribution: Attribution, sentence: SentenceResult) -> bool:
    """Whether nothing after the quotation in its sentence belongs to another statement: a long attribution
    clause ('said Roddick, who was on the US team which lost to France in 2002') still ends the quotation
    that the next sentence carries on, but not one that reports someone else or a second content."""
    content = attribution.content
    if content is None:
        return False
    for other in sentence.attributions:
        if other is attribution:
            continue
        spans = [span for span in (other.source, other.cue, other.content) if span is not None]
        if any(span.start >= content.end for span in spans):
            return False
    return True


def _second_speaker(attribution: Attribution, sentence: SentenceResult) -> bool:
    """Whether the clause after the quotation introduces someone else besides its own speaker ('"A," he said,
    but Smith disagreed.'): the quotation's own source follows it, and so does another source.  A second
    clause of the same speaker ('X said: "A," he said.') has its first source before the quotation."""
    content, own = attribution.content, attribution.source
    if content is None or own is None or own.start < content.end:
        return False
    return any(
        other is not attribution and other.source is not None and other.source.start >= content.end
        and other.source.start != own.start
        for other in sentence.attributions
    )


_OPENS_AFTER = " \t\n([{\u2014\u2013-"
_CLOSES_BEFORE = " \t\n.,;:!?)]}\u2014\u2013-"


def quotation_marks(text: str, start: int, end: int, inside: bool) -> tuple[list[tuple[int, bool]], bool]:
    """The double quotation marks in ``text[start:end]`` as (position, opens), and whether a quotation is
    still open at ``end``; ``inside``: whether one is open at ``start``.

    A straight mark opens after a space and before a word, and closes after a word and before a space
    or a stop; one that is neither ("of\"squabbling") opens or closes by turns.  A mark that opens
    inside an open quotation starts its next paragraph (BBC records lose the line breaks: '"A. "B."'),
    and the quotation stays open.
    """
    marks = []
    for position in range(start, end):
        mark = text[position]
        if mark not in QUOTATION_MARKS:
            continue
        before = text[position - 1] if position > 0 else " "
        after = text[position + 1] if position + 1 < len(text) else " "
        if mark == "\u201c":
            opens = True
        elif mark == "\u201d":
            opens = False
        else:
            can_open = before in _OPENS_AFTER and not after.isspace()
            can_close = after in _CLOSES_BEFORE and not before.isspace()
            opens = can_open if can_open != can_close else not inside
        marks.append((position, opens))
        inside = opens
    return marks, inside


def _quotation_end(text: str, sentence: SentenceResult) -> int | None:
    """Where a quotation open at the start of ``sentence`` closes in it (after its closing mark), if it does."""
    for position, opens in quotation_marks(text, sentence.start, sentence.end, True)[0]:
        if not opens:
            return position + 1
    return None


_SPEAKER_VOICE = frozenset(_PIPELINE_WORDS["speaker_voice"])


def _next_mark_closes(text: str, start: int) -> bool:
    """Whether the first double quotation mark at or after ``start`` closes a quotation (read as if one is open);
    ``False`` when it opens one or when no mark follows."""
    for position in range(start, len(text)):
        mark = text[position]
        if mark not in QUOTATION_MARKS:
            continue
        if mark in "\u201c\u201d":
            return mark == "\u201d"
        before = text[position - 1] if position > 0 else " "
        after = text[position + 1] if position + 1 < len(text) else " "
        can_open = before in _OPENS_AFTER and not after.isspace()
        can_close = after in _CLOSES_BEFORE and not before.isspace()
        return can_close or not can_open
    return False


def _quotation_lost_its_close(text: str, sentence: SentenceResult) -> bool:
    """Whether ``sentence``, which starts while a quotation is open, is no part of it: the quotation lost its closing
    mark (BBC records drop the line breaks, and now and then a mark).  The sentence does not open a new paragraph
    of the quotation (no mark at its start), the next mark opens another quotation or none follows ('"... one or
    two seconds. Freddie Ljungberg is likely to be used ... Gunners boss Arsene Wenger said: "Freddie is ...'),
    and its words before any mark are not the speaker's voice (no first- or second-person word)."""
    if text[sentence.start : sentence.end].lstrip()[:1] in QUOTATION_MARKS or _next_mark_closes(text, sentence.start):
        return False
    head = re.split(r"[\"\u201c\u201d]", text[sentence.start : sentence.end], maxsplit=1)[0]
    words = {w.strip(".,;:!?()'\u2018\u2019").replace("\u2019", "'").lower() for w in head.split()}
    return not words & _SPEAKER_VOICE


def _new_act_of_saying(out: list[SentenceResult], position: int, text: str) -> bool:
    """Whether ``out[position]``, which starts while a quotation is open, opens a paragraph that is an act of saying
    of its own: its quotation ends with its own attribution clause ('Monfils said: "This is my first win ...
    "I play my best tennis ...," he said.'), as '"A," she said. "B. C," the director added.' is two statements."""
    return text[out[position].start : out[position].end].lstrip()[:1] in QUOTATION_MARKS and _closed_by_own_clause(out, position, text)


def _opened_by(text: str, sentence: SentenceResult, inside: bool) -> int | None:
    """The attribution of ``sentence`` whose quotation is still open at the sentence's end, if any."""
    marks, open_at_end = quotation_marks(text, sentence.start, sentence.end, inside)
    if not open_at_end:
        return None
    opening = [p for p, opens in marks if opens]
    mark = opening[-1] if opening else sentence.start
    for number, attribution in enumerate(sentence.attributions):
        content = attribution.content
        if content is not None and content.start - 2 <= mark < content.end:
            return number
    return None


def merge_continuations(sentences: list[SentenceResult], text: str) -> list[SentenceResult]:
    """A sentence that only carries on the previous statement ("..." he said. "More quote.") inherits its source.

    Returns new sentences whose attributions carry their ``key`` (the given ones are left as they are).
    When the previous content ran to the end of its sentence, the two contents become one span shared by
    every sentence of the chain, and the carrying-on attribution names the one it carries on
    (``continues``: that one's key), so that the chain is stored as one statement.  A sentence that starts inside a quotation
    opened by an earlier statement and not yet closed ('Andrew Marr said: "This is damaging. Gordon Brown
    knows it."') is that statement's, up to the closing mark: a name in it is no speaker of its own.
    """
    out = list(sentences)  # sentences are replaced in this list, never changed
    turns = link.transcript_turns(text)  # in a transcript, a sentence carries on its own turn's speaker only
    previous: tuple[int, int] | None = None  # (position in ``out``, attribution index)
    opened: tuple[int, int] | None = None  # the statement whose quotation is open at the end of the last sentence
    inside = False  # whether a quotation is open at the end of the last sentence
    for position, sentence in enumerate(out):
        current = None
        if opened is not None and (_new_act_of_saying(out, position, text) or _quotation_lost_its_close(text, sentence)):
            opened, inside = None, False  # the quotation ended with the last sentence
        starts_inside, was_inside = opened is not None, inside
        if opened is not None:
            current = _carry_quotation(out, position, opened, text)
            sentence = out[position]
        elif sentence.label != "context" and sentence.attributions:
            first = sentence.attributions[0]
            clause = _clause_sentence_after(out, position, text)
            if clause is not None and first.source is None and first.cue is None and first.content is not None:
                # '"... the movie?" Mr Kashyap's lawyer Mihir Desai said.': the next sentence is only the clause
                # that names who asked; the quotation is that speaker's, not a continuation of the last one.
                first = replace(first, source=clause.source, cue=clause.cue)
                out[position] = sentence = replace(sentence, attributions=[first, *sentence.attributions[1:]])
            before = out[previous[0]].attributions[previous[1]] if previous is not None else None
            continues = (
                first.source is None
                and first.cue is None
                and first.content is not None
                and before is not None
                and previous is not None
                and out[previous[0]].index == sentence.index - 1
                and not text[sentence.start : first.content.start].strip(" \t\"'\u201c\u2018")
                # '"A," she said. "B. C," the director added.': a second act of saying, a second statement
                and not _closed_by_own_clause(out, position, text)
                # "TAPPER: Some voters say they are not convinced. What do you tell them?": the question is the turn's
                and not _other_than_turn_speaker(before, sentence, first.content, turns, text)
            )
            if continues:
                assert before is not None and previous is not None and first.content is not None
                before_sentence = out[previous[0]]
                # The previous content ran to the end of its sentence, or only its speaker and cue
                # follow it ('"...," he said.'): the two are one quotation, one statement.
                rest = text[before.content.end : before_sentence.end].strip(" \t\"'\u201d\u2019.,") if before.content else "x"
                one_quotation = before.content is not None and (
                    not rest
                    or (
                        before.content.text.strip()[-1:] in QUOTATION_MARKS + ",.!?"
                        and any(q in before.content.text for q in QUOTATION_MARKS)
                        and (len(rest) <= CONTINUATION_REST_CHARS or _only_own_clause(before, before_sentence))
                        and not _second_speaker(before, before_sentence)
                        and _speech_clause(rest, before, before_sentence)
                    )
                )
                # A paraphrase followed by a quotation ('X said the plan was fair. "It will work."') is two
                # statements, a claim and a quote, with one speaker.
                paraphrase_then_quote = (
                    before.content is not None and before.content.text.lstrip()[:1] not in QUOTATION_MARKS
                    and first.content.text.lstrip()[:1] in QUOTATION_MARKS
                )
                content, parts = first.content, first.content_parts
                if one_quotation and not paraphrase_then_quote and before.content is not None:
                    # the speaker's words only: the clause between the sentences ('said Roddick, who ...') is no part
                    parts = content_parts([*_pieces(before), first.content], text)
                    content = _join_chain(out, position, before.content.start, first.content.end, text, parts)
                carried = replace(
                    first, content=content, content_parts=parts, source=before.source, cue=before.cue,
                    resolution="continuation", continues=(before_sentence.index, previous[1]),
                )
                out[position] = sentence = replace(sentence, attributions=[carried, *sentence.attributions[1:]])
            with_content = [n for n, a in enumerate(sentence.attributions) if a.content is not None and a.statement]
            current = (position, with_content[-1] if with_content else len(sentence.attributions) - 1)
        if starts_inside:
            assert opened is not None
            closes = _quotation_end(text, sentence)
            if closes is None:  # still open: the next sentence carries on the same statement
                inside, opened = True, current or opened
            else:
                inside = quotation_marks(text, closes, sentence.end, False)[1]
                after = _opened_by(text, replace(sentence, start=closes), False)
                opened = (position, after) if after is not None else None
        else:
            number = _opened_by(text, sentence, was_inside) if sentence.label != "context" else None
            inside = quotation_marks(text, sentence.start, sentence.end, was_inside)[1]
            opened = (position, number) if number is not None else None
        previous = current
    # The positions ``continues`` was built from are final now: they become each attribution's key, which a
    # later stage that drops an attribution from its sentence leaves as it is.
    return [replace(s, attributions=[replace(a, key=(s.index, n)) for n, a in enumerate(s.attributions)]) for s in out]


def _other_than_turn_speaker(
    before: Attribution | None, sentence: SentenceResult, content: TextSpan | None, turns: Sequence[link.Turn], text: str
) -> bool:
    """Whether ``sentence``, whose words ``content`` carry on no quotation, lies in a transcript turn that ``before``
    (the statement it would carry on) does not speak for: a statement of another turn, or one the turn's speaker
    reported ("Some voters say ..."). A quotation carried on ('A: "It will not," Smith said. "Most will pay less."')
    stays the quoted speaker's."""
    turn = link.turn_holding(turns, sentence.start)
    if turn is None or before is None or content is None:
        return False
    if text[content.start : content.start + 1] in QUOTATION_MARKS or text[max(0, content.start - 1) : content.start] in QUOTATION_MARKS:
        return False
    return before.source is None or before.source.start != turn.start


def _clause_sentence_after(out: list[SentenceResult], position: int, text: str) -> Attribution | None:
    """The attribution of the next sentence when that sentence is only an attribution clause ('Mr Kashyap's
    lawyer Mihir Desai said.', split off after a quoted question) for the quotation ``out[position]`` ends with."""
    if position + 1 >= len(out):
        return None
    sentence, following = out[position], out[position + 1]
    closes_quotation = text[sentence.start : sentence.end].rstrip()[-1:] in QUOTATION_MARKS
    words = text[following.start : following.end].rstrip(" .").split()
    if following.index != sentence.index + 1 or not closes_quotation or not 0 < len(words) <= 12:
        return None
    clauses = [a for a in following.attributions if a.source is not None and a.cue is not None and a.content is None]
    if len(clauses) != 1 or len(following.attributions) != 1:
        return None
    cue = clauses[0].cue
    assert cue is not None
    return clauses[0] if _bare_words(cue.text)[-1:] == [words[-1].lower()] else None


def _closed_by_own_clause(out: list[SentenceResult], position: int, text: str) -> bool:
    """Whether the quotation that ``out[position]`` opens ends with an attribution clause of its own
    ('"B. C," the director added.'), in this sentence or a later one."""
    sentence = out[position]
    marks = quotation_marks(text, sentence.start, sentence.end, False)[0]
    if not marks or not marks[0][1]:
        return False
    begin = marks[0][0] + 1
    for later in out[position : position + 8]:
        closing = [p for p, opens in quotation_marks(text, max(begin, later.start), later.end, True)[0] if not opens]
        if closing:
            return any(a.source is not None and a.cue is not None and a.source.start > closing[0] for a in later.attributions)
    return False


def content_parts(spans: list[TextSpan], text: str) -> tuple[TextSpan, ...]:
    """The pieces of a chain's content, in order: pieces with no letter or digit between them (only spaces,
    quotation marks, punctuation) are one piece; one piece in all gives ``()`` (the content is whole)."""
    merged: list[TextSpan] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and not any(c.isalnum() for c in text[merged[-1].end : span.start]):
            start, end = merged[-1].start, max(merged[-1].end, span.end)
            merged[-1] = TextSpan(start, end, repair(text[start:end]))
        else:
            merged.append(span)
    return tuple(merged) if len(merged) > 1 else ()


def _join_chain(
    out: list[SentenceResult], position: int, start: int, end: int, text: str, parts: tuple[TextSpan, ...] = ()
) -> TextSpan:
    """One content span from ``start`` to ``end`` (and its ``parts``), carried by every earlier sentence of the
    chain (replaced in ``out`` by new sentences)."""
    content = TextSpan(start, end, repair(text[start:end]))
    for number, earlier in enumerate(out[:position]):
        out[number] = replace(earlier, attributions=[
            replace(a, content=content, content_parts=parts) if a.content is not None and a.content.start == start else a
            for a in earlier.attributions
        ])
    return content


def _pieces(attribution: Attribution) -> list[TextSpan]:
    """An attribution's content as its pieces (one when it is whole)."""
    assert attribution.content is not None
    return list(attribution.content_parts) or [attribution.content]


def _carry_quotation(out: list[SentenceResult], position: int, opened: tuple[int, int], text: str) -> tuple[int, int] | None:
    """``out[position]`` starts inside the quotation of the statement at ``opened``: the part up to the
    closing mark joins that statement's content; attributions inside that part are dropped (a name inside
    someone's quotation is not a speaker), those after it stay.  The chain's sentences are replaced in
    ``out`` by new ones.  Returns where the chain's attribution now is in this sentence, or ``None`` for a
    context sentence (whose words still join the content)."""
    sentence = out[position]
    opener_sentence = out[opened[0]]
    opener = opener_sentence.attributions[opened[1]]
    assert opener.content is not None
    closes = _quotation_end(text, sentence) or sentence.end
    end = closes
    while end > sentence.start and text[end - 1].isspace():
        end -= 1
    # Everything from the opener's last piece to the closing mark is inside the quotation: that piece grows.
    pieces = _pieces(opener)
    last = pieces[-1]
    parts = content_parts([*pieces[:-1], TextSpan(last.start, max(end, last.end), repair(text[last.start : max(end, last.end)]))], text)
    content = _join_chain(out, position, opener.content.start, end, text, parts)
    if sentence.label == "context":
        return None
    kept = [a for a in sentence.attributions if a.content is not None and a.content.start >= closes
            and (a.source is None or a.source.start >= closes)]
    confidence = min([sentence.confidence] + [a.confidence for a in sentence.attributions if a.content is not None and a.content.start < closes])
    source, cue = opener.source, opener.cue
    # '"A. B," Oxfam's director said.': the clause after the closing mark names the speaker of the whole
    # quotation, when its first sentence named nobody.
    # (an act of saying: "- There was also recognition for James Clarke" names no speaker of the quotation)
    clause = next((a for a in sentence.attributions if a.source is not None and a.source.start >= closes
                   and (a.content is None or a.content.start < closes) and a.cue is not None
                   and set(_bare_words(a.cue.text)) & _SPEECH_CUES), None)
    if source is None and clause is not None:
        source, cue = clause.source, clause.cue
        for number in range(opened[0], position):
            out[number] = replace(out[number], attributions=[
                replace(a, source=source, cue=cue) if a.source is None and a.content is not None and a.content.start == content.start else a
                for a in out[number].attributions
            ])
    carried = Attribution(
        source=source, cue=cue, content=content, confidence=round(confidence, 4), resolution="continuation",
        continues=(opener_sentence.index, opened[1]), content_parts=parts,
    )
    out[position] = replace(sentence, attributions=[carried, *kept])
    return position, 0


def _to_input(prediction: SentencePrediction, origin: list[int]) -> SentencePrediction:
    """Span offsets in the repaired sentence -> offsets in the sentence as given."""
    if len(origin) == 0 or all(i == p for i, p in enumerate(origin)):
        return prediction
    last = len(origin) - 1
    spans = [replace(span, start=origin[min(span.start, last)], end=origin[min(span.end, last)]) for span in prediction.spans]
    return replace(prediction, spans=spans)


class Tracker:
    """Analyses articles with one loaded model."""

    def __init__(
        self,
        model_dir: Path | str | None = None,
        base_model: str | None = None,
        quantize: bool = True,
        batch_size: int = 32,
        predictor: Predictor | None = None,
        version: str = "unsaved",
        backend: str | None = None,
    ) -> None:
        if predictor is not None:  # an in-memory model, e.g. during training
            self.predictor, self.model_version = predictor, version
            return
        folder = Path(model_dir) if model_dir is not None else PACKAGED_MODEL_DIR
        self.predictor = _cached_predictor(str(folder), base_model, quantize, batch_size, backend or default_backend())
        self.model_version = model_version(folder)

    def analyze(self, article: Article | str, document: str = "<text>") -> ArticleResult:
        if isinstance(article, str):
            article = article_from_text(article, document)
        return self.analyze_many([article])[0]

    def analyze_many(
        self, articles: Iterable[Article], resolve: bool = True, on_batch: Callable[[int], None] | None = None
    ) -> list[ArticleResult]:
        """Sentences of all articles go through the model together, sorted by length.

        ``resolve=False`` leaves source resolution (``link.resolve_article``) to the caller, so that a
        batch can resolve and store one chunk while the model scores the next.  ``on_batch`` is told
        the size of each batch the model scores (see ``Predictor.predict``).
        """
        articles = list(articles)
        spans_per_article = [split_sentences(a.text) for a in articles]
        # The model reads repaired text (mojibake fixed); its spans are mapped back to the input as given.
        repaired = [repair_with_offsets(a.text[s.start : s.end]) for a, spans in zip(articles, spans_per_article) for s in spans]
        texts = [fixed for fixed, _ in repaired]
        origins = iter([origin for _, origin in repaired])
        contexts = None
        if self.predictor.settings.left_context:  # each sentence's previous sentence in its own article
            contexts = [a.text[spans[i - 1].start : spans[i - 1].end] if i else "" for a, spans in zip(articles, spans_per_article) for i in range(len(spans))]
        predictions = iter(self.predictor.predict(texts, contexts, on_batch))
        results = []
        for article, spans in zip(articles, spans_per_article):
            sentences = [
                self._sentence(article, index, span, _to_input(next(predictions), next(origins))) for index, span in enumerate(spans)
            ]
            sentences = merge_continuations(sentences, article.text)
            result = ArticleResult(article=article, sentences=sentences, model_version=self.model_version)
            if resolve:
                result = link.resolve_article(result)
            results.append(result)
        return results

    @staticmethod
    def _sentence(article: Article, index: int, span: Span, prediction: SentencePrediction) -> SentenceResult:
        in_boilerplate = any(a <= span.start and span.end <= b for a, b in article.boilerplate)
        label = "context" if in_boilerplate else prediction.label
        confidence = 1.0 if in_boilerplate else prediction.confidence  # a rule, not the model
        attributions = group_spans(span, article.text, prediction) if label != "context" else []
        return SentenceResult(index, span.start, span.end, repair(span.text_of(article.text)), label, confidence, attributions)
