"""Shared fixtures: offline settings, a tiny model trained from a config, in-memory databases."""

from __future__ import annotations

import os

for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_name] = "1"

import hashlib  # noqa: E402
import re  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sqlmodel import Session  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
POLNEAR = SHARED / "data" / "polnear"
SEED = PROJECT / "seeds" / "000_ddabe0bb499dbc38.txt"

needs_polnear = pytest.mark.skipif(
    not (POLNEAR / "train").is_dir(), reason=f"PolNeAR corpus not found at {POLNEAR} (see README: Training data)"
)
needs_reference_scorer = pytest.mark.skipif(
    not (SHARED / "tools" / "polnear_eval.py").is_file(), reason="reference scorer ../shared/tools/polnear_eval.py not found"
)


def span(text: str, part: str, label: str, attribution: int = 0) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "label": label, "attribution": attribution}


def tiny_records() -> list[dict]:
    """Hand-written labelled sentences (our own text) for training tiny models."""
    rows = [
        ("Mayor Ana Ruiz said the bridge would reopen in May.", "claim", [("Mayor Ana Ruiz", "SOURCE"), ("said", "CUE"), ("the bridge would reopen in May", "CONTENT")]),
        ("\u201cWe are ready,\u201d Ruiz told reporters.", "quote", [("\u201cWe are ready,\u201d", "CONTENT"), ("Ruiz", "SOURCE"), ("told", "CUE")]),
        ("The bridge opened in 1931.", "context", []),
        ("Officials said the repairs cost more than planned.", "claim", [("Officials", "SOURCE"), ("said", "CUE"), ("the repairs cost more than planned", "CONTENT")]),
        ("Traffic was light on Monday.", "context", []),
        ("\u201cIt is safe,\u201d the engineer said.", "quote", [("\u201cIt is safe,\u201d", "CONTENT"), ("the engineer", "SOURCE"), ("said", "CUE")]),
    ]
    records = []
    for i, (text, label, spans) in enumerate(rows):
        records.append({"id": f"tiny:{i}", "document": "tiny", "start": 0, "end": len(text), "text": text,
                        "label": label, "spans": [span(text, part, lab) for part, lab in spans]})
    return records


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from attribution.model import tiny_base_model

    return tiny_base_model(tmp_path_factory.mktemp("tiny-base"))


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny LoRA model trained for a few steps (no download, seconds)."""
    from attribution.config import ModelSettings, TrainingSettings
    from training.train import train

    output = tmp_path_factory.mktemp("tiny-model")
    settings = ModelSettings(base_model=str(tiny_base), lora_r=4, lora_alpha=8, max_length=64)
    training = TrainingSettings(train_data=[], dev_data="", epochs=20, batch_size=3, learning_rate=5e-3, head_learning_rate=1e-2)
    train(settings, training, output, records=tiny_records() * 2, progress=False)
    return output


@pytest.fixture()
def session():
    from attribution.db.engine import make_engine

    engine = make_engine(":memory:")
    with Session(engine) as s:
        yield s


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the whole run (tests/postgres.py); skipped, with the reason, when none can start."""
    from tests.postgres import PostgresServer, unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture()
def postgres_url(postgres_server) -> str:
    """A fresh, empty PostgreSQL database on the shared server."""
    return postgres_server.new_database()


class FakeEmbedder:
    """Deterministic bag-of-words vectors: texts sharing most words are close, like paraphrases."""

    dimension = 256

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


@pytest.fixture
def fake_embedder() -> Iterator[FakeEmbedder]:
    """Query commands embed with :class:`FakeEmbedder` (no model to load) for the test."""
    from attribution import similarity

    embedder = FakeEmbedder()
    similarity.set_embedder(embedder)
    yield embedder
    similarity.set_embedder(None)


@pytest.fixture(scope="session")
def statement_scorer():  # noqa: ANN201 - a module loaded from a path
    """``benchmarks/statement_correctness.py`` as a module (benchmarks are scripts, not a package)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("statement_correctness", PROJECT / "benchmarks" / "statement_correctness.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = scorer  # its dataclasses look their module up
    spec.loader.exec_module(scorer)
    return scorer
