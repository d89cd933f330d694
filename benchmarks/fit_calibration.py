"""Fit the statement calibrator (``attribution/data/calibration.json``) on judged BBC articles.

    python benchmarks/fit_calibration.py [--threshold 0.7] [--rule-sets dev npdev] [--transfer-set calib]
                                         [--write] [--cache FILE]

Scores the judged articles in-process into a fresh database with the calibrator switched off (every
statement stored, each with its raw confidence), reads the features of each stored statement and judges
them against the gold (``statement_correctness.judge``); ``--cache`` keeps these (ids, offsets, features,
judgements; no corpus text) so that refits skip the scoring.

The rules were written reading the errors of the rule sets (140 politics articles, ``dev``; 60 articles of
the other desks, ``npdev``), so a regression fitted there is overconfident on articles the rules never saw.
The fit is therefore in two steps: a logistic regression of "correct" on the features, fitted on the rule
sets, then a Platt scaling of its log-odds (two numbers) fitted on ``calib``: 72 business, sport, arts and
tech articles judged blind, on which no rule was written and whose errors are never read. The check, which
is also where the threshold is chosen: on ``calib``, each sixth of the articles predicted with the Platt
step fitted on the other five. The script prints the raw tables, the one-step regression cross-validated
over all sets (for comparison), ``calib`` without and with the transfer step: the reliability table and,
for each threshold, the statements kept, the share correct, the recall of gold statements with the right
speaker and the share correct at >= 0.9. ``--write`` saves the composed model (Platt folded into the
regression's weights) with ``--threshold``. Never run on the blind sets: they are only measured.
"""

from __future__ import annotations

import argparse
import dataclasses
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
# judged articles whose errors were read to write rules
RULE_SETS = ("dev", "npdev", "npdev2", "npdev3", "npdev4", "npdev5", "npdev6", "npdev7", "npdev8", "npdev9", "npdev10", "npdev11")
TRANSFER_SETS = ("calib",)  # judged articles no rule was written on; never the blind sets
THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def read_sets(names: list[str]) -> tuple[set[str], list[sc.GoldStatement]]:
    """Several gold sets as one (their statements' keys made unique)."""
    articles: set[str] = set()
    gold: list[sc.GoldStatement] = []
    for name in names:
        found, statements = sc.read_gold(sc.SETS[name])
        offset = len(gold) and max(g.key for g in gold) + 1
        articles |= found
        gold += [dataclasses.replace(g, key=g.key + offset) for g in statements]
    return articles, gold


def collect(db: Path, names: list[str]) -> tuple[list[dict[str, float]], list[sc.Judged], list[sc.GoldStatement], list[str]]:
    """Score the sets into ``db`` with raw confidences; each stored statement's features and judgement."""
    from sqlmodel import Session, select

    from attribution import calibration
    from attribution.db.engine import make_engine
    from attribution.db.models import Article as ArticleRow
    from attribution.db.models import Sentence, Statement
    from attribution.ingest import article_from_text
    from attribution.pipeline import Tracker
    from attribution.results import Attribution, SentenceResult
    from attribution.store import save_result

    articles, gold = read_sets(names)
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


def save(path: Path, values: list[dict[str, float]], judged: list[sc.Judged], gold: list[sc.GoldStatement],
         groups: list[str]) -> None:
    """Keep what ``collect`` measured (ids, offsets, features, judgements; no corpus text) for refits."""
    path.write_text(json.dumps({
        "gold": [dataclasses.asdict(g) for g in gold],
        "statements": [{"features": v, "article": a, **dataclasses.asdict(j), "gold": j.gold.key if j.gold else None}
                       for v, j, a in zip(values, judged, groups)],
    }), encoding="utf-8")


def load(path: Path) -> tuple[list[dict[str, float]], list[sc.Judged], list[sc.GoldStatement], list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = [sc.GoldStatement(**{**g, "aliases": tuple(g["aliases"]), "parts": tuple(map(tuple, g["parts"]))})
            for g in data["gold"]]
    by_key = {g.key: g for g in gold}
    rows = data["statements"]
    judged = [sc.Judged(**{k: v for k, v in r.items() if k not in ("features", "article", "gold")},
                        gold=by_key.get(r["gold"])) for r in rows]
    return [r["features"] for r in rows], judged, gold, [r["article"] for r in rows]


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


def fit_transfer(x: Any, y: Any, early: Any, late: Any, regularization: float) -> tuple[Any, Any]:
    """The logistic regression fitted on ``early``, and a Platt scaling of its logit fitted on ``late``."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    model = LogisticRegression(C=regularization, max_iter=5000).fit(x[early], y[early])
    # Platt's two numbers, barely regularised: they only rescale and shift the first model's logit.
    platt = LogisticRegression(C=1e4, max_iter=5000).fit(model.decision_function(x[late])[:, None], y[late])
    return model, platt


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--regularization", type=float, default=1.0, help="C of the logistic regression")
    parser.add_argument("--rule-sets", nargs="+", default=["dev", "npdev"], choices=RULE_SETS,
                        help="Gold sets the rules were written on: the regression is fitted here")
    parser.add_argument("--transfer-set", default="calib", choices=TRANSFER_SETS,
                        help="Gold set no rule was written on (errors never read): the Platt step is fitted here")
    parser.add_argument("--write", action="store_true", help="Save the fitted calibrator in the package")
    parser.add_argument("--db", type=Path, help="Score into this new database [default: a temporary one]")
    parser.add_argument("--cache", type=Path, help="Statements' features and judgements: read if it exists, else written")
    args = parser.parse_args()
    names = [*args.rule_sets, args.transfer_set]
    if args.cache and args.cache.exists():
        values, judged, gold, groups = load(args.cache)
    else:
        db = args.db or Path(tempfile.mkdtemp()) / "calibration.db"
        if db.exists():
            parser.error(f"{db}: exists; give a new database")
        values, judged, gold, groups = collect(db, names)
        if args.cache:
            save(args.cache, values, judged, gold, groups)
    features = sorted(values[0])
    x = np.array([[v[n] for n in features] for v in values])
    y = np.array([j.correct for j in judged], dtype=int)
    late_ids, _ = sc.read_gold(sc.SETS[args.transfer_set])
    late = np.array([g in late_ids for g in groups])
    early = ~late
    late_gold = [g for g in gold if g.article in late_ids]
    rule_articles = len(set(np.array(groups)[early]))
    print(f"{len(judged)} statements stored with the calibrator off; {y.mean():.1%} correct "
          f"({early.sum()} in {rule_articles} articles of {', '.join(args.rule_sets)}, "
          f"{late.sum()} in the {len(late_ids)} articles of {args.transfer_set})\n")
    print("raw confidence, all sets:")
    table(judged, [j.confidence for j in judged], gold)

    articles = {g: i for i, g in enumerate(sorted(set(groups)))}
    cross = np.zeros(len(y))
    plain: Any = LogisticRegression(C=args.regularization, max_iter=5000)
    for train, test in GroupKFold(n_splits=5).split(x, y, [articles[g] for g in groups]):
        cross[test] = plain.fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    print("\nwithout the transfer step (one regression), cross-validated by article over all sets (5 folds;"
          " optimistic: the rules were written on most of these articles):")
    table(judged, list(cross), gold)

    # The check: the regression fitted on the rule-writing articles, the transfer step on 5/6 of the transfer
    # set's articles, each sixth predicted by the step fitted on the other five (by article).
    indices = np.flatnonzero(late)
    late_judged = [judged[i] for i in indices]
    first = LogisticRegression(C=args.regularization, max_iter=5000).fit(x[early], y[early])
    print(f"\ncheck on the {len(late_ids)} {args.transfer_set} articles, regression fitted on the {rule_articles} "
          "rule-writing ones, no transfer step:")
    table(late_judged, list(first.predict_proba(x[late])[:, 1]), late_gold)
    logit = first.decision_function(x[late])
    checked = np.zeros(len(indices))
    for train, test in GroupKFold(n_splits=6).split(logit, y[late], [articles[groups[i]] for i in indices]):
        step = LogisticRegression(C=1e4, max_iter=5000).fit(logit[train][:, None], y[late][train])
        checked[test] = step.predict_proba(logit[test][:, None])[:, 1]
    print(f"\ncheck on the {len(late_ids)} {args.transfer_set} articles, with the transfer step (cross-fitted by "
          "article, 6 folds) -- choose the threshold here:")
    table(late_judged, list(checked), late_gold)

    model, platt = fit_transfer(x, y, early, late, args.regularization)
    scale, shift = float(platt.coef_[0][0]), float(platt.intercept_[0])
    weights = {n: round(scale * float(w), 4) for n, w in zip(features, model.coef_[0])}
    bias = round(scale * float(model.intercept_[0]) + shift, 4)
    print(f"\ntransfer step: logit x {scale:.3f} {shift:+.3f}")
    print("weights:", json.dumps(weights))
    if args.write:
        from attribution.calibration import CALIBRATION_FILE

        CALIBRATION_FILE.write_text(json.dumps({
            "_about": "Logistic regression of 'the statement is right' (docs/statement-judging.md) on the features of "
                      "attribution.calibration.features: fitted on the judged articles the rules were written on, then "
                      "its logit rescaled (Platt) on judged articles no rule was written on, by "
                      "benchmarks/fit_calibration.py. threshold: statements whose probability is below it are not "
                      "stored as statements.",
            "bias": bias, "weights": weights, "threshold": args.threshold,
            "fitted_on": f"{int(early.sum())} statements of {rule_articles} rule-writing articles "
                         f"({', '.join(args.rule_sets)}); transfer step (logit x {scale:.4f} {shift:+.4f}) on "
                         f"{int(late.sum())} statements of the {len(late_ids)} {args.transfer_set} articles",
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
