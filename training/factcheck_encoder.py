"""Fine-tune the fact-check matching encoder: a LoRA adapter on the shipped MiniLM.

Trained on the CheckThat! 2020 Task 2 *train* pairs only (tweet -> the verified claim that checks
it), with in-batch negatives plus one hard negative per pair (a wrong claim the zero-shot encoder
ranks high), the loss of sentence-transformers' MultipleNegativesRankingLoss.  A share of train
queries is held out to pick the fusion weight and the "already checked" threshold; dev is never read.

    python -m training.factcheck_encoder --data ../shared/data/checkthat2020-task2 -o attribution/factchecks/encoder
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from pathlib import Path

import numpy as np
import torch

from attribution.config import DEFAULT_BASE_MODEL, force_offline, resolve_base_model
from attribution.factchecks.encoder import (
    MAX_LENGTH,
    MatchEncoder,
    clean_text,
    fact_check_text,
    pool,
)
from attribution.factchecks.evaluate import ranking_report, read_qrels, read_queries


def read_vclaims(path: Path) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [r[0] for r in rows[1:]], [fact_check_text(r[1], r[2]) for r in rows[1:]]


def holdout_split(query_ids: list[str], share: float, seed: int) -> tuple[set[str], set[str]]:
    order = sorted(query_ids)
    random.Random(seed).shuffle(order)
    cut = int(len(order) * share)
    return set(order[cut:]), set(order[:cut])


def dense_rank(q: np.ndarray, docs: np.ndarray, ids: list[str], k: int = 20) -> list[list[str]]:
    scores = q @ docs.T
    top = np.argsort(-scores, axis=1)[:, :k]
    return [[ids[j] for j in row] for row in top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/checkthat2020-task2"))
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--all", action="store_true", help="train on every train query (no holdout figures)")
    args = parser.parse_args()
    force_offline()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    doc_ids, doc_texts = read_vclaims(args.data / "verified_claims.docs.tsv")
    position = {d: i for i, d in enumerate(doc_ids)}
    queries = dict(read_queries(args.data / "train" / "tweets.queries.tsv"))
    gold = read_qrels(args.data / "train" / "tweet-vclaim-pairs.qrels")
    fit, held = holdout_split([q for q in gold if q in queries], 0.0 if args.all else args.holdout, args.seed)

    started = time.time()
    zero = MatchEncoder(adapter=None)
    docs0 = zero.encode(doc_texts)
    fit_ids = sorted(fit)
    q0 = zero.encode([queries[q] for q in fit_ids])
    candidates = dense_rank(q0, docs0, doc_ids, k=10)
    print(f"zero-shot encoded {len(doc_texts)} claims in {time.time() - started:.0f}s", flush=True)
    if held:
        held_ids = sorted(held)
        ranked = dense_rank(zero.encode([queries[q] for q in held_ids]), docs0, doc_ids)
        print("zero-shot holdout", ranking_report(dict(zip(held_ids, ranked)), {q: gold[q] for q in held_ids}), flush=True)

    examples: list[tuple[str, str, list[str]]] = []
    for qid, retrieved in zip(fit_ids, candidates):
        negatives = [d for d in retrieved if d not in gold[qid]]
        for pos in gold[qid]:
            examples.append((queries[qid], doc_texts[position[pos]], negatives[:5]))

    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel, AutoTokenizer

    folder = resolve_base_model(DEFAULT_BASE_MODEL)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = get_peft_model(
        AutoModel.from_pretrained(str(folder)),
        LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.1, target_modules=["query", "key", "value", "dense"]),
    )
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    steps = args.epochs * ((len(examples) + args.batch - 1) // args.batch)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps))

    def embed(texts: list[str]) -> torch.Tensor:
        batch = tokenizer([clean_text(t) for t in texts], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
        return pool(model(**batch).last_hidden_state, batch["attention_mask"])

    model.train()
    step = 0
    for epoch in range(args.epochs):
        rng.shuffle(examples)
        for start in range(0, len(examples), args.batch):
            chunk = examples[start : start + args.batch]
            q = embed([e[0] for e in chunk])
            d = embed([e[1] for e in chunk] + [rng.choice(e[2]) for e in chunk])
            loss = torch.nn.functional.cross_entropy(20.0 * q @ d.T, torch.arange(len(chunk)))
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if step % 10 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f}s", flush=True)

    args.output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.output))
    settings = {k: v for k, v in vars(args).items() if k not in ("data", "output")}
    info = {"trained_on": "CheckThat! 2020 Task 2 train", "pairs": len(examples), "held_out_queries": sorted(held), **settings}
    if held:
        tuned = MatchEncoder(adapter=args.output)
        held_ids = sorted(held)
        ranked = dense_rank(tuned.encode([queries[q] for q in held_ids]), tuned.encode(doc_texts), doc_ids)
        info["holdout_dense"] = ranking_report(dict(zip(held_ids, ranked)), {q: gold[q] for q in held_ids})
        print("tuned holdout", info["holdout_dense"], flush=True)
    (args.output / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    print(f"saved to {args.output} in {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
