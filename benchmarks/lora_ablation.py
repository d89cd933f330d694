"""Short, equal-budget training runs comparing LoRA ranks, target modules and full fine-tuning.

    python benchmarks/lora_ablation.py [--sentences 6400] [--dev-articles 30]

Each configuration trains one epoch on the same random slice of PolNeAR train and is scored on the
first dev articles with the reference protocol. Short runs rank the options; they do not give the
shipped model's figures (see the model card for those).
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

CONFIGS = {
    "lora r=16, all linear": {"lora_r": 16, "lora_alpha": 32},
    "lora r=8, all linear": {"lora_r": 8, "lora_alpha": 16},
    "lora r=16, attention only": {"lora_r": 16, "lora_alpha": 32, "lora_target_modules": ["query", "key", "value"]},
    "full fine-tuning": {"lora_r": 0},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=6400)
    parser.add_argument("--dev-articles", type=int, default=30)
    parser.add_argument("--only", nargs="*", default=None, help="names of configurations to run")
    args = parser.parse_args()
    from attribution.config import ModelSettings, TrainingSettings
    from training.data import read_polnear
    from training.evaluate import summary_line
    from training.train import train

    records = read_polnear(POLNEAR / "train")
    for name, overrides in CONFIGS.items():
        if args.only and name not in args.only:
            continue
        settings = ModelSettings(**overrides)
        lr = 5e-5 if settings.lora_r == 0 else 5e-4
        training = TrainingSettings(train_data=[str(POLNEAR / "train")], dev_data=str(POLNEAR / "dev"), epochs=1,
                                    learning_rate=lr, max_train_sentences=args.sentences, max_dev_articles=args.dev_articles)
        started = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            result = train(settings, training, Path(tmp) / "m", records=records, progress=False)
        print(f"{name:28s} {summary_line(result.best_metrics)}  ({result.steps} steps, {time.time() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
