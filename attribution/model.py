"""The attribution model (torch): one encoder, a sentence head and a BIO span head.

A sentence goes through the encoder once.  The sentence head (mean-pooled)
labels it ``claim`` / ``quote`` / ``context``; the token head tags SOURCE, CUE
and CONTENT spans in BIO, decoded with a BIO-constrained Viterbi over the
first word piece of each word and mapped back to character offsets.

A saved model is one folder: ``settings.json`` (shape and label maps),
``adapter_model.safetensors`` + ``adapter_config.json`` (LoRA, via peft) or
``encoder/`` (full fine-tuning), ``heads.safetensors`` and a ``README.md``
model card.  The base encoder is never copied: it comes from ``base_model``.

This module is imported only where a torch model is built (training, the torch backend, the first ONNX
export of a model version); scoring, encoding and decoding are in ``attribution.predictor``, which
imports no torch, and are re-exported here for the code that builds and trains models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from attribution.config import ModelSettings, force_offline, resolve_base_model
from attribution.errors import ModelError
from attribution.predictor import (
    CASE_LOWER,
    CASE_OTHER,
    CASE_PAD,
    CASE_TITLE,
    CASE_UPPER,
    IGNORE_INDEX,
    NUM_CASE_SHAPES,
    PACKAGED_MODEL_DIR,
    Encoded,
    Predictor,
    RustTokenizer,
    SentencePrediction,
    SpanPrediction,
    _allowed_transitions,
    case_shape,
    decode_batch,
    decode_spans,
    encode,
    load_scoring_tokenizer,
    load_tokenizer,
    model_version,
    pad_encodings,
    read_settings,
    tag_names,
    tag_targets,
    viterbi,
    viterbi_batch,
)
from attribution.threads import requested_threads

force_offline()

from safetensors.torch import load_file, save_file  # noqa: E402

if requested_threads() is not None:  # set before torch was imported (a Ray actor, a batch worker): torch follows it
    torch.set_num_threads(requested_threads())  # type: ignore[arg-type]


class AttributionModel(nn.Module):
    """Encoder plus sentence and token heads."""

    def __init__(self, encoder: nn.Module, settings: ModelSettings) -> None:
        super().__init__()
        self.settings = settings
        self.encoder = encoder
        hidden: int = encoder.config.hidden_size  # type: ignore[union-attr,assignment]  # a transformers model
        self.dropout = nn.Dropout(0.1)
        self.sentence_head = nn.Linear(hidden, len(settings.sentence_labels))
        self.token_head = nn.Linear(hidden, len(tag_names(settings.span_labels)))
        # Starts at zero so the pretrained embeddings are untouched until training moves it.
        self.case_embedding = nn.Embedding(NUM_CASE_SHAPES, hidden) if settings.case_feature else None
        if self.case_embedding is not None:
            nn.init.zeros_(self.case_embedding.weight)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        case_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        tag_labels: torch.Tensor | None = None,
        span_loss_weight: float = 1.0,
    ) -> dict[str, torch.Tensor]:
        embeddings = self.encoder.get_input_embeddings()(input_ids)  # type: ignore[operator]  # a transformers model
        if self.case_embedding is not None and case_ids is not None:
            embeddings = embeddings + self.case_embedding(case_ids)
        hidden = self.encoder(inputs_embeds=embeddings, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        out = {
            "sentence_logits": self.sentence_head(self.dropout(pooled)),
            "tag_logits": self.token_head(self.dropout(hidden)),
        }
        if labels is not None and tag_labels is not None:
            loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)
            sentence_loss = loss_fn(out["sentence_logits"], labels)
            tag_loss = loss_fn(out["tag_logits"].reshape(-1, out["tag_logits"].size(-1)), tag_labels.reshape(-1))
            out["loss"] = sentence_loss + span_loss_weight * tag_loss
        return out

    def head_state(self) -> dict[str, torch.Tensor]:
        state = {f"sentence_head.{k}": v for k, v in self.sentence_head.state_dict().items()}
        state.update({f"token_head.{k}": v for k, v in self.token_head.state_dict().items()})
        if self.case_embedding is not None:
            state["case_embedding.weight"] = self.case_embedding.weight
        return {k: v.detach().contiguous().clone() for k, v in state.items()}


def build_model(settings: ModelSettings, encoder: nn.Module | None = None) -> AttributionModel:
    """A fresh model over the base encoder, LoRA-wrapped when ``lora_r > 0``."""
    force_offline()
    _quiet_transformers()
    if encoder is None:
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(resolve_base_model(settings.base_model), add_pooling_layer=False)
    if settings.lora_r > 0:
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(
            r=settings.lora_r,
            lora_alpha=settings.lora_alpha,
            lora_dropout=settings.lora_dropout,
            target_modules=settings.lora_target_modules,
        )
        encoder = get_peft_model(encoder, lora)
    return AttributionModel(encoder, settings)


def _quiet_transformers() -> None:
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # the base's unused pooler is reported otherwise
    transformers_logging.disable_progress_bar()


def save_model(model: AttributionModel, folder: Path, card: str | None = None) -> None:
    """Write adapter (or full encoder), heads and settings; the base encoder is not copied."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    settings = model.settings
    if settings.lora_r > 0:
        model.encoder.save_pretrained(str(folder))  # type: ignore[operator]  # a peft model
    else:
        model.encoder.save_pretrained(str(folder / "encoder"))  # type: ignore[operator]  # a transformers model
    save_file(model.head_state(), str(folder / "heads.safetensors"))
    (folder / "settings.json").write_text(json.dumps(settings.to_dict(), indent=2) + "\n", encoding="utf-8")
    if card is not None:
        (folder / "README.md").write_text(card, encoding="utf-8")


def load_model(folder: Path, base_model: str | None = None) -> AttributionModel:
    """Load a saved folder for inference: base encoder + adapter, merged."""
    from transformers import AutoModel

    force_offline()
    _quiet_transformers()
    folder = Path(folder)
    settings = read_settings(folder)
    if base_model is not None:
        settings.base_model = base_model
    try:
        if settings.lora_r > 0:
            from peft import PeftModel

            base = AutoModel.from_pretrained(resolve_base_model(settings.base_model), add_pooling_layer=False)
            encoder = PeftModel.from_pretrained(base, str(folder)).merge_and_unload()
        else:
            encoder = AutoModel.from_pretrained(folder / "encoder", add_pooling_layer=False)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder}: cannot load the encoder ({exc})") from exc
    inference_settings = ModelSettings(**{**settings.to_dict(), "lora_r": 0})
    model = AttributionModel(encoder, inference_settings)
    missing, unexpected = model.load_state_dict(load_file(str(folder / "heads.safetensors")), strict=False)
    if unexpected or any(not k.startswith("encoder.") for k in missing):
        raise ModelError(f"{folder}: heads do not match settings (missing {missing}, unexpected {unexpected})")
    model.settings = settings
    model.eval()
    return model


class TorchForward:
    """The torch model as ``Predictor`` runs it: numpy inputs in, numpy logits out, no autograd."""

    parallel = 1

    def __init__(self, model: AttributionModel) -> None:
        self.model = model

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray, case_ids: np.ndarray) -> dict[str, Any]:
        with torch.inference_mode():
            out = self.model(torch.from_numpy(input_ids), torch.from_numpy(attention_mask), torch.from_numpy(case_ids))
        return {"sentence_logits": out["sentence_logits"].numpy(), "tag_logits": out["tag_logits"].numpy()}


def tiny_base_model(folder: Path, hidden_size: int = 32, layers: int = 2, heads: int = 2) -> Path:
    """Write a small randomly initialised BERT with the packaged tokenizer: for fast tests, no download."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    force_offline()
    tokenizer = AutoTokenizer.from_pretrained(resolve_base_model(ModelSettings().base_model))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden_size * 2,
        max_position_embeddings=512,
    )
    torch.manual_seed(0)
    BertModel(config, add_pooling_layer=False).save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return Path(folder)


__all__ = [
    "CASE_LOWER",
    "CASE_OTHER",
    "CASE_PAD",
    "CASE_TITLE",
    "CASE_UPPER",
    "IGNORE_INDEX",
    "NUM_CASE_SHAPES",
    "PACKAGED_MODEL_DIR",
    "AttributionModel",
    "Encoded",
    "RustTokenizer",
    "TorchForward",
    "_allowed_transitions",
    "case_shape",
    "decode_batch",
    "decode_spans",
    "encode",
    "load_scoring_tokenizer",
    "load_tokenizer",
    "model_version",
    "pad_encodings",
    "read_settings",
    "tag_names",
    "tag_targets",
    "viterbi",
    "viterbi_batch",
    "Predictor",
    "SentencePrediction",
    "SpanPrediction",
    "build_model",
    "load_model",
    "save_model",
    "tiny_base_model",
]
