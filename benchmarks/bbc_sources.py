"""Source resolution on real BBC politics articles: issue 13's done-when figures.

    python benchmarks/bbc_sources.py [--db scored.db] [--limit 150] [--model DIR]

Without ``--db`` the first ``--limit`` politics records of ``../shared/data/bbc-news/articles.jsonl``
(file order) are scored into a temporary database with the packaged model; with ``--db`` an
already-scored database is read as it is (e.g. one scored by an older version, for a before/after).

Printed, from the stored statements only (no hand labels, no corpus text kept):

- per 2005 party leader (Blair, Howard, Kennedy, Brown): of the statements whose mention is his name,
  surname or "Mr <surname>" (anything before the first name allowed: "Earlier Tony Blair"; "Sir Howard"
  is not Michael Howard), the share stored under the one source most of them went to;
- "the prime minister" / "the chancellor": of the articles that name Tony Blair / Gordon Brown and
  have a statement with that mention, the share where every such statement is stored under him;
- the share of statements whose source's name is a pronoun ("he", "We all");
- duplicate statements: rows with the same article, source and content as an earlier row.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
LEADERS = {"Blair": "Tony", "Howard": "Michael", "Kennedy": "Charles", "Brown": "Gordon"}
ROLES = {"prime minister": "Blair", "chancellor": "Brown"}
PRONOUN_WORDS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "who", "which", "those",
                 "these", "this", "that", "his", "its", "their", "our", "my", "me"}


def politics_records(limit: int) -> list[dict]:
    records = []
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["category"] == "politics":
                records.append(record)
                if len(records) == limit:
                    break
    return records


def score(records: list[dict], db: Path, model: str | None) -> None:
    """Through the CLI, as a user scores a corpus (`attribution batch`)."""
    source = db.parent / "records.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    command = [sys.executable, "-m", "attribution.cli", "batch", str(source), "--db", str(db), "--quiet"]
    if model:
        command += ["--model", model]
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def leader_mention(mention: str | None, surname: str) -> bool:
    """'Blair', 'Mr Blair', 'Tony Blair', 'Earlier Tony Blair', "Blair's" -- not 'Sir Howard', 'Gordon Brown's aide'."""
    if not mention:
        return False
    words = re.sub(r"['\u2019]s$", "", mention.strip(" ,.\"'")).split()
    if not words or words[-1] != surname:
        return False
    before = words[-2] if len(words) > 1 else None
    return before in (None, "Mr", "Mr.", LEADERS[surname]) or (len(words) == 1)


def _pronoun_named(name: str) -> bool:
    """'He', 'We all', 'Those who', 'His spokesman' -- not 'US officials' (an acronym, not 'us')."""
    first = name.split()[0]
    return first.lower() in PRONOUN_WORDS and (first == "I" or not first.isupper())


class Row(NamedTuple):
    article_id: int
    source_id: int | None
    mention: str | None
    content: str | None
    name: str | None


def figures(db: Path) -> dict[str, Any]:
    from sqlmodel import Session, create_engine, select

    from attribution.db.models import Article, Source, Statement

    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        query = select(Statement.article_id, Statement.source_id, Statement.mention, Statement.content, Source.name)  # type: ignore[call-overload]
        rows = [Row(*r) for r in session.exec(query.join(Source, Source.id == Statement.source_id, isouter=True)).all()]
        texts = dict(session.exec(select(Article.id, Article.text)).all())
    out: dict[str, Any] = {"statements": len(rows), "articles": len(texts)}
    leader_source: dict[str, str | None] = {}
    for surname in LEADERS:
        mine = [r for r in rows if leader_mention(r.mention, surname)]
        counts = Counter(r.name for r in mine)
        top, top_count = counts.most_common(1)[0] if counts else (None, 0)
        leader_source[surname] = top
        out[f"leader {surname}"] = (top_count, len(mine), top, len(counts))
    for role, surname in ROLES.items():
        full = f"{LEADERS[surname]} {surname}"
        by_article: dict[int, list[str | None]] = defaultdict(list)
        for r in rows:
            mention = (r.mention or "").strip().lower()
            if re.fullmatch(rf"(?:the )?{role}(?:'s)?", mention) and full in texts.get(r.article_id, ""):
                by_article[r.article_id].append(r.name)
        right = sum(all(n == leader_source[surname] for n in names) for names in by_article.values())
        statements_right = sum(n == leader_source[surname] for names in by_article.values() for n in names)
        out[f"role {role}"] = (right, len(by_article), statements_right, sum(map(len, by_article.values())))
    pronoun = [r for r in rows if r.name and _pronoun_named(r.name)]
    out["pronoun sources"] = (len(pronoun), len(rows))
    groups = Counter((r.article_id, r.source_id, (r.content or "").strip()) for r in rows)
    excess = sum(c - 1 for c in groups.values() if c > 1)
    in_groups = sum(c for c in groups.values() if c > 1)
    out["duplicates"] = (excess, in_groups, sum(1 for c in groups.values() if c > 1), len(rows))
    out["short contents"] = sum(len((r.content or "").strip()) < 12 for r in rows)
    return out


def report(out: dict[str, Any]) -> None:
    total = out["statements"]
    print(f"{out['articles']} articles, {total} statements")
    for surname in LEADERS:
        top_count, n, top, sources = out[f"leader {surname}"]
        share = top_count / n if n else 0.0
        print(f"leader {surname}: {top_count}/{n} = {share:.1%} of his name/surname/Mr mentions under {top!r} ({sources} sources)")
    for role, surname in ROLES.items():
        right, n, s_right, s_n = out[f"role {role}"]
        print(f"'the {role}' -> {surname}: {right}/{n} articles = {right / n if n else 0:.1%} ({s_right}/{s_n} statements)")
    pronoun, n = out["pronoun sources"]
    print(f"pronoun-named sources: {pronoun}/{n} = {pronoun / n if n else 0:.2%} of statements")
    excess, in_groups, groups, n = out["duplicates"]
    print(f"duplicate statements: {excess}/{n} = {excess / n if n else 0:.2%} repeat an earlier row "
          f"({in_groups} rows in {groups} groups of same article, source, content)")
    print(f"contents under 12 characters: {out['short contents']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="an already-scored database to read instead of scoring")
    parser.add_argument("--limit", type=int, default=150, help="politics records to score")
    parser.add_argument("--model", help="a trained model folder (default: the packaged model)")
    args = parser.parse_args()
    if args.db is not None:
        report(figures(args.db))
        return
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bbc.db"
        score(politics_records(args.limit), db, args.model)
        report(figures(db))


if __name__ == "__main__":
    main()
