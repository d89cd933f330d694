"""ONNX Runtime inference: the merged model exported once per model version, int8-quantized, cached.

The exported file is about 23 MB (int8), too large to ship in the package, so it is built from the
shipped adapter on first use (a few seconds) and kept in ``$ATTRIBUTION_CACHE`` (default
``~/.cache/attribution``).  This module runs the cached file and imports no torch (a process that scores
from the cache starts without it); building the file is ``attribution.onnx_export``'s, with torch.

Quantization is static: every activation scale is calibrated once, at export, on the sentences of
``int8_calibration.txt``, so a sentence's scores depend on nothing but the sentence (and its context
sentence) -- not on its neighbours in the batch, the batch size, the number of workers or threads.
Dynamic quantization, used before, computed the scales from each batch, and 47 of 5,345 sentence
labels changed between ``--batch-size 32`` and ``4``.  Figures for the options tried are in the README.
"""

from __future__ import annotations

import importlib.util
import os
import queue
from pathlib import Path
from typing import Any

import numpy as np

from attribution.errors import ModelError
from attribution.threads import scoring_threads

INPUTS = ("input_ids", "attention_mask", "case_ids")
OUTPUTS = ("sentence_logits", "tag_logits")
EXPORT_FORMAT = "v4"  # bump when the export changes, so stale cached files are not reused (v4: static int8)
CALIBRATION_TEXT = Path(__file__).parent / "int8_calibration.txt"
CALIBRATION_BATCH = 10  # rows per calibration batch; every batch has the same shape (the percentile calibrator needs it)
CALIBRATION_PERCENTILE = 99.99  # of |activation|: PolNeAR dev was best here among MinMax, entropy, 99.999 and 99.99

Feeds = dict[str, np.ndarray]


def cache_dir() -> Path:
    return Path(os.environ.get("ATTRIBUTION_CACHE") or Path.home() / ".cache" / "attribution")


def export_path(key: str, quantize: bool = True) -> Path:
    """Where the export of one model version (``key``) is cached."""
    return cache_dir() / f"{key}.{EXPORT_FORMAT}.{'int8' if quantize else 'fp32'}.onnx"


def available() -> bool:
    """onnxruntime (which scoring imports anyway) and onnx installed; onnx is only looked up, not imported:
    only building an export uses it, and importing it cost 0.2 s at every scoring process's start."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return importlib.util.find_spec("onnx") is not None


def calibration_sentences() -> list[str]:
    lines = CALIBRATION_TEXT.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def calibration_batches(encoded: Any) -> list[Feeds]:
    """Model inputs (one ``model.Encoded`` padded to a single width) cut into equal batches."""
    rows = (len(encoded.input_ids) // CALIBRATION_BATCH) * CALIBRATION_BATCH
    return [
        {"input_ids": encoded.input_ids[i : i + CALIBRATION_BATCH], "attention_mask": encoded.attention_mask[i : i + CALIBRATION_BATCH],
         "case_ids": encoded.case_ids[i : i + CALIBRATION_BATCH]}
        for i in range(0, rows, CALIBRATION_BATCH)
    ]

class OnnxForward:
    """Runs the exported model; returns numpy logits like the torch forward.

    It holds ``parallel`` sessions of one thread each rather than one session with several threads:
    two batches at once through single-threaded sessions ran 535-543 sentences/s on 2 cores, one
    two-threaded session 481-518 (alternating runs), and a batch's decoding overlaps the other's
    forward pass.  ``Predictor.predict`` runs that many batches at once; each call takes a free session.
    """

    MAX_SESSIONS = 4  # each holds its own copy of the weights (23 MB int8) and working memory

    def __init__(self, path: Path) -> None:
        if not available():
            raise ModelError("the ONNX backend needs onnx and onnxruntime: pip install onnx onnxruntime")
        import onnxruntime as ort

        threads = max(1, scoring_threads())
        self.parallel = min(threads, self.MAX_SESSIONS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads // self.parallel
        options.inter_op_num_threads = 1
        self._sessions: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for _ in range(self.parallel):
            self._sessions.put(ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"]))
        self.path = path

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray, case_ids: np.ndarray) -> dict[str, Any]:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask, "case_ids": case_ids}
        session = self._sessions.get()  # a free one: there are as many as batches run at once
        try:
            sentence_logits, tag_logits = session.run(list(OUTPUTS), feeds)
        finally:
            self._sessions.put(session)
        return {"sentence_logits": np.asarray(sentence_logits), "tag_logits": np.asarray(tag_logits)}
