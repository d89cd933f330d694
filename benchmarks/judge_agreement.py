"""How far two judges of the same source mentions agree: the ceiling a resolver can be measured against.

    python benchmarks/judge_agreement.py [--first FILE] [--second FILE]

By default the round-10 PolNeAR blind set (``tests/data/polnear_blind3_resolution_judgements.jsonl``) against a
second judgement of 36 of its 75 articles (``tests/data/polnear_blind3_second_judgements.jsonl``), made in round 11
by three more helper agents who saw neither the code nor the first judgements, by the same guideline
(``docs/source-judging.md``). Both files hold article names, offsets and entity names only. Agreement counts, over
the mentions both judged, the pronoun and description mentions the first judge gives a named referent, with the
benchmark's own entity match (``resolution_accuracy.same_entity``, either way round).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from resolution_accuracy import same_entity  # noqa: E402

FIRST = ROOT / "tests" / "data" / "polnear_blind3_resolution_judgements.jsonl"
SECOND = ROOT / "tests" / "data" / "polnear_blind3_second_judgements.jsonl"


Judgements = dict[tuple[str, int, int], dict[str, Any]]  # (article, start, end) -> the judgement


def read(path: Path) -> Judgements:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {(row["article"], row["start"], row["end"]): row for row in rows}


def agreement(first: Judgements, second: Judgements) -> Counter[tuple[str, str]]:
    tally: Counter[tuple[str, str]] = Counter()
    for key, one in first.items():
        other = second.get(key)
        if other is None or one["kind"] not in ("pronoun", "description"):
            continue
        kind = one["kind"]
        if not one["named"] or not one["entity"]:
            tally[(kind, "unnamed")] += 1
            tally[(kind, "unnamed, second names it")] += bool(other["named"] and other["entity"])
            continue
        tally[(kind, "named")] += 1
        if not other["named"] or not other["entity"]:
            tally[(kind, "second leaves it unnamed")] += 1
        elif same_entity(other["entity"], one["entity"]) or same_entity(one["entity"], other["entity"]):
            tally[(kind, "agree")] += 1
        else:
            tally[(kind, "another entity")] += 1
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--first", type=Path, default=FIRST)
    parser.add_argument("--second", type=Path, default=SECOND)
    args = parser.parse_args()
    first, second = read(args.first), read(args.second)
    both = set(first) & set(second)
    print(f"{len(both)} mentions judged twice ({len({a for a, _, _ in both})} articles)")
    tally = agreement(first, second)
    for kind in ("pronoun", "description"):
        named = tally[(kind, "named")]
        print(f"  {kind}: the two judges name the same entity for {tally[(kind, 'agree')]}/{named} = "
              f"{tally[(kind, 'agree')] / max(1, named):.1%} of the first judge's named referents "
              f"({tally[(kind, 'another entity')]} another entity, {tally[(kind, 'second leaves it unnamed')]} left unnamed); "
              f"of {tally[(kind, 'unnamed')]} left unnamed, the second names {tally[(kind, 'unnamed, second names it')]}")


if __name__ == "__main__":
    main()
