"""Model inference speed at batch 32 on 2 cores: torch fp32 (baseline), torch int8, ONNX Runtime int8, one run.

    python benchmarks/inference_speed.py [--model DIR] [--sentences N]

Sentences come from PolNeAR dev (or the seed article, repeated, where the corpus is absent).
Also reports how many sentence labels each int8 path changes against fp32 on those sentences.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"


def sentences(limit: int) -> list[str]:
    from attribution.segment import split_sentences

    texts = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))] if DEV.is_dir() else []
    if not texts:
        texts = [(ROOT / "seeds" / "000_ddabe0bb499dbc38.txt").read_text(encoding="utf-8")] * 50
    out = [t[s.start : s.end] for t in texts for s in split_sentences(t)]
    return out[:limit]


def timed(predictor, items: list[str]) -> tuple[float, list]:  # type: ignore[no-untyped-def]
    predictor.predict(items[:64])  # warm-up
    started = time.perf_counter()
    result = predictor.predict(items)
    return len(items) / (time.perf_counter() - started), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    import torch

    from attribution.model import PACKAGED_MODEL_DIR, Predictor

    folder = args.model or PACKAGED_MODEL_DIR
    items = sentences(args.sentences)
    print(f"{len(items)} sentences, batch 32, {torch.get_num_threads()} torch threads")
    fp32_rate, fp32 = timed(Predictor.from_folder(folder, quantize=False, batch_size=32), items)
    print(f"torch fp32: {fp32_rate:.0f} sentences/s")
    for name, backend in (("torch int8", "torch"), ("onnxruntime int8", "onnx")):
        rate, predictions = timed(Predictor.from_folder(folder, quantize=True, batch_size=32, backend=backend), items)
        changed = sum(a.label != b.label for a, b in zip(fp32, predictions))
        print(f"{name}: {rate:.0f} sentences/s ({rate / fp32_rate:.2f}x fp32); labels changed vs fp32: {changed} of {len(items)}")


if __name__ == "__main__":
    main()
