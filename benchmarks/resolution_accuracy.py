"""Source resolution on PolNeAR: pronoun and description sources vs hand judgements.

    python benchmarks/resolution_accuracy.py [--set dev|train|final|read|read2|read3|read4|blind|blind2|blind3|blind4|blind5|blind6|all] [--show-errors]

Judgement files in ``tests/data/`` (article name + offsets + the named entity a reader resolves the
source to, never the text): ``dev_resolution_judgements.jsonl`` (PolNeAR dev; the rules were written
while reading its misses), ``train_resolution_judgements.jsonl`` (a first blind set on train articles,
used to reject rules that only helped dev) and ``final_resolution_judgements.jsonl`` (a second blind set,
scored once after the rules were frozen), and round 7's two sets on 150 further train articles, judged blind
by the guideline in ``docs/source-judging.md``: ``polnear_read_resolution_judgements.jsonl`` (rules were
written reading its misses) and ``polnear_blind_resolution_judgements.jsonl`` (only measured; its misses are
never printed), and round 8's ``polnear_read2_resolution_judgements.jsonl`` (75 more train articles, judged blind
by the same guideline; round 8's rules were written reading its misses), and round 9's two sets on 150 further
train articles, judged blind by the same guideline: ``polnear_read3_resolution_judgements.jsonl`` (read) and
``polnear_blind2_resolution_judgements.jsonl`` (only measured; its misses are never printed), and round 10's
``polnear_blind3_resolution_judgements.jsonl`` (75 more train articles judged after round 10's rules; only measured), and round 12's
``polnear_blind4_resolution_judgements.jsonl`` (60 more train articles judged after round 12's rules; only measured, once),
and round 13's ``polnear_blind5_resolution_judgements.jsonl`` (60 more, judged while round 13's rules were written;
only measured, once) and ``polnear_read4_resolution_judgements.jsonl`` (68 more; round 13's later rules were written
reading its misses), and round 14's ``polnear_blind6_resolution_judgements.jsonl`` (the 73 train articles no earlier set
used that hold a pronoun or description source, judged while round 14's rules were written; only measured, once).
The linker runs on the gold source/cue/content spans, so this
measures resolution alone. A judged entity counts as found when the linker's entity matches it: same name
ignoring case and a leading "the", or the same surname for people ("Clinton" = "Hillary Clinton").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
JUDGEMENTS = ROOT / "tests" / "data" / "dev_resolution_judgements.jsonl"
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev"
HELD_OUT = ROOT / "tests" / "data" / "train_resolution_judgements.jsonl"
FINAL = ROOT / "tests" / "data" / "final_resolution_judgements.jsonl"
READ = ROOT / "tests" / "data" / "polnear_read_resolution_judgements.jsonl"
BLIND = ROOT / "tests" / "data" / "polnear_blind_resolution_judgements.jsonl"
READ2 = ROOT / "tests" / "data" / "polnear_read2_resolution_judgements.jsonl"
READ3 = ROOT / "tests" / "data" / "polnear_read3_resolution_judgements.jsonl"
BLIND2 = ROOT / "tests" / "data" / "polnear_blind2_resolution_judgements.jsonl"
BLIND3 = ROOT / "tests" / "data" / "polnear_blind3_resolution_judgements.jsonl"
BLIND4 = ROOT / "tests" / "data" / "polnear_blind4_resolution_judgements.jsonl"
READ4 = ROOT / "tests" / "data" / "polnear_read4_resolution_judgements.jsonl"
BLIND5 = ROOT / "tests" / "data" / "polnear_blind5_resolution_judgements.jsonl"
BLIND6 = ROOT / "tests" / "data" / "polnear_blind6_resolution_judgements.jsonl"
TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train"
# The names a country goes by, as the linker keeps them under one ("us" -> "United States"; dots are dropped above).
COUNTRY_NAMES: dict[str, str] = {
    alias.replace(".", ""): name
    for alias, name in json.loads((ROOT / "attribution" / "data" / "link_words.json").read_text(encoding="utf-8"))["country_aliases"].items()
}
PUBLISHERS = {"nyt": "New York Times", "usa-today": "USA Today", "wash-post": "Washington Post", "huff-post": "HuffPost",
              "breitbart": "Breitbart", "politico": "Politico", "west-journal": "Western Journal", "western-journal": "Western Journal"}


def _norm(name: str) -> str:
    from attribution.ingest import repair

    # Some judges copied a name as the corpus spells it, mojibake and all: the same name as its repaired spelling.
    name = repair(name).lower().replace("\u2019", "'").replace(".", "").strip()
    for prefix in ("the ", "a ", "an "):
        name = name.removeprefix(prefix)
    name = " ".join(name.split())
    return COUNTRY_NAMES.get(name, name).lower()  # one country by any of its names ("U.S." = "United States")


def _members(group: str) -> set[str]:
    """The surnames of a group's members: "richard armitage, henry paulson and brent scowcroft" -> their surnames."""
    return {name.split()[-1] for name in re.split(r",\s*|\s+and\s+", group) if name.split()}


def same_entity(found: str | None, judged: str) -> bool:
    if not found:
        return False
    a, b = _norm(found), _norm(judged)
    if " and " in a and " and " in b:  # a group: the same people in any order ("A and B" = "B and A")
        return _members(a) == _members(b)
    return a == b or a.split()[-1] == b.split()[-1] or (len(a) > 3 and (a in b or b in a))


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """PolNeAR's metadata.tsv: publisher and author per article (``None`` where unknown)."""
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = (dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip())
    return {row["filename"]: {k: v for k, v in row.items() if v and v != "None"} for row in rows}


def gold_results(dev: Path, names: set[str] | None = None) -> dict[str, object]:
    """Per article: an ArticleResult carrying the gold spans, resolved by the linker."""
    from attribution.ingest import article_from_text
    from attribution.link import resolve_article
    from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
    from training.data import brat_attributions, label_sentences, polnear_articles

    results: dict[str, object] = {}
    metadata = read_metadata(dev.parent / "metadata.tsv")
    for name, text, ann in polnear_articles(dev):
        if names is not None and name not in names:
            continue
        sentences = []
        for index, record in enumerate(label_sentences(name, text, brat_attributions(text, ann))):
            sentence = SentenceResult(index, record["start"], record["end"], record["text"], record["label"], 1.0)
            groups: dict[int, dict[str, TextSpan]] = {}
            for span in record["spans"]:
                a, b = record["start"] + span["start"], record["start"] + span["end"]
                groups.setdefault(span["attribution"], {}).setdefault(span["label"], TextSpan(a, b, text[a:b]))
            sentence.attributions = [
                Attribution(g.get("SOURCE"), g.get("CUE"), g.get("CONTENT"), 1.0) for _, g in sorted(groups.items())
            ]
            sentences.append(sentence)
        # The corpus metadata gives publisher, author and publication date, as a newsroom's JSONL records would.
        meta = metadata.get(name, {})
        article = article_from_text(
            text, name, publisher=PUBLISHERS.get(meta.get("publisher", "")), author=meta.get("author"), published=meta.get("publication_date")
        )
        result = ArticleResult(article, sentences, "gold")
        results[name] = resolve_article(result)
    return results


def linked_source(result: object, judged: dict) -> tuple[str | None, str | None]:
    """The linker's entity for the judged mention, and the source span's text: the source span that holds the
    judged one, else one it overlaps (a judge's span may run a dash or a comma past the gold span)."""
    found = overlapping = None
    text = None
    for sentence in result.sentences:  # type: ignore[attr-defined]
        for attribution in sentence.attributions:
            source = attribution.source
            if source is not None and source.start <= judged["start"] < source.end + 1 and judged["end"] <= source.end + 1:
                found, text = attribution.entity, source.text
            elif source is not None and source.start < judged["end"] and judged["start"] < source.end:
                overlapping, text = attribution.entity, text or source.text
    return found or overlapping, text


def score_split(judgements_path: Path, split_dir: Path, show_errors: bool) -> tuple[int, int]:
    """Print per-kind shares for one judgement file; return (right, total) over named referents."""
    judgements = [json.loads(line) for line in judgements_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = gold_results(split_dir, {j["article"] for j in judgements})
    tally: Counter = Counter()
    for judged in judgements:
        if not judged["named"] or not judged["entity"]:
            continue
        found, _ = linked_source(results[judged["article"]], judged)
        kind = judged["kind"]
        ok = same_entity(found, judged["entity"])
        tally[(kind, "total")] += 1
        tally[(kind, "right")] += ok
        if show_errors and not ok:
            print(f"  {judged['article']} {judged['start']}-{judged['end']}: judged {judged['entity']!r}, linker {found!r}")
    for kind in ("pronoun", "description"):
        total = tally[(kind, "total")]
        print(f"  {kind}: {tally[(kind, 'right')]}/{total} = {tally[(kind, 'right')] / max(1, total):.1%} resolved to the judged named entity")
    total = tally[("pronoun", "total")] + tally[("description", "total")]
    right = tally[("pronoun", "right")] + tally[("description", "right")]
    print(f"  all: {right}/{total} = {right / max(1, total):.1%} (named referents only; {len(judgements)} judgements in all)")
    return right, total


# (set, what it is, judgements, split, whether its misses may be printed): the blind set's never are
SETS = (
    ("dev", "PolNeAR dev (the rules were written looking at these):", JUDGEMENTS, DEV, True),
    ("train", "PolNeAR train, first blind set (used to reject rules that only helped dev):", HELD_OUT, TRAIN, True),
    ("final", "PolNeAR train, final blind set (scored once, after the rules were frozen):", FINAL, TRAIN, True),
    ("read", "PolNeAR train, round-7 reading set (judged blind; issue 13's description rules were written reading its misses):",
     READ, TRAIN, True),
    ("read2", "PolNeAR train, round-8 reading set (judged blind by the same guideline; round 8's rules were written reading its misses):",
     READ2, TRAIN, True),
    ("read3", "PolNeAR train, round-9 reading set (judged blind by the same guideline; round 9's later rules were written reading its misses):",
     READ3, TRAIN, True),
    ("blind", "PolNeAR train, round-7 blind set (judged blind, only measured):", BLIND, TRAIN, False),
    ("blind2", "PolNeAR train, round-9 blind set (judged blind by the same guideline, only measured):", BLIND2, TRAIN, False),
    ("blind3", "PolNeAR train, round-10 blind set (judged after round 10's rules by the same guideline, only measured):", BLIND3, TRAIN, False),
    ("blind4", "PolNeAR train, round-12 blind set (judged after round 12's rules by the same guideline, only measured):", BLIND4, TRAIN, False),
    ("read4", "PolNeAR train, round-13 reading set (judged blind by the same guideline; round 13's later rules were written reading its misses):",
     READ4, TRAIN, True),
    ("blind5", "PolNeAR train, round-13 blind set (judged before round 13's rules were done, by the same guideline; only measured):", BLIND5, TRAIN, False),
    ("blind6", "PolNeAR train, round-14 blind set (the last unused train articles, judged while round 14's rules were written; only measured):",
     BLIND6, TRAIN, False),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--set", choices=[name for name, *_ in SETS] + ["all"], default="all")
    args = parser.parse_args()
    for name, title, judgements, split, readable in SETS:
        if args.set in (name, "all"):
            print(title)
            score_split(judgements, split, args.show_errors and readable)


if __name__ == "__main__":
    main()
