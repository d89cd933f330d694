"""Fit the statement calibrator (``attribution/data/calibration.json``) on the dev gold.

    python benchmarks/fit_calibration.py [--threshold 0.7] [--write]

Scores the dev articles in-process into a fresh database with the calibrator switched off (every
statement stored, each with its raw confidence), reads the features of each stored statement, judges them
against the dev gold (``statement_correctness.judge``) and fits a logistic regression of "correct" on the
features.  Prints, cross-validated by article (each article's statements predicted by a model fitted on the
other articles), the reliability table and, for each threshold, the statements kept, the share correct
and the recall of gold statements with the right speaker, so that the threshold is chosen on figures the
fit did not see.  ``--write`` saves the model fitted on all dev articles with ``--threshold``.
Never run on the blind set: the calibrator is fitted on dev only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import statement_correctness as sc

BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)
THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def collect(db: Path) -> tuple[list[dict[str, float]], list[sc.Judged], list[sc.GoldStatement], list[str]]:
    """Score dev into ``db`` with raw confidences; each stored statement's features and judgement."""
    from sqlmodel import Session, select

    from attribution import calibration
    from attribution.db.engine import make_engine
    from attribution.db.models import Article as ArticleRow
    from attribution.db.models import Sentence, Statement
    from attribution.ingest import article_from_text
    from attribution.pipeline import Tracker
    from attribution.results import Attribution, SentenceResult
    from attribution.store import save_result

    articles, gold = sc.read_gold(sc.SETS["dev"])
    texts = sc.read_corpus(articles)
    recorded: dict[tuple[str, int, int, int | None], dict[str, float]] = {}
    document = ""

    def record(sentence: SentenceResult, attribution: Attribution, how: str = "") -> float:
        content = attribution.content
        start, end = (content.start, content.end) if content else (sentence.start, sentence.end)
        key = (document, start, end, attribution.source.start if attribution.source else None)
        recorded.setdefault(key, calibration.features(sentence, attribution, how))
        return attribution.confidence

    calibration.confidence = record  # type: ignore[assignment]
    tracker = Tracker()
    results = tracker.analyze_many([article_from_text(texts[a], a) for a in sorted(texts)])
    with Session(make_engine(str(db))) as session:
        for result in results:
            document = result.article.document
            save_result(session, result)
        query = (
            select(  # type: ignore[call-overload]
                Statement.id, ArticleRow.document, Statement.content_start, Statement.content_end, Statement.mention_start
            )
            .join(ArticleRow, ArticleRow.id == Statement.article_id)
            .join(Sentence, Sentence.id == Statement.sentence_id)
        )
        keys = {r.id: (r.document, r.content_start, r.content_end, r.mention_start) for r in session.exec(query)}
    judged = sc.judge(sc.read_stored(db, articles), gold)
    return [recorded[keys[j.statement_id]] for j in judged], judged, gold, [keys[j.statement_id][0] for j in judged]


def table(judged: list[sc.Judged], probabilities: list[float], gold: list[sc.GoldStatement]) -> None:
    print("| calibrated probability | statements | correct | mean probability |")
    print("|---|---|---|---|")
    for low, high in itertools.pairwise(BINS):
        rows = [(j, p) for j, p in zip(judged, probabilities) if low <= p < high]
        if rows:
            right = sum(j.correct for j, _ in rows)
            print(f"| {low:.2f}-{min(high, 1.0):.2f} | {len(rows)} | {sc.share(right, len(rows))} | {sum(p for _, p in rows) / len(rows):.2f} |")
    print("\n| threshold | stored | correct | recall (right speaker) | correct at >= 0.9 |")
    print("|---|---|---|---|---|")
    for threshold in THRESHOLDS:
        kept = [(j, p) for j, p in zip(judged, probabilities) if p >= threshold]
        found = {j.gold.key for j, _ in kept if j.gold and j.speaker}
        confident = [j for j, p in kept if p >= 0.9]
        print(f"| {threshold:.2f} | {len(kept)} | {sc.share(sum(j.correct for j, _ in kept), len(kept))} "
              f"| {sc.share(len(found), len(gold))} | {sc.share(sum(j.correct for j in confident), len(confident))} |")


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--regularization", type=float, default=1.0, help="C of the logistic regression")
    parser.add_argument("--write", action="store_true", help="Save the fitted calibrator in the package")
    parser.add_argument("--db", type=Path, help="Score into this new database [default: a temporary one]")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "calibration.db"
    if db.exists():
        parser.error(f"{db}: exists; give a new database")
    values, judged, gold, groups = collect(db)
    names = sorted(values[0])
    x = np.array([[v[n] for n in names] for v in values])
    y = np.array([j.correct for j in judged], dtype=int)
    articles = {g: i for i, g in enumerate(sorted(set(groups)))}
    model: Any = LogisticRegression(C=args.regularization, max_iter=5000)
    raw = [j.confidence for j in judged]
    print(f"{len(judged)} statements stored with the calibrator off; {y.mean():.1%} correct\n")
    print("raw confidence:")
    table(judged, raw, gold)
    cross = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, [articles[g] for g in groups]):
        cross[test] = model.fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    print("\ncalibrated, cross-validated by article (5 folds):")
    table(judged, list(cross), gold)
    model.fit(x, y)
    weights = {n: round(float(w), 4) for n, w in zip(names, model.coef_[0])}
    print("\nweights:", json.dumps(weights))
    if args.write:
        from attribution.calibration import CALIBRATION_FILE

        CALIBRATION_FILE.write_text(json.dumps({
            "_about": "Logistic regression of 'the statement is right' (docs/statement-judging.md) on the features of "
                      "attribution.calibration.features, fitted on the BBC dev gold by benchmarks/fit_calibration.py. "
                      "threshold: statements whose probability is below it are not stored as statements.",
            "bias": round(float(model.intercept_[0]), 4), "weights": weights, "threshold": args.threshold,
            "fitted_on": f"{len(y)} statements of {len(set(groups))} dev articles",
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
