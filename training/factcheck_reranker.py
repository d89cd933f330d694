"""Fine-tune the fact-check re-ranker (a MiniLM cross-encoder) and fit how it joins the fused score.

Trained on the CheckThat! 2020 Task 2 *train* queries the encoder was fine-tuned on (its
``training.json`` lists the ones it held out); each query is shown with the verified claim that
checks it and ``--group - 1`` wrong claims drawn from the retriever's own top ``--negatives-from``
(the hard negatives the re-ranker has to tell apart), a softmax over the group as the loss.  Then,
on the held-out train queries only, the number of candidates to re-read and the weight of the
re-ranker's logit are chosen; dev is never read.

    python -m training.factcheck_reranker --db /tmp/checkthat.db -o attribution/factchecks/reranker
    python -m training.factcheck_reranker --db /tmp/checkthat.db -o attribution/factchecks/reranker --fit-only
    python -m training.factcheck_reranker --db /tmp/checkthat.db -o DIR --all-train --settings-from attribution/factchecks/reranker/settings.json

``--all-train`` then trains on every train query, the held-out ones too, with the settings chosen
beforehand on the held-out split (``--settings-from``): nothing is left to fit on, so nothing is refitted.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from attribution.config import DEFAULT_BASE_MODEL, force_offline, resolve_base_model
from attribution.factchecks.encoder import ADAPTER_DIR, MatchEncoder, fact_check_text
from attribution.factchecks.evaluate import ranking_report, read_qrels, read_queries
from attribution.factchecks.reranker import HEAD_FILE, Reranker, RerankSettings, build_scorer, encode_pairs
from attribution.factchecks.retriever import MatchSettings
from training.factcheck_fit import checkthat_retriever

CANDIDATE_GRID = (5, 10, 20)
WEIGHT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 1000.0)  # 1000: the re-ranker's order alone


def candidate_lists(data: Path, db: str, query_ids: list[str], queries: dict[str, str], depth: int) -> dict[str, list[tuple[str, float, str]]]:
    """Per query the fused retriever's first ``depth``: (published id, fused score, fact-check text)."""
    encoder = MatchEncoder()
    retriever = checkthat_retriever(data, db, encoder, MatchSettings.load(ADAPTER_DIR))
    texts = [queries[q] for q in query_ids]
    results = retriever.match_vectors(texts, encoder.encode(texts), top=depth)
    from sqlmodel import col, select

    from attribution.db.models import FactCheck

    ids = {m.fact_check_id for ms in results for m in ms}
    rows = retriever.session.exec(select(FactCheck.id, FactCheck.published_id, FactCheck.claim, FactCheck.title).where(col(FactCheck.id).in_(ids))).all()
    info = {int(fid or 0): (pid, fact_check_text(claim, title)) for fid, pid, claim, title in rows}
    return {q: [(info[m.fact_check_id][0], m.score, info[m.fact_check_id][1]) for m in ms] for q, ms in zip(query_ids, results)}


Example = tuple[str, str, list[str]]  # claim, the fact-check that checks it, wrong fact-checks (the retriever's order)


def examples_for(fit: list[str], queries: dict[str, str], gold: dict[str, set[str]],
                 candidates: dict[str, list[tuple[str, float, str]]], gold_text: dict[str, str], depth: int) -> list[Example]:
    out = []
    for q in fit:
        wrong = [text for pid, _, text in candidates[q][:depth] if pid not in gold[q]]
        out += [(queries[q], gold_text[d], wrong) for d in sorted(gold[q]) if d in gold_text]
    return out


def train(examples: list[Example], output: Path, base_model: str = DEFAULT_BASE_MODEL, epochs: int = 2, batch_size: int = 4,
          group: int = 8, lr: float = 3e-4, rank: int = 8, max_length: int = 128, seed: int = 13, progress: bool = True) -> None:
    """Each step: ``batch_size`` claims, each with its right fact-check first and ``group - 1`` wrong ones."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    folder = resolve_base_model(base_model)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    encoder = get_peft_model(
        AutoModel.from_pretrained(str(folder)),
        LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.1, target_modules=["query", "key", "value", "dense"]),
    )
    model = build_scorer(encoder)
    lora = [p for p in encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": lora, "lr": lr}, {"params": model.head.parameters(), "lr": 10 * lr}])
    examples = list(examples)
    steps = epochs * ((len(examples) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps))
    started = time.time()
    step = 0
    model.train()
    for epoch in range(epochs):
        rng.shuffle(examples)
        for start in range(0, len(examples), batch_size):
            pairs_q: list[str] = []
            pairs_d: list[str] = []
            for query, positive, wrong in examples[start : start + batch_size]:
                hardest, rest = wrong[:3], wrong[3:]  # the retriever's own top mistakes every time, others drawn
                negatives = (hardest + rng.sample(rest, min(len(rest), group - 1 - len(hardest))))[: group - 1]
                while len(negatives) < group - 1:  # only when the list is short: repeat, the softmax needs equal groups
                    negatives.append(rng.choice(wrong or [""]))
                pairs_q += [query] * group
                pairs_d += [positive, *negatives]
            batch = encode_pairs(tokenizer, pairs_q, pairs_d, max_length)
            logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]).view(-1, group)
            loss = torch.nn.functional.cross_entropy(logits, torch.zeros(len(logits), dtype=torch.long))  # the right one is first
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if progress and step % 10 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f}s", flush=True)
        save(output, encoder, model)
        if progress:
            print(f"saved epoch {epoch} to {output}", flush=True)


def save(output: Path, encoder: Any, model: Any) -> None:
    from safetensors.torch import save_file

    output.mkdir(parents=True, exist_ok=True)
    encoder.save_pretrained(str(output))
    adapter = output / "adapter_model.safetensors"
    from safetensors.torch import load_file

    save_file({k: v.half().contiguous() for k, v in load_file(str(adapter)).items()}, str(adapter))  # half size; merged in float32 at load
    save_file({k: v.detach().half().contiguous() for k, v in model.head.state_dict().items()}, str(output / HEAD_FILE))


def fit_combination(reranker: Reranker, held: list[str], queries: dict[str, str], gold: dict[str, set[str]],
                    candidates: dict[str, list[tuple[str, float, str]]]) -> dict[str, Any]:
    """Choose the candidates re-read and the logit's weight on held-out train queries."""
    # Each depth scored as it runs: the first k together (the int8 export's activation scales come from
    # the pairs scored at once, so the fifth candidate's logit read among 20 is not the one read among 5).
    logits = {(q, k): reranker.score(queries[q], [text for _, _, text in candidates[q][:k]]) for q in held for k in CANDIDATE_GRID}
    rows = []
    for k in CANDIDATE_GRID:
        for weight in WEIGHT_GRID:
            ranked: dict[str, Sequence[str]] = {}
            for q in held:
                head = candidates[q][:k]
                scores = [fused + weight * float(logit) for (_, fused, _), logit in zip(head, logits[q, k])]
                order = sorted(range(len(head)), key=lambda i: -scores[i])
                ranked[q] = [head[i][0] for i in order] + [pid for pid, _, _ in candidates[q][k:]]
            rows.append({"candidates": k, "weight": weight, **ranking_report(ranked, {q: gold[q] for q in held})})
            print(rows[-1], flush=True)
    best = max(row["MAP@5"] for row in rows)
    # the fewest candidates (the cheapest) within 0.005 of the best, then the best among those
    cheapest = min(row["candidates"] for row in rows if row["MAP@5"] >= best - 0.005)
    chosen = max((row for row in rows if row["candidates"] == cheapest), key=lambda row: row["MAP@5"])
    return {"candidates": chosen["candidates"], "weight": chosen["weight"], "enabled": True, "holdout": chosen, "grid": rows}


def kept_settings(chosen: dict[str, Any], trained_on: int) -> dict[str, Any]:
    """The settings chosen on the held-out split, for a model trained on every query (``--all-train``).

    The held-out queries were trained on, so a refit there would choose on seen data: the candidates
    and weight are kept as chosen, and the file says so."""
    RerankSettings(**{k: chosen[k] for k in ("candidates", "weight", "enabled") if k in chosen})  # rejects bad values, saying the fix
    origin = chosen.get("fitted_on", "held-out train queries")
    return {**chosen, "fitted_on": f"{origin}, with the model trained on the other train queries; kept unchanged for this model, trained on all {trained_on}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/checkthat2020-task2"))
    parser.add_argument("--db", required=True, help="scratch database for the verified claims (reused between runs)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=4, help="queries per step (each with --group claims)")
    parser.add_argument("--group", type=int, default=6, help="claims per query: the right one and group - 1 wrong ones")
    parser.add_argument("--negatives-from", type=int, default=20, help="wrong claims are drawn from the retriever's first N")
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=112)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--fit-only", action="store_true", help="keep the trained model, only refit candidates and weight")
    parser.add_argument("--all-train", action="store_true", help="train on every train query, held-out ones included; no refit")
    parser.add_argument("--settings-from", type=Path, help="with --all-train: the settings.json chosen on the held-out split")
    args = parser.parse_args()
    if args.all_train and (args.fit_only or args.settings_from is None or not args.settings_from.is_file()):
        parser.error("--all-train needs --settings-from FILE (the settings chosen on the held-out split) and no --fit-only")
    chosen = json.loads(args.settings_from.read_text()) if args.all_train else None
    force_offline()
    started = time.time()

    held = sorted(json.loads((ADAPTER_DIR / "training.json").read_text())["held_out_queries"])
    queries = dict(read_queries(args.data / "train" / "tweets.queries.tsv"))
    gold = read_qrels(args.data / "train" / "tweet-vclaim-pairs.qrels")
    fit = sorted(q for q in gold if q in queries and q not in set(held))
    held = [q for q in held if q in gold and q in queries]
    candidates = candidate_lists(args.data, args.db, fit + held, queries, max(args.negatives_from, max(CANDIDATE_GRID)))
    print(f"candidates for {len(candidates)} train queries in {time.time() - started:.0f}s", flush=True)
    import csv

    with open(args.data / "verified_claims.docs.tsv", encoding="utf-8", newline="") as handle:
        gold_text = {r[0]: fact_check_text(r[1], r[2]) for r in list(csv.reader(handle, delimiter="\t"))[1:]}

    if args.all_train:
        fit = sorted(fit + held)
    if not args.fit_only:
        examples = examples_for(fit, queries, gold, candidates, gold_text, args.negatives_from)
        train(examples, args.output, epochs=args.epochs, batch_size=args.batch, group=args.group, lr=args.lr,
              rank=args.rank, max_length=args.max_length, seed=args.seed)
        info = {"trained_on": "CheckThat! 2020 Task 2 train", "queries": len(fit), "held_out_queries": 0 if args.all_train else len(held),
                **{k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k not in ("data", "output", "db", "fit_only")}}
        (args.output / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    if chosen is not None:
        settings = kept_settings(chosen, len(fit))
        (args.output / "settings.json").write_text(json.dumps(settings, indent=1) + "\n")
        print("kept", {k: settings[k] for k in ("candidates", "weight")}, f"{time.time() - started:.0f}s", flush=True)
        return
    settings = fit_combination(Reranker(args.output), held, queries, gold, candidates)
    settings["fitted_on"] = f"{len(held)} held-out CheckThat! 2020 train queries"
    (args.output / "settings.json").write_text(json.dumps(settings, indent=1) + "\n")
    print("chosen", settings["holdout"], f"{time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
