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
from attribution.model import PACKAGED_MODEL_DIR, Predictor, SentencePrediction, SpanPrediction, model_version
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
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
_FUNCTION_WORDS = frozenset(_PIPELINE_WORDS["_FUNCTION_WORDS"])
_STATEMENTS = json.loads((_DATA / "statements.json").read_text(encoding="utf-8"))
CONTENT_FUNCTION_WORDS = frozenset(_STATEMENTS["function_words"])
AUXILIARY_CUES = frozenset(_STATEMENTS["auxiliary_cues"])
ACTION_CUES = frozenset(_STATEMENTS["action_cues"])
_QUOTE_MARKS = "\"\u201c\u201d"


def _bare_words(text: str) -> list[str]:
    return [w for w in (w.strip(".,;:!?\"'\u201c\u201d\u2018\u2019()").lower() for w in text.split()) if w]


def is_statement(attribution: Attribution) -> bool:
    """False for what is no statement: a content of function words only ("which"), a cue that only says
    something was ("was", "has been"), an action ("scrapped") with nothing quoted."""
    if attribution.content is not None:
        words = _bare_words(attribution.content.text)
        if not words or all(w in CONTENT_FUNCTION_WORDS for w in words):
            return False
    if attribution.cue is not None:
        cue = _bare_words(attribution.cue.text)
        if cue and all(w in AUXILIARY_CUES for w in cue):
            return False
        quoted = attribution.content is not None and any(q in attribution.content.text for q in _QUOTE_MARKS)
        main = [w for w in cue if w not in AUXILIARY_CUES]
        if main and main[0] in ACTION_CUES and not quoted:
            return False
    return True


def _has_content_word(text: str) -> bool:
    words = [w.strip(".,;:\"'\u201c\u201d\u2019()").lower() for w in text.split()]
    pronoun_like = {"he", "she", "they", "it", "we", "i", "you", "who"}
    return any(w and (w not in _FUNCTION_WORDS or w in pronoun_like) for w in words)


def group_spans(sentence: Span, text: str, prediction: SentencePrediction) -> list[Attribution]:
    """Group a sentence's SOURCE/CUE/CONTENT spans into attributions around their cues."""
    by_label: dict[str, list[SpanPrediction]] = {"SOURCE": [], "CUE": [], "CONTENT": []}
    for span in prediction.spans:
        if span.label == "SOURCE" and not _has_content_word(text[sentence.start + span.start : sentence.start + span.end]):
            continue  # a stray "The" or "it's" is no source
        by_label.setdefault(span.label, []).append(span)
    sources, cues, contents = by_label["SOURCE"], by_label["CUE"], by_label["CONTENT"]
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
        attributions.append(
            Attribution(
                source=_complete_name(text_span([source]), text) if source else None,
                cue=text_span(group["CUE"]),
                content=text_span(group["CONTENT"]),
                confidence=round(min(prediction.confidence, span_confidence), 4),
            )
        )
    # Kept in the JSONL contract (PolNeAR marks such spans too), but not stored as statements.
    return [replace(a, statement=is_statement(a)) for a in attributions]


_NEXT_NAME_WORD = re.compile(r" [A-Z][\w'\u2019-]*\b(?![\u2019']s\b)")
# Words that cannot end a source's name: first halves of names ("The White" | "House", "Mr." | "Obama").
_NAME_PREFIXES = frozenset(_PIPELINE_WORDS["_NAME_PREFIXES"])


def _complete_name(span: TextSpan | None, text: str) -> TextSpan | None:
    """A source cut inside a name is extended by the name's next word."""
    if span is None or not span.text.split():
        return span
    words = span.text.split()
    last = words[-1].lower().strip(".")
    # A first name ends a source only when it stands alone ("Jon" | "Tester"); "Lindsey Graham" is whole.
    lone_first_name = (last in link.FEMALE_NAMES or last in link.MALE_NAMES) and not (len(words) > 1 and words[-2][:1].isupper())
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
    cue = attribution.cue
    content = attribution.content
    return cue is not None and content is not None and content.end <= cue.start < sentence.end


def merge_continuations(sentences: list[SentenceResult], text: str) -> list[SentenceResult]:
    """A sentence that only carries on the previous statement ("..." he said. "More quote.") inherits its source.

    Returns new sentences (the given ones are left as they are).  When the previous content ran to the
    end of its sentence, the two contents become one span shared by every sentence of the chain, and the
    carrying-on attribution points back (``continues``: sentence and attribution index) to the one it
    carries on, so that the chain is stored as one statement.
    """
    out = [replace(s, attributions=[replace(a) for a in s.attributions]) for s in sentences]
    previous: tuple[int, int] | None = None  # (position in ``out``, attribution index)
    for position, sentence in enumerate(out):
        current = None
        if sentence.label != "context" and sentence.attributions:
            first = sentence.attributions[0]
            before = out[previous[0]].attributions[previous[1]] if previous is not None else None
            continues = (
                first.source is None
                and first.cue is None
                and first.content is not None
                and before is not None
                and previous is not None
                and out[previous[0]].index == sentence.index - 1
                and not text[sentence.start : first.content.start].strip(" \t\"'\u201c\u2018")
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
                        before.content.text.strip()[-1:] in _QUOTE_MARKS + ",.!?"
                        and any(q in before.content.text for q in _QUOTE_MARKS)
                        and len(rest) <= CONTINUATION_REST_CHARS
                        and _speech_clause(rest, before, before_sentence)
                    )
                )
                # A paraphrase followed by a quotation ('X said the plan was fair. "It will work."') is two
                # statements, a claim and a quote, with one speaker.
                paraphrase_then_quote = (
                    before.content is not None and before.content.text.lstrip()[:1] not in _QUOTE_MARKS
                    and first.content.text.lstrip()[:1] in _QUOTE_MARKS
                )
                content = first.content
                if one_quotation and not paraphrase_then_quote and before.content is not None:
                    start = before.content.start
                    content = TextSpan(start, first.content.end, repair(text[start : first.content.end]))
                    # Every sentence of the chain carries the same span, so it is one content.
                    for earlier in out[:position]:
                        earlier.attributions = [
                            replace(a, content=content) if a.content is not None and a.content.start == start else a
                            for a in earlier.attributions
                        ]
                sentence.attributions[0] = replace(
                    first, content=content, source=before.source, cue=before.cue, resolution="continuation",
                    continues=(before_sentence.index, previous[1]),
                )
            current = (position, len(sentence.attributions) - 1)
        previous = current
    return out


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
        sentence = SentenceResult(index, span.start, span.end, repair(span.text_of(article.text)), label, confidence)
        if label != "context":
            sentence.attributions = group_spans(span, article.text, prediction)
        return sentence
