"""A short real training run on a slice of PolNeAR train (slow: run with `pytest -m slow`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from attribution.config import ModelSettings, TrainingSettings
from attribution.model import Predictor
from tests.conftest import POLNEAR, needs_polnear
from training.data import read_polnear
from training.train import train


@pytest.mark.slow
@needs_polnear
def test_brief_training_on_a_polnear_slice_learns(tmp_path: Path) -> None:
    records = read_polnear(POLNEAR / "train")[:800]
    settings = ModelSettings(max_length=96)
    training = TrainingSettings(train_data=[str(POLNEAR / "train")], dev_data=str(POLNEAR / "dev"), epochs=1,
                                batch_size=16, max_dev_articles=4)
    result = train(settings, training, tmp_path / "model", records=records, progress=False)
    assert result.steps == 50
    assert result.best_metrics["articles"] == 4 and result.best_metrics["sentences"] > 20
    # Fifty steps are enough to beat the majority class on dev sentences.
    assert result.best_metrics["sentence_macro_f1"] > 0.4
    predictor = Predictor.from_folder(tmp_path / "model", quantize=False)
    predictions = predictor.predict(["Officials said the talks had collapsed.", "The weather was mild."])
    assert predictions[0].label == "claim"
    assert (tmp_path / "model" / "README.md").read_text().count("training_data_hash") == 1
