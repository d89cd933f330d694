"""ONNX Runtime inference: the merged model exported once per model version, int8-quantized, cached.

The exported file is about 23 MB (int8), too large to ship in the package, so it is built from the
shipped adapter on first use (a few seconds) and kept in ``$ATTRIBUTION_CACHE`` (default
``~/.cache/attribution``).

Quantization is static: every activation scale is calibrated once, at export, on the sentences of
``int8_calibration.txt``, so a sentence's scores depend on nothing but the sentence (and its context
sentence) -- not on its neighbours in the batch, the batch size, the number of workers or threads.
Dynamic quantization, used before, computed the scales from each batch, and 47 of 5,345 sentence
labels changed between ``--batch-size 32`` and ``4``.  Figures for the options tried are in the README.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from attribution.errors import ModelError

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
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class _Exportable(torch.nn.Module):
    """Tuple outputs, which the exporter needs."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, case_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.model(input_ids, attention_mask, case_ids)
        return out["sentence_logits"], out["tag_logits"]


def calibration_sentences() -> list[str]:
    lines = CALIBRATION_TEXT.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def calibration_batches(encoded: Any) -> list[Feeds]:
    """Model inputs (one ``model.Encoded`` padded to a single width) cut into equal batches."""
    rows = (len(encoded.input_ids) // CALIBRATION_BATCH) * CALIBRATION_BATCH
    return [
        {"input_ids": encoded.input_ids[i : i + CALIBRATION_BATCH].numpy(), "attention_mask": encoded.attention_mask[i : i + CALIBRATION_BATCH].numpy(),
         "case_ids": encoded.case_ids[i : i + CALIBRATION_BATCH].numpy()}
        for i in range(0, rows, CALIBRATION_BATCH)
    ]


class _Calibration:
    """The ``CalibrationDataReader`` protocol of onnxruntime over prepared batches."""

    def __init__(self, batches: Sequence[Feeds]) -> None:
        self._batches = iter(batches)

    def get_next(self) -> Feeds | None:
        return next(self._batches, None)


def _quantize_static(fp32: Path, final: Path, calibration: Sequence[Feeds]) -> None:
    """int8 weights (one scale per output channel) and int8 activations with fixed, calibrated scales."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    if not calibration:
        raise ModelError("int8 export needs calibration sentences; none were given")
    logging.disable(logging.WARNING)  # onnxruntime suggests its pre-processing step on the root logger
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it also prints the percentile, and stdout may be JSONL
            quantize_static(
                str(fp32), str(final), _Calibration(calibration),  # type: ignore[arg-type]
                quant_format=QuantFormat.QDQ, per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul", "Gather"], calibrate_method=CalibrationMethod.Percentile,
                extra_options={"CalibPercentile": CALIBRATION_PERCENTILE},
            )
    finally:
        logging.disable(logging.NOTSET)


def export(model: torch.nn.Module, path: Path, quantize: bool = True, calibration: Sequence[Feeds] = ()) -> Path:
    """Write the model as ONNX (static int8 when ``quantize``, calibrated on ``calibration``), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    set_attention = getattr(getattr(model, "encoder", None), "set_attn_implementation", None)
    if set_attention is not None:
        set_attention("eager")  # exports as plain MatMul/Softmax, which runs about 10% faster than the SDPA graph
    example = (torch.tensor([[101, 2056, 102]]), torch.ones(1, 3, dtype=torch.long), torch.ones(1, 3, dtype=torch.long))
    axes = {name: {0: "batch", 1: "length"} for name in INPUTS} | {"sentence_logits": {0: "batch"}, "tag_logits": {0: "batch", 1: "length"}}
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(_Exportable(model).eval(), example, str(fp32), input_names=list(INPUTS),
                              output_names=list(OUTPUTS), dynamic_axes=axes, opset_version=17, dynamo=False)
        final = Path(tmp) / "final.onnx"
        if quantize:
            _quantize_static(fp32, final, calibration)
        else:
            fp32.rename(final)
        os.replace(final, path)  # another worker may have written it too: either copy is complete
    return path


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

        threads = max(1, torch.get_num_threads())
        self.parallel = min(threads, self.MAX_SESSIONS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads // self.parallel
        options.inter_op_num_threads = 1
        self._sessions: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for _ in range(self.parallel):
            self._sessions.put(ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"]))
        self.path = path

    @classmethod
    def for_model(
        cls, model: torch.nn.Module, key: str, quantize: bool = True, calibration: Callable[[], Sequence[Feeds]] = list
    ) -> OnnxForward:
        """Sessions over ``model``'s export, written to the cache first if it is not there yet."""
        path = export_path(key, quantize)
        if not path.is_file():
            export(model, path, quantize, calibration() if quantize else ())
        return cls(path)

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, case_ids: torch.Tensor) -> dict[str, Any]:
        feeds = {"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy(), "case_ids": case_ids.numpy()}
        session = self._sessions.get()  # a free one: there are as many as batches run at once
        try:
            sentence_logits, tag_logits = session.run(list(OUTPUTS), feeds)
        finally:
            self._sessions.put(session)
        return {"sentence_logits": np.asarray(sentence_logits), "tag_logits": np.asarray(tag_logits)}
