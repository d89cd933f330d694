"""Does the previous sentence as left context help?  Two equal-budget training runs, with and without.

    python benchmarks/context_ablation.py [--sentences 4800] [--dev-articles 20]

Both runs train one epoch on the same random slice of PolNeAR train (LoRA r=16, the shipped settings
otherwise) and are scored on the first dev articles with the reference protocol; the fp32 inference
speed of each trained model is measured on the same dev sentences at batch 32.  Short runs rank the two
options; they do not give the shipped model's figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=4800)
    parser.add_argument("--dev-articles", type=int, default=20)
    args = parser.parse_args()
    from attribution.config import ModelSettings, TrainingSettings
    from attribution.model import Predictor, load_model, load_tokenizer
    from attribution.segment import split_sentences
    from training.data import read_polnear
    from training.evaluate import summary_line
    from training.train import train

    records = read_polnear(POLNEAR / "train")
    dev_texts = [p.read_text(encoding="utf-8") for p in sorted((POLNEAR / "dev" / "text").glob("*.txt"))[: args.dev_articles]]
    sentences = [t[s.start : s.end] for t in dev_texts for s in split_sentences(t)]
    for left_context in (False, True):
        settings = ModelSettings(left_context=left_context)
        training = TrainingSettings(train_data=[str(POLNEAR / "train")], dev_data=str(POLNEAR / "dev"), epochs=1,
                                    max_train_sentences=args.sentences, max_dev_articles=args.dev_articles)
        started = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            result = train(settings, training, Path(tmp) / "m", records=records, progress=False)
            minutes = (time.time() - started) / 60
            model = load_model(Path(tmp) / "m")
            predictor = Predictor(model, load_tokenizer(model.settings), batch_size=32)
            predictor.predict(sentences[:64])
            clock = time.perf_counter()
            predictor.predict(sentences)
            rate = len(sentences) / (time.perf_counter() - clock)
        print(f"left context {str(left_context):5s}: {summary_line(result.best_metrics)}  "
              f"({result.steps} steps, {minutes:.1f} min; fp32 inference {rate:.0f} sentences/s)", flush=True)


if __name__ == "__main__":
    main()
