"""Who held an office when: "the GOP nominee" in a May 2016 article is Donald Trump.

World knowledge a reader brings to a source that is only an office. The terms are data
(``attribution/data/office_holders.json``); this module only reads them. ``attribution.link`` asks it which holders
a mention may mean and keeps one only where the article itself names that holder (and no one else who held it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "office_holders.json"
_LEADING = ("the", "a", "an", "this", "that")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


@dataclass(frozen=True)
class Term:
    office: str
    holder: str
    start: date
    end: date | None  # exclusive; None while the term runs


@dataclass(frozen=True)
class OfficeMention:
    phrase: str  # the office as normalised: "republican nominee"
    former: bool  # "the former House Speaker": a past holder


@cache
def _knowledge() -> tuple[dict[str, list[Term]], frozenset[str], dict[str, str]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    by_phrase: dict[str, list[Term]] = {}
    for office in data["offices"]:
        terms = [
            Term(office["office"], term["holder"], date.fromisoformat(term["from"]), date.fromisoformat(term["to"]) if "to" in term else None)
            for term in office["terms"]
        ]
        for phrase in office["phrases"]:
            by_phrase.setdefault(phrase, []).extend(terms)
    return by_phrase, frozenset(data["ignored_words"]), dict(data["replacements"])


def office_mention(text: str) -> OfficeMention | None:
    """The office a mention consists of, if that is all it is: "The Republican presidential front-runner",
    "outgoing U.N. chief", "the former House Speaker"; ``None`` for anything with a name or other words in it."""
    mention = _normalised(text)
    return mention if mention.phrase in _knowledge()[0] else None


def gives_office(role: str, office: OfficeMention) -> bool:
    """Whether a title the article gives someone is that office, however qualified: "Israeli Prime Minister"
    gives "prime minister"; "Vice President" and "former President" do not give "president"."""
    title = _normalised(role)
    if title.former or title.phrase in _knowledge()[0] and title.phrase != office.phrase:
        return False
    return title.phrase == office.phrase or title.phrase.endswith(" " + office.phrase)


def _normalised(text: str) -> OfficeMention:
    _, ignored, replacements = _knowledge()
    words = [re.sub(r"['\u2019]s$", "", w) if w in ("america's", "nation's", "country's", "britain's", "party's") else w
             for w in re.findall(r"[\w.'\u2019-]+", text.lower().replace("\u2019", "'"))]
    while words and words[0] in _LEADING:
        words = words[1:]
    former = bool(words) and words[0] in ("former", "ex-")
    if former:
        words = words[1:]
    kept: list[str] = []
    for word in words:
        if word in ignored or word.rstrip("'s") in ignored or word.replace("'s", "") in ignored:
            continue
        kept.extend(replacements.get(word, word).split())
    return OfficeMention(" ".join(kept), former)


def holders(mention: OfficeMention, published: str | None) -> list[Term]:
    """The terms a mention may mean: on the article's date, the holders then in office (a former holder: those
    whose term had ended); without a date, every term."""
    terms = _knowledge()[0][mention.phrase]
    day = _day(published)
    if day is None:
        return [t for t in terms if t.end is not None] if mention.former else list(terms)
    if mention.former:
        return [t for t in terms if t.end is not None and t.end <= day]
    return [t for t in terms if t.start <= day and (t.end is None or day < t.end)]


def all_holders(mention: OfficeMention) -> list[Term]:
    return list(_knowledge()[0][mention.phrase])


def same_person(name: str, holder: str) -> bool:
    """An article's name for a holder: the same surname, and the same initial where both give a first name
    ("Joseph R. Biden Jr." = "Joe Biden"; "Bill Clinton" is not "Hillary Clinton")."""
    a = [w for w in name.replace("\u2019", "'").split() if w.lower() not in _SUFFIXES]
    b = [w for w in holder.split() if w.lower() not in _SUFFIXES]
    if not a or not b or a[-1].lower() != b[-1].lower():
        return False
    return len(a) == 1 or len(b) == 1 or a[0][0].lower() == b[0][0].lower()


def _day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None
