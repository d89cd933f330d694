"""Read published fact-checks: schema.org ClaimReview JSON-LD, the Google Fact Check Tools API
response, and plain JSONL or TSV lists (which also read the CheckThat! ``verified_claims.docs.tsv``).

Each reader yields a :class:`FactCheckRecord` per review, or a :class:`RecordFailure` naming
``file:record`` and the reason, so one bad record never stops the others.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from attribution.errors import InputError

csv.field_size_limit(10_000_000)


class FactCheckFormat(str, Enum):
    auto = "auto"
    claimreview = "claimreview"  # schema.org JSON-LD: one object, a list, @graph, or a Data Commons DataFeed
    google = "google"  # Fact Check Tools API: {"claims": [{"text", "claimReview": [...]}]}
    jsonl = "jsonl"
    tsv = "tsv"


@dataclass(frozen=True)
class FactCheckRecord:
    published_id: str
    claim: str
    title: str | None = None
    url: str | None = None
    rating: str | None = None
    review_date: str | None = None
    author: str | None = None  # the fact-checker
    author_url: str | None = None
    claimant: str | None = None
    claim_date: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class RecordFailure:
    where: str  # file:record
    reason: str

    def line(self) -> str:
        return f"{self.where}: {self.reason}"


Parsed = Iterator[FactCheckRecord | RecordFailure]

# Column names of plain lists, and the names other lists use for them (CheckThat!: "", vclaim).
COLUMN_ALIASES = {
    "id": ("id", "vclaim_id", "", "claim_id"),
    "claim": ("claim", "vclaim", "text", "claimreviewed"),
    "title": ("title", "headline"),
    "url": ("url",),
    "rating": ("rating", "verdict", "textualrating"),
    "date": ("date", "review_date", "reviewdate"),
    "author": ("author", "publisher", "fact_checker"),
}


def _text(value: Any) -> str | None:
    """A scalar as stripped text; names of nested things (``{"name": ...}``) as their name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _types(node: dict) -> set[str]:
    kind = node.get("@type", [])
    return {str(k).removeprefix("schema:").removeprefix("http://schema.org/").removeprefix("https://schema.org/") for k in (kind if isinstance(kind, list) else [kind])}


def _claim_reviews(node: Any) -> Iterator[dict]:
    """Every ClaimReview object, at any depth: a list, ``@graph``, DataFeed ``dataFeedElement[].item``."""
    if isinstance(node, list):
        for item in node:
            yield from _claim_reviews(item)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            yield node
            return
        for key in ("@graph", "dataFeedElement", "item", "mainEntity", "hasPart"):
            if key in node:
                yield from _claim_reviews(node[key])


def from_claimreview(review: dict) -> FactCheckRecord:
    """One schema.org ClaimReview; raises ValueError naming what is missing."""
    claim = _text(review.get("claimReviewed"))
    item = _mapping(review.get("itemReviewed"))
    if claim is None:
        claim = _text(item.get("text")) or _text(item.get("name"))
    if claim is None:
        raise ValueError("no claimReviewed text")
    published_id = _text(review.get("@id")) or _text(review.get("url"))
    if published_id is None:
        raise ValueError("no @id or url to identify the review")
    rating = _mapping(review.get("reviewRating"))
    verdict = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if verdict is None and rating.get("ratingValue") is not None:
        best = rating.get("bestRating")
        verdict = f"{rating['ratingValue']}/{best}" if best is not None else str(rating["ratingValue"])
    author = review.get("author") or review.get("publisher")
    author = author[0] if isinstance(author, list) and author else author
    return FactCheckRecord(
        published_id=published_id,
        claim=claim,
        title=_text(review.get("headline")) or _text(review.get("name")),
        url=_text(review.get("url")),
        rating=verdict,
        review_date=_text(review.get("datePublished")),
        author=_text(author),
        author_url=_text(author.get("url")) if isinstance(author, dict) else None,
        claimant=_text(item.get("author")),
        claim_date=_text(item.get("datePublished")),
        language=_text(review.get("inLanguage")),
    )


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc


def read_claimreview(path: Path) -> Parsed:
    reviews = list(_claim_reviews(_load_json(path)))
    if not reviews:
        raise InputError(f"{path}: no ClaimReview object found (expected @type ClaimReview, a list, @graph or a DataFeed)")
    for number, review in enumerate(reviews, start=1):
        try:
            yield from_claimreview(review)
        except ValueError as exc:
            yield RecordFailure(f"{path}:{number}", str(exc))


def read_google(path: Path) -> Parsed:
    """The Fact Check Tools API ``claims:search`` response: each claim's reviews, one record each."""
    data = _load_json(path)
    claims = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(claims, list):
        raise InputError(f"{path}: no \"claims\" list (expected a Fact Check Tools API response)")
    for i, claim in enumerate(claims):
        where = f"{path}:claims[{i}]"
        if not isinstance(claim, dict) or not _text(claim.get("text")):
            yield RecordFailure(where, "claim has no text")
            continue
        reviews = claim.get("claimReview")
        if not isinstance(reviews, list) or not reviews:
            yield RecordFailure(where, "claim has no claimReview")
            continue
        for j, review in enumerate(reviews):
            if not isinstance(review, dict) or not _text(review.get("url")):
                yield RecordFailure(f"{where}.claimReview[{j}]", "review has no url")
                continue
            publisher = _mapping(review.get("publisher"))
            site = _text(publisher.get("site"))
            yield FactCheckRecord(
                published_id=str(review["url"]).strip(),
                claim=str(claim["text"]).strip(),
                title=_text(review.get("title")),
                url=_text(review.get("url")),
                rating=_text(review.get("textualRating")),
                review_date=_text(review.get("reviewDate")),
                author=_text(publisher.get("name")) or site,
                author_url=(site if site is None or "://" in site else f"https://{site}"),
                claimant=_text(claim.get("claimant")),
                claim_date=_text(claim.get("claimDate")),
                language=_text(review.get("languageCode")),
            )


def from_row(row: dict[str, Any]) -> FactCheckRecord:
    """A plain record with the columns of ``COLUMN_ALIASES`` (others ignored); raises ValueError."""
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    value = {name: next((_text(lowered[a]) for a in aliases if a in lowered and _text(lowered[a])), None) for name, aliases in COLUMN_ALIASES.items()}
    if value["id"] is None:
        raise ValueError("no id")
    if value["claim"] is None:
        raise ValueError("no claim text")
    return FactCheckRecord(
        published_id=value["id"], claim=value["claim"], title=value["title"], url=value["url"],
        rating=value["rating"], review_date=value["date"], author=value["author"],
    )


def read_jsonl(path: Path) -> Parsed:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield from_row(row) if isinstance(row, dict) else RecordFailure(f"{path}:{number}", "not a JSON object")
        except json.JSONDecodeError as exc:
            yield RecordFailure(f"{path}:{number}", f"not valid JSON ({exc.msg})")
        except ValueError as exc:
            yield RecordFailure(f"{path}:{number}", str(exc))


def read_tsv(path: Path) -> Parsed:
    """Tab-separated with a header line; quoted fields as Python's csv reads them."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    if not rows:
        raise InputError(f"{path}: empty file")
    header = rows[0]
    if not any(h.strip().lower() in COLUMN_ALIASES["claim"] for h in header):
        raise InputError(f"{path}: the header line must name the columns (id, claim, title, url, rating, date, author)")
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield RecordFailure(f"{path}:{number}", f"{len(row)} columns, the header has {len(header)}")
            continue
        try:
            yield from_row(dict(zip(header, row)))
        except ValueError as exc:
            yield RecordFailure(f"{path}:{number}", str(exc))


READERS = {
    FactCheckFormat.claimreview: read_claimreview,
    FactCheckFormat.google: read_google,
    FactCheckFormat.jsonl: read_jsonl,
    FactCheckFormat.tsv: read_tsv,
}


def detect_format(path: Path) -> FactCheckFormat:
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".tab"):
        return FactCheckFormat.tsv
    if suffix in (".jsonl", ".ndjson"):
        return FactCheckFormat.jsonl
    if suffix in (".json", ".jsonld"):
        data = _load_json(path)
        return FactCheckFormat.google if isinstance(data, dict) and "claims" in data else FactCheckFormat.claimreview
    raise InputError(f"{path}: cannot tell the format from the name; pass --format claimreview, google, jsonl or tsv")


def read_fact_checks(path: Path, fmt: FactCheckFormat = FactCheckFormat.auto) -> Parsed:
    """Every record of ``path``; a file that cannot be read at all is an ``InputError``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == FactCheckFormat.auto:
        fmt = detect_format(path)
    return READERS[fmt](path)
