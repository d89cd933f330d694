"""Learn a new label (`statistic`) from a newsroom's Label Studio export with the defaults, without forgetting.

Rebuilds the Label Studio exports from the BBC corpus by path (the repository keeps only article ids,
offsets and labels: benchmarks/data/statistic_labels.jsonl, labelled by benchmarks/data/statistic_guideline.md),
imports them, trains with `attribution train --data ... --output ...` and no other option, and prints:

* the held-out figures on other sentences of the same kind (other articles): statistic, claim, quote, context;
* PolNeAR dev before/after with `attribution evaluate` (static int8, as shipped; statistic counts as context),
  checked with the reference scorer shared/tools/polnear_eval.py;
* the training time, and the 8-record case (the model emits the label on its training sentences, or the
  CLI says why it cannot yet).

Run: python benchmarks/custom_label.py [--work /tmp/statistic] [--skip-small] [--export-only]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attribution.model import PACKAGED_MODEL_DIR, Predictor
from attribution.pipeline import default_backend
from training.custom import label_figures
from training.evaluate import evaluate_model
from training.importers import import_labels

LABELS = ROOT / "benchmarks" / "data" / "statistic_labels.jsonl"
CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev"
SCORER = ROOT.parent / "shared" / "tools" / "polnear_eval.py"
ALLOWED_CATEGORIES = {"business", "tech"}  # politics is a blind set elsewhere: never read it here


def read_articles(corpus: Path, wanted: set[str]) -> dict[str, str]:
    texts = {}
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            if article["id"] in wanted:
                if article["category"] not in ALLOWED_CATEGORIES:
                    raise SystemExit(f"{article['id']}: category {article['category']} is not allowed in this benchmark")
                texts[article["id"]] = article["text"]
    return texts


def labelstudio_tasks(labels: list[dict], texts: dict[str, str]) -> list[dict]:
    """A Label Studio JSON export, as an annotator's project would give it."""
    tasks = []
    for number, label in enumerate(labels, 1):
        sentence = texts[label["article"]][label["start"] : label["end"]]
        result: list[dict] = [{"id": f"c{number}", "type": "choices", "from_name": "label", "to_name": "text",
                               "value": {"choices": [label["label"]]}}]
        regions: dict[int, list[str]] = {}
        for index, span in enumerate(label["spans"]):
            region = f"r{number}-{index}"
            regions.setdefault(span.get("attribution", 0), []).append(region)
            result.append({"id": region, "type": "labels", "from_name": "span", "to_name": "text",
                           "value": {"start": span["start"], "end": span["end"], "text": sentence[span["start"] : span["end"]],
                                     "labels": [span["label"].title()]}})
        for ids in regions.values():
            result += [{"type": "relation", "from_id": ids[0], "to_id": other, "direction": "right"} for other in ids[1:]]
        tasks.append({"id": number, "data": {"text": sentence, "document": label["article"]},
                      "annotations": [{"id": number, "was_cancelled": False, "result": result}]})
    return tasks


def attribution(*args: str, log: Path | None = None) -> subprocess.CompletedProcess:
    """Run the CLI as a user would; with ``log``, its progress lines go there as they come."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [sys.executable, "-m", "attribution.cli", *args]
    if log is None:
        return subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(command, check=False, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=handle, text=True)
    return subprocess.CompletedProcess(command, result.returncode, result.stdout, log.read_text(encoding="utf-8"))


def import_export(tasks: list[dict], folder: Path, name: str) -> Path:
    export = folder / f"{name}_labelstudio.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    result = attribution("data", "import", "--format", "labelstudio", str(export), "-o", str(folder / f"{name}.jsonl"))
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr}")
    return folder / f"{name}.jsonl"


def polnear(model: Path | None, folder: Path, name: str) -> dict:
    predictions = folder / f"{name}_dev_predictions.jsonl"
    ours = evaluate_model(model if model is not None else PACKAGED_MODEL_DIR, POLNEAR_DEV, predictions_out=predictions)
    reference = subprocess.run([sys.executable, str(SCORER), str(POLNEAR_DEV), str(predictions), "--json"],
                               capture_output=True, text=True, check=True)
    ref = json.loads(reference.stdout)
    return {"macro_f1": ours["sentence_macro_f1"], "source_exact_f1": ours["source_exact"][2],
            "reference_macro_f1": ref["sentence_macro_f1"], "reference_source_exact_f1": ref["source_exact"][2],
            "per_label_f1": ours["per_label_f1"], "cue_exact_f1": ours["cue_exact"][2], "content_overlap_f1": ours["content_overlap_f1"]}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    import torch

    torch.set_num_threads(1)  # the scoring here is not timed; on a shared machine one thread wastes least
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/statistic-benchmark"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--skip-small", action="store_true", help="skip the 8-record run")
    parser.add_argument("--export-only", action="store_true",
                        help="write the Label Studio exports (train_labelstudio.json, heldout_labelstudio.json) to --work and stop")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    texts = read_articles(args.corpus, {label["article"] for label in labels})
    train_labels = [label for label in labels if label["split"] == "train"]
    held_labels = [label for label in labels if label["split"] == "heldout"]
    if args.export_only:
        for name, rows in (("train", train_labels), ("heldout", held_labels)):
            (args.work / f"{name}_labelstudio.json").write_text(json.dumps(labelstudio_tasks(rows, texts), ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.work}/train_labelstudio.json ({len(train_labels)} tasks) and heldout_labelstudio.json ({len(held_labels)} tasks)")
        return
    train_file = import_export(labelstudio_tasks(train_labels, texts), args.work, "train")
    held_file = import_export(labelstudio_tasks(held_labels, texts), args.work, "heldout")
    held = import_labels(held_file, "canonical", strict=True).records
    def count(rows: list[dict]) -> dict[str, int]:
        return {k: sum(r["label"] == k for r in rows) for k in ("statistic", "claim", "quote", "context")}

    print(f"export: {len(train_labels)} training sentences {count(train_labels)}, "
          f"{len(held_labels)} held-out sentences from other articles {count(held_labels)}")

    model = args.work / "model"
    started, cpu = time.time(), cpu_seconds()
    trained = attribution("train", "--data", str(train_file), "--output", str(model), log=args.work / "train.log")
    seconds, cpu = time.time() - started, cpu_seconds() - cpu
    if trained.returncode != 0:
        raise SystemExit(f"training failed: {trained.stderr[-2000:]}")
    # Wall time counts other jobs sharing the machine; training runs one thread, so its CPU time is about
    # the wall time it needs on a machine with a core to itself.
    print(f"\n`attribution train --data train.jsonl --output model` (defaults): {seconds / 60:.1f} min wall, "
          f"{cpu / 60:.1f} CPU-min ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}); its report:\n")
    print(trained.stdout)

    backend = default_backend()  # as `attribution score` runs it: ONNX static int8 where installed
    after = label_figures(Predictor.from_folder(model, backend=backend), held)
    before = label_figures(Predictor.from_folder(PACKAGED_MODEL_DIR, backend=backend), held)
    print(f"held-out other sentences ({len(held)}, {backend} int8 as shipped): label  P  R  F1  (F1 of the starting model)")
    for label, figures in after["per_label"].items():
        was = before["per_label"].get(label, {}).get("f1", 0.0)
        ok = "ok" if figures["f1"] >= 0.85 else "BELOW 0.85"
        print(f"  {label:<10} {figures['precision']:.3f} {figures['recall']:.3f} {figures['f1']:.3f}  ({was:.3f})  {ok}")

    if POLNEAR_DEV.is_dir():
        start_dev, new_dev = polnear(None, args.work, "start"), polnear(model, args.work, "new")
        print("\nPolNeAR dev (attribution evaluate, int8; statistic counts as context), start -> new:")
        for key in ("macro_f1", "source_exact_f1", "reference_macro_f1", "reference_source_exact_f1", "cue_exact_f1", "content_overlap_f1"):
            delta = new_dev[key] - start_dev[key]
            print(f"  {key:<28} {start_dev[key]:.4f} -> {new_dev[key]:.4f}  ({delta:+.4f}){'  DROP > 0.01' if delta < -0.01 else ''}")
        print(f"  per-label F1 {start_dev['per_label_f1']} -> {new_dev['per_label_f1']}")

    if not args.skip_small:
        small_labels = [label for label in train_labels if label["label"] == "statistic"][:5]
        small_labels += [next(label for label in train_labels if label["label"] == name) for name in ("claim", "quote", "context")]
        small_file = import_export(labelstudio_tasks(small_labels, texts), args.work, "small")
        small_model = args.work / "small-model"
        started = time.time()
        small = attribution("train", "--data", str(small_file), "--output", str(small_model), log=args.work / "small.log")
        print(f"\n8-record export ({count(small_labels)}): exit {small.returncode} in {(time.time() - started) / 60:.1f} min")
        print(small.stdout if small.returncode == 0 else small.stderr.strip().splitlines()[-1])
        if small.returncode == 0:
            records = import_labels(small_file, "canonical", strict=True).records
            predictions = Predictor.from_folder(small_model, backend=backend).predict([r["text"] for r in records])
            hits = sum(p.label == "statistic" for p, r in zip(predictions, records) if r["label"] == "statistic")
            print(f"statistic emitted on {hits} of its 5 training sentences; "
                  f"labels on all 8: {[p.label for p in predictions]} (gold {[r['label'] for r in records]})")


if __name__ == "__main__":
    main()
