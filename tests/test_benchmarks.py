"""The throughput benchmark runs end to end on a tiny model (its figures are not checked: speed is not tested)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT


def test_throughput_benchmark_takes_turns_and_reports_both_paths(tiny_model_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ATTRIBUTION_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(PROJECT)}
    command = [sys.executable, str(PROJECT / "benchmarks" / "throughput.py"), "--limit", "6", "--rounds", "2", "--model", str(tiny_model_dir)]
    finished = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    out = finished.stdout
    assert re.search(r"^round 1: batch \d+ sentences/s; naive \d+ sentences/s \d+\.\d\dx$", out, re.M), out
    assert re.search(r"^round 2: naive \d+ sentences/s; batch \d+ sentences/s \d+\.\d\dx$", out, re.M), out  # turns alternate
    # Every article scored once by each path, over both rounds.
    batch = re.search(r"^batch \(int8 ONNX, cross-article batches\): 6 articles, (\d+) sentences", out, re.M)
    naive = re.search(r"^naive \(torch fp32, one article at a time\): 6 articles, (\d+) sentences", out, re.M)
    assert batch and naive and batch.group(1) == naive.group(1), out
    assert "speed-up of the batch path over the naive path:" in out
