"""Train on your own labels (canonical JSONL from `attribution data import`) with defaults that need no tuning.

What the defaults do, and why:

* **A schedule in steps sized to the data**: each of your records is seen about ``passes`` times, within
  ``min_steps``..``max_steps`` (8 records get the minimum, 2,000 records the maximum), evaluated on a
  held-out share of your records and stopped early when that stops improving.
* **Masked losses**: a record with a sentence label but no spans leaves the span head alone; a record with
  spans but no sentence label leaves the sentence head alone.
* **Rehearsal, so nothing is forgotten**: three quarters of every batch come from PolNeAR train when it is there,
  else from the starting model's own predictions over unlabelled sentences (``--unlabelled`` articles or a
  ``--db``).  PolNeAR and the starting model know only claim / quote / context, so their "context" counts
  as right for any new unattributed label (``statistic``): rehearsal does not fight the new label.  A weak
  pull toward the rehearsal sentence's own label within that family (``parent_preference``: context over
  statistic, never context over claim) keeps the new label from spreading to sentences that are not it.
* **A report a newsroom can act on**: the new labels' held-out precision, recall and F1; the old labels'
  and spans' figures before and after on a fixed reference set (PolNeAR dev when present, else your
  held-out records), with a warning for every drop over ``max_drop``; all of it in the model card.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch

from attribution.config import ModelSettings, TrainingSettings
from attribution.errors import ConfigError, InputError
from attribution.model import (
    PACKAGED_MODEL_DIR,
    AttributionModel,
    Predictor,
    build_model,
    load_tokenizer,
    read_settings,
    save_model,
)
from training.data import data_hash, read_polnear
from training.evaluate import _prf, predict_split, score
from training.importers import read_canonical
from training.train import (
    Example,
    TrainResult,
    collate,
    featurize,
    masked_loss,
    model_card,
)

MIN_TO_LEARN = 5  # fewer examples of a new label than this: training is refused, with how many to add
MIN_TO_MEASURE = 20  # fewer than this: no held-out figure for the label (all of them are trained on)
PARENTS_FILE = "label_parents.json"
# A new label starts e^3 (about 20) times less likely than the old label it refines: rehearsal data knows
# only the old label, so nothing but your examples should move a sentence to the new one.
NEW_LABEL_PRIOR = 3.0


@dataclass
class CustomSettings:
    """How training on your own labels runs; every default is meant to work from 8 to 2,000 records."""

    steps: int = 0  # 0: sized to the data (passes x records / your share of a batch, clamped below)
    passes: float = 10.0  # how often the default schedule shows each of your records
    min_steps: int = 80
    max_steps: int = 600
    batch_size: int = 16
    rehearsal_share: float = 0.75  # share of each batch drawn from the rehearsal pool
    monitor: int = 400  # rehearsal sentences kept out of training to watch for forgetting
    # On a rehearsal sentence, a weak pull toward its own old label against the new labels that refine it
    # (context against statistic), and against nothing else; 0 turns it off.  Rehearsal data cannot say
    # which of its context sentences are statistics, so the pull is weak: your examples outweigh it.
    parent_preference: float = 0.3
    # Below the starting model's own training (5e-4 / 2e-3): a continuation should move it less (measured on
    # the 120-record benchmark: with 3e-4 / 2e-3 PolNeAR dev as shipped fell 0.0134 macro-F1, with these 0.0096).
    learning_rate: float = 1.5e-4  # LoRA weights
    head_learning_rate: float = 1e-3  # sentence head, token head (the case embedding stays frozen)
    warmup_share: float = 0.1
    eval_every: int = 0  # 0: a tenth of the schedule, at least 10 steps
    patience: int = 4  # evaluations without improvement before stopping
    holdout: float = 0.2  # share of your records held out (none when fewer than 10)
    max_drop: float = 0.01  # a reference figure that drops by more is a warning
    rehearsal_pool: int = 5000  # at most this many rehearsal sentences
    seed: int = 13
    threads: int = 1  # small batches gain little from a second thread, and on a busy machine extra threads spin (5-10x the CPU time measured); 0 keeps the config's

    def __post_init__(self) -> None:
        if self.steps < 0:
            raise ConfigError(f"steps={self.steps} must be 0 (sized to the data) or a positive number of steps")
        if self.passes <= 0:
            raise ConfigError(f"passes={self.passes} must be positive, e.g. 12")
        if not 1 <= self.min_steps <= self.max_steps:
            raise ConfigError(f"min_steps={self.min_steps} and max_steps={self.max_steps} must satisfy 1 <= min <= max")
        if self.batch_size < 2:
            raise ConfigError(f"batch_size={self.batch_size} must be at least 2, e.g. 16")
        if not 0 <= self.rehearsal_share < 1:
            raise ConfigError(f"rehearsal_share={self.rehearsal_share} must be in [0, 1), e.g. 0.5")
        if not 0 <= self.holdout <= 0.9:
            raise ConfigError(f"holdout={self.holdout} must be in [0, 0.9], e.g. 0.2")
        if not 0 < self.learning_rate < 1 or not 0 < self.head_learning_rate < 1:
            raise ConfigError("learning rates must lie between 0 and 1, e.g. 1.5e-4 for LoRA and 1e-3 for the heads")
        if not 0 <= self.parent_preference <= 10:
            raise ConfigError(f"parent_preference={self.parent_preference} must be in [0, 10], e.g. 0.3 (0 turns it off)")
        if self.patience < 1:
            raise ConfigError(f"patience={self.patience} must be at least 1")


# --- the starting model -------------------------------------------------------------------


def _start_settings(model_settings: ModelSettings, from_model: Path | None, labels: set[str]) -> tuple[ModelSettings, Path | None]:
    """Settings of the model to start from, with any new sentence label appended to its label map."""
    start = from_model
    if start is None and (PACKAGED_MODEL_DIR / "settings.json").is_file():
        start = PACKAGED_MODEL_DIR
    if start is not None and not (Path(start) / "settings.json").is_file():
        raise ConfigError(f"{start}: not a model folder (no settings.json); give --from a folder written by `attribution train`")
    settings = read_settings(start) if start is not None else replace(model_settings)
    new = sorted(labels - set(settings.sentence_labels))
    settings = ModelSettings(**{**settings.to_dict(), "sentence_labels": settings.sentence_labels + new})
    if settings.lora_r == 0:
        raise ConfigError("continuing from a fully fine-tuned model is not supported; train it with lora_r > 0")
    return settings, start


def _model_from(settings: ModelSettings, start: Path | None, parents: dict[str, str]) -> AttributionModel:
    """A trainable model: the starting folder's adapter and heads; a new label's row starts as its parent's."""
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
                for label, parent in parents.items():  # start as the parent, less likely: the parent stays
                    if parent in old_labels:  # the answer until your examples show what makes the new label
                        target[settings.sentence_labels.index(label)] = tensor[old_labels.index(parent)]
                        if name.endswith("bias"):
                            target[settings.sentence_labels.index(label)] -= NEW_LABEL_PRIOR
            else:
                module, _, param = name.rpartition(".")
                getattr(getattr(model, module), param).copy_(tensor)
    return model


def label_parents(records: Sequence[dict], new_labels: Iterable[str]) -> dict[str, str]:
    """The old label each new label refines: claim when most of its records name a source or cue, else context.

    PolNeAR and the starting model know only claim / quote / context; the parent is what a new label counts
    as there (``statistic``, a figure with no source, counts as context).
    """
    parents = {}
    for label in new_labels:
        mine = [r for r in records if r["label"] == label]
        attributed = sum(any(s["label"] in ("SOURCE", "CUE") for s in r.get("spans", [])) for r in mine)
        parents[label] = "claim" if mine and attributed * 2 > len(mine) else "context"
    return parents


# --- checks, split, rehearsal ---------------------------------------------------------------


def check_label_counts(counts: Counter, old_labels: Sequence[str]) -> list[str]:
    """Refuse a new label with too few examples to learn (saying how many more); note those too few to measure."""
    notes = []
    too_few = {label: n for label, n in counts.items() if label not in old_labels and n < MIN_TO_LEARN}
    if too_few:
        parts = [f"{label!r} has {n} example{'s' if n != 1 else ''}: label {MIN_TO_LEARN - n} more" for label, n in sorted(too_few.items())]
        raise ConfigError(
            f"too few examples to learn a new label ({'; '.join(parts)}); a new label needs at least {MIN_TO_LEARN} "
            f"to be learnt and {MIN_TO_MEASURE} to be measured on held-out records"
        )
    for label, n in sorted(counts.items()):
        if n < MIN_TO_MEASURE:
            notes.append(
                f"{label}: {n} example{'s' if n != 1 else ''}, all trained on, none held out; label {MIN_TO_MEASURE - n} more to get a "
                f"held-out figure for it"
            )
    return notes


def split_holdout(records: Sequence[dict], share: float, seed: int) -> tuple[list[dict], list[dict]]:
    """Hold out about ``share`` of each label that has enough examples, whole documents at a time."""
    if share <= 0 or len(records) < 10:
        return list(records), []
    counts = Counter(r["label"] for r in records)
    quota = {label: int(n * share) if n >= MIN_TO_MEASURE else 0 for label, n in counts.items()}
    groups: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        groups[str(record.get("document", record.get("id")))].append(record)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    taken: Counter = Counter()
    held: set[str] = set()
    for document in order:
        need = Counter(r["label"] for r in groups[document])
        if any(taken[label] < quota[label] for label in need) and all(taken[label] + n <= quota[label] + 1 for label, n in need.items()):
            held.add(document)
            taken.update(need)
    train = [r for r in records if str(r.get("document", r.get("id"))) not in held]
    return train, [r for r in records if str(r.get("document", r.get("id"))) in held]


def _merge_context(record: dict, parents: dict[str, str]) -> dict:
    """A rehearsal record's old label also accepts the new labels that refine it."""
    children = [label for label, parent in parents.items() if parent == record["label"]]
    return {**record, "allowed_labels": [record["label"], *children]} if children else record


def _is_split(path: Path) -> bool:
    return (path / "text").is_dir() and (path / "attributions").is_dir()


def polnear_rehearsal(training: TrainingSettings) -> list[Path]:
    return [Path(p) for p in training.train_data if _is_split(Path(p))]


def unlabelled_sentences(paths: Sequence[Path], db: str | None, limit: int, seed: int) -> list[str]:
    """Sentences of plain-text articles (files or folders of .txt) and of a tracker database."""
    from attribution.segment import split_sentences

    sentences: list[str] = []
    for path in paths:
        path = Path(path)
        files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
        if not files or not all(f.is_file() for f in files):
            raise InputError(f"{path}: no such article file or folder of .txt articles")
        for file in files:
            text = file.read_text(encoding="utf-8", errors="replace")
            sentences += [text[s.start : s.end] for s in split_sentences(text)]
    if db is not None:
        sentences += _database_sentences(db)
    sentences = [s for s in dict.fromkeys(sentences) if len(s.split()) >= 4]
    random.Random(seed).shuffle(sentences)
    return sentences[:limit]


def _database_sentences(db: str) -> list[str]:
    """Every stored sentence of a tracker database (a file or a URL, as ``--db`` everywhere), opened read-only."""
    from sqlmodel import select

    from attribution.db.models import Sentence
    from attribution.query_cli import open_session

    with open_session(db, read_only=True) as session:
        return list(session.exec(select(Sentence.text)))


def pseudo_labelled(predictor: Predictor, sentences: Sequence[str]) -> list[dict]:
    """The starting model's own labels and spans over unlabelled sentences, to rehearse what it knew."""
    records = []
    for text, prediction in zip(sentences, predictor.predict(list(sentences))):
        spans = [{"start": s.start, "end": s.end, "label": s.label} for s in prediction.spans]
        records.append({"text": text, "label": prediction.label, "spans": spans})
    return records


# --- measuring ------------------------------------------------------------------------------


def label_figures(predictor: Predictor, records: Sequence[dict]) -> dict[str, Any]:
    """Per-label precision / recall / F1 and exact span F1 on labelled records."""
    if not records:
        return {"sentences": 0}
    predictions = predictor.predict([r["text"] for r in records])
    labels = sorted({r["label"] for r in records})
    per_label = {}
    for label in labels:
        tp = sum(p.label == label and r["label"] == label for p, r in zip(predictions, records))
        n_pred = sum(p.label == label for p in predictions)
        n_gold = sum(r["label"] == label for r in records)
        p, r, f = _prf(tp, n_pred, n_gold)
        per_label[label] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": n_gold}
    spanned = [i for i, r in enumerate(records) if r.get("spans")]
    gold_spans = {(i, s["label"], s["start"], s["end"]) for i in spanned for s in records[i]["spans"]}
    pred_spans = {(i, s.label, s.start, s.end) for i in spanned for s in predictions[i].spans}
    return {
        "sentences": len(records),
        "sentence_accuracy": round(sum(p.label == r["label"] for p, r in zip(predictions, records)) / len(records), 4),
        "sentence_macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(per_label), 4),
        "per_label": per_label,
        "span_exact_f1": round(_prf(len(gold_spans & pred_spans), len(pred_spans), len(gold_spans))[2], 4) if gold_spans else None,
        "emitted": dict(Counter(p.label for p in predictions)),
    }


def monitor_f1(predictor: Predictor, records: Sequence[dict], settings: ModelSettings) -> float:
    """Macro-F1 over the old labels on rehearsal sentences, a new label counting as right where allowed."""
    predictions = predictor.predict([r["text"] for r in records])
    golds = [r["label"] for r in records]
    said = [r["label"] if p.label in r.get("allowed_labels", ()) else p.label for p, r in zip(predictions, records)]
    labels = sorted(set(golds))
    f1s = [_prf(sum(g == s == label for g, s in zip(golds, said)), said.count(label), golds.count(label))[2] for label in labels]
    return sum(f1s) / len(f1s) if f1s else 1.0


def reference_figures(predictor: Predictor, dev_dir: Path, parents: dict[str, str]) -> dict[str, Any]:
    """PolNeAR dev under the reference protocol; a new label counts as its parent (statistic as context)."""
    from attribution.pipeline import Tracker

    tracker = Tracker(predictor=predictor)
    records = [{**r, "label": parents.get(str(r.get("label")), r.get("label"))} for r in predict_split(tracker, dev_dir)]
    return score(dev_dir, records)


def _flat(metrics: dict[str, Any]) -> dict[str, float]:
    """The reference figures compared before/after, by name."""
    if "per_label_f1" in metrics:  # PolNeAR dev
        flat = {"sentence macro-F1": metrics["sentence_macro_f1"]}
        flat.update({f"{label} F1": v for label, v in metrics["per_label_f1"].items()})
        flat["source exact F1"] = metrics["source_exact"][2]
        flat["cue exact F1"] = metrics["cue_exact"][2]
        flat["content overlap F1"] = metrics["content_overlap_f1"]
        return flat
    flat = {f"{label} F1": v["f1"] for label, v in metrics.get("per_label", {}).items()}
    if metrics.get("span_exact_f1") is not None:
        flat["span exact F1"] = metrics["span_exact_f1"]
    return flat


def drops(before: dict[str, Any], after: dict[str, Any], max_drop: float, where: str, new_labels: Sequence[str] = ()) -> list[str]:
    """One warning per old label or span figure that fell by more than ``max_drop``."""
    before_flat, after_flat = _flat(before), _flat(after)
    return [
        f"{name} on {where} dropped from {before_flat[name]:.4f} to {value:.4f} ({value - before_flat[name]:+.4f})"
        for name, value in after_flat.items()
        if name in before_flat and before_flat[name] - value > max_drop and name.split()[0] not in new_labels
    ]


# --- training -------------------------------------------------------------------------------


def _schedule(n_train: int, settings: CustomSettings, user_batch: int) -> int:
    if settings.steps:
        return settings.steps
    return max(settings.min_steps, min(settings.max_steps, math.ceil(settings.passes * n_train / user_batch)))


def _fit(
    model: AttributionModel,
    tokenizer: Any,
    settings: ModelSettings,
    custom: CustomSettings,
    mine: list[Example],
    rehearsal: list[Example],
    held_out: list[dict],
    steps: int,
    log: Any,
    monitor: list[dict] | None = None,
    monitor_floor: float = 0.0,
) -> tuple[TrainResult, dict[str, torch.Tensor] | None]:
    """Mixed batches (yours + rehearsal), masked losses, early stopping on your held-out records.

    A checkpoint whose old-label macro-F1 on the ``monitor`` sentences (rehearsal sentences never trained
    on) falls below ``monitor_floor`` is only kept when no checkpoint stays above it.
    """
    rng = random.Random(custom.seed)
    torch.manual_seed(custom.seed)
    user_batch = custom.batch_size - round(custom.batch_size * custom.rehearsal_share) if rehearsal else custom.batch_size
    user_batch = max(1, min(user_batch, len(mine)))
    rehearsal_batch = custom.batch_size - user_batch if rehearsal else 0
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for n, p in trainable if n.startswith("encoder.")], "lr": custom.learning_rate},
            {"params": [p for n, p in trainable if not n.startswith("encoder.")], "lr": custom.head_learning_rate},
        ],
        weight_decay=0.01,
    )
    warmup = max(1, int(steps * custom.warmup_share))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    eval_every = custom.eval_every or max(10, steps // 10)
    pad_id = tokenizer.pad_token_id or 0
    n_labels = len(settings.sentence_labels)
    history: list[dict[str, Any]] = []
    best_key: tuple[float, float, float] | None = None
    best_state: dict[str, torch.Tensor] | None = None
    best: dict[str, Any] = {}
    best_step, stale, step = 0, 0, 0
    started = time.time()
    order: list[int] = []
    rehearsal_order: list[int] = []
    model.train()
    while step < steps:
        if len(order) < user_batch:
            order += rng.sample(range(len(mine)), len(mine))
        batch_examples = [mine[i] for i in order[:user_batch]]
        del order[:user_batch]
        if rehearsal_batch:
            if len(rehearsal_order) < rehearsal_batch:
                rehearsal_order += rng.sample(range(len(rehearsal)), len(rehearsal))
            batch_examples += [rehearsal[i] for i in rehearsal_order[:rehearsal_batch]]
            del rehearsal_order[:rehearsal_batch]
        loss = masked_loss(model, collate(batch_examples, pad_id, n_labels), 1.0, custom.parent_preference)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in trainable], 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        step += 1
        if held_out and (step % eval_every == 0 or step == steps):
            predictor = Predictor(model, tokenizer, quantize=False)
            metrics = label_figures(predictor, held_out)
            kept = monitor_f1(predictor, monitor, settings) if monitor else 1.0
            model.train()
            key = (float(kept >= monitor_floor), metrics["sentence_macro_f1"], metrics["span_exact_f1"] or 0.0)
            history.append({"step": step, "seconds": round(time.time() - started, 1), "loss": round(loss.item(), 4),
                            "monitor_macro_f1": round(kept, 4), **metrics})
            log(f"step {step}/{steps}: held-out macro-F1 {key[1]:.4f}, span exact F1 {key[2]:.4f}"
                + (f", old labels on {len(monitor)} rehearsal sentences {kept:.4f} (floor {monitor_floor:.4f})" if monitor else ""))
            if best_key is None or key > best_key:
                best_key, best, best_step, stale = key, metrics, step, 0
                best_state = {n: p.detach().clone() for n, p in trainable}
            else:
                stale += 1
                if stale >= custom.patience and step < steps:
                    log(f"stopped early: no gain on held-out records in {stale} evaluations")
                    break
    if not held_out:
        best_step = step
    return TrainResult(best, best_step, step, time.time() - started, history), best_state


def train_on_labels(
    data: Path,
    output: Path,
    model_settings: ModelSettings,
    training: TrainingSettings,
    from_model: Path | None = None,
    custom: CustomSettings | None = None,
    rehearse: str = "auto",
    unlabelled: Sequence[Path] = (),
    db: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Continue training on canonical labels; return (and save in the model card) the report."""
    custom = custom or CustomSettings()
    if rehearse not in ("auto", "polnear", "unlabelled", "none"):
        raise ConfigError(f"rehearse={rehearse!r}: use auto, polnear, unlabelled or none")
    log = (lambda line: print(line, file=sys.stderr, flush=True)) if progress else (lambda line: None)
    threads = custom.threads or training.threads
    if threads:
        torch.set_num_threads(threads)
    started = time.time()
    records = read_canonical(Path(data))
    if not records:
        raise ConfigError(f"{data}: no labelled records to train on")
    counts = Counter(r["label"] for r in records)
    settings, start = _start_settings(model_settings, from_model, set(counts))
    old_labels = [label for label in settings.sentence_labels if start is None or label in read_settings(start).sentence_labels]
    new_labels = [label for label in settings.sentence_labels if label not in old_labels]
    notes = check_label_counts(counts, old_labels)
    parents = label_parents(records, new_labels)
    # Records with spans were annotated for spans; the others teach only the sentence head.
    records = [{**r, "spans_complete": bool(r["spans"])} for r in records]
    train_records, held_out = split_holdout(records, custom.holdout, custom.seed)
    tokenizer = load_tokenizer(settings)
    start_predictor = Predictor.from_folder(start, quantize=False) if start is not None else None

    # Rehearsal pool: PolNeAR train when present, else the starting model's own predictions.
    pool: list[dict] = []
    source = "none"
    polnear = polnear_rehearsal(training) if rehearse in ("auto", "polnear") else []
    if rehearse == "polnear" and not polnear:
        raise ConfigError("--rehearse polnear needs PolNeAR train: set train_data in the config to a copy of it")
    if polnear:
        pool = [r for path in polnear for r in read_polnear(path)]
        source = "PolNeAR train"
    elif rehearse in ("auto", "unlabelled") and (unlabelled or db is not None):
        if start_predictor is None:
            raise ConfigError("rehearsing on unlabelled text needs a starting model (--from or the shipped model)")
        sentences = unlabelled_sentences(unlabelled, db, custom.rehearsal_pool, custom.seed)
        pool = pseudo_labelled(start_predictor, sentences)
        source = f"the starting model's predictions on {len(pool)} unlabelled sentences"
    elif rehearse == "unlabelled":
        raise ConfigError("--rehearse unlabelled needs --unlabelled articles or a --db to read sentences from")
    else:
        notes.append("no rehearsal data (no PolNeAR, no --unlabelled articles or --db): the model may forget what it knew")
    user_batch = custom.batch_size - round(custom.batch_size * custom.rehearsal_share) if pool else custom.batch_size
    steps = _schedule(len(train_records), custom, max(1, min(user_batch, len(train_records))))
    rng = random.Random(custom.seed)
    n_monitor = min(custom.monitor, len(pool) // 4)
    pool = rng.sample(pool, min(len(pool), custom.rehearsal_pool + n_monitor, steps * (custom.batch_size - user_batch) + n_monitor if pool else 0))
    pool = [{**_merge_context(r, parents), "spans_complete": True} for r in pool]
    monitor, pool = pool[:n_monitor], pool[n_monitor:]
    log(f"{len(train_records)} records to train on, {len(held_out)} held out, {len(pool)} rehearsal sentences ({source}); {steps} steps")

    dev_dir = Path(training.dev_data) if training.dev_data and _is_split(Path(training.dev_data)) else None
    reference_name = "PolNeAR dev (new labels count as their parent)" if dev_dir else "your held-out records"
    before_reference: dict[str, Any] = {}
    before_held: dict[str, Any] = {}
    if start_predictor is not None:
        before_held = label_figures(start_predictor, held_out) if held_out else {}
        if dev_dir is not None:
            log("scoring the starting model on the reference set")
            before_reference = reference_figures(start_predictor, dev_dir, {})
        else:
            before_reference = before_held

    model = _model_from(settings, start, parents)
    if start is not None and model.case_embedding is not None:
        # The case feature is added to every input word piece, so it moves every activation; your records
        # cannot teach it better than the corpus it was learnt on, and Adam moves a parameter with small
        # gradients by the full learning rate each step (34% of its norm in 270 steps, measured; the int8
        # export then followed the fp32 model less closely).  It stays as it was.
        model.case_embedding.weight.requires_grad_(False)
    floor = 0.0
    if monitor:
        floor = monitor_f1(Predictor(model, tokenizer, quantize=False), monitor, settings) - custom.max_drop / 2
    mine = featurize(train_records, tokenizer, settings)
    rehearsal = featurize(pool, tokenizer, settings) if pool else []
    result, best_state = _fit(model, tokenizer, settings, custom, mine, rehearsal, held_out, steps, log, monitor, floor)
    if best_state is not None:
        with torch.no_grad():
            for name, parameter in model.named_parameters():
                if name in best_state:
                    parameter.copy_(best_state[name])
    trained_seconds = result.seconds
    model.eval()
    predictor = Predictor(model, tokenizer, quantize=False)
    after_held = label_figures(predictor, held_out) if held_out else {}
    on_training = label_figures(predictor, train_records)
    if dev_dir is not None:
        log("scoring the new model on the reference set")
        after_reference = reference_figures(predictor, dev_dir, parents)
    else:
        after_reference = after_held

    warnings = drops(before_reference, after_reference, custom.max_drop, reference_name, new_labels)
    for label in new_labels:
        emitted = on_training.get("emitted", {}).get(label, 0)
        held = after_held.get("per_label", {}).get(label)
        if held is None and emitted == 0:
            warnings.append(
                f"{label}: the model does not emit it even on its {counts[label]} training examples; label "
                f"{max(1, MIN_TO_MEASURE - counts[label])} more and train again"
            )
        elif held is not None and held["f1"] < 0.5:
            warnings.append(f"{label}: held-out F1 only {held['f1']:.3f} from {counts[label]} examples; label more and train again")
    report = {
        "output": str(output),
        "started_from": str(start) if start else settings.base_model,
        "labels": settings.sentence_labels,
        "new_labels": {label: {"parent": parents[label], "examples": counts[label]} for label in new_labels},
        "records": len(records),
        "trained_on": len(train_records),
        "held_out": len(held_out),
        "rehearsal": {"source": source, "sentences": len(pool)},
        "steps": result.steps,
        "best_step": result.best_step,
        "stopped_early": result.steps < steps,
        "training_minutes": round(trained_seconds / 60, 2),
        "total_minutes": round((time.time() - started) / 60, 2),
        "held_out_before": before_held,
        "held_out_after": after_held,
        "training_records_after": on_training,
        "reference": reference_name,
        "reference_before": before_reference,
        "reference_after": after_reference,
        "warnings": warnings,
        "notes": notes,
        "settings": asdict(custom),
    }
    save_model(model, Path(output))
    (Path(output) / PARENTS_FILE).write_text(json.dumps(parents, indent=2) + "\n", encoding="utf-8")
    (Path(output) / "training_history.json").write_text(json.dumps(result.history, indent=2) + "\n", encoding="utf-8")
    (Path(output) / "training_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    card_training = replace(training, train_data=[str(p) for p in polnear], dev_data=str(dev_dir or ""))
    card_result = replace(result, best_metrics=after_reference if dev_dir else {})
    card = model_card(
        settings, card_training, card_result, len(train_records) + len(pool),
        {"data_hash": data_hash([Path(data)]), "started_from": report["started_from"], "custom_training": report},
    )
    card += "\n## Training on your own labels: the report\n\n```\n" + format_custom_report(report) + "\n```\n"
    (Path(output) / "README.md").write_text(card, encoding="utf-8")
    return report


def format_custom_report(report: dict[str, Any]) -> str:
    """The report as a newsroom reads it."""
    lines = [
        (f"Model {report['output']} (from {report['started_from']}): {report['trained_on']} of your records trained on, "
        f"{report['held_out']} held out; rehearsal: {report['rehearsal']['source']} ({report['rehearsal']['sentences']} sentences)."),
        (f"{report['steps']} steps, best at step {report['best_step']}{' (stopped early)' if report['stopped_early'] else ''}; "
        f"training {report['training_minutes']:.1f} min, all told {report['total_minutes']:.1f} min."),
    ]
    before, after = report.get("held_out_before", {}), report.get("held_out_after", {})
    if after:
        lines += ["", f"Your held-out records ({after['sentences']}), precision / recall / F1 (before -> after):"]
        for label, figures in after["per_label"].items():
            old = before.get("per_label", {}).get(label, {}).get("f1")
            was = f"  (F1 before {old:.3f})" if old is not None else ""
            new = "  new" if label in report["new_labels"] else ""
            lines.append(
                f"  {label:<12} P {figures['precision']:.3f}  R {figures['recall']:.3f}  F1 {figures['f1']:.3f}"
                f"  n={figures['support']}{was}{new}"
            )
        if after.get("span_exact_f1") is not None:
            was = before.get("span_exact_f1")
            lines.append(f"  spans exact F1 {after['span_exact_f1']:.3f}" + (f"  (before {was:.3f})" if was is not None else ""))
    else:
        lines += ["", "No held-out records (fewer than 10, or no label with enough examples): figures on the training records:"]
        for label, figures in report["training_records_after"]["per_label"].items():
            lines.append(f"  {label:<12} P {figures['precision']:.3f}  R {figures['recall']:.3f}  F1 {figures['f1']:.3f}  n={figures['support']}")
    before_flat, after_flat = _flat(report["reference_before"]), _flat(report["reference_after"])
    if after_flat and before_flat:
        lines += ["", f"Old labels and spans on the reference set, {report['reference']} (before -> after):"]
        for name, value in after_flat.items():
            if name in before_flat:
                lines.append(f"  {name:<20} {before_flat[name]:.4f} -> {value:.4f}  ({value - before_flat[name]:+.4f})")
    else:
        lines += ["", "No reference set (no PolNeAR dev, and no held-out records): old labels were not compared before/after."]
    if report["warnings"]:
        lines += ["", "Warnings:"] + [f"  ! {w}" for w in report["warnings"]]
    elif after_flat and before_flat:
        lines += ["", f"No reference figure dropped by more than {report['settings']['max_drop']}."]
    if report["notes"]:
        lines += ["", "Notes:"] + [f"  - {n}" for n in report["notes"]]
    return "\n".join(lines)


def read_custom_settings(config: Path) -> CustomSettings:
    """The ``[custom]`` table of a config file (every key optional); the defaults when there is none."""
    import tomllib

    try:
        table = tomllib.loads(Path(config).read_text(encoding="utf-8")).get("custom", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config}: cannot read the [custom] settings ({exc})") from exc
    known = set(CustomSettings.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{config}: unknown [custom] setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return CustomSettings(**table)


def copy_settings(custom: CustomSettings, **changes: Any) -> CustomSettings:
    """A validated copy with some values changed (None leaves a value as it is)."""
    return CustomSettings(**{**asdict(custom), **{k: v for k, v in changes.items() if v is not None}})


__all__ = ["CustomSettings", "copy_settings", "format_custom_report", "label_parents", "split_holdout", "train_on_labels"]

