"""Dev-set evaluation under the reference protocol of ``shared/tools/polnear_eval.py``.

Sentence macro-F1 is computed over a fixed reference segmentation (so the
tool's own splitter is not penalised); source and cue spans match exactly
after trimming; source and content also match by any overlap, one to one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from attribution.ingest import article_from_text
from training.data import brat_attributions, polnear_articles, trim_span

LABELS = ("claim", "quote", "context")
_REFERENCE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr sen rep gov gen lt col sgt capt st jr sr rev prof pres supt maj adm cmdr cpl jan feb mar apr "
    "aug sept sep oct nov dec inc corp co ltd no vs etc ft mt ave blvd".split()
)
_REFERENCE_SENTENCE = re.compile(r".+?(?:[.!?][\u201d\"\u2019')\]]*(?=\s+[A-Z\u201c\"\u2018(\[])|$)")


def _strip_ws(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def reference_sentences(text: str) -> list[tuple[int, int]]:
    """The protocol's fixed segmentation (deliberately not the tool's own splitter)."""
    out: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        pieces: list[tuple[int, int]] = []
        for m in _REFERENCE_SENTENCE.finditer(para.group(0)):
            a, b = _strip_ws(text, para.start() + m.start(), para.start() + m.end())
            if b <= a:
                continue
            last = re.search(r"([A-Za-z][A-Za-z.]*)\.$", text[pieces[-1][0] : pieces[-1][1]]) if pieces else None
            word = last.group(1) if last else ""
            if last and (
                word.lower() in _REFERENCE_ABBREVIATIONS
                or len(word) == 1
                or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word)
            ):
                pieces[-1] = (pieces[-1][0], b)
            else:
                pieces.append((a, b))
        out += [(a, b) for a, b in pieces if b - a > 1]
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _greedy_overlap(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> int:
    used: set[int] = set()
    for a, b in pred:
        best, best_index = 0, None
        for i, (c, d) in enumerate(gold):
            o = max(0, min(b, d) - max(a, c))
            if i not in used and o > best:
                best, best_index = o, i
        if best_index is not None:
            used.add(best_index)
    return len(used)


def score(gold_dir: Path, records: Iterable[dict[str, Any]], max_articles: int = 0) -> dict[str, Any]:
    """Metrics for contract records against a PolNeAR-style gold folder."""
    by_stem: dict[str, list[dict]] = {}
    for record in records:
        by_stem.setdefault(Path(str(record["document"])).stem, []).append(record)
    confusion: Counter = Counter()
    counts: Counter[str] = Counter()
    articles = 0
    for name, text, ann in polnear_articles(Path(gold_dir)):
        if max_articles and articles >= max_articles:
            break
        articles += 1
        gold = brat_attributions(text, ann)
        recs = by_stem.get(name, [])
        for a, b in reference_sentences(text):
            g = "context"
            for att in gold:
                if any(max(0, min(b, d) - max(a, c)) >= 3 for c, d in att.content):
                    if att.is_direct_quote:
                        g = "quote"
                        break
                    g = "claim"
            best, p = 0, "context"
            for r in recs:
                o = max(0, min(b, int(r["end"])) - max(a, int(r["start"])))
                if o > best:
                    best, p = o, str(r.get("label", "context")).lower()
            confusion[(g, p)] += 1
        gold_sources = {trim_span(text, s.source[0][0], s.source[-1][1]) for s in gold if s.source}
        gold_cues = {trim_span(text, s.cue[0][0], s.cue[-1][1]) for s in gold if s.cue}
        gold_sources = {x for x in gold_sources if x[1] > x[0]}
        gold_cues = {x for x in gold_cues if x[1] > x[0]}
        gold_contents = [(s.content[0][0], s.content[-1][1]) for s in gold if s.content]
        pred: dict[str, set[tuple[int, int]]] = {"source": set(), "cue": set(), "content": set()}
        for r in recs:
            for att in r.get("attributions") or []:
                for key in pred:
                    span = att.get(key)
                    if span and span.get("start") is not None and span.get("end") is not None:
                        a, b = int(span["start"]), int(span["end"])
                        a, b = trim_span(text, a, b) if key != "content" else _strip_ws(text, a, b)
                        if b > a:
                            pred[key].add((a, b))
        counts["src_tp"] += len(pred["source"] & gold_sources)
        counts["src_np"] += len(pred["source"])
        counts["src_ng"] += len(gold_sources)
        counts["src_otp"] += _greedy_overlap(sorted(pred["source"]), sorted(gold_sources))
        counts["cue_tp"] += len(pred["cue"] & gold_cues)
        counts["cue_np"] += len(pred["cue"])
        counts["cue_ng"] += len(gold_cues)
        counts["con_otp"] += _greedy_overlap(sorted(pred["content"]), gold_contents)
        counts["con_np"] += len(pred["content"])
        counts["con_ng"] += len(gold_contents)
    per_label = {}
    for label in LABELS:
        tp = confusion[(label, label)]
        n_pred = sum(v for (g, p), v in confusion.items() if p == label)
        n_gold = sum(v for (g, p), v in confusion.items() if g == label)
        per_label[label] = round(_prf(tp, n_pred, n_gold)[2], 4)
    total = sum(confusion.values())
    return {
        "articles": articles,
        "sentences": total,
        "sentence_accuracy": round(sum(confusion[(l, l)] for l in LABELS) / max(1, total), 4),
        "sentence_macro_f1": round(sum(per_label.values()) / len(LABELS), 4),
        "per_label_f1": per_label,
        "source_exact": [round(x, 4) for x in _prf(counts["src_tp"], counts["src_np"], counts["src_ng"])],
        "source_overlap_f1": round(_prf(counts["src_otp"], counts["src_np"], counts["src_ng"])[2], 4),
        "cue_exact": [round(x, 4) for x in _prf(counts["cue_tp"], counts["cue_np"], counts["cue_ng"])],
        "content_overlap_f1": round(_prf(counts["con_otp"], counts["con_np"], counts["con_ng"])[2], 4),
    }


def predict_split(tracker: Any, gold_dir: Path, max_articles: int = 0) -> list[dict[str, Any]]:
    """Contract records for every article of a PolNeAR-style split (documents named by article)."""
    articles: list[Any] = []
    for name, text, _ in polnear_articles(Path(gold_dir)):
        if max_articles and len(articles) >= max_articles:
            break
        articles.append(article_from_text(text, f"{name}.txt"))
    return [record for result in tracker.analyze_many(articles) for record in result.records()]


def evaluate_model(
    model_dir: Path,
    data_dir: Path,
    predictions_out: Path | None = None,
    max_articles: int = 0,
    quantize: bool = True,
    backend: str | None = None,
) -> dict[str, Any]:
    """Score a model folder on a split as `attribution score` would run it; optionally keep the predictions.

    A label PolNeAR does not have (a newsroom's ``statistic``) counts as the old label it refines, read from
    the folder's ``label_parents.json`` (written by training on your own labels); without one, as context.
    """
    from attribution.outputs import check_writable
    from attribution.pipeline import Tracker

    if predictions_out is not None:
        check_writable(predictions_out)  # before the model runs, not after
    tracker = Tracker(model_dir, quantize=quantize, backend=backend)
    parents_file = Path(model_dir) / "label_parents.json" if model_dir is not None else None
    parents = json.loads(parents_file.read_text(encoding="utf-8")) if parents_file and parents_file.is_file() else {}
    records = [
        record if record.get("label") in LABELS else {**record, "label": parents.get(str(record.get("label")), "context")}
        for record in predict_split(tracker, data_dir, max_articles)
    ]
    if predictions_out is not None:
        from attribution.outputs import output_file

        with output_file(predictions_out) as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return score(data_dir, records, max_articles)


def format_report(metrics: dict[str, Any]) -> str:
    p, r, f = metrics["source_exact"]
    lines = [
        f"articles {metrics['articles']}, reference sentences {metrics['sentences']}",
        f"sentence macro-F1   {metrics['sentence_macro_f1']:.4f}  (accuracy {metrics['sentence_accuracy']:.4f})",
        "per-label F1        " + ", ".join(f"{k} {v:.4f}" for k, v in metrics["per_label_f1"].items()),
        f"source exact        P {p:.4f}  R {r:.4f}  F1 {f:.4f}",
        f"source overlap F1   {metrics['source_overlap_f1']:.4f}",
        f"cue exact F1        {metrics['cue_exact'][2]:.4f}",
        f"content overlap F1  {metrics['content_overlap_f1']:.4f}",
    ]
    return "\n".join(lines)


def evaluate_records(predictor: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Sentence accuracy and macro-F1 (over the labels present) and exact span F1 on canonical records."""
    if not records:
        return {"sentences": 0}
    predictions = predictor.predict([r["text"] for r in records])
    labels = sorted({r["label"] for r in records} | {p.label for p in predictions})
    f1s = {}
    for label in labels:
        tp = sum(p.label == label and r["label"] == label for p, r in zip(predictions, records))
        n_pred = sum(p.label == label for p in predictions)
        n_gold = sum(r["label"] == label for r in records)
        f1s[label] = round(_prf(tp, n_pred, n_gold)[2], 4)
    gold_spans = {(i, s["label"], s["start"], s["end"]) for i, r in enumerate(records) for s in r.get("spans", [])}
    pred_spans = {(i, s.label, s.start, s.end) for i, p in enumerate(predictions) for s in p.spans}
    gold_labels = {r["label"] for r in records}
    return {
        "sentences": len(records),
        "sentence_accuracy": round(sum(p.label == r["label"] for p, r in zip(predictions, records)) / len(records), 4),
        "sentence_macro_f1": round(sum(f1s[l] for l in gold_labels) / len(gold_labels), 4),
        "per_label_f1": f1s,
        "span_exact_f1": round(_prf(len(gold_spans & pred_spans), len(pred_spans), len(gold_spans))[2], 4),
    }


def summary_line(metrics: dict[str, Any]) -> str:
    """The four headline figures on one line, for benchmarks and logs."""
    return (f"macro-F1 {metrics['sentence_macro_f1']:.4f}  source {metrics['source_exact'][2]:.4f}  "
            f"cue {metrics['cue_exact'][2]:.4f}  content {metrics['content_overlap_f1']:.4f}")
