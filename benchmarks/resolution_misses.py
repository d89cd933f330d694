"""Where the PolNeAR pronoun misses come from: ranking the right candidate, or not having it as a candidate at all.

    python benchmarks/resolution_misses.py [--sets read|blind|SET,SET...]

For every judged pronoun source with a named referent (the judgement files of ``resolution_accuracy.py``), the
linker's answer on the gold spans, and where the judged entity stands in the article as the linker's index reads it:

- *a candidate*: named before the pronoun, and the pronoun fits it as the index types it ("she" and a woman, "it"
  and a body): a miss here is a ranking miss (the rules preferred someone else);
- *named before, but no fit*: the index gives it another gender or type ("she" for a "Clinton" the index took for
  Bill, "it" for "WikiLeaks" typed a person): a miss of the index's reading, not of the ranking;
- *named only after* the pronoun ("Hacker who exposed ...", named in the next sentences);
- *never named*, as the index reads the article (a name it did not take for one: "Rikkie Wells who tweeted");
- *a voice*: "I", "you", "we", whose referent is a transcript turn's speaker, the byline, the publisher.

Only counts are printed, per row and in all (never a text or an article name), so the blind sets stay blind.
``read`` is the seven sets the rules were written on, ``blind`` the six only measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from resolution_accuracy import SETS, gold_results, linked_source, same_entity  # noqa: E402

GROUPS = {
    "read": ("dev", "train", "final", "read", "read2", "read3", "read4"),
    "blind": ("blind", "blind2", "blind3", "blind4", "blind5", "blind6"),
}
PLACES = ("a candidate", "named before, but no fit", "named only after", "never named", "a voice: I, you, we")
# "I", "you", "we" name a speaker, an addressee, a publisher: no antecedent to rank (transcripts, the byline)
VOICES = frozenset({"i", "me", "my", "you", "your", "we", "our", "us"})


def judged_place(judged: dict, index: object) -> str:
    """Where the judged entity stands relative to the pronoun at ``judged['start']``, as ``index`` reads the article."""
    from attribution.link import _pronoun_fits

    pronoun = judged["pronoun"]
    if pronoun in VOICES:
        return PLACES[4]
    same = [m for m in index.mentions if same_entity(m.entity.name, judged["entity"])]  # type: ignore[attr-defined]
    before = [m for m in same if m.position < judged["start"]]
    if before:
        # any mention that matches and fits: "Donald J. Trump" is matched by "Ivana Trump" too, by the surname
        fits = any(_pronoun_fits(pronoun, m.entity, index.gender.get(m.entity.name)) for m in before)  # type: ignore[attr-defined]
        return PLACES[0] if fits else PLACES[1]
    return PLACES[2] if same else PLACES[3]


def tally(names: tuple[str, ...]) -> tuple[Counter, Counter]:
    from attribution.link import ArticleIndex, Entity

    by_name = {name: (judgements, split) for name, _, judgements, split, _ in SETS}
    mentions: Counter = Counter()
    right: Counter = Counter()
    for name in names:
        judgements_path, split = by_name[name]
        judgements = [json.loads(line) for line in judgements_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        results = gold_results(split, {j["article"] for j in judgements})
        indexes = {}
        for judged in judgements:
            if not judged["named"] or not judged["entity"] or judged["kind"] != "pronoun":
                continue
            result = results[judged["article"]]
            found, source_text = linked_source(result, judged)
            if judged["article"] not in indexes:  # the index as the linker builds it: sentences, byline, contents
                sentences = result.sentences  # type: ignore[attr-defined]
                article = result.article  # type: ignore[attr-defined]
                reported = [(a.content.start, a.content.end) for s in sentences for a in s.attributions if a.content is not None]
                index = ArticleIndex(article.text, [s.start for s in sentences], article.author, article.publisher, reported)
                for attribution in (a for s in sentences for a in s.attributions):
                    # a source named in full is a mention too (the linker adds it as it resolves, in reading order)
                    if attribution.source is not None and attribution.entity and attribution.resolution in ("named", "alias"):
                        index.add(attribution.source.start, Entity(attribution.entity, attribution.entity_type or "person"), end=attribution.source.end)
                indexes[judged["article"]] = index
            pronoun = (source_text or "").lower().split()[:1] or [""]
            place = judged_place({**judged, "pronoun": pronoun[0]}, indexes[judged["article"]])
            mentions[place] += 1
            right[place] += same_entity(found, judged["entity"])
    return mentions, right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="blind", help="read, blind, or judgement set names joined by commas")
    args = parser.parse_args()
    names = GROUPS.get(args.sets) or tuple(args.sets.split(","))
    known = {name for name, *_ in SETS}
    if unknown := [n for n in names if n not in known]:
        parser.error(f"unknown set(s) {', '.join(unknown)}: choose from read, blind, {', '.join(sorted(known))}")
    mentions, right = tally(names)
    total, total_right = sum(mentions.values()), sum(right.values())
    print(f"pronoun sources with a named referent in {', '.join(names)}: {total}, resolved right {total_right} ({total_right / max(1, total):.1%})")
    print("| where the judged entity stands | mentions | resolved right | missed |")
    print("|---|---|---|---|")
    for place in PLACES:
        print(f"| {place} | {mentions[place]} | {right[place]} | {mentions[place] - right[place]} |")


if __name__ == "__main__":
    main()
