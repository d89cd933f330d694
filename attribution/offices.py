"""Who held an office when: "the GOP nominee" in a May 2016 article is Donald Trump.

World knowledge a reader brings to a source that is only an office. The terms and every word list are data
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
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "office_holders.json"


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


@dataclass(frozen=True)
class _Knowledge:
    by_phrase: dict[str, list[Term]]
    complete: dict[str, bool]  # phrase -> whether every office it may mean lists all its holders
    of_places: dict[str, tuple[str, ...]]  # office -> its own country as written after "of"
    determiners: frozenset[str]
    past_words: frozenset[str]
    ignored: frozenset[str]
    replacements: dict[str, str]
    suffixes: frozenset[str]


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    link_words = json.loads((DATA.parent / "link_words.json").read_text(encoding="utf-8"))
    data["past_holder_words"] = link_words["past_holder_words"]  # one list for "former", "ex-", "onetime" ...
    return data


@cache
def _knowledge() -> _Knowledge:
    data = _data()
    by_phrase: dict[str, list[Term]] = {}
    complete: dict[str, bool] = {}
    for office in data["offices"]:
        terms = [
            Term(office["office"], term["holder"], date.fromisoformat(term["from"]), date.fromisoformat(term["to"]) if "to" in term else None)
            for term in office["terms"]
        ]
        for phrase in office["phrases"]:  # written naturally in the data; looked up as a mention is normalised
            by_phrase.setdefault(_normalised(phrase).phrase, []).extend(terms)
            key = _normalised(phrase).phrase
            complete[key] = complete.get(key, True) and bool(office.get("complete", False))
    return _Knowledge(
        by_phrase, complete, {office["office"]: tuple(office["of_places"]) for office in data["offices"]},
        frozenset(data["determiners"]), frozenset(data["past_holder_words"]), frozenset(data["ignored_words"]),
        dict(data["replacements"]), frozenset(data["name_suffixes"]),
    )


def office_mention(text: str) -> OfficeMention | None:
    """The office a mention consists of, if that is all it is: "The Republican presidential front-runner", "the GOP's
    nominee", "outgoing U.N. chief", "the former House Speaker"; ``None`` for anything with a name or other words in
    it, and for an indefinite one ("a president said": someone new)."""
    mention = _normalised(text)
    return mention if mention.phrase and mention.phrase in _knowledge().by_phrase else None


def gives_office(role: str, office: OfficeMention) -> bool:
    """Whether a title the article gives someone is that office, however qualified: "Israeli Prime Minister"
    gives "prime minister", "Former President" gives "former president"; "Vice President" does not give
    "president", nor "former President" "president"."""
    title = _normalised(role)
    known = _knowledge().by_phrase
    if title.former != office.former or (title.phrase in known and title.phrase != office.phrase):
        return False
    return title.phrase == office.phrase or title.phrase.endswith(" " + office.phrase)


def other_holder_named(text: str, office: OfficeMention, terms: list[Term]) -> bool:
    """Whether the article speaks of the office in another country: "Enrique Pena Nieto, the president of
    Mexico"; "the president of the United States" is the office itself."""
    own = {place for term in terms for place in _knowledge().of_places[term.office]}
    words = office.phrase.split()
    pattern = r"\b" + r"\s+".join(map(re.escape, words)) + r"\s+of\s+(?P<place>(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)"
    return any(match.group("place") not in own for match in re.finditer(pattern, text, re.IGNORECASE))


def _normalised(text: str) -> OfficeMention:
    """Lower case; a definite determiner, the ignored words and possessive endings dropped; replacements made.
    An empty phrase for an indefinite mention."""
    data = _data()  # not _knowledge(): that one normalises the data's own phrases with this
    words = re.findall(r"[\w.'\u2019-]+", text.lower().replace("\u2019", "'"))
    if not words or words[0] in data["indefinite_determiners"]:
        return OfficeMention("", False)  # "a president said": someone new
    if words[0] in data["determiners"]:
        words = words[1:]
    past = [w for w in data["past_holder_words"] if w.endswith("-")]  # "ex-president" is one word
    former = bool(words) and words[0] in data["past_holder_words"]
    if former:
        words = words[1:]
    elif words and any(words[0].startswith(prefix) and len(words[0]) > len(prefix) for prefix in past):
        former, words = True, [words[0].split("-", 1)[1], *words[1:]]
    ignored, replacements = set(data["ignored_words"]), data["replacements"]
    kept: list[str] = []
    for word in words:
        word = word.removesuffix("'s").removesuffix("'")
        if word not in ignored:
            kept.extend(replacements.get(word, word).split())
    return OfficeMention(" ".join(kept), former)


def holders(mention: OfficeMention, published: str | None) -> list[Term]:
    """The terms a mention may mean: on the article's date, the holders then in office (a former holder: those
    whose term had ended, less anyone holding the office that day); without a date, every term."""
    terms = _knowledge().by_phrase[mention.phrase]
    day = _day(published)
    if day is None:
        return [t for t in terms if t.end is not None] if mention.former else list(terms)
    if not mention.former:
        return [t for t in terms if t.start <= day and (t.end is None or day < t.end)]
    serving = {t.holder for t in terms if t.start <= day and (t.end is None or day < t.end)}
    return [t for t in terms if t.end is not None and t.end <= day and t.holder not in serving]


def complete(mention: OfficeMention) -> bool:
    """Whether every office a mention may mean lists all its holders (``"complete": true`` in the data), so that
    someone not listed on a day did not hold it then."""
    return _knowledge().complete.get(mention.phrase, False)


def all_holders(mention: OfficeMention) -> list[Term]:
    """Every term of the office a mention names, whatever the date."""
    return list(_knowledge().by_phrase[mention.phrase])


def same_person(name: str, holder: str) -> bool:
    """An article's name for a holder: the same surname, and the same initial where both give a first name
    ("Joseph R. Biden Jr." = "Joe Biden"; "Bill Clinton" is not "Hillary Clinton")."""
    suffixes = _knowledge().suffixes
    a = [w for w in name.replace("\u2019", "'").split() if w.lower() not in suffixes]
    b = [w for w in holder.split() if w.lower() not in suffixes]
    if not a or not b or a[-1].lower() != b[-1].lower():
        return False
    return len(a) == 1 or len(b) == 1 or a[0][0].lower() == b[0][0].lower()


def closeness(name: str, holder: str) -> tuple[bool, bool, int]:
    """How well an article's name fits a holder, to choose among several that ``same_person`` accepts: the very
    name first, then one with the same generation suffix ("Donald Trump", not "Donald Trump Jr."), then the fullest."""
    suffixes = _knowledge().suffixes

    def suffix_of(text: str) -> list[str]:
        return [w.lower().rstrip(".") for w in text.split() if w.lower() in suffixes]

    return name == holder, suffix_of(name) == suffix_of(holder), len(name.split())


def _day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None
