"""Train on your own labels (canonical JSONL from `attribution data import`), with before/after figures."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from attribution.config import ModelSettings, TrainingSettings
from attribution.errors import ConfigError
from attribution.model import PACKAGED_MODEL_DIR, AttributionModel, Predictor, build_model, load_tokenizer, read_settings
from training.data import data_hash, read_polnear
from training.evaluate import evaluate_records
from training.importers import read_canonical
from training.train import train


def _start_settings(model_settings: ModelSettings, from_model: Path | None, labels: set[str]) -> tuple[ModelSettings, Path | None]:
    """Settings of the model to start from, with any new sentence label appended to its label map."""
    start = from_model
    if start is None and (PACKAGED_MODEL_DIR / "settings.json").is_file():
        start = PACKAGED_MODEL_DIR
    settings = read_settings(start) if start is not None else replace(model_settings)
    new = sorted(labels - set(settings.sentence_labels))
    settings = ModelSettings(**{**settings.to_dict(), "sentence_labels": settings.sentence_labels + new})
    if settings.lora_r == 0:
        raise ConfigError("continuing from a fully fine-tuned model is not supported; train it with lora_r > 0")
    return settings, start


def _model_from(settings: ModelSettings, start: Path | None) -> AttributionModel:
    """A trainable model: the starting folder's adapter and heads, the sentence head resized for new labels."""
    model = build_model(settings)
    if start is None:
        return model
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    set_peft_model_state_dict(model.encoder, load_file(str(start / "adapter_model.safetensors")))
    heads = load_file(str(start / "heads.safetensors"))
    old_labels = read_settings(start).sentence_labels
    with torch.no_grad():
        for name, tensor in heads.items():
            if name.startswith("sentence_head."):
                target = getattr(model.sentence_head, name.split(".")[-1])
                for row, label in enumerate(old_labels):  # copy each known label's row to its new place
                    target[settings.sentence_labels.index(label)] = tensor[row]
            else:
                module, _, param = name.rpartition(".")
                getattr(getattr(model, module), param).copy_(tensor)
    return model


def train_on_labels(
    data: Path,
    output: Path,
    model_settings: ModelSettings,
    training: TrainingSettings,
    from_model: Path | None = None,
    mix_polnear: float = 0.0,
    holdout: float = 0.2,
) -> dict[str, Any]:
    """Continue training on canonical labels; report before/after on a held-out share of them."""
    records = read_canonical(Path(data))
    if not records:
        raise ConfigError(f"{data}: no labelled records to train on")
    rng = random.Random(training.seed)
    shuffled = records[:]
    rng.shuffle(shuffled)
    n_holdout = int(len(shuffled) * holdout) if len(shuffled) >= 10 else 0
    held_out, train_records = shuffled[:n_holdout], shuffled[n_holdout:]
    settings, start = _start_settings(model_settings, from_model, {r["label"] for r in records})

    before: dict[str, Any] = {}
    if start is not None and held_out:
        before = evaluate_records(Predictor.from_folder(start, quantize=False), held_out)
    mixed = list(train_records)
    if mix_polnear > 0:
        polnear = [Path(p) for p in training.train_data if Path(p).exists()]
        if not polnear:
            raise ConfigError("--mix-polnear needs the PolNeAR corpus: set train_data in the config to a copy of it")
        pool = [r for p in polnear for r in read_polnear(p)]
        mixed += rng.sample(pool, min(len(pool), int(mix_polnear * len(train_records))))
    tokenizer = load_tokenizer(settings)
    model = _model_from(settings, start)
    evaluator = None
    if held_out:
        def evaluator(m: AttributionModel, tok: Any) -> dict[str, Any]:
            metrics = evaluate_records(Predictor(m, tok, quantize=False), held_out)
            m.train()
            return metrics

    run_settings = replace(training, dev_data="", train_data=training.train_data if mix_polnear > 0 else [])
    result = train(
        settings, run_settings, Path(output), records=mixed, dev_evaluator=evaluator, model=model,
        card_extra={"data_hash": data_hash([Path(data)]), "started_from": str(start) if start else settings.base_model,
                    "holdout_before": before, "notes": f"Trained on {len(train_records)} records of {data}."},
        progress=False,
    )
    after = result.best_metrics if held_out else evaluate_records(Predictor(model, tokenizer, quantize=False), train_records)
    return {
        "output": str(output),
        "labels": settings.sentence_labels,
        "trained_on": len(mixed),
        "held_out": len(held_out),
        "before": before,
        "after": after,
        "started_from": str(start) if start else settings.base_model,
    }
