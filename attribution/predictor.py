"""Scoring with a saved model: label maps, settings, encoding, decoding of span predictions, ``Predictor``.

Nothing here imports torch or transformers: a process that scores with the cached ONNX export (a Ray
actor, `attribution score`, `attribution batch`) imports only numpy, tokenizers and onnxruntime, which
saves about 0.9 s of CPU (torch) and 0.7 s (transformers) at its start.  The torch model, training and
the ONNX export live in ``attribution.model`` and ``attribution.onnx_export``, imported only where a torch
model is built: the torch backend, or the first use of a model version whose export is not cached yet.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from attribution.config import ModelSettings, force_offline, resolve_base_model
from attribution.errors import ModelError, TruncatedSentenceWarning

force_offline()

if TYPE_CHECKING:  # transformers is imported where a model or tokenizer is built from it: scoring needs neither
    from transformers import PreTrainedTokenizerBase

    from attribution.model import AttributionModel

PACKAGED_MODEL_DIR = Path(__file__).parent / "weights"
IGNORE_INDEX = -100

# Case shapes of a word piece, read from the original text (the encoder is uncased).
CASE_PAD, CASE_LOWER, CASE_TITLE, CASE_UPPER, CASE_OTHER = range(5)
NUM_CASE_SHAPES = 5


def tag_names(span_labels: Sequence[str]) -> list[str]:
    return ["O"] + [f"{prefix}-{label}" for label in span_labels for prefix in ("B", "I")]


def case_shape(piece: str) -> int:
    """Lower, Title, UPPER (two or more letters) or other; str methods keep this fast on the hot path."""
    if piece.islower():
        return CASE_LOWER
    if piece.isupper():
        return CASE_UPPER if sum(ch.isalpha() for ch in piece) > 1 else CASE_TITLE
    if piece[:1].isupper():
        return CASE_TITLE
    return CASE_LOWER if any(ch.isalpha() for ch in piece) else CASE_OTHER



def load_tokenizer(settings: ModelSettings) -> PreTrainedTokenizerBase:
    from transformers import AutoTokenizer

    force_offline()
    return AutoTokenizer.from_pretrained(resolve_base_model(settings.base_model))


@dataclass(eq=False)
class RustTokenizer:
    """What scoring uses of a fast transformers tokenizer (its Rust core and pad id), read straight from the
    base model's ``tokenizer.json`` with the ``tokenizers`` library: loading a cached ONNX export then imports
    no transformers (0.7 s of CPU at every start of a process that scores, a Ray actor's among them)."""

    backend_tokenizer: Any
    pad_token_id: int | None


def load_scoring_tokenizer(settings: ModelSettings) -> PreTrainedTokenizerBase | RustTokenizer:
    """The tokenizer ``Predictor.predict`` needs: a :class:`RustTokenizer` where the base model has a
    ``tokenizer.json`` and names its pad token (the same Rust tokenizer transformers would load; a test
    checks), else the transformers one."""
    folder = resolve_base_model(settings.base_model)
    pad: Any = None
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        if pad is None and (folder / name).is_file():
            pad = json.loads((folder / name).read_text(encoding="utf-8")).get("pad_token")
    pad = pad.get("content") if isinstance(pad, dict) else pad
    if not (folder / "tokenizer.json").is_file() or not isinstance(pad, str):
        return load_tokenizer(settings)
    from tokenizers import Tokenizer

    backend = Tokenizer.from_file(str(folder / "tokenizer.json"))
    return RustTokenizer(backend, backend.token_to_id(pad))


def read_settings(folder: Path) -> ModelSettings:
    path = Path(folder) / "settings.json"
    if not path.is_file():
        raise ModelError(f"{folder}: not a model folder (no settings.json); train one with `attribution train`")
    try:
        return ModelSettings(**json.loads(path.read_text(encoding="utf-8")))
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable settings ({exc})") from exc


def model_version(folder: Path) -> str:
    """A stable identifier of a model folder's weights: its name plus a short content hash."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for name in ("settings.json", "heads.safetensors", "adapter_model.safetensors"):
        path = folder / name
        if path.is_file():
            digest.update(path.read_bytes())
    return f"{folder.name}-{digest.hexdigest()[:10]}"


# --------------------------------------------------------------------------- encoding


@dataclass
class Encoded:
    """Model inputs for a batch of sentences, plus what decoding needs."""

    input_ids: np.ndarray  # int64, (batch, width)
    attention_mask: np.ndarray
    case_ids: np.ndarray
    offsets: list[list[tuple[int, int]]]
    word_ids: list[list[int | None]]


def encode(
    tokenizer: PreTrainedTokenizerBase | RustTokenizer, texts: Sequence[str], max_length: int, contexts: Sequence[str] | None = None
) -> Encoded:
    """Tokenize with dynamic padding (to the longest sentence of the batch).

    With ``contexts`` each sentence follows its context (the previous sentence) as the second segment;
    context pieces get no word ids, so they are never tagged or decoded.  Calls the Rust tokenizer
    directly: the ``transformers`` wrapper's tensor conversion cost more than tokenizing.
    """
    backend = _batch_tokenizer(tokenizer, max_length)
    if contexts is None:
        return pad_encodings(backend.encode_batch(list(texts)), texts, tokenizer.pad_token_id or 0)
    # The context's last 300 characters are plenty, and keep long ones from crowding the sentence out.
    encodings = backend.encode_batch([(c[-300:], t) for c, t in zip(contexts, texts)])
    return pad_encodings(encodings, texts, tokenizer.pad_token_id or 0, [c[-300:] for c in contexts])


def pad_encodings(encodings: Sequence[Any], texts: Sequence[str], pad_id: int, contexts: Sequence[str] | None = None) -> Encoded:
    """Model inputs from unpadded Rust encodings, padded to the longest (pads: no word, empty offsets)."""
    width = max((len(e.ids) for e in encodings), default=0)
    input_ids = np.full((len(encodings), width), pad_id, dtype=np.int64)
    attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
    case_ids = np.full((len(encodings), width), CASE_PAD, dtype=np.int64)
    offsets: list[list[tuple[int, int]]] = []
    word_ids: list[list[int | None]] = []
    for row, (encoding, text) in enumerate(zip(encodings, texts)):
        length = len(encoding.ids)
        input_ids[row, :length] = encoding.ids
        attention_mask[row, :length] = 1
        padding = width - length
        offsets.append(encoding.offsets + [(0, 0)] * padding)
        if contexts is None:
            words = encoding.word_ids
            case_ids[row, :length] = [
                case_shape(text[a:b]) if word is not None and b > a else CASE_PAD for (a, b), word in zip(encoding.offsets, words)
            ]
        else:
            sequences = encoding.sequence_ids
            words = [w if s == 1 else None for w, s in zip(encoding.word_ids, sequences)]
            case_ids[row, :length] = [
                CASE_PAD if s is None or b <= a else case_shape((text if s == 1 else contexts[row])[a:b])
                for (a, b), s in zip(encoding.offsets, sequences)
            ]
        word_ids.append(list(words) + [None] * padding)
    return Encoded(input_ids, attention_mask, case_ids, offsets, word_ids)


# Per tokenizer object (weakly held, so a freed tokenizer's copy goes with it), per max_length.
_BATCH_TOKENIZERS: weakref.WeakKeyDictionary[PreTrainedTokenizerBase | RustTokenizer, dict[int, Any]] = weakref.WeakKeyDictionary()


def _batch_tokenizer(tokenizer: PreTrainedTokenizerBase | RustTokenizer, max_length: int) -> Any:
    """A copy of the fast tokenizer's Rust core that truncates to ``max_length`` and does not pad."""
    copies = _BATCH_TOKENIZERS.setdefault(tokenizer, {})
    if max_length not in copies:
        from tokenizers import Tokenizer

        backend = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
        backend.enable_truncation(max_length=max_length)
        backend.no_padding()  # pad_encodings pads each batch to its own longest
        copies[max_length] = backend
    return copies[max_length]


def tag_targets(encoded: Encoded, index: int, spans: Sequence[dict], tags: Sequence[str]) -> list[int]:
    """BIO targets on the first word piece of each word; other pieces are ignored in the loss."""
    tag_id = {t: i for i, t in enumerate(tags)}
    targets: list[int] = []
    previous_word: int | None = None
    for word, (a, b) in zip(encoded.word_ids[index], encoded.offsets[index]):
        if word is None or word == previous_word:
            targets.append(IGNORE_INDEX)
        else:
            tag = "O"
            for span in spans:
                if span["start"] <= a < span["end"] or (a < span["start"] < b):
                    tag = ("B-" if a <= span["start"] else "I-") + span["label"]
                    break
            targets.append(tag_id.get(tag, 0))
        previous_word = word if word is not None else previous_word
    return targets


# --------------------------------------------------------------------------- decoding


@dataclass
class SpanPrediction:
    label: str
    start: int  # character offsets into the sentence text
    end: int
    confidence: float


@dataclass
class SentencePrediction:
    label: str
    confidence: float
    spans: list[SpanPrediction] = field(default_factory=list)
    label_scores: dict[str, float] = field(default_factory=dict)


def _allowed_transitions(tags: Sequence[str]) -> np.ndarray:
    """``allowed[i, j]``: tag j may follow tag i (I-X only after B-X or I-X)."""
    n = len(tags)
    allowed = np.ones((n, n), dtype=bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            for i, prev in enumerate(tags):
                allowed[i, j] = prev in (f"B-{tag[2:]}", tag)
    return allowed


def viterbi(log_probs: np.ndarray, tags: Sequence[str], allowed: np.ndarray | None = None) -> list[int]:
    """Best BIO-valid tag sequence for ``log_probs`` of shape (words, tags)."""
    if len(log_probs) == 0:
        return []
    allowed = _allowed_transitions(tags) if allowed is None else allowed
    penalty = np.where(allowed, 0.0, -np.inf)
    start_ok = np.array([0.0 if not t.startswith("I-") else -np.inf for t in tags])
    score = log_probs[0] + start_ok
    back = np.zeros(log_probs.shape, dtype=np.int64)
    for w in range(1, len(log_probs)):
        candidates = score[:, None] + penalty
        back[w] = candidates.argmax(0)
        score = candidates.max(0) + log_probs[w]
    path = [int(score.argmax())]
    for w in range(len(log_probs) - 1, 0, -1):
        path.append(int(back[w, path[-1]]))
    return path[::-1]


def _first_pieces(offsets: list[tuple[int, int]], word_ids: list[int | None]) -> tuple[list[int], dict[int, int]]:
    """Index of each word's first piece, and where each word ends in the text."""
    first_piece: list[int] = []
    word_end: dict[int, int] = {}
    for j, word in enumerate(word_ids):
        if word is None:
            continue
        if word not in word_end:
            first_piece.append(j)
        word_end[word] = offsets[j][1]
    return first_piece, word_end


def viterbi_batch(log_probs: np.ndarray, lengths: np.ndarray, tags: Sequence[str], allowed: np.ndarray) -> list[list[int]]:
    """``viterbi`` for a padded batch (batch, words, tags) at once; rows end at ``lengths``."""
    penalty = np.where(allowed, 0.0, -np.inf)
    start_ok = np.array([0.0 if not t.startswith("I-") else -np.inf for t in tags])
    batch, width, _ = log_probs.shape
    score = log_probs[:, 0] + start_ok
    back = np.zeros(log_probs.shape, dtype=np.int64)
    for w in range(1, width):
        candidates = score[:, :, None] + penalty
        back[:, w] = candidates.argmax(1)
        score = np.where((w < lengths)[:, None], candidates.max(1) + log_probs[:, w], score)
    # Walk back from each row's best last tag, all rows at once.
    rows = np.arange(batch)
    current = score.argmax(1)
    chosen = np.zeros((batch, width), dtype=np.int64)
    for w in range(width - 1, -1, -1):
        inside = w < lengths - 1
        if w + 1 < width:
            current = np.where(inside, back[rows, w + 1, current], current)
        chosen[:, w] = current
    return [chosen[b, : int(lengths[b])].tolist() for b in range(batch)]


def _spans_from_path(
    text: str, word_scores: np.ndarray, path: list[int], first_piece: list[int], word_end: dict[int, int],
    offsets: list[tuple[int, int]], word_ids: list[int | None], tags: Sequence[str],
) -> list[SpanPrediction]:
    spans: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    probabilities = np.exp(word_scores[np.arange(len(path)), path].astype(np.float64)).tolist() if path else []
    for position, (piece, tag_index) in enumerate(zip(first_piece, path)):
        tag = tags[tag_index]
        if tag == "O" and current is None:
            continue
        start, end = offsets[piece][0], word_end[word_ids[piece]]  # type: ignore[index]
        probability = probabilities[position]
        if tag.startswith("I-") and current is not None and current["label"] == tag[2:]:
            current["end"] = end
            current["probs"].append(probability)
            continue
        if current is not None:
            spans.append(current)
            current = None
        if tag.startswith("B-"):
            current = {"label": tag[2:], "start": start, "end": end, "probs": [probability]}
    if current is not None:
        spans.append(current)
    return [
        SpanPrediction(s["label"], s["start"], s["end"], round(sum(s["probs"]) / len(s["probs"]), 4))
        for s in spans
        if s["end"] > s["start"] and text[s["start"] : s["end"]].strip()
    ]


def decode_spans(
    text: str,
    tag_log_probs: np.ndarray,
    offsets: list[tuple[int, int]],
    word_ids: list[int | None],
    tags: Sequence[str],
    allowed: np.ndarray | None = None,
) -> list[SpanPrediction]:
    """Viterbi over words (each word takes its first piece's tag), then character spans."""
    first_piece, word_end = _first_pieces(offsets, word_ids)
    if not first_piece:
        return []
    word_scores = tag_log_probs[first_piece]
    path = viterbi(word_scores, tags, allowed)
    return _spans_from_path(text, word_scores, path, first_piece, word_end, offsets, word_ids, tags)


def decode_batch(
    texts: Sequence[str], tag_log_probs: np.ndarray, encoded: Encoded, tags: Sequence[str], allowed: np.ndarray
) -> list[list[SpanPrediction]]:
    """``decode_spans`` for every row of a batch, with one vectorised Viterbi pass."""
    pieces = [_first_pieces(encoded.offsets[i], encoded.word_ids[i]) for i in range(len(texts))]
    lengths = np.array([len(first) for first, _ in pieces])
    width = max(1, int(lengths.max(initial=0)))
    gathered = np.zeros((len(texts), width, len(tags)), dtype=tag_log_probs.dtype)
    for i, (first, _) in enumerate(pieces):
        gathered[i, : len(first)] = tag_log_probs[i, first]
    paths = viterbi_batch(gathered, lengths, tags, allowed)
    return [
        _spans_from_path(texts[i], gathered[i, : lengths[i]], paths[i], first, ends, encoded.offsets[i], encoded.word_ids[i], tags)
        for i, (first, ends) in enumerate(pieces)
    ]


def calibration_inputs(tokenizer: PreTrainedTokenizerBase, settings: ModelSettings) -> list[dict[str, np.ndarray]]:
    """The int8 export's calibration batches: the packaged sentences, encoded as the scorer encodes them."""
    from attribution.onnx_backend import calibration_batches, calibration_sentences

    sentences = calibration_sentences()
    contexts = [""] + sentences[:-1] if settings.left_context else None
    return calibration_batches(encode(tokenizer, sentences, settings.max_length, contexts))


class Predictor:
    """Loads a model folder once and labels sentences; ``predict`` is pure (no storage)."""

    def __init__(
        self,
        model: AttributionModel,
        tokenizer: PreTrainedTokenizerBase,
        batch_size: int = 32,
        quantize: bool = False,
        backend: str = "torch",
        version: str = "unsaved",
    ) -> None:
        # ``model`` is a torch module, so torch is imported already: the modules below cost nothing more.
        model.eval()
        if backend == "onnx":
            from attribution.onnx_export import onnx_forward_for_model

            forward: Any = onnx_forward_for_model(model, version, quantize, lambda: calibration_inputs(tokenizer, model.settings))
        elif backend == "torch":
            from attribution.model import TorchForward

            # Always fp32: torch's int8 is dynamic, its activation scales taken from each batch, so a sentence's
            # scores moved with its neighbours (256 of 260 BBC sentences changed between batch sizes 32 and 4).
            # fp32 moves only by float rounding (1 of 260 in the 4th decimal); the ONNX backend is exact.
            forward = TorchForward(model)
        else:
            raise ModelError(f"unknown backend {backend!r}; use 'torch' or 'onnx'")
        self._setup(model.settings, tokenizer, batch_size, forward)

    def _setup(
        self, settings: ModelSettings, tokenizer: PreTrainedTokenizerBase | RustTokenizer, batch_size: int, forward: Any
    ) -> None:
        self.settings = settings
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.tags = tag_names(settings.span_labels)
        self._allowed = _allowed_transitions(self.tags)
        self._forward = forward

    @classmethod
    def from_folder(
        cls,
        folder: Path | None = None,
        base_model: str | None = None,
        batch_size: int = 32,
        quantize: bool = True,
        backend: str = "torch",
    ) -> Predictor:
        folder = Path(folder) if folder is not None else PACKAGED_MODEL_DIR
        version = model_version(folder)
        if base_model is not None:  # the same adapter on another base is another model: its own export
            version += "-base-" + hashlib.sha256(str(resolve_base_model(base_model)).encode()).hexdigest()[:8]
        if backend == "onnx":
            from attribution.onnx_backend import OnnxForward, export_path

            exported = export_path(version, quantize)
            if exported.is_file():  # no need to build the torch model: 3.3 s and about 150 MB saved
                settings = read_settings(folder)
                if base_model is not None:
                    settings.base_model = base_model
                predictor = cls.__new__(cls)
                predictor._setup(settings, load_scoring_tokenizer(settings), batch_size, OnnxForward(exported))
                return predictor
        from attribution.model import load_model  # torch and transformers: the torch backend, or a first export

        model = load_model(folder, base_model)
        return cls(model, load_tokenizer(model.settings), batch_size, quantize, backend, version)

    def predict(
        self, sentences: Sequence[str], contexts: Sequence[str] | None = None, on_batch: Callable[[int], None] | None = None
    ) -> list[SentencePrediction]:
        """Label sentences; batches are sorted by length so padding stays small.

        ``contexts`` (each sentence's previous sentence) is used only by a model trained with
        ``left_context``; other models ignore it.  ``on_batch`` is told each batch's size as it is
        scored (a progress bar): an argument of this call, since the predictor is shared in a process.
        """
        results: list[SentencePrediction | None] = [None] * len(sentences)
        use_context = self.settings.left_context
        if use_context and contexts is None:
            contexts = [""] + list(sentences[:-1])
        labels = self.settings.sentence_labels
        if use_context:
            order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]) + len(contexts[i]))  # type: ignore[index]
        else:  # tokenize everything once, then batch by number of pieces: the least padding
            pieces = _batch_tokenizer(self.tokenizer, self.settings.max_length).encode_batch(list(sentences))
            order = sorted(range(len(sentences)), key=lambda i: len(pieces[i].ids))

        def score(chunk: list[int]) -> list[SentencePrediction]:
            texts = [sentences[i] for i in chunk]
            if use_context:
                encoded = encode(self.tokenizer, texts, self.settings.max_length, [contexts[i] for i in chunk])  # type: ignore[index]
            else:
                encoded = pad_encodings([pieces[i] for i in chunk], texts, self.tokenizer.pad_token_id or 0)
            truncated.extend(_truncated(texts, encoded, self.settings.max_length))
            out = self._forward(encoded.input_ids, encoded.attention_mask, encoded.case_ids)
            sentence_probs = _softmax(np.asarray(out["sentence_logits"], dtype=np.float32))
            tag_log_probs = _log_softmax(np.asarray(out["tag_logits"], dtype=np.float32))
            spans_per_row = decode_batch(texts, tag_log_probs, encoded, self.tags, self._allowed)
            predictions = [
                SentencePrediction(
                    label=labels[int(probs.argmax())],
                    confidence=round(float(probs.max()), 4),
                    spans=spans,
                    label_scores={lab: round(float(p), 4) for lab, p in zip(labels, probs)},
                )
                for probs, spans in zip(sentence_probs, spans_per_row)
            ]
            if on_batch is not None:
                on_batch(len(chunk))
            return predictions

        truncated: list[tuple[str, int]] = []  # list.extend is atomic: safe from the scoring threads
        batches = [order[begin : begin + self.batch_size] for begin in range(0, len(order), self.batch_size)]
        parallel = getattr(self._forward, "parallel", 1)  # the ONNX backend runs several batches at once
        if parallel > 1 and len(batches) > 1:
            with ThreadPoolExecutor(parallel) as pool:
                scored = list(pool.map(score, batches))
        else:
            scored = [score(batch) for batch in batches]
        for chunk, predictions in zip(batches, scored):
            for index, prediction in zip(chunk, predictions):
                results[index] = prediction
        for text, analysed in truncated:
            start = " ".join(text[:60].split())
            warnings.warn(TruncatedSentenceWarning(
                f"a sentence of {len(text):,} characters was analysed only in its first {analysed:,} (the model reads "
                f"{self.settings.max_length} word pieces): \"{start}...\""
            ), stacklevel=2)
        return [r for r in results if r is not None]


def _truncated(texts: Sequence[str], encoded: Encoded, max_length: int) -> list[tuple[str, int]]:
    """``(text, characters analysed)`` for each sentence the tokenizer cut at ``max_length`` pieces."""
    found = []
    for row in np.flatnonzero(encoded.attention_mask.sum(1) >= max_length).tolist():
        analysed = max((b for (_, b), word in zip(encoded.offsets[row], encoded.word_ids[row]) if word is not None), default=0)
        if any(ch.isalnum() for ch in texts[row][analysed:]):  # not for a lost full stop or closing quote
            found.append((texts[row], analysed))
    return found


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def _softmax(logits: np.ndarray) -> np.ndarray:
    return np.exp(_log_softmax(logits))

