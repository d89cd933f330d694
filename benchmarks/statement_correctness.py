"""Who said what on unseen BBC articles: every stored statement against a blind gold set.

    python benchmarks/statement_correctness.py [--set blind|blind2|dev|npdev|calib] [--db DB] [--show-errors]
    python benchmarks/statement_correctness.py convert JUDGE.jsonl... -o tests/data/bbc_statement_gold.jsonl

The gold set (``tests/data/bbc_statement_gold.jsonl``) lists every statement of 102 BBC politics articles
(records 151 onwards of the politics category, which the resolution rules were never written on), judged
by annotators who never saw the tool's code or output, following ``docs/statement-judging.md``. It keeps
article ids, character offsets, speaker names and kinds; no corpus text. ``--set dev`` uses a second set
(``tests/data/bbc_statement_dev.jsonl``, 140 other politics records judged the same way) that rules and
calibration may be fitted on. Round 5 added three sets from the business, sport, arts and tech desks
(``docs/statement-judging.md``): ``blind2`` (102 articles, only measured), ``calib`` (144 articles, only the
calibrator's transfer step) and ``npdev`` (60 articles, rules may be written on it).

The articles are scored with ``attribution batch`` into a fresh database (or ``--db``; batch skips what
is already scored there),
and every stored statement of them is judged against the gold:

- *is a statement*: its content overlaps a gold statement's content;
- *right speaker*: the stored source (or, for a vague gold speaker, its description) names the gold
  speaker: equal ignoring case, titles and a leading article (a party or a country by any of its names, as
  the store keeps them: "the Tories" = "Conservative Party", "the US" = "United States"), one of the gold
  aliases, or the gold name's surname alone;
- *right kind*: claim or quote as the gold says; where the gold content is reported speech with quoted
  words inside it (it does not open with a quotation mark, and one of its parts holds or is a quotation),
  either kind counts, since the guideline's "contains quotation marks" and the tool's "a direct quotation"
  differ there;
- *content*: at least 70% of the stored content lies inside the gold content, and it covers at least half
  of the gold part(s) it touches; a second stored statement of the same gold statement is a *duplicate*.

A statement is **correct** when all four hold and it is not a duplicate. The benchmark prints the share
correct, each criterion, recall of the gold statements, and a reliability table by stored confidence.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
GOLD = ROOT / "tests" / "data" / "bbc_statement_gold.jsonl"
SETS = {
    "blind": GOLD,  # 102 politics articles, only measured
    "blind2": ROOT / "tests" / "data" / "bbc_statement_blind2.jsonl",  # 102 business/sport/arts/tech articles, only measured
    "dev": ROOT / "tests" / "data" / "bbc_statement_dev.jsonl",  # 140 politics articles the rules were written on
    "npdev": ROOT / "tests" / "data" / "bbc_statement_npdev.jsonl",  # 60 other-desk articles the rules were written on
    "calib": ROOT / "tests" / "data" / "bbc_statement_calib.jsonl",  # 72 other-desk articles: calibration only, errors unread
    "npdev2": ROOT / "tests" / "data" / "bbc_statement_npdev2.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev3": ROOT / "tests" / "data" / "bbc_statement_npdev3.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev4": ROOT / "tests" / "data" / "bbc_statement_npdev4.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev5": ROOT / "tests" / "data" / "bbc_statement_npdev5.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev6": ROOT / "tests" / "data" / "bbc_statement_npdev6.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev7": ROOT / "tests" / "data" / "bbc_statement_npdev7.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev8": ROOT / "tests" / "data" / "bbc_statement_npdev8.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev9": ROOT / "tests" / "data" / "bbc_statement_npdev9.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev10": ROOT / "tests" / "data" / "bbc_statement_npdev10.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "npdev11": ROOT / "tests" / "data" / "bbc_statement_npdev11.jsonl",  # 96 other-desk articles, round 6: rules may be read off it
    "blind4": ROOT / "tests" / "data" / "bbc_statement_blind4.jsonl",  # 96 other-desk articles judged after round 6's rules: only measured
    "blind5": ROOT / "tests" / "data" / "bbc_statement_blind5.jsonl",  # 96 more, the same
    "blind6": ROOT / "tests" / "data" / "bbc_statement_blind6.jsonl",  # the last 147 other-desk records, round 10: only measured
    "blind3": ROOT / "tests" / "data" / "bbc_statement_blind3.jsonl",  # 108 other-desk articles, round 6: only measured
}
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "baroness", "dame", "rev", "professor", "prof"}
ARTICLES = {"the", "a", "an"}
# The party names the store keeps one party under (attribution/data/roles.json): the same speaker however written.
PARTY_NAMES: dict[str, str] = json.loads((ROOT / "attribution" / "data" / "roles.json").read_text(encoding="utf-8"))["party_names"]
# And one country by any of its names ("the US" = "U.S." = "United States"), as the store keeps it (link_words.json).
COUNTRY_NAMES: dict[str, str] = json.loads((ROOT / "attribution" / "data" / "link_words.json").read_text(encoding="utf-8"))["country_aliases"]
CONFIDENCE_BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0001)


def read_corpus(ids: set[str] | None = None) -> dict[str, str]:
    texts: dict[str, str] = {}
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if ids is None or record["id"] in ids:
                texts[record["id"]] = record["text"]
    return texts


# --- gold ---------------------------------------------------------------------------------------------


def _occurrences(text: str, part: str) -> list[int]:
    found, start = [], text.find(part)
    while start >= 0:
        found.append(start)
        start = text.find(part, start + 1)
    return found


def _locate(text: str, part: str, near: int | None) -> tuple[int, int] | None:
    """Offsets of ``part`` in ``text``; the occurrence nearest ``near`` when it occurs more than once."""
    starts = _occurrences(text, part)
    if not starts:
        return None
    start = min(starts, key=lambda s: abs(s - near)) if near is not None else starts[0]
    return start, start + len(part)


def convert(judge_files: list[Path], output: Path) -> None:
    """Judges' JSONL (with quoted text) -> gold JSONL with offsets only."""
    judged = [json.loads(line) for path in judge_files for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = read_corpus({row["article"] for row in judged})
    rows, problems = [], 0
    for row in judged:
        text = texts[row["article"]]
        if row.get("none"):
            rows.append({"article": row["article"], "none": True})
            continue
        content = _locate(text, row["content"], None)
        cue = _locate(text, row["cue"], content[0] if content else None) if row.get("cue") else None
        if content is None:
            problems += 1
            print(f"{row['article']}: content not found verbatim, skipped", file=sys.stderr)
            continue
        if cue is not None:  # the content nearest the cue, when the same words occur twice
            content = _locate(text, row["content"], cue[0]) or content
        parts = [content]
        for more in row.get("more_content") or []:
            found = _locate(text, more, parts[-1][1])
            if found is None:
                problems += 1
                print(f"{row['article']}: a continuation not found verbatim, skipped", file=sys.stderr)
                continue
            parts.append(found)
        rows.append({
            "article": row["article"], "speaker": row["speaker"], "aliases": row.get("aliases") or [],
            "vague": bool(row.get("vague")), "via": row.get("via"), "kind": row["kind"],
            "cue": list(cue) if cue else None, "content": [list(p) for p in parts],
        })
    output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows for {len({r['article'] for r in rows})} articles to {output} ({problems} problems)")


@dataclass(frozen=True)
class GoldStatement:
    key: int
    article: str
    speaker: str
    aliases: tuple[str, ...]
    vague: bool
    kind: str
    parts: tuple[tuple[int, int], ...]
    mixed: bool  # reported speech with quoted words inside: claim or quote both right


QUOTE_MARKS = ("\"", "'", "\u201c", "\u2018")
DOUBLE_QUOTES = ("\"", "\u201c", "\u201d")


def read_gold(path: Path = GOLD) -> tuple[set[str], list[GoldStatement]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    articles = {row["article"] for row in rows}
    texts = read_corpus(articles)
    statements = []
    for key, row in enumerate(rows):
        if row.get("none"):
            continue
        parts = tuple((s, e) for s, e in row["content"])
        statements.append(GoldStatement(key, row["article"], row["speaker"], tuple(row["aliases"]), row["vague"],
                                        row["kind"], parts, is_mixed(texts[row["article"]], parts)))
    return articles, statements


def _opens_quoted(text: str, start: int) -> bool:
    return text[start:start + 1] in QUOTE_MARKS or (start > 0 and text[start - 1] in QUOTE_MARKS)


def is_mixed(text: str, parts: tuple[tuple[int, int], ...]) -> bool:
    """Reported speech with quoted words inside: the content does not open with a quotation mark, and one of its
    parts holds or is a quotation. All the parts count: a judge who folded 'X said A. "B."' into one statement
    gave it a content of A with B as its continuation, reported speech with quoted words as much as 'X said A
    was "B"'."""
    (start, _), *_ = parts
    if _opens_quoted(text, start):
        return False
    return any(mark in text[s:e] for s, e in parts for mark in DOUBLE_QUOTES) or any(
        _opens_quoted(text, s) for s, _ in parts[1:])


# --- matching -----------------------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    words = name.lower().replace("\u2019", "'").replace(".", "").replace("'s ", " ").split()
    while words and (words[0] in ARTICLES or words[0] in TITLES):
        words = words[1:]
    joined = " ".join(words)
    # one party by any of its names ("the Tories" = "the Conservatives" = "Conservative Party"), one country by any
    # of its ("the US" = "United States"), as the store keeps them
    joined = COUNTRY_NAMES.get(joined, joined)
    return PARTY_NAMES.get(joined, joined).lower()


def _spelled_out(name: str) -> set[str]:
    """``name`` with a run of its words written as their initials: "world economic forum report" is also "wef
    report", the same speaker as a judge who wrote the acronym the article uses."""
    words = name.split()
    return {" ".join(words[:i] + ["".join(w[0] for w in words[i:j])] + words[j:])
            for i in range(len(words)) for j in range(i + 2, len(words) + 1)}


def names_speaker(found: str | None, gold: GoldStatement) -> bool:
    if not found:
        return False
    name = normalize_name(found)
    forms = {normalize_name(gold.speaker), *(normalize_name(a) for a in gold.aliases)}
    if name in forms or _spelled_out(name) & forms:
        return True
    full = normalize_name(gold.speaker).split()
    if not gold.vague and len(full) > 1 and name == full[-1]:  # "Blair" for Tony Blair
        return True
    return gold.vague and any(name and (name in form or form in name) for form in forms)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


@dataclass
class Judged:
    statement_id: int
    confidence: float
    is_statement: bool
    speaker: bool
    kind: bool
    content: bool
    duplicate: bool
    gold: GoldStatement | None
    source: str | None
    resolution: str = "named"

    @property
    def correct(self) -> bool:
        return self.is_statement and self.speaker and self.kind and self.content and not self.duplicate


def judge(stored: list[dict], gold: list[GoldStatement]) -> list[Judged]:
    by_article: dict[str, list[GoldStatement]] = defaultdict(list)
    for g in gold:
        by_article[g.article].append(g)
    seen: set[int] = set()
    judged = []
    for row in sorted(stored, key=lambda r: (r["article"], r["content_start"] or 0)):
        span = (row["content_start"] or 0, row["content_end"] or 0)
        # the speaker's words: the content's pieces when it is several (no clause between them), else the one span
        pieces = row.get("content_parts") or [span]
        best, best_overlap = None, 0
        for g in by_article.get(row["article"], []):
            overlap = sum(_overlap(piece, part) for piece in pieces for part in g.parts)
            if overlap > best_overlap:
                best, best_overlap = g, overlap
        if best is None:
            judged.append(Judged(row["id"], row["confidence"], False, False, False, False, False, None, row["source"],
                                 row["resolution"]))
            continue
        touched = [p for p in best.parts if any(_overlap(piece, p) for piece in pieces)]
        length = max(1, sum(end - start for start, end in pieces))
        content_ok = best_overlap / length >= 0.7 and best_overlap >= 0.5 * sum(e - s for s, e in touched) and length >= 12
        duplicate = best.key in seen
        seen.add(best.key)
        judged.append(Judged(row["id"], row["confidence"], True, names_speaker(row["source"], best), row["kind"] == best.kind or best.mixed,
                             content_ok, duplicate, best, row["source"], row["resolution"]))
    return judged


# --- scoring ------------------------------------------------------------------------------------------


def score_articles(ids: set[str], db: Path) -> None:
    texts = read_corpus(ids)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for article_id, text in texts.items():
            handle.write(json.dumps({"id": article_id, "text": text}, ensure_ascii=False) + "\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "-m", "attribution.cli", "batch", handle.name, "--db", str(db), "--quiet"],
                   check=True, env=env)
    os.unlink(handle.name)


def read_stored(db: Path, ids: set[str]) -> list[dict]:
    from sqlalchemy.orm import aliased
    from sqlmodel import Session, select

    from attribution.db.engine import make_engine
    from attribution.db.models import Article, Source, Statement
    from attribution.store import stored_parts

    source = aliased(Source)
    query = (
        select(Statement.id, Article.document, Statement.kind, Statement.confidence, Statement.content_start,
               Statement.content_end, Statement.content_parts, Statement.resolution, source.name)
        .join(Article, Article.id == Statement.article_id)
        .outerjoin(source, source.id == Statement.source_id)
        .where(Article.document.in_(sorted(ids)))
    )
    with Session(make_engine(str(db))) as session:
        return [
            {"id": r.id, "article": r.document, "kind": r.kind, "confidence": r.confidence,
             "content_start": r.content_start, "content_end": r.content_end,
             "content_parts": stored_parts(r.content_parts) or None, "source": r.name,
             "resolution": r.resolution}
            for r in session.exec(query)
        ]


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a"


def report(judged: list[Judged], gold: list[GoldStatement], articles: set[str], show_errors: bool) -> None:
    total = len(judged)
    print(f"{total} stored statements in {len(articles)} judged articles ({len(gold)} gold statements)")
    print(f"correct (statement, speaker, kind, content, not duplicate): {share(sum(j.correct for j in judged), total)}")
    print(f"  is a statement: {share(sum(j.is_statement for j in judged), total)}")
    print(f"  right speaker:  {share(sum(j.speaker for j in judged), total)}")
    print(f"  right kind:     {share(sum(j.kind for j in judged), total)}")
    print(f"  content:        {share(sum(j.content for j in judged), total)}")
    print(f"  duplicates:     {share(sum(j.duplicate for j in judged), total)}")
    print(f"  right speaker ignoring kind and content: "
          f"{share(sum(j.is_statement and j.speaker and not j.duplicate for j in judged), total)}")
    second = sum(j.is_statement and j.speaker and j.kind and j.content and j.duplicate for j in judged)
    # Annotators differ on 'X said A. "B."' (one statement or two): the share if a second stored statement on one
    # judged statement, right in every other way, counted as right. A sensitivity figure, not the criterion.
    print(f"  correct if a second statement on one judged statement counted: {share(sum(j.correct for j in judged) + second, total)}")
    found = {j.gold.key for j in judged if j.gold and j.speaker}
    print(f"gold statements found with the right speaker (recall): {share(len(found), len(gold))}")
    print("\nreliability (stored confidence -> share correct):")
    print("| confidence | statements | correct | right speaker |")
    print("|---|---|---|---|")
    for low, high in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:]):
        rows = [j for j in judged if low <= j.confidence < high]
        if rows:
            print(f"| {low:.2f}-{min(high, 1.0):.2f} | {len(rows)} | {share(sum(j.correct for j in rows), len(rows))} "
                  f"| {share(sum(j.speaker for j in rows), len(rows))} |")
    print("\nby how the source was found (resolution -> share correct):")
    print("| resolution | statements | correct | right speaker |")
    print("|---|---|---|---|")
    for resolution in sorted({j.resolution for j in judged}):
        rows = [j for j in judged if j.resolution == resolution]
        print(f"| {resolution} | {len(rows)} | {share(sum(j.correct for j in rows), len(rows))} "
              f"| {share(sum(j.speaker for j in rows), len(rows))} |")
    high = [j for j in judged if j.confidence >= 0.9]
    print(f"\nat confidence >= 0.90: {share(sum(j.correct for j in high), len(high))} correct")
    if show_errors:
        for j in judged:
            if not j.correct:
                gold_speaker = j.gold.speaker if j.gold else "-"
                reasons = [name for name, ok in (("statement", j.is_statement), ("speaker", j.speaker), ("kind", j.kind),
                                                 ("content", j.content), ("unique", not j.duplicate)) if not ok]
                print(f"statement {j.statement_id} ({j.confidence:.2f}, {j.resolution}): stored {j.source!r}, gold {gold_speaker!r}: "
                      f"{', '.join(reasons)}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "convert":
        parser = argparse.ArgumentParser(description="Turn judges' JSONL into the offsets-only gold file")
        parser.add_argument("command")
        parser.add_argument("judged", nargs="+", type=Path)
        parser.add_argument("-o", "--output", type=Path, default=GOLD)
        args = parser.parse_args()
        convert(args.judged, args.output)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="Score into (or read from) this database [default: a new one]")
    parser.add_argument("--set", choices=sorted(SETS), default="blind",
                        help="blind: measure only, never read to write rules; dev: rules and calibration may be fitted on it")
    parser.add_argument("--gold", type=Path, help="Another gold file in the same format")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    articles, gold = read_gold(args.gold or SETS[args.set])
    db = args.db or Path(tempfile.mkdtemp()) / "gold.db"
    score_articles(articles, db)  # batch skips the articles already scored with this model
    report(judge(read_stored(db, articles), gold), gold, articles, args.show_errors)


if __name__ == "__main__":
    main()
