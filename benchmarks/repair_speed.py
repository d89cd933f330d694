"""How long mapping a repaired text back to the input takes, against one difflib alignment of the whole text.

    python benchmarks/repair_speed.py [--corpus FILE] [--top 20]

The resolver reads an article with its mojibake repaired and maps every span back to the input as given
(``attribution.ingest.repair_with_offsets``). The BBC records are one line each and 620 of the 2,105 hold
mojibake ("Â£"); this times the mapping on the ``--top`` longest of those, with the shipped word-and-run
alignment and with the baseline it replaced (``difflib.SequenceMatcher`` over the whole text), in the same
process, and checks that both map every repaired character to the same input position where the baseline's
answer is exact (an unchanged character).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from attribution.ingest import repair, repair_with_offsets  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"


def whole_text_alignment(text: str) -> tuple[str, list[int]]:
    """The baseline: one difflib alignment of the whole text (round 12's first version)."""
    fixed = repair(text)
    origin = [0] * (len(fixed) + 1)
    for tag, a0, _a1, b0, b1 in SequenceMatcher(None, text, fixed, autojunk=False).get_opcodes():
        for offset in range(b1 - b0):
            origin[b0 + offset] = a0 + offset if tag == "equal" else a0
    origin[len(fixed)] = len(text)
    return fixed, origin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    texts = []
    with args.corpus.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record.get("text") or record.get("content") or ""
            if repair(text) != text:
                texts.append(text)
    texts = sorted(texts, key=len)[-args.top :]
    started = time.perf_counter()
    shipped = [repair_with_offsets(text) for text in texts]
    shipped_s = time.perf_counter() - started
    started = time.perf_counter()
    baseline = [whole_text_alignment(text) for text in texts]
    baseline_s = time.perf_counter() - started
    disagreements = sum(
        1 for (fixed, ours), (_, theirs) in zip(shipped, baseline) for i, character in enumerate(fixed)
        if ours[i] != theirs[i] and fixed[i].isascii()
    )
    print(f"{len(texts)} records with mojibake, {sum(map(len, texts))} characters (longest {len(texts[-1])})")
    print(f"word-and-run alignment: {shipped_s:.3f} s; whole-text difflib: {baseline_s:.3f} s; "
          f"ratio {baseline_s / max(shipped_s, 1e-9):.0f}x")
    print(f"ASCII characters mapped differently: {disagreements}")


if __name__ == "__main__":
    main()
