"""Building the ONNX export of a model version (torch): imported only when the cached file is missing.

``attribution.onnx_backend`` runs the file and imports no torch; this module writes it, once per model
version, from the torch model (a few seconds), then hands back the sessions over it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import torch

from attribution.errors import ModelError
from attribution.onnx_backend import CALIBRATION_PERCENTILE, INPUTS, OUTPUTS, Feeds, OnnxForward, export_path


class _Exportable(torch.nn.Module):
    """Tuple outputs, which the exporter needs."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, case_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.model(input_ids, attention_mask, case_ids)
        return out["sentence_logits"], out["tag_logits"]

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



def onnx_forward_for_model(
    model: torch.nn.Module, key: str, quantize: bool = True, calibration: Callable[[], Sequence[Feeds]] = list
) -> OnnxForward:
    """Sessions over ``model``'s export, written to the cache first if it is not there yet."""
    path = export_path(key, quantize)
    if not path.is_file():
        export(model, path, quantize, calibration() if quantize else ())
    return OnnxForward(path)
