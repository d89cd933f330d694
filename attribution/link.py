"""Resolve source mentions to canonical sources inside one article.

Pure functions over an ``ArticleResult``: each attribution gets ``entity``,
``entity_type``, ``role``, ``affiliation``, ``vague``, ``via`` and how it was
resolved (``named``, ``alias``, ``pronoun``, ``description``, ``continuation``,
``unresolved``).  Matching across articles happens when storing (``store.py``).
"""

from __future__ import annotations

import bisect
import calendar
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from attribution import offices
from attribution.ingest import repair, repair_with_offsets
from attribution.results import QUOTATION_MARKS, ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import ABBREVIATIONS, OPENERS_AFTER_ABBREVIATION, SENTENCE_STARTS

DATA = Path(__file__).resolve().parent / "data"


def _data(name: str) -> Any:
    """A word list shipped with the package (``attribution/data``)."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


_LINK_WORDS = _data("link_words.json")
_ROLES = _data("roles.json")
_FIRST_NAMES = _data("first_names.json")
_DESCRIPTORS = _data("descriptors.json")
LEADING_DESCRIPTORS = frozenset(_DESCRIPTORS["leading_descriptors"])  # "Striker Thierry Henry", "Farmer Geoff Brooks"
SPEECH_NOUNS = frozenset(_DESCRIPTORS["speech_nouns"])  # "Mr Crosby's statement said": Crosby said
NAME_CONNECTORS = frozenset(_DESCRIPTORS["name_connectors"])  # "World Travel and Tourism Council" is one name
NAME_TAIL_OPENERS = frozenset(_DESCRIPTORS["name_tail_openers"])  # "Abdullatif Sener earlier this month"
LEAD_ADJECTIVES = frozenset(_DESCRIPTORS["lead_adjectives"])  # "Defiant Matt Williams"
OFFICE_TAIL_ROLES = frozenset(_LINK_WORDS["office_tail_roles"]["roles"])  # "Dr Mike Watts head of exploration"
PLACE_OWNERS = frozenset(_DESCRIPTORS["place_owners"])  # "the world's largest retailer"
OTHER_QUANTIFIERS = frozenset(_DESCRIPTORS["other_quantifiers"])  # "Other agencies": nobody named
ORGANISATION_DESCRIPTORS = frozenset(_DESCRIPTORS["organisation_descriptors"])  # "agrochemical giant Monsanto"
MEDIA_DESCRIPTORS = frozenset(_DESCRIPTORS["media_descriptors"])  # "News agency Associated Press", "Reuters news agency"
BODY_DESCRIPTORS = ORGANISATION_DESCRIPTORS | frozenset(_DESCRIPTORS["more_organisation_descriptors"]) | {
    w for w in MEDIA_DESCRIPTORS if " " not in w}
UNNAMED_PLURALS = frozenset(_DESCRIPTORS["unnamed_plurals"])  # "Reports said", "Governments have pledged"
SEAT_PREPOSITIONS = frozenset(_DESCRIPTORS["seat_prepositions"])  # "The MP for Sittingbourne and Sheppey"
PARTY_QUALIFIERS: dict[str, str] = _DESCRIPTORS["party_qualifiers"]  # "the GOP nominee" is the Republican one
QUALIFIER_FILLERS = frozenset(_DESCRIPTORS["qualifier_fillers"])  # "Republican presidential nominee Donald Trump"
_AGE = re.compile(r"^\d+-year-old$")  # "the 25-year-old": a person, whoever the article is about
# "Arts minister Estelle Morris of the findings": a full name, then what she spoke of
_SPOKEN_OF = re.compile(r"([A-Z][\w'\u2019-]+\s+[A-Z][\w'\u2019-]+)\s+of\s+(?:" + "|".join(_DESCRIPTORS["topic_determiners"]) + r")\s+[a-z][a-z\s-]*$")
# "Mervyn Davies at a London press (conference)": where, not who
_SCENE = re.compile(r"(?<=[A-Za-z])\s+(?:" + "|".join(_DESCRIPTORS["scene_prepositions"]) + r")\s+(?:a|an)\s+[^,]*$")
# Public offices with one holder at a time ("the chancellor"): named only on evidence, never by recency.
OFFICES = frozenset(_ROLES["offices"])
ROLE_SYNONYMS: dict[str, str] = _ROLES["role_synonyms"]
QUANTIFIERS = frozenset(_ROLES["quantifiers"])
NAME_OPENERS = frozenset(_ROLES["sentence_openers"])
WEEKDAYS = frozenset(_ROLES["weekdays"])
PREPOSITIONS = frozenset(_ROLES["prepositions"])
PARTIES = frozenset(_ROLES["parties"])
PARTY_NAMES: dict[str, str] = _ROLES["party_names"]  # "the Tories", "Conservatives" -> "Conservative Party"
PARTY_WORDS_NAMED: dict[str, str] = _ROLES["party_words"]  # "Tory leader" names the Conservative Party
PUBLICATION_HEADS = frozenset(_LINK_WORDS["publication_heads"])
HE_OPENERS = frozenset(_LINK_WORDS["pronoun_openers"]["he"])  # "But he ...": still the sentence's opening pronoun
THEY_OPENERS = frozenset(_LINK_WORDS["pronoun_openers"]["they"])
_PARTY_WORD = re.compile(  # as a name is written: "Tory", "Lib Dem"; short ones also in capitals ("GOP", "UKIP")
    r"\b(?:" + "|".join(sorted({re.escape(f) for w in PARTY_WORDS_NAMED for f in (w.title(), w.upper() if len(w) <= 4 else w.title())}, key=len, reverse=True)) + r")\b"
)
PARTY_HEAD = "party"
SPOUSE_WORDS = frozenset(_LINK_WORDS["spouse_words"])  # "her husband": the other person of her surname
CAMPAIGN_STAFF = frozenset(_LINK_WORDS["campaign_staff"])  # "her advisers": her campaign, where the article has one
CAMPAIGN_STAFF_ONE = frozenset(_LINK_WORDS["campaign_staff_singular"])  # "a top Sanders adviser": his campaign, the same
ANY_CAMPAIGN_STAFF = CAMPAIGN_STAFF | CAMPAIGN_STAFF_ONE
BODY_NAMED_BEFORE = 1  # sentences after a one-word name in which "the company" shows the name is a body
_CALLED_A_BODY = re.compile(r"\b[Tt]he\s+(?:" + "|".join(_LINK_WORDS["body_callings"]) + r")\b")
PARTY_REACH = 3  # sentences back in which "the party" looks for the party named
PARTY_WORDS = frozenset({p for p in PARTIES if " " not in p} | set(_LINK_WORDS["party_plurals"]))  # one-word party names
ROLE_MODIFIERS = frozenset(_ROLES["role_modifiers"])
POSTNOMINALS = frozenset(_ROLES["postnominals"])
NATIONALITIES = frozenset(_ROLES["nationalities"])
PARTY_ADJECTIVES = frozenset(_ROLES["party_adjectives"])

PRONOUNS = dict(_LINK_WORDS["pronouns"])
DOTTED_TITLES = frozenset(_LINK_WORDS["dotted_titles"])  # "Sen.", "Gov.": abbreviated titles before a name
HONORIFICS = set(_LINK_WORDS["honorifics"])
# Words that make a name a job title ("spokesperson John Kirby"); lower-cased, full stops removed.
ROLE_WORDS = set(_LINK_WORDS["role_words"])
GROUP_NOUNS = set(_LINK_WORDS["group_nouns"])
GROUP_NOUNS |= set(_ROLES["group_nouns"])
ROLE_WORDS |= set(_ROLES["role_words"])
VAGUE_SINGULAR = set(_LINK_WORDS["vague_singular"]) | set(_ROLES["vague_singular"])
GO_BETWEEN_HEADS = frozenset(_LINK_WORDS["go_between_heads"])
ISSUED_DOCUMENTS = frozenset(_LINK_WORDS["issued_documents"])
# The short word lists single rules read (see the keys' names in link_words.json).
ANONYMOUS_PHRASE_WORDS = frozenset(_LINK_WORDS["anonymous_phrase_words"])  # "Many of them", "Other"
QUANTIFIERS_BEFORE_PREPOSITION = frozenset(_LINK_WORDS["quantifiers_before_preposition"])  # "Few in Westminster"
QUANTIFIER_PREPOSITIONS = frozenset(_LINK_WORDS["quantifier_prepositions"])
GROUP_PREPOSITIONS = frozenset(_LINK_WORDS["group_prepositions"])  # "health officials in Powys"
VAGUE_MODIFIERS = frozenset(_LINK_WORDS["vague_modifiers"])  # "senior official"
ANONYMOUS_WORDS = frozenset(_LINK_WORDS["anonymous_words"])
PLACE_PREPOSITIONS = frozenset(_LINK_WORDS["place_prepositions"])
AFFILIATION_PREPOSITIONS = frozenset(_LINK_WORDS["affiliation_prepositions"])  # "Hannah Ward of the Refugee Council"
PEERAGE_TITLES = frozenset(_LINK_WORDS["peerage_titles"])  # "Sir Howard", "Lord Woolf"
PEER_TITLES = frozenset(_LINK_WORDS["peer_titles"])  # kept in a role ("Lord Chancellor")
KNIGHT_TITLES = frozenset(_LINK_WORDS["knight_titles"])  # "Sir Howard" is a first name
KNIGHT_TITLE_WORDS = frozenset(w.capitalize() for w in KNIGHT_TITLES)  # as written before a name
ARTICLES = tuple(_LINK_WORDS["articles"])  # "the", "a", "an", in the order they are stripped
REPORT_NOUNS = frozenset(_LINK_WORDS["report_nouns"])  # "a Times story"
APPOSITIVE_HEADS = frozenset(_LINK_WORDS["appositive_heads"])
INITIALS_SKIPPED = frozenset(_LINK_WORDS["initials_skipped"])  # "International Monetary Fund" -> "IMF"
RELATIVE_PRONOUNS = frozenset(_LINK_WORDS["relative_pronouns"])
DEMONSTRATIVES = frozenset(_LINK_WORDS["demonstratives"])  # "those who ..."
UNNAMED_SOURCE_HEADS = frozenset(_LINK_WORDS["unnamed_source_heads"])  # "these officials" may be "unnamed sources"
AFTER_DEMONSTRATIVES = frozenset(_LINK_WORDS["after_demonstratives"])
GOVERNMENT_HEADS = frozenset(_LINK_WORDS["government_heads"])  # "the government" is the government
OWN_VOICE_POSSESSIVES = frozenset(_LINK_WORDS["own_voice_possessives"])  # "our correspondent"
REPORTER_HEADS = frozenset(_LINK_WORDS["reporter_heads"])
HONORIFIC_GENDER: dict[str, str] = _LINK_WORDS["honorific_gender"]  # "Mrs" says female
PRONOUN_GENDER: dict[str, str] = _LINK_WORDS["pronoun_gender"]  # "she" says female
MEDIA_WORDS = set(_LINK_WORDS["media_words"])
# Words that make a capitalised name a news outlet ("The Daily Ledger", "Korea Central News Agency").
MEDIA_NAMES = set(_LINK_WORDS["media_names"])
GOVERNMENT_WORDS = set(_LINK_WORDS["government_words"])
# Any of these anywhere in a name makes it a public body ("Department of Veterans Affairs").
GOVERNMENT_NAME_WORDS = set(_LINK_WORDS["government_name_words"])
DOCUMENT_WORDS = set(_LINK_WORDS["document_words"])
ORGANIZATION_WORDS = set(_LINK_WORDS["organization_words"])
ORGANIZATION_WORDS |= set(_ROLES["organization_words"])
DOCUMENT_WORDS |= set(_ROLES["document_words"])
MEDIA_NAMES |= set(_ROLES["media_words"])
DESCRIPTION_HEADS = dict(_LINK_WORDS["description_heads"])
DEMONYMS = dict(_LINK_WORDS["demonyms"])
KNOWN_INSTITUTIONS = tuple(_LINK_WORDS["known_institutions"])
OUTLET_ALIASES = dict(_LINK_WORDS["outlet_aliases"])
REPORT_WORDS = set(_LINK_WORDS["report_words"])
COUNTRIES = set(_LINK_WORDS["countries"])
CITIES = set(_LINK_WORDS["cities"])
US_STATES = set(_LINK_WORDS["us_states"])
PLACES = COUNTRIES | CITIES | US_STATES


def place_kind(name: str) -> str | None:
    """country, city or state, for a place name."""
    lower = name.lower().removeprefix("the ")
    if lower in CITIES:
        return "city"
    if lower in US_STATES:
        return "state"
    return "country" if lower in COUNTRIES else None
DEFINITE_DETERMINERS = set(_LINK_WORDS["definite_determiners"])
DETERMINERS = set(_LINK_WORDS["determiners"])
INDEFINITE_ARTICLES = frozenset(_LINK_WORDS["indefinite_articles"])
_QUOTE_OR_PUNCT = " \t\n,.:;!?\"'\u201c\u201d\u2018\u2019()[]\u2014-"
_NESTED_REPORT = re.compile(
    r"^(?P<outlet>.+?)\s+(?:" + "|".join(_LINK_WORDS["report_pieces"]) + r")?\s*(?:" + "|".join(_LINK_WORDS["citing_verbs"]) + r")\s+(?P<source>.+)$", re.IGNORECASE
)
_POSSESSOR = re.compile(r"^((?:" + "|".join(_LINK_WORDS["possessor_determiners"]) + r")\s+[\w-]+)['\u2019]s\s+\S", re.IGNORECASE)
_LISTED = re.compile(r"\b(?:" + "|".join(_LINK_WORDS["listing_words"]) + r")\s+(.+)$")
_CITING = re.compile(
    r"\b(?:" + "|".join(_LINK_WORDS["citing_verbs"]) + r")\s+(?P<mention>(?:" + "|".join(_LINK_WORDS["cited_openers"]) + r")?\s*"
    r"[\w\s.\u2019'-]{2,60}?)(?=[,.;]|$)",
    re.IGNORECASE,
)


@dataclass
class Entity:
    name: str
    type: str
    vague: bool = False
    role: str | None = None
    affiliation: str | None = None
    via: str | None = None  # the outlet a nested mention was reported through
    members: str | None = None  # for a "group" of named referents: the type of its members
    place: str | None = None  # country, state or city: "the state" may mean it, "the agency" may not


def clean_mention(text: str) -> str:
    text = text.strip(_QUOTE_OR_PUNCT)
    text = re.sub(r"[\u2019']s$", "", text)  # "Kirby's" -> "Kirby"
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w.\u2019'&-]+", text)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def classify(name: str, role: str | None = None) -> tuple[str, bool]:
    """(type, vague) of a canonical name."""
    lower = name.lower()
    words_lower = lower.split()
    if all(w in QUANTIFIERS | ANONYMOUS_PHRASE_WORDS for w in words_lower) or (
        len(words_lower) > 1 and words_lower[0] in QUANTIFIERS | QUANTIFIERS_BEFORE_PREPOSITION and words_lower[1] in QUANTIFIER_PREPOSITIONS
    ):
        return "anonymous", True  # "Some", "Other", "Many of them", "Few in Westminster": nobody named
    if lower.removeprefix("the ") in PARTIES:
        return "organization", False  # "Labour", "the Conservatives": a party speaks as an organisation
    if lower.removeprefix("the ") in PLACES:
        return "government", False  # "Russia did not discount ...": a country speaks through its government
    words = [w.strip(".").lower() for w in _words(name)]
    head = words[-1] if words else ""
    if lower in UNNAMED_PLURALS:
        return "anonymous", True
    if len(words) >= 2 and words[0] in OTHER_QUANTIFIERS and head.endswith("s") and head not in DOCUMENT_WORDS and not any(_is_capitalised(w) for w in name.split()[1:]):
        return "anonymous", True  # "Other agencies", "Some analysts": nobody named
    for i, word in enumerate(words[:-1]):  # "health officials in Powys", "MPs with rural seats": an unnamed group
        if word in GROUP_NOUNS and words[i + 1] in GROUP_PREPOSITIONS and not any(w in MEDIA_NAMES for w in words):
            return "anonymous", True
    if head in GROUP_NOUNS and not any(w in MEDIA_NAMES for w in words):
        return "anonymous", True
    if lower in OUTLET_ALIASES or any(w in MEDIA_NAMES for w in words):
        return "media", False
    possessed = any(w.endswith(("'s", "\u2019s")) for w in words[:-1])  # "Mr Blair's official spokesman"
    if head in GROUP_NOUNS or (head in VAGUE_SINGULAR and (not words or words[0] in DETERMINERS | VAGUE_MODIFIERS or possessed)):
        return "anonymous", True
    if any(w in ANONYMOUS_WORDS for w in words):
        return "anonymous", True
    if head in DOCUMENT_WORDS:
        return "document", False
    if any(g in lower for g in GOVERNMENT_WORDS if " " in g) or head in GOVERNMENT_WORDS or GOVERNMENT_NAME_WORDS & set(words):
        return "government", False
    if head in ORGANIZATION_WORDS:
        return "organization", False
    caps = [w for w in _words(name) if _is_capitalised(w)]
    if role or (2 <= len(caps) == len(words) <= 4):
        return "person", False
    if len(words) == 1 and caps:
        if name.isupper() and len(name) >= 2:
            return "organization", False  # "IMF", "NATO": an acronym names a body
        return "person", False  # a bare surname; store-time matching may merge it
    return "organization", False


def _is_role(word: str) -> bool:
    """A job title word, singular or plural ("Senator", "Senators")."""
    word = word.lower().strip(".")
    return word in ROLE_WORDS or (word.endswith("s") and word[:-1] in ROLE_WORDS)


def _affiliation(role: str) -> str | None:
    for institution in KNOWN_INSTITUTIONS:
        if role.startswith(institution):
            return institution
    lowered = role.lower()
    for demonym in sorted(DEMONYMS, key=len, reverse=True):
        if lowered.startswith(demonym + " "):
            return DEMONYMS[demonym]
    match = re.match(r"((?:[A-Z][\w.&\u2019'-]*\s?)+)", role)
    if not match:
        return None
    # "Former Conservative" -> Conservative; "Minister", "Shadow", "Ex-Home Secretary" name no body.
    words = [re.sub(r"(?i)^ex-|[\u2019']s$", "", w) for w in match.group(1).split()]
    kept = [w for w in words if w and not _is_role(w) and w.lower() not in ROLE_MODIFIERS]
    if len(kept) == 1 and kept[0].lower() in ARTICLES:  # "A spokesman for ...": a sentence's capital, no body
        return None
    return " ".join(kept) if kept else None


def normalize_role(text: str | None) -> str:
    """'The Tory leader' -> 'conservative leader': lower case, no determiner, one spelling per party and office."""
    if not text:
        return ""
    role = " ".join(re.sub(r"[\u2019']s\b", "", text).lower().replace(".", "").split())
    for determiner in ARTICLES:
        role = role.removeprefix(determiner + " ")
    for spelling in sorted(ROLE_SYNONYMS, key=len, reverse=True):
        role = re.sub(rf"\b{re.escape(spelling)}\b", ROLE_SYNONYMS[spelling], role)
    return role


_PLAIN_TITLES = set(_LINK_WORDS["plain_titles"])
# "energy analyst Orin Middleton of Barclays Capital", "Rafael Marques of the pro-democracy Soros Foundation"
_AT_BODY = re.compile(
    r"^(?P<described>(?:[A-Z][a-z][\w-]*\s(?=[a-z]))?(?:[a-z][\w-]*\s)*)"
    r"(?P<name>(?:[A-Z][\w'\u2019-]+\s(?:(?:" + "|".join(_LINK_WORDS["name_particles"]) + r")\s)*){1,3}[A-Z][\w'\u2019-]+)"
    r"\s+(?:of|at|from)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}(?P<body>[A-Z][^,]*)(?:,\s+(?:a|an|the)\s+[^,]*)?$"
)
_ROLE_AT_BODY = re.compile(
    r"^(?P<name>(?:[A-Z][\w.'\u2019-]*\s+){1,2}[A-Z][\w'\u2019-]+)\s+(?:[a-z][\w-]*\s+){1,5}(?:at|of|from|for)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}[A-Z].*$"
)
_PARTICIPLE_CLAUSE = re.compile(r",\s+(?:" + "|".join(_LINK_WORDS["participle_clauses"]["participles"]) + r")\s+by\b.*$", re.DOTALL)
_RELATIONAL = re.compile(
    r"\b(?:" + "|".join(_LINK_WORDS["relational_nouns"]["nouns"]) + r")\s+(?:" + "|".join(_LINK_WORDS["relational_nouns"]["prepositions"]) + r")\b"
)
_RELATIVE_CLAUSE = re.compile(r",?\s+(?:" + "|".join(_LINK_WORDS["relative_clause_words"]) + r")\b.*$", re.IGNORECASE | re.DOTALL)
SURNAME_TITLES = tuple(_LINK_WORDS["surname_titles"])  # written before a surname: "Mr Blair", "Dr. Fox"
_TITLED_SURNAME = re.compile(r"(?:" + "|".join(SURNAME_TITLES) + r")\.?\s+(?P<surname>[A-Z][\w'\u2019-]+)")
_MID_HONORIFIC = re.compile(r"\s(?=(?:" + "|".join(SURNAME_TITLES) + r")\.?\s+[A-Z])")
_TRAILING_CONJUNCTION = re.compile(r"\s+(?:" + "|".join(_LINK_WORDS["trailing_conjunctions"]) + r")$")
_ARTICLE_OPENING = re.compile(r"^(?:" + "|".join(_LINK_WORDS["articles"]) + r")\s+", re.IGNORECASE)
_BEFORE_BODY = re.compile(r"^.*?\b(?:" + "|".join(_LINK_WORDS["body_prepositions"]) + r")\s+(the\s+)?")
_PAIR = re.compile(r"^(?P<first>.+?)\s+and\s+(?P<second>.+)$")
# two people and the body both belong to: "A and B of the University of California, Berkeley"
_AFFILIATED_PAIR = re.compile(
    r"^(?P<names>[A-Z][^,]*?\s+and\s+[A-Z][^,]*?)\s+(?:of|at|from)\s+(?:the\s+)?(?P<body>[A-Z][^,]*(?:,\s+[A-Z][\w-]*)?)$"
)


def trim_name(text: str) -> str:
    """The name in a source span: no sentence opener ("Earlier Tony Blair"), no relative clause ("Mr Blair, who ..."),
    no unclosed bracket ("Confederation of British Industry (CBI") and nothing before a title or a first name
    inside it ("Tanzania Mr Brown", "EU Tony Blair")."""
    text = _RELATIVE_CLAUSE.sub("", text) or text
    text = _PARTICIPLE_CLAUSE.sub("", text) or text  # "The Open Society Institute, financed by George Soros"
    text = re.sub(r"\s+quoted\s+(?:in|by)\s+.*$", "", text) or text  # "a spokesman for the regulator quoted in China Daily"
    text = re.sub(r"\s+[-\u2013\u2014]\s+\S.*$", "", text) or text  # "Deutsche Bank - itself a target of a lawsuit", "the firm - China's biggest"
    text = re.sub(r"^[A-Z][\w]*-born\s+(?=[A-Z])", "", text) or text  # "Tunisian-born Abdellatif Kechiche"
    text = re.sub(r"\s*\([^)]*$", "", text) or text
    text = re.sub(r"\s+\([A-Z]{2,6}\)(?=$|,)", "", text) or text  # "The Open Society Institute (OSI)": its acronym
    text = _TRAILING_CONJUNCTION.sub("", text) or text  # "Tony Blair and" (the span stopped mid-pair)
    text = re.sub(r"^.*\s+but\s+(?=\S)", "", text) or text  # "A key election issue but critics": the clause after "but" speaks
    text = _SPOKEN_OF.sub(r"\1", text) or text  # "Estelle Morris of the findings"
    text = _SCENE.sub("", text) or text  # "Mervyn Davies at a London press"
    on_where = re.match(r"^((?:[A-Z][\w'\u2019-]+\s+){1,2}[A-Z][\w'\u2019-]+)\s+on\s+(?:the\s+)?[A-Z].*$", text)
    if on_where and on_where.group(1).split()[0].lower() in FIRST_NAMES:
        text = on_where.group(1)  # "Stella Papamichael on the BBC Movies site": where she wrote, not who
    on_when = re.match(r"^(.*\b[A-Z][\w'\u2019-]+\s+[A-Z][\w'\u2019-]+)\s+on\s+(?:arrival|his|her|their|its)\b.*$", text)
    if on_when and on_when.group(1).split()[-2].lower() in FIRST_NAMES:
        text = on_when.group(1)  # "Wallabies coach Eddie Jones on arrival back in Sydney"
    words = text.split(" ")
    if len(words) >= 3 and words[0] == words[-1] and _is_capitalised(words[0]):
        words = words[1:]  # "Ruddock Wales coach Mike Ruddock": a glued headline's last word is the surname
    if len(words) > 2 and words[-2].lower() == "on" and words[-1].lower().strip(".,") in WEEKDAYS:
        words = words[:-2]  # "the Electoral Commission on Thursday": when, not who
    while len(words) > 1 and (words[0].lower() in NAME_OPENERS or words[0].lower() in LEAD_ADJECTIVES) and _is_capitalised(words[1]):
        words = words[1:]  # "Earlier Tony Blair", "Defiant Matt Williams"
    stray = words[0].lower().strip(".") if words else ""
    if (
        len(words) == 3 and all(_is_capitalised(w) for w in words) and words[1].lower() in FIRST_NAMES
        and stray not in FIRST_NAMES | HONORIFICS and not _is_role(words[0])
        # a body, a place or a people, never what may be an unknown first name ("Shani Rhys James")
        and (words[0].isupper() or stray in PLACES or stray in NATIONALITIES or stray.rstrip("s") in GROUP_NOUNS | {"lord"} or stray in PARTIES)
    ):
        words = words[1:]  # "EU Tony Blair", "Lords Neil Kinnock": a stray word runs into the name
    if len(words) >= 3 and words[0].lower() in NATIONALITIES and all(_is_capitalised(w) for w in words[1:]):
        words = words[1:]  # "Australian Lynton Crosby"
    if len(words) >= 3 and words[-1].strip(".,") in POSTNOMINALS and words[-3].lower() in FIRST_NAMES | HONORIFICS:
        words = words[:-1]  # "Frank Field MP"
    possessor = re.match(r"^(?:[Tt]he )?[A-Z][\w&.-]*[\u2019']s$", " ".join(words[:2]) if words[:1] == ["The"] else words[0]) if words else None
    owned = words[2:] if words[:1] == ["The"] else words[1:]
    if possessor and len(owned) == 2 and all(_is_capitalised(w) for w in owned) and owned[0].lower() in FIRST_NAMES:
        words = owned  # "The SNP's Nicola Sturgeon"
    owner_end = next((i for i, w in enumerate(words[:4]) if re.fullmatch(r"[A-Z][\w&.-]*(?:[\u2019']s|[sS][\u2019'])", w)), None)
    if owner_end is not None and all(_is_capitalised(w) or w in ("and", "&") for w in words[: owner_end + 1]):
        rest = words[owner_end + 1 :]
        plain_name = not any(_is_role(w) or w.lower() in ORGANIZATION_WORDS | GOVERNMENT_WORDS | PLACES for w in rest)
        if len(rest) == 2 and all(_is_capitalised(w) for w in rest) and (rest[0].lower() in FIRST_NAMES or plain_name):
            words = rest  # "Tennis Australia's Geoff Pollard", "PBS' Jacoba Atlas"
    words = _without_lowercase_tail(words)
    role_at = _ROLE_AT_BODY.match(" ".join(words))
    if role_at and role_at.group("name").split()[-2].lower().strip(".") in FIRST_NAMES:
        words = role_at.group("name").split()  # "Dr Mark Tuffy games systems director at digital content firm THX"
    text = " ".join(words)
    middle = _MID_HONORIFIC.search(text)
    before_title = text[: middle.start()].split() if middle else []
    if middle and all(_is_capitalised(w) and not _is_role(w) for w in before_title):
        # "Tanzania Mr Brown"; never "The five unions meeting Mr Prescott" (they are not Mr Prescott)
        text = text[middle.end() :]
    return text


def _without_lowercase_tail(words: list[str]) -> list[str]:
    """'Dr Mike Watts head of exploration', 'Deputy Prime Minister Abdullatif Sener earlier this month': the
    words after a person's name, all in lower case, are no part of it (a body's "Bank of England officials"
    stays: its run has no first name, title or role)."""
    capitalised = [i for i, w in enumerate(words) if _is_capitalised(w)]
    if not capitalised or capitalised[-1] >= len(words) - 1:
        return words
    last = capitalised[-1]
    first = last
    while first > 0 and _is_capitalised(words[first - 1]):
        first -= 1
    tail = words[last + 1 :]
    run = words[first : last + 1]
    named_person = (
        run[0].lower().strip(".") in FIRST_NAMES | HONORIFICS
        or _is_role(run[0]) or (first > 0 and _is_role(words[first - 1]))
    )
    # only a tail that follows the name directly: "David Prior, assistant clerk" and "Tony Blair's
    # spokesman" are left to the appositive and possessive rules
    direct = words[last][-1:].isalpha() and not words[last].endswith(("'s", "\u2019s"))
    # and only a tail that opens with a role ("head of exploration") or a time ("earlier this month"): "Donald
    # Trump supporters" are not Donald Trump
    # ("Hillary Clinton spokesman" is her spokesman: a role alone is the name's owner's, "head of ..." his own)
    opener = tail[0] in NAME_TAIL_OPENERS or (tail[0] in OFFICE_TAIL_ROLES and tail[1:2] in (["of"], ["at"]))
    if last - first >= 1 and direct and named_person and opener and all(w.islower() for w in tail):
        return words[: last + 1]
    one_word_name = first == last == 0 and words[0].lower() not in PRONOUNS and words[0].lower() not in DETERMINERS
    if one_word_name and direct and tail[0] in NAME_TAIL_OPENERS and all(w.islower() for w in tail):
        return words[:1]  # "Castaignede ahead of the tie", "Blair earlier": a time, never a name's part
    return words


def _unshouted(text: str) -> str:
    """A person's name printed in capitals, as transcripts label their speakers ("JAKE TAPPER"), as it is written
    elsewhere ("Jake Tapper"); capitals that are no such name ("NATO", "ISIS") stay as they are."""
    words = text.split()
    if len(words) >= 2 and text.isupper() and words[0].lower() in FIRST_NAMES:
        return name_case(text)
    return text


def name_case(text: str) -> str:
    """A name in capitals as names are written: "MITCH MCCONNELL" -> "Mitch McConnell", "BETO O'ROURKE" ->
    "Beto O'Rourke", "ROS-LEHTINEN" -> "Ros-Lehtinen", "CLINTON'S" -> "Clinton's"."""
    words = []
    for word in text.lower().split(" "):
        parts = re.split(r"([-'\u2019])", word)  # the pieces, and the hyphens and apostrophes between them
        cased = []
        for number, part in enumerate(parts):
            if number % 2 or not part:
                cased.append(part)
            elif number and parts[number - 1] != "-" and (len(parts[number - 2]) > 1 or part == "s"):
                cased.append(part)  # "clinton's", "workers'": a possessive, not "O'Rourke"
            elif part.startswith("mc") and len(part) > 2:
                cased.append("Mc" + part[2].upper() + part[3:])
            else:
                cased.append(part[:1].upper() + part[1:])
        words.append("".join(cased))
    return " ".join(words)


def parse_named(mention: str) -> Entity:
    """Split titles and appositives: 'White House ... spokesperson John Kirby' -> John Kirby, role, affiliation."""
    text = _unshouted(trim_name(clean_mention(mention)))
    titled_surname = _TITLED_SURNAME.fullmatch(text)
    if titled_surname:  # "Mr Blair", "Ms Coventry": a person, whatever else the surname names (a city, a country)
        return Entity(titled_surname.group("surname"), "person")
    lead = text.split(" ")
    if len(lead) >= 2 and lead[0].lower() in ORGANISATION_DESCRIPTORS and lead[0][:1].isupper() and all(_is_capitalised(w) for w in lead[1:]):
        # "Miner Highland Gold said": a description capitalised as its sentence's first word, then the body
        return Entity(" ".join(lead[1:]), "organization")
    described_body = _described_body(text)
    if described_body is not None:  # "UK think-tank Demos", "News agency Associated Press", "Reuters news agency"
        return described_body
    qualified = _ADJECTIVE_BEFORE_NAME.match(text)
    if qualified is not None and not any(
        w in DESCRIPTION_HEADS or w in BODY_DESCRIPTORS or w in PAST_HOLDER_WORDS or w in ROLE_MODIFIERS or _is_role(w)
        for w in qualified.group("words").split()
    ) and not qualified.group("name").isupper():  # "a super PAC" is no name
        return parse_named(qualified.group("name"))  # "A defensive Obama said", "a defiant Mr Blair": the name
    authored = _NAMED_DOCUMENT.match(text)
    if authored:  # "a Capital Economics statement said": the body that issued it
        owner = parse_named(authored.group("owner"))
        if owner.type == "person" and owner.name.split()[0].lower() not in FIRST_NAMES:
            owner = Entity(owner.name, "organization")  # "Capital Economics": a firm, not a person
        return replace(owner, role=None)
    relation = _RELATIONAL.search(text)
    if relation and "," not in text and lead[0].lower() in DETERMINERS and _is_capitalised(lead[-1]) and len(lead) >= 4:
        # "A close associate of former Yukos boss Mikhail Khodorkovsky": someone else, not the one named
        return Entity(text[:1].upper() + text[1:], "person", True, role=text[relation.start() :])
    if len(lead) >= 3 and (lead[0].lower() in LEADING_DESCRIPTORS or ("-" in lead[0] and _is_role(lead[0].split("-")[-1]))) and all(_is_capitalised(w) for w in lead[1:3]):
        # "Striker Thierry Henry", "Farmer Geoff Brooks": a description, capitalised as the sentence's first word
        person = parse_named(" ".join(lead[1:]))
        if person.type == "person":
            return replace(person, role=person.role or lead[0])
    owned = re.match(r"^(?P<owner>(?:[A-Z][\w.-]*\s)*[A-Z][\w-]*)[\u2019']s\s+(?P<role>(?:[a-z][\w-]*\s){1,3})(?P<name>[A-Z][\w'\u2019-]+\s[A-Z][\w'\u2019-]+)$", text)
    if owned and owned.group("name").split()[0].lower() in FIRST_NAMES:
        # "Chris Tomlinson's coach Peter Stanley": the person, the rest his role
        return Entity(owned.group("name"), "person", False, f"{owned.group('owner')}'s {owned.group('role').strip()}", None)
    spoken = re.match(r"^(?P<owner>(?:[A-Z][\w.-]*\s)*[A-Z][\w-]*)[\u2019']s\s+(?:[a-z]+\s)?(?P<noun>[a-z]+)$", text)
    if spoken and spoken.group("noun") in SPEECH_NOUNS:
        return parse_named(spoken.group("owner"))  # "Mr Crosby's statement said": Mr Crosby said
    affiliated = _AFFILIATED_PAIR.match(text)
    if affiliated:  # "Stephen S. Cohen and J. Bradford DeLong of the University of California, Berkeley": the two, of it
        pair_named = parse_named(affiliated.group("names"))
        if pair_named.type == "group" and pair_named.members == "person":
            return replace(pair_named, affiliation=pair_named.affiliation or affiliated.group("body"))
    listed_bodies = _LISTED_NAMES.match(text)
    parts = re.split(r",\s+|,?\s+and\s+", text) if listed_bodies else []
    if listed_bodies and not any(_is_role(w) for part in parts for w in part.split()):
        # "Paramount, Universal and Warner Brothers": the three together; never "Bill Gates, Chairman and Chief Architect"
        all_people = all(part.split()[0].lower() in FIRST_NAMES and len(part.split()) >= 2 for part in parts)
        return Entity(text, "group", members="person" if all_people else "organization")
    pair = _PAIR.match(text)
    if pair and "," not in text:  # "German Chancellor Gerhard Schroeder and French President Jacques Chirac": two people
        first, second = parse_named(pair.group("first")), parse_named(pair.group("second"))
        # "Veteran Labour MP and former Cabinet minister Jack Cunningham" is one man with two roles.
        if all(e.type == "person" and (" " in e.name or e.role) and not _is_role(e.name.split()[-1]) for e in (first, second)):
            return Entity(f"{first.name} and {second.name}", "group", members="person")
        if all(e.name.lower().removeprefix("the ") in PARTIES for e in (first, second)):  # "the Conservatives and Lib Dems"
            return Entity(f"{first.name} and {second.name}", "group", members="organization")
    listed = _LISTED.search(text)
    if listed:  # "Critics, like Senators Charles E. Grassley, Republican of Iowa, and Patrick J. Leahy" -> the people named
        people = [e for e in (parse_named(m.group(0)) for m in _NAME_RUN.finditer(listed.group(1))) if e.type == "person" and " " in e.name]
        if len(people) == 1:
            return people[0]
        if len(people) > 1:
            return Entity(" and ".join(p.name for p in people), "group", members="person")
    if ", " in text:
        head_words = text.partition(", ")[0].split()
        if classify(" ".join(head_words))[0] == "anonymous":  # "Many MPs with rural constituencies, particularly in ..."
            appositive_name = text.partition(", ")[2].split(", ")[0].split()
            if 1 <= len(appositive_name) <= 4 and all(_is_capitalised(w) for w in appositive_name):
                return parse_named(" ".join(appositive_name))  # "US researchers, Pew Internet": the body the appositive names
            return Entity(" ".join(head_words), "anonymous", True)
        named_after = _first_name_after_description(head_words)
        if named_after:  # "Mr Brown's former adviser Ed Balls, now a parliamentary hopeful": the person, the rest their role
            role = " ".join(head_words[:named_after])
            affiliation = None if re.search(r"[\u2019']s\b", role) else _affiliation(role)  # "Mr Brown's adviser": no body
            return Entity(" ".join(head_words[named_after:]), "person", False, role, affiliation)
    if ", " in text and re.search(r"[\u2019']s\s", text.partition(", ")[0]):
        # "Mr Brown's former adviser, Jane Smith, ...": the person the appositive names
        named = parse_named(text.split(", ")[1])
        if named.type == "person" and len(named.name.split()) >= 2:
            return named
    if text.count(", ") >= 2 and text.split()[0].lower() in DETERMINERS:
        last_part = text.rsplit(", ", 1)[1].split()
        spokesperson = text.split()[1].lower() in PERSON_HEADS and len(last_part) == 2 and not any(
            _is_role(w) or w.lower() in ORGANIZATION_WORDS | GOVERNMENT_WORDS | PLACES | NATIONALITIES | CALENDAR_WORDS
            or w.isupper() for w in last_part)
        if 2 <= len(last_part) <= 3 and all(_is_capitalised(w) for w in last_part) and (
            last_part[0].lower() in FIRST_NAMES or spokesperson
        ):
            # "A spokesman for US Immigration, Customs and Enforcement, Dean Boyd": the name closes the description (a
            # first name the list lacks too, "Dean", after a person's head word: "A spokesman ..., Dean Boyd")
            return Entity(" ".join(last_part), "person", False, text.rsplit(", ", 1)[0])
    if ", " in text:  # "The chairman of the Bar Council, Guy Mansfield QC": the person the appositive_words names
        head, _, rest = text.partition(", ")
        appositive_words = rest.split(", ")[0].split()
        titled = False
        while len(appositive_words) > 2 and appositive_words[0].lower().strip(".") in HONORIFICS | {"reverend"}:
            appositive_words, titled = appositive_words[1:], True  # "..., Reverend Eldon Phillips": the name after the title
        head_words = head.split()
        describes = head_words[0].lower() in DETERMINERS or any(w.islower() for w in head_words)
        if (
            describes and len(appositive_words) >= 2 and (titled or appositive_words[0].lower() in FIRST_NAMES)
            and all(_is_capitalised(w) for w in appositive_words)
        ):
            named = parse_named(" ".join(appositive_words))
            if named.type == "person" and len(named.name.split()) >= 2:
                named.role = named.role or _ARTICLE_OPENING.sub("", head)
                return named
    if ", " in text:  # "John Smith, a spokesman for X" -> name first, role after
        name_part, _, appositive = text.partition(", ")
        if _is_capitalised(name_part) and len(_words(name_part)) <= 4:
            entity = parse_named(name_part)
            entity.role = entity.role or appositive.removeprefix("a ").removeprefix("an ").removeprefix("the ")
            entity.affiliation = entity.affiliation or _affiliation(_BEFORE_BODY.sub("", entity.role))
            entity.type = "person"
            return entity
    lowered = text.lower()
    if lowered in OUTLET_ALIASES:
        return Entity(OUTLET_ALIASES[lowered], "media")
    words = text.split(" ")
    run = 0  # trailing capitalised words: the name, possibly after a job title
    while run < len(words) and _is_capitalised(words[-1 - run]) and (
        not _is_role(words[-1 - run]) or (run == 0 and len(words) >= 2 and words[-2].lower() in FIRST_NAMES)
    ):  # "Mervyn King": a surname that is also a title
        run += 1
    before = [w.lower().strip(".") for w in words[: len(words) - run]]
    last = words[-1].lower().strip(".")
    after_preposition = bool(before) and before[-1] in PLACE_PREPOSITIONS
    at_body = _AT_BODY.match(text)
    if at_body and at_body.group("body").split()[0].lower() not in DETERMINERS:
        # "Ian Hunter at Goodbody Stockbrokers in Dublin", "energy analyst Orin Middleton of Barclays Capital": the
        # person, the body an affiliation (its place dropped)
        name_words = at_body.group("name").split()
        description = at_body.group("described").split()
        titled_name = len(name_words) in (2, 3) and name_words[0].lower().strip(".") in HONORIFICS
        if titled_name:
            name_words = name_words[1:]  # "Dr Doug Williams of BT", "Mr Hirsch from Retail Banking Research"
        elif len(name_words) >= 3 and name_words[-2].lower() in FIRST_NAMES:
            # "Detective Inspector Paul Miller of Thames Valley Police": a capitalised title before the name
            description, name_words, titled_name = description + name_words[:-2], name_words[-2:], True
        known = titled_name or name_words[0].lower() in FIRST_NAMES or any(_is_role(w) or w in LEADING_DESCRIPTORS for w in description)
        plain = not any(_is_role(w) or w.lower() in ORGANIZATION_WORDS | GOVERNMENT_WORDS | PLACES | HONORIFICS or w.isupper() for w in name_words)
        known = known or len(name_words) in (2, 3)  # an unknown first name too ("Rafael Marques", "Zara Hyde Peters"), when plain
        plain = plain and name_words[0].lower() not in DETERMINERS  # "The British Chambers of Commerce" is a body
        if known and plain:
            body = re.sub(r"\s+in\s+[A-Z][\w\s-]*$", "", at_body.group("body"))
            return Entity(" ".join(name_words), "person", False, " ".join(description) or None, body)
    joint = len(words) - run - 1  # "Hannah Ward of the Refugee Council": the person, with the body as affiliation
    if joint >= 0 and words[joint].lower() == "the":
        joint -= 1
    if run >= 1 and joint >= 2 and words[joint].lower() in AFFILIATION_PREPOSITIONS:
        name_words = words[:joint]
        title = None
        if len(name_words) == 3 and name_words[0].rstrip(".") in DOTTED_TITLES:
            title, name_words = name_words[0], name_words[1:]  # "Sen. Marco Rubio of Florida"
        known = name_words[0].lower() in FIRST_NAMES
        # an unknown first name too ("Rhian Beynon of the JCWI"), when neither word names a role, a body or a place
        unknown = not any(_is_role(w) or w.lower() in ORGANIZATION_WORDS | GOVERNMENT_WORDS | PLACES or w.isupper() for w in name_words)
        if len(name_words) == 2 and all(_is_capitalised(w) for w in name_words) and (known or unknown):
            body = " ".join(words[len(words) - run :])
            return Entity(" ".join(name_words), "person", False, title, body)
    if run and before and before[-1] in ORGANISATION_DESCRIPTORS and before[-1] not in (w.lower() for w in words[len(words) - run :]):
        # "US agrochemical giant Monsanto", "UK-based bank Standard Chartered": the body, described
        body = " ".join(words[len(words) - run :])
        if classify(body)[0] in ("person", "organization"):
            return Entity(body, "organization", False, None, None)
    title_case_body = run == 1 and all(_is_capitalised(w) for w in words) and len(words) >= 3 and words[0].lower() not in HONORIFICS
    if run and not (run == 1 and words[-1] == "I") and any(_is_role(w) or w in LEADING_DESCRIPTORS for w in before) and last not in DOCUMENT_WORDS | ORGANIZATION_WORDS and not (
        run == 1 and (last in GOVERNMENT_WORDS or last in PARTY_WORDS or after_preposition or title_case_body)  # "Fairford Coach Action" is a body
    ) and not (before and before[-1] in ("and", "&")) and not any(  # "The MP for Sittingbourne and Sheppey": a seat
        _is_role(w) and w not in VAGUE_SINGULAR and after in SEAT_PREPOSITIONS for w, after in zip(before, before[1:])
    ):
        # "spokesperson John Kirby": the run is the name; "ambassador to North Korea Alexander
        # Matsegora": a place runs into the name, so keep its last two words.
        size = run if (_is_role(before[-1]) or before[-1] in LEADING_DESCRIPTORS) and run <= 4 else min(2, run)
        if size > 1 and words[len(words) - size].lower().strip(".") in _PLAIN_TITLES and not (
            size == 2 and words[len(words) - size].lower() in PEERAGE_TITLES
        ):
            size -= 1  # "deputy prime minister Mr Prescott" -> Prescott; "Lord Chancellor Lord Falconer" keeps "Lord"
        name = " ".join(words[len(words) - size :])
        role = " ".join(w for w in words[: len(words) - size] if w.lower().strip(".") not in _PLAIN_TITLES - PEER_TITLES)
        role = (role[4:] if role.lower().startswith("the ") else role).rstrip(",;")  # "A spokesman for X, Dean Boyd"
        return Entity(name, "person", False, role, _affiliation(role))
    sandwiched = {i for i in range(1, len(words) - 1) if words[i] in NAME_CONNECTORS and _is_capitalised(words[i - 1]) and _is_capitalised(words[i + 1])}
    if run >= 2 and any(w.islower() and w not in DETERMINERS and i not in sandwiched for i, w in enumerate(words[: len(words) - run])):
        # ("World Travel and Tourism Council" is one name: "and" between capitalised words joins it)
        # "North Korean state-run Korea Central News Agency" -> the name is the capitalised tail.
        tail = Entity(" ".join(words[len(words) - run :]), *classify(" ".join(words[len(words) - run :])))
        if tail.type in ("media", "organization", "government"):
            return tail
    named_after = _first_name_after_description(words)
    if named_after:  # "Tory co-chairman Liam Fox", "London teacher Diane Granger": the person, the rest their role
        role = " ".join(words[:named_after])
        return Entity(" ".join(words[named_after:]), "person", False, role, _affiliation(role))
    if words and words[0].lower().strip(".") in HONORIFICS and len(words) > 1:
        if words[0].lower() in PEERAGE_TITLES and len(words) == 2 and _is_capitalised(words[1]):
            # "Sir Howard" is a first name (Sir Howard Newby), never the surname Howard; a peer goes by his
            # title ("Lord Woolf").
            return Entity(" ".join(words), "person")
        words = words[1:]
    name = " ".join(words)
    role_words = [w.lower() for w in words if w.lower() not in DETERMINERS]
    if len(role_words) >= 3 and _is_role(role_words[0]) and role_words[0] not in VAGUE_SINGULAR and role_words[1] in SEAT_PREPOSITIONS:
        # "The MP for Sittingbourne and Sheppey", "the chairman of the Bar Council": a role, nobody named
        return Entity(name[:1].upper() + name[1:], "person", True, role=" ".join(role_words))
    if name.lower().startswith("the ") and len(words) > 1 and _is_capitalised(words[1]):
        name = name[4:]  # "the New York Times" -> "New York Times"
    name = name[:1].upper() + name[1:]
    entity_type, vague = classify(name)
    if entity_type == "media":
        # "a New York Times story", "The NYT report": the outlet is the source.
        outlet = [w for w in name.split() if w.lower() not in DETERMINERS and w.lower() not in REPORT_WORDS]
        if outlet and len(outlet) < len(name.split()):
            return parse_named(" ".join(outlet))
        if name.lower() in OUTLET_ALIASES:
            return Entity(OUTLET_ALIASES[name.lower()], "media")
    return Entity(name, entity_type, vague)


# "A defensive Obama", "a visibly angry Mr Howard": lower-case words (no noun a description has) before a name
_ADJECTIVE_BEFORE_NAME = re.compile(
    r"^(?:[Aa]n?|[Tt]he)\s+(?P<words>(?:[a-z][\w-]*\s+){1,2})(?P<name>(?:[A-Z][\w.'\u2019-]*\s+){0,2}[A-Z][\w'\u2019-]*)$"
)


def _described_body(text: str) -> Entity | None:
    """A body's name with a description before it ("UK think-tank Demos", "News agency Associated Press") or after
    it ("Reuters news agency"): the name alone, a news outlet when the description says so. Only lower-case words
    (and one capitalised word opening the phrase: "UK", "News") describe; the name is capitalised throughout and
    starts with no first name ("Analyst Lee Hart" is a person)."""
    words = text.split()
    if len(words) < 2:
        return None
    for at in range(len(words) - 2, -1, -1):  # a description before the name
        if words[at].lower() in BODY_DESCRIPTORS and (at > 0 or words[at][:1].isupper()):
            name, described = words[at + 1 :], words[: at + 1]
            if (
                all(_is_capitalised(w) for w in name) and _body_name(name) and all(w[:1].islower() for w in described[1:])
                and (described[0][:1].islower() or described[0].lower() in BODY_DESCRIPTORS or described[0].lower() in PLACES
                     or described[0].lower() in NATIONALITIES or described[0].lower() in DEMONYMS or described[0].isupper()
                     or " ".join(described[:2]).lower() in MEDIA_DESCRIPTORS)
            ):
                media = " ".join(described[-2:]).lower() in MEDIA_DESCRIPTORS or described[-1].lower() in MEDIA_DESCRIPTORS
                return Entity(" ".join(name), "media" if media else "organization")
            break
    lowered = [w.lower() for w in words]
    if lowered[-1] in MEDIA_DESCRIPTORS and len(words) >= 2:  # an outlet's description after its name
        start = 1 if lowered[0] in DETERMINERS else 0
        run = start
        while run < len(words) - 1 and _is_capitalised(words[run]):
            run += 1
        if run > start and all(w[:1].islower() for w in words[run:]) and len(words) - run <= 3 and _body_name(words[start:run]):
            return Entity(" ".join(words[start:run]), "media")
    return None


def _body_name(name: Sequence[str]) -> bool:
    """Whether capitalised words may be a body's name: no title, no person's role at the end ("Tory leader"), not
    a first name and a surname ("Lee Hart"), not only places and nationalities ("the US company", "the
    Paris-based group"). ("Associated Press": "Press" is a role word elsewhere.)"""
    placed = all(
        w.lower() in PLACES or w.lower() in NATIONALITIES or w.lower() in DEMONYMS or w.lower().endswith("-based") for w in name
    )
    return (
        not placed and not any(w.lower().strip(".") in HONORIFICS for w in name) and name[-1].lower() not in PERSON_HEADS
        and not (len(name) >= 2 and name[0].lower() in FIRST_NAMES)
    )


def _first_name_after_description(words: list[str]) -> int:
    """Where a person's name starts after a description of them ("Lib Dem Norman Baker" -> 2), or 0.

    The name is a known first name and one or two capitalised words, none of them a role; the word
    before it is neither a first name ("Mary Ann Smith"), a title ("Sir Menzies Campbell") nor a
    preposition ("A letter sent to Martin Mubanga" is a letter).
    """
    first_names = FIRST_NAMES
    for start in range(1, len(words) - 1):
        name = words[start:]
        before = words[start - 1].lower().strip(".,")
        if (
            words[start].lower() in first_names and len(name) <= 3 and all(_is_capitalised(w) for w in name)
            and not any(_is_role(w) for w in name) and before not in first_names | HONORIFICS
            and before not in DETERMINERS | PREPOSITIONS and not before.endswith(("'s", "\u2019s"))
            and classify(" ".join(name))[0] == "person" and _describes(words[:start])
        ):
            return start
    return 0


def _describes(words: list[str]) -> bool:
    """Whether capitalised words before a name describe the person ("Lib Dem", "London", "EU", "Republican")
    rather than start the name (one unknown word: "Shani" in "Shani Rhys James")."""
    if len(words) != 1 or any(not _is_capitalised(w) or _is_role(w) for w in words):
        return True  # "Ku Klux Klan Grand Wizard David Duke": a capitalised description of two words or more
    if words[0].lower() in PARTY_ADJECTIVES:
        return True
    joined = " ".join(words).lower().removeprefix("the ")
    return joined in PARTIES or joined in ROLE_SYNONYMS or any(
        w.isupper() or w.lower() in PLACES or w.lower() in NATIONALITIES or w.lower().endswith(("'s", "\u2019s")) for w in words
    )


def _place_description(words: list[str]) -> bool:
    """"the UK's biggest mortgage lender", "the world's largest retailer": a place's superlative describes a body or a
    person; the place is no owner and no speaker. ``words``: the mention in lower case."""
    if len(words) < 3 or words[0] not in DEFINITE_DETERMINERS or not re.fullmatch(r"[\w.-]+['\u2019]s", words[1]):
        return False
    place = words[1][:-2]
    return words[-1] in DESCRIPTION_HEADS and (place in PLACES or place in PLACE_OWNERS)


def _role_head(words: Sequence[str]) -> str:
    """The role word of a description in lower case: the last word, or the one before "of" ("the former
    secretary of state" -> "secretary")."""
    if "of" in words[2:]:
        return words[words.index("of", 2) - 1]
    return words[-1]


def _past_holder(words: Sequence[str]) -> bool:
    """"the former secretary of state", "the former Republican presidential candidate": a definite description
    of one person by a role once held (``words`` in lower case)."""
    return (
        3 <= len(words) <= 6 and words[0] in DEFINITE_DETERMINERS and words[1] in PAST_HOLDER_WORDS
        and _role_head(words) in PERSON_HEADS
    )


def mention_kind(mention: str) -> str:
    """pronoun, description or named."""
    cleaned = clean_mention(mention)
    text = cleaned.lower()
    # "US" is the United States, not "us"; "IT" a trade, not "it" (a capitalised "I" stays the pronoun).
    if text in PRONOUNS and not (len(cleaned) > 1 and cleaned.isupper()):
        return "pronoun"
    words = text.split()
    if len(words) == 2 and words[0] in DEFINITE_DETERMINERS and words[1] in ISSUED_DOCUMENTS:
        return "description"  # "the memo", "the email": whoever issued it
    if words and words[0] in DEFINITE_DETERMINERS and normalize_role(text) in OFFICES:
        return "description"  # "the Tory leader", "The Prime Minister"
    if len(words) >= 4 and words[0] == "the" and words[1] in PERSON_HEADS and words[2] == "of" and _is_capitalised(mention.split()[3]):
        return "description"  # "The star of Rain Man and Tootsie": the titles are no name
    if len(words) >= 3 and words[0] in ("the", "this") and _AGE.match(words[1]):
        return "description"  # "The 58-year-old US singer of Because the Night": a title inside is no name
    # "the Philippine Star", "the Charlotte Observer": a newspaper whose name ends in a word for a person
    title_case = len(words) >= 3 and words[-1] in PUBLICATION_HEADS and all(_is_capitalised(w) for w in cleaned.split()[-2:])
    if words and words[0] in ("the", "this") and 2 <= len(words) <= 5 and (_AGE.match(words[-1]) or words[-1] in DESCRIBED_PEOPLE) and not title_case:
        return "description"  # "the 25-year-old", "the Chelsea manager", "the Frenchman" (not "the Philippine Star": a name)
    if _place_description(words):
        return "description"  # "The UK's biggest mortgage lender": a description, not the UK
    if _past_holder(words):
        return "description"  # "the former secretary of state": a capitalised word inside is no name
    # Only definite phrases point back ("the official"); "a senior official" introduces someone new.
    if words and words[0] in DEFINITE_DETERMINERS and len(words) <= 4:
        heads = [w.strip(".,") for w in words[1:] if w.strip(".,") in DESCRIPTION_HEADS]
        # "the officials" is a description; "the New York Times" is a name; "the Lib Dem spokesman" (a party's
        # spokesman) is a description again.
        capitalised = [w for w in clean_mention(mention).split()[1:] if _is_capitalised(w)]
        party = " ".join(capitalised).lower()
        of_a_party = words[-1] in PERSON_HEADS and bool(capitalised) and (
            party in PARTIES or party in ROLE_SYNONYMS or _qualifiers(capitalised) is not None  # "the GOP nominee", "the Indiana governor"
            or all(w.lower() in NATIONALITIES for w in capitalised))  # "the French president"
        if heads and len(words) <= 4 and (not capitalised or of_a_party):
            return "description"
    return "named"


def _outlet_name(text: str) -> str:
    words = [w for w in clean_mention(text).split() if w.lower() not in DETERMINERS and w.lower() not in REPORT_NOUNS]
    return parse_named(" ".join(words)).name if words else text


_LISTED_NAMES = re.compile(r"^[A-Z][\w&.'-]*(?:\s[A-Z][\w&.'-]*)*(?:,\s[A-Z][\w&.'-]*(?:\s[A-Z][\w&.'-]*)*)+,?\s+and\s+[A-Z][\w&.'-]*(?:\s[A-Z][\w&.'-]*)*$")
_ON_OWN_SITE = re.compile(
    r"^(?i:a|an|the)\s+(?:" + "|".join(_LINK_WORDS["own_site"]["documents"]) + r")\s+on\s+(?P<owner>his|her|its|their)\s+(?:own\s+|official\s+)?(?:"
    + "|".join(_LINK_WORDS["own_site"]["places"]) + r")$"
)
_NAMED_DOCUMENT = re.compile(
    r"^(?:a|an|the|A|An|The)\s+(?P<owner>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,4})\s+(?:" + "|".join(sorted(_DESCRIPTORS["issued_nouns"])) + r")$"
)
_AUTHORED_DOCUMENT = re.compile(
    r"^(?:(?i:a|an|the)\s+)?(?:[a-z][\w-]*\s+)?(?i:" + "|".join(sorted(REPORT_WORDS | DOCUMENT_WORDS))
    + r")\s+(?:of\s+[^,]{1,40}?\s+(?=by\s))?(?:in|by|from|(?:" + "|".join(_LINK_WORDS["authoring_participles"]["participles"])
    + r")\s+by|(?:issued\s+|released\s+)?on\s+behalf\s+of)\s+(?:the\s+)?(?:[A-Z][\w]*-[a-z][\w-]*\s+)?"
    + r"(?:[a-z][\w-]*\s+){0,3}(?P<author>[A-Z].*)$"
)
_DEFINED_ACRONYM = re.compile(r"(?P<full>[A-Z][\w&'-]*(?:\s+(?:of|and|for|on|[A-Z][\w&'-]*))*\s+[A-Z][\w&'-]*)\s+\((?P<acronym>[A-Z]{2,6})\)")
_EVIDENCE = _LINK_WORDS["organisation_evidence"]
CALENDAR_WORDS = frozenset(w.lower() for w in [*calendar.month_name[1:], *calendar.day_name])  # "December's share fall"
MONTH_ABBREVIATIONS = frozenset([*(m.lower() for m in calendar.month_abbr[1:]), "sept"])  # "The Jan. poll"


def _alternatives(words: Sequence[str]) -> str:
    """The words as one regex alternation, any case ("Shares in" opens a sentence), longest first."""
    return "(?i:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)) + ")"


def strong_organisation_evidence(text: str, name: str) -> bool:
    """What only a body has: "Morgan Stanley's shares", "Morgan Stanley CEO", "Morgan Stanley, which", "Marsh Inc"
    (not "rival X" or "side X", which may be a person's)."""
    named = re.escape(name)
    pattern = (
        rf"\b{named}['\u2019]s\s+{_alternatives(_EVIDENCE['owned_after'])}\b"
        rf"|\b{named},\s+which\b"
        rf"|\b{named}\s+{_alternatives(_EVIDENCE['after'])}\b"
        rf"|\b{named}\s+{_alternatives(_EVIDENCE['suffixes'])}\b"
    )
    return re.search(pattern, text) is not None


def organisation_evidence(text: str, name: str) -> bool:
    """Whether the article treats a capitalised name nobody's first name, title or role marks as a person
    as an organisation: "Cairn's shares", "shares in Yukos", "Swedish firm Electrolux", "Yukos, which",
    "Yukos chief executive", "Marsh Inc"."""
    named = re.escape(name)
    pattern = (
        rf"\b{named}['\u2019]s\s+{_alternatives(_EVIDENCE['owned_after'])}\b"
        rf"|\b{_alternatives(_EVIDENCE['before'])}\s+{named}\b(?!\s+[A-Z])"
        rf"|\b{named},\s+which\b"
        rf"|\b{named}\s+{_alternatives(_EVIDENCE['after'])}\b"
        rf"|\b{named}\s+{_alternatives(_EVIDENCE['suffixes'])}\b"
    )
    return re.search(pattern, text) is not None


_NAME_TOKEN = r"(?:(?:" + "|".join(_LINK_WORDS["dotted_titles"]) + r")\.|(?:[A-Z]\.)+|[A-Z][\w-]*(?:['\u2019][A-Z][\w-]*)?)"
_COMPANIONS_BEFORE = re.compile(r"\bwith\s+\Z")
_OFFICE_BEFORE_ITS_HOLDER = re.compile(r",\s+[A-Z][\w.'-]*\s+[A-Z]")  # ", Recep Tayyip Erdogan,": a name in apposition
_LISTED_WITH = re.compile(r",?\s+and\s+")  # what joins two names in a list (a comma alone may be an apposition)
_NICKNAME = r"[\"\u201c][A-Z][\w.-]*[\"\u201d]\s+"  # 'C.L. "Butch" Otter', 'Jesús “Chuy” García': a nickname inside the name
_NAME_RUN = re.compile(
    rf"\b{_NAME_TOKEN}(?:\s+(?:{_NICKNAME})?(?:(?:{'|'.join(_LINK_WORDS['name_joiners'])})(?:\s+the)?\s+|(?:{'|'.join(_LINK_WORDS['name_particles'])})\s+)?{_NAME_TOKEN})+"
)
# One capitalised word, an apostrophe inside it ("O'Rourke") but not a possessive after it ("Sanders's role" is Sanders)
_ONE_NAME_WORD = r"[A-Z](?:[\w-]|'(?!s\b))+"
_CAPITALISED_WORD = re.compile(rf"\b{_ONE_NAME_WORD}")
_TITLED = re.compile(r"\b(?:" + "|".join(SURNAME_TITLES) + rf")\.?\s+({_ONE_NAME_WORD})")
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
NOT_ORGANISATIONS = set(_LINK_WORDS["not_organisations"])
FEMALE_NAMES = frozenset(_FIRST_NAMES["female"])
MALE_NAMES = frozenset(_FIRST_NAMES["male"])
UNISEX_NAMES = frozenset(_FIRST_NAMES["unisex"])
# Words before a name that tell its gender whatever the first name ("9/11 widow Terry Strada"); never "spokesman",
# "chairman", which newsrooms write for women too ("Trump spokesman Hope Hicks")
GENDERED_WORDS = {word: gender for gender, words in _LINK_WORDS["gendered_words"].items() for word in words}
FIRST_NAMES = FEMALE_NAMES | MALE_NAMES | UNISEX_NAMES  # a first name makes a run of capitalised words a person
CAPITALS: dict[str, str] = _LINK_WORDS["capitals"]  # "beijing" -> "China"
COUNTRY_ALIASES: dict[str, str] = _LINK_WORDS["country_aliases"]  # "u.s." -> "United States", "britain" -> "United Kingdom"
FIRST_NAMES_ALSO_WORDS = frozenset(_LINK_WORDS["first_names_also_words"])  # never a person's first name standing alone
FIRST_PERSON = frozenset(_LINK_WORDS["first_person"])
FIRST_PERSON_PLURAL = frozenset(_LINK_WORDS["first_person_plural"])
PLACE_HEADS = {head: frozenset(kinds) for head, kinds in _LINK_WORDS["place_heads"].items()}
# Plural description heads that point back to two named referents ("the two men" -> "Cruz and Trump").
PLURAL_HEADS = dict(_LINK_WORDS["plural_heads"])
SPEAKER_WEIGHT = 2.0
PRONOUN_IN_TEXT_WEIGHT = 0.5
# what a name is said to be right after it, as the head of the apposition: "X, the daughter of", "X, his late wife"
# (not "X, a lawyer for the widow")
_GENDERED_APPOSITIVE = re.compile(
    r",\s+(?:the|a|an|his|her|their)\s+(?:[a-z][\w-]*\s+)?(?P<word>"
    + "|".join(sorted(GENDERED_WORDS, key=len, reverse=True)) + r")(?![\w'\u2019-])", re.IGNORECASE
)
_INTRODUCING_APPOSITIVE = re.compile(r",\s+(?:a|an|the)\s+[a-z]")  # "Wes Nakagiri, a delegate from Michigan": a person introduced by what they are
SALIENCE_DECAY = 0.5  # per sentence back
DESCRIPTION_REACH = 60  # characters a description's own words may run to ("the independent Vermont senator")
TOPIC_MENTIONS = 3  # times the person an article is about has been named before "the GOP nominee" may be guessed
ASKED_REACH = 2  # sentences back in which "X asked Y" makes Y the one who answers in quotation marks
FOCUS_WINDOW = 2  # sentences back in which "the senator" looks for the person the text is about
SAME_SENTENCE_WEIGHT = 3.0
# The subject of a sentence ("Danny Kruger, who ..., had been due to take on Tony Blair. He says ...") is what
# the next "he" usually means, more than a later object; someone named inside what another person said
# ("Mr Blair has failed, he claimed") is talked about, not talking.
SUBJECT_WEIGHT = 2.0
FRAME_WEIGHT = 3.0  # a name that frames its sentence as a view: "For Allen Weiner, ...", "According to Mandaric, ..."
_OPINION_FRAME = re.compile(
    r"\s*(?i:(?:" + "|".join(_LINK_WORDS["opinion_frames"]["openers"]) + r")\s+)?(?i:"
    + "|".join(f.replace(" ", r"\s+") for f in _LINK_WORDS["opinion_frames"]["frames"]) + r")\s+(?:[a-z][\w-]*\s+)*$"
)
REPORTED_WEIGHT = 0.5
OWNER_WEIGHT = 0.25  # a name that only says whose someone is ("Sylvester Stallone's ex-wife Brigitte Nielsen")
OWNER_REACH = 40  # characters between such a possessive and the name it introduces
_ROLE_GAP = re.compile(r"(?:\s+[\w-]+){1,4}\s+")  # "'s ex-wife ", "'s Bayern counterpart ": words only, no punctuation
RECENT_BODY_WINDOW = 2  # "the network": a body of this or the last two sentences first
LEAD_SENTENCES = 2  # "A federal appeals court ruled ...": the headline and the first sentence describe, later ones name
QUALIFIER_REACH = 40  # characters before a name where "Republican", "GOP", "Indiana" may describe that person
_APPOSITIVE_DESCRIPTION = re.compile(r",\s+(?:the|a|an)\s+((?:[\w-]+\s+){0,3}?[\w-]+)[,.;]")  # "Trump, the Republican nominee,"
LIST_OPENING = 6  # characters a listed name may leave before it ("the U." of "the U.S. PIRG Education Fund")
TAG_PARTIES: dict[str, str] = _LINK_WORDS["party_state_tags"]["parties"]
PARTY_VALUES = frozenset(PARTY_QUALIFIERS.values()) | frozenset(TAG_PARTIES.values())  # "republican", "democrat", ...
TAG_STATES: dict[str, str] = _LINK_WORDS["party_state_tags"]["states"]
# "Sen. Marco Rubio (R-Fla.)", "Rubio, R-Fla.,", "Bernie Sanders (I-VT)": party letter and state after a lawmaker's name
_PARTY_STATE_TAG = re.compile(r",?\s*\(?(?P<party>[RDI])-(?P<state>(?:[A-Z]\.)+[A-Z]?[a-z]*\.?|[A-Z][a-z]+\.?|[A-Z]{2})\b")
PERSON_RELATIVES = frozenset(_LINK_WORDS["person_relatives"])
APPOSITIVE_REACH = 120  # characters an appositive between a name and "who" may take
RELATIVE_GAP = 16  # characters a party tag and punctuation may take between a name and its relative pronoun
_RELATIVE_GAP = re.compile(r"\.?(?:\s*\([^()\n]{0,12}\))?\s*(?:,|\(|[-\u2013\u2014]{1,2})?\s*")
_PLACE_OF = re.compile(r"\s+(?:of|from)\s+")
_FIRST_NAME_LAST = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\Z")  # two plain capitalised words close the run
_ROLE_THEN_NAME = re.compile(r"['\u2019]s\s+(?P<role>(?:[a-z][\w-]*\s+){1,4})(?P<name>[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019.-]+){1,2})\Z")
_TITLE_BEFORE_NAME = r"(?:(?:" + "|".join(map(re.escape, sorted(DOTTED_TITLES, key=len, reverse=True))) + r")\.?\s+)?"  # "Mr. ", "Sen. "
_ASKED = re.compile(r"\basked\s+" + _TITLE_BEFORE_NAME + r"\Z")  # "asked Trump", "asked Mr. Trump"
_OPENS_WITH_QUOTE = re.compile(r"\s*[\"\u201c\u2018']")  # the sentence starts with the answer itself
BACKING_HEADS = frozenset(_LINK_WORDS["backing_heads"])
PAST_HOLDER_WORDS = frozenset(_LINK_WORDS["past_holder_words"])
_BODY_BACKING = re.compile(  # "the super PAC backing Hillary Clinton": a body, then the person it works for
    r"^(?P<body>(?:[Tt]he|[Aa]n?)\s+(?:[\w-]+\s+){0,3}?(?P<head>[\w-]+))\s+(?:" + "|".join(_LINK_WORDS["backing_links"])
    + r")\s+" + _TITLE_BEFORE_NAME + r"[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*)*$"
)
_OWNED_PHRASE_BEFORE = re.compile(
    r"(?<![\w-])(?P<owner>[Hh]is|[Hh]er|[Tt]heir|(?:[A-Z][\w.-]*\s)*[A-Z][\w-]*['\u2019]s)\s+(?:[\w\u2019'-]+\s+){0,4}[\w\u2019'-]+\s*,?\s*\Z"
)
_DEFINITE_PHRASE_BEFORE = re.compile(r"(?<![\w-])(?P<phrase>(?:the|this|that)\s+(?:[\w\u2019'-]+\s+){0,3}[\w\u2019'-]+)\s*,?\s*\Z", re.IGNORECASE)
# the words a relative pronoun follows when no name stands there: "Hacker", "Hollywood Actor", "An NBC reporter"
_DESCRIPTION_BEFORE_RELATIVE = re.compile(r"(?:^|(?<=[\n.!?:]\s))(?P<phrase>(?:[\w\u2019'-]+\s+){0,3}[\w\u2019'-]+)\s+\Z")
_APPOSITIVE_BEFORE_RELATIVE = re.compile(r",\s+(?:a|an|the)\s+(?P<description>[^,;.!?\"\u201c\u201d()\n]{1,100}?)\s*,?\s*\Z")
# what may stand between a name and its appositive: nothing, a party-state tag, a nickname in parentheses
# What may stand between a name and its appositive: a party tag, "of California" ("Sen. Dianne Feinstein of California,")
_NAME_TAIL = re.compile(r"\s*(?:\([^()\n]{0,30}\))?\s*(?:(?:of|from)\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?\s*)?")
GROUP_REACH = 8  # sentences back a pair named together is still "the two men"
GROUP_COUNTS: dict[str, int] = _LINK_WORDS["group_counts"]
GROUP_COUNT_OPENERS = frozenset(_LINK_WORDS["group_count_openers"])
PREPOSITIONS_BEFORE_NAME = frozenset(_LINK_WORDS["prepositions_before_name"])  # "At Google, a spokesman said"
ISSUER_REACH = 3  # sentences back in which "the statement" may find whoever issued it
CAMPAIGN = "campaign"
_THE = re.compile(r"^[Tt]he\s+")
_ISSUED_BY = re.compile(  # what follows a document noun to say who issued it: "issued by the", "from"
    r",?\s+(?:(?:" + "|".join(_LINK_WORDS["producing_participles"] + _LINK_WORDS["issuing_participles"]) + r")\s+)?(?:jointly\s+)?"
    r"(?:by|from)\s+(?:the\s+)?(?:[a-z]+\s+)?"
)
_OWNED = re.compile(r"\b(?:its|his|her|their|[A-Z][\w-]*['\u2019]s?)\s+(?:[\w-]+\s+)?\Z")  # "its letter", "Exxon's letter"
_IN_A_DOCUMENT = re.compile(r"\b[Ii]n\s+(?:a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}\Z")  # "In a statement, X said"
# an owner written with a title ("Mr Begg's father, Azmat") is the same surname
_OWNER_TITLE = r"(?:(?:" + "|".join(_LINK_WORDS["surname_titles"]) + r")\.?\s+)?"
_RELATIVE_BY_FIRST_NAME = re.compile(
    _OWNER_TITLE + r"(?P<owner>[A-Z][\w-]+)['\u2019]s\s+(?:" + "|".join(_LINK_WORDS["family_words"]) + r"),\s+(?P<first>[A-Z][a-z]+),?\Z"
)
# "Trump's wife, Melania,", "Clinton's husband, Bill": a relative named by the first name alone
_RELATIVE_FIRST_NAME = re.compile(
    r"\b" + _OWNER_TITLE + r"(?P<owner>[A-Z][\w-]+)['\u2019]s\s+(?P<relation>" + "|".join(_LINK_WORDS["family_words"]) + r"),\s+(?P<first>[A-Z][a-z]+)\b(?!\s+[A-Z])"
)
_CAMPAIGN_NAMED = re.compile(r"\b([A-Z][\w-]+)(?:['\u2019]s)?\s+campaign\b")
_DOCUMENT_OWNER = re.compile(r"(?P<owner>[A-Z][\w-]+)(?:'s|\u2019s)?\s+(?P<campaign>campaign\s+)?\Z")  # "a Clinton campaign memo"
_CAMPAIGN_OF = re.compile(r"(?:'s|\u2019s)?\s+campaign\b")
WORK_NAMED_AFTER = 2  # sentences after "a new poll" in which the article names whose poll it is
DEMONSTRATIVE_REACH = 2  # sentences back "these officials" still points to the last unnamed group
EPITHET_SPEAKER_REACH = 6  # sentences back a speaker is still the one "the former ambassador" continues
PAIR_WINDOW = 6  # "the candidates": the two people of the last six sentences (three missed a pair quoted in turn)
PLURAL_PRONOUNS = set(_LINK_WORDS["plural_pronouns"])
PERSON_PRONOUNS = set(_LINK_WORDS["person_pronouns"])
HEAD_SYNONYMS = {head: frozenset(words) for head, words in _LINK_WORDS["head_synonyms"].items()}
ORGANISATION_HEADS = dict(_LINK_WORDS["organisation_heads"])
PERSON_HEADS = set(_LINK_WORDS["person_heads"])
PERSON_HEADS |= set(_ROLES["person_heads"])
DESCRIBED_PEOPLE = frozenset(_DESCRIPTORS["person_heads"])  # "the Chelsea manager", "the Frenchman": someone named here
PERSON_HEADS |= DESCRIBED_PEOPLE
for _head in list(ORGANISATION_HEADS) + list(PERSON_HEADS):
    DESCRIPTION_HEADS.setdefault(_head, "person" if _head in PERSON_HEADS else ORGANISATION_HEADS[_head])
for _head in PLURAL_HEADS:
    DESCRIPTION_HEADS.setdefault(_head, "group")
# "The film", "the book", "the study": the work of that kind the article names (its title, or its author's name).
WORK_NOUNS: dict[str, str] = dict(_LINK_WORDS["work_nouns"])
DOCUMENT_ANTECEDENTS: dict[str, list[str]] = _LINK_WORDS["document_antecedents"]
for _head in WORK_NOUNS:
    DESCRIPTION_HEADS.setdefault(_head, "document")
_WORK = "|".join(sorted(WORK_NOUNS, key=len, reverse=True))
_TITLE_OPENERS = "|".join(_LINK_WORDS["title_openers"])
_TITLE_JOINERS = "|".join(_LINK_WORDS["title_joiners"])
_TITLE_WORD = r"[A-Z0-9][\w\u2019'-]*"
# 'her new documentary “13th.”', 'the film "Loving"': a quoted title right after the noun, a capital
# first ('According to the report, "more than half" ...' quotes what it says)
_QUOTED_WORK = re.compile(
    rf"\b(?P<noun>{_WORK})\s+(?:(?:{_TITLE_OPENERS})\s+)?[\"\u201c\u2018](?P<title>[A-Z0-9][^\"\u201d\u2019\n]{{0,79}}?)[.,]?[\"\u201d\u2019]"
)
# 'a memoir of her time at the White House entitled The White House Doctor: My Patients Were Presidents'
_ENTITLED_WORK = re.compile(
    rf"\b(?P<noun>{_WORK})\b[^.\n\"\u201c]{{0,60}}?\b(?:{_TITLE_OPENERS})\s+"
    rf"(?P<title>{_TITLE_WORD}(?:[:,]?\s+(?:(?:{_TITLE_JOINERS})\s+)*{_TITLE_WORD})*)"
)
# 'a recent Reuters survey of voter lists': a document known by its author
_AUTHORED_WORK = re.compile(
    rf"\b(?i:a|an|the)[^\S\n]+(?:[a-z][\w-]*[^\S\n]+)?(?P<author>[A-Z][\w.&/\u2019'-]*(?:[^\S\n]+[A-Z][\w.&/\u2019'-]*){{0,4}})"
    rf"[^\S\n]+(?:[a-z][\w-]*[^\S\n]+)?(?P<noun>{_WORK}|Poll|Survey)\b(?!\s+[A-Z])"  # "the latest Reuters/Ipsos opinion poll", "a Morning Consult Poll"
)


# 'The survey, conducted by the Public Policy Institute of California,': a document known by who produced it
_PRODUCED_WORK = re.compile(
    rf"\b(?:(?P<noun>{_WORK})\b,?\s+(?:{'|'.join(_LINK_WORDS['producing_participles'])})\s+(?:jointly\s+)?|(?P<poll>poll|survey)\s+)by\s+(?:the\s+)?"
    rf"(?P<author>[A-Z][\w.&/\u2019'-]*(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w.&/\u2019'-]*){{0,5}})"
)


_SENTENCE_STOP = re.compile(r"(?<=[a-z]{3})\.\s+(?=[A-Z])")  # a full stop after a word (not "U.S."), a capital next
NAME_ABBREVIATIONS = frozenset(_LINK_WORDS["name_abbreviations"])  # "Bros.", "Natl.", "Assn.": inside a body's name


def _before_sentence_end(name: str) -> str:
    """A name up to a full stop that ends its sentence ("... Institute of Politics. Twenty-four"), past the ones of
    abbreviations ("the Univ. of Mass. Lowell", "Ipsos Corp. for Reuters") unless a sentence's first word follows
    ("... of Calif. Most voters")."""
    for stop in _SENTENCE_STOP.finditer(name):
        word = name[: stop.start()].split()[-1].lower()
        following = name[stop.end() :].split(maxsplit=1)[0].lower()
        abbreviated = word in ABBREVIATIONS or word in TAG_STATES or word in NAME_ABBREVIATIONS
        if not abbreviated or following in SENTENCE_STARTS or following in OPENERS_AFTER_ABBREVIATION:
            return name[: stop.start()]
    return name


def named_works(text: str) -> list[tuple[int, str, str]]:
    """(position, kind, name) of each work or document the text names, in reading order: a title given after
    its noun ("the documentary “13th”", "a memoir entitled ..."), or an author before it ("a Reuters survey")."""
    found = [(m.start(), WORK_NOUNS[m.group("noun").lower()], m.group("title").strip(" ,:")) for m in _QUOTED_WORK.finditer(text)]
    found += [(m.start(), WORK_NOUNS[m.group("noun").lower()], m.group("title").strip(" ,:")) for m in _ENTITLED_WORK.finditer(text)]
    found += [
        (m.start(), WORK_NOUNS[m.group("noun").lower()], f"{m.group('author')} {m.group('noun').lower()}")
        for m in _AUTHORED_WORK.finditer(text) if m.group("author").split()[0].lower() not in DETERMINERS
    ]
    for m in _PRODUCED_WORK.finditer(text):
        noun = (m.group("noun") or m.group("poll")).lower()
        # the author without the sentence's full stop, nor the next sentence's first word ("... of Politics. Twenty-four")
        author = _before_sentence_end(m.group("author")).rstrip(".")
        if author.split()[0].lower() not in DETERMINERS:
            found.append((m.start(), WORK_NOUNS[noun], f"{author} {noun}"))
    return sorted(found)


# "Ronnie Cameron, an Arkansas poultry magnate who": such an appositive describes a person. (A bare ", who" is
# no evidence: British pages write "Manchester City, who are ...".)
_FOLLOWED_BY_WHO = re.compile(r"(?:\s*\([^()\n]{0,30}\))?,\s+(?:a|an)\s+[^,;:.!?()\n]{1,80}?\s+who\b")
_APPOSITIVE_ROLE = re.compile(  # "Ban Ki-moon, the secretary general", "Mehmet Oz — Ivy League-trained surgeon"
    r"(?:,\s+(?:the|a|an)|\s+[\u2014\u2013-]+\s+(?:the|a|an)?)\s*(?:[\w.\u2019'-]+\s+){0,4}?(?:"
    + "|".join(sorted(PERSON_HEADS | APPOSITIVE_HEADS)) + r")\b"
)
_SIGNATURE = re.compile(r"(?m)^[ \t]*((?:[A-Z][\w.\u2019'-]*[ \t]+){1,3}[A-Z][\w\u2019'-]*|@\w+)\.?(?:[;,][^\n]{0,40})?[ \t]*$")
# "Mexico and the United States", "Sen. Marco Rubio and former Gov. Jeb Bush", "Robert Menendez (D-N.J.) and Joe Manchin"
_CONJOINED_GAP = re.compile(
    r"(?:\s*\([^()\n]{0,12}\))?(?:,[^.;\n]{0,60},)?\s+(?:" + "|".join(_LINK_WORDS["pair_conjunctions"])
    + r")\s+(?:the\s+)?(?:(?:former|then|fellow)\s+)?(?:[A-Z][a-z]{1,4}\.\s+)?$"
)


SENTENCE_OPENERS = frozenset(_LINK_WORDS["clause_openers"]) | NAME_OPENERS
MONTHS = tuple(_LINK_WORDS["months"])
_DATE_TAIL = re.compile(
    r"\s+(?:" + "|".join(_LINK_WORDS["date_prepositions"]) + r")\s+(?:"
    + "|".join(w.capitalize() for w in [*_ROLES["weekdays"], *MONTHS]) + r")\b.*$"
)


def _strip_sentence_opener(raw: str, start: int) -> tuple[str, int]:
    """'But Donald Trump' -> 'Donald Trump': a capitalised sentence opener is not part of a name, nor a date after it."""
    raw = _DATE_TAIL.sub("", raw)
    words = raw.split(" ")
    while words and words[0].lower() in SENTENCE_OPENERS:
        start += len(words[0]) + 1
        words = words[1:]
    return " ".join(words), start


TITLE_CASE_SHARE = 0.7  # a headline line with this share of capitalised words is in title case


def _title_case_headline_end(text: str) -> int:
    """Where a title-case headline line ends ("Hillary Clinton Visit To Police Memorial Brings Allegations Of
    Pandering", a blank line under it), else 0: every word of it is capitalised, so its runs say nothing of names."""
    end = text.find("\n")
    if end <= 0 or not re.match(r"\n[ \t]*\n", text[end:]):
        return 0  # a headline stands apart, a blank line under it; a first line of running text does not
    words = re.findall(r"[A-Za-z][\w'\u2019-]*", text[:end])
    if len(words) < 4 or sum(w[0].isupper() for w in words) < TITLE_CASE_SHARE * len(words):
        return 0
    return end


def _name_runs(text: str) -> Iterator[tuple[str, int, int]]:
    """Runs of capitalised words, as (text, start, end). In a title-case headline only the parts the article's body
    writes as a run of their own ("Hillary Clinton" in "Hillary Clinton Visit To Police Memorial ..."), longest first."""
    headline_end = _title_case_headline_end(text)
    body = {m.group(0) for m in _NAME_RUN.finditer(text, headline_end)} if headline_end else set()
    body |= {_strip_sentence_opener(run, 0)[0] for run in body}
    body |= {run.partition(" ")[2] for run in body if len(run.split()) >= 3 and run.split()[1].lower() in FIRST_NAMES}
    for match in _NAME_RUN.finditer(text):
        if match.start() >= headline_end:
            yield match.group(0), match.start(), match.end()
            continue
        tokens = [(match.start() + t.start(), match.start() + t.end()) for t in re.finditer(r"\S+", match.group(0))]
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i + 1, -1):
                start, end = tokens[i][0], tokens[j - 1][1]
                if text[start:end] in body:
                    yield text[start:end], start, end
                    i = j
                    break
            else:
                i += 1


def _is_heading(raw: str) -> bool:
    """'HE'S BEEN CALLED OUT BY FELLOW DOCTORS': words in capitals are a heading, not a name."""
    words = [w for w in raw.split() if w.isalpha()]
    return len(words) >= 2 and all(w.isupper() and len(w) >= 3 for w in words)


def _initials(name: str) -> str:
    """'International Monetary Fund' -> 'IMF' (function words skipped)."""
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in INITIALS_SKIPPED)


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def _letter_signatures(text: str) -> list[tuple[int, str]]:
    """Signature lines ("Chris Smith." alone on a line) of a letters page; none unless there are two or more."""
    found = [(m.start(), m.group(1)) for m in _SIGNATURE.finditer(text)
             if not any(w.lower().strip(".") in ROLE_WORDS | MEDIA_NAMES for w in m.group(1).split())]
    return found if len(found) >= 2 else []


def _conjoined(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """'Mexico and the United States', 'Mr. Grassley and Mr. Leahy': two named referents acting together."""
    pairs: list[Mention] = []
    for first, second in zip(mentions, mentions[1:]):
        if first.end < 0 or first.entity.name == second.entity.name or first.entity.type != second.entity.type:
            continue
        if first.entity.type not in ("person", "government", "organization") or second.position - first.end > 70:
            continue
        if _CONJOINED_GAP.fullmatch(text, first.end, second.position) and not _COMPANIONS_BEFORE.search(text, max(0, first.position - 12), first.position):
            # (not "they wrote with Daron Acemoglu and Brendan Price": companions of the subject, never "they" alone)
            name = f"{first.entity.name} and {second.entity.name}"
            pairs.append(Mention(first.position, Entity(name, "group", members=first.entity.type), 1.0, second.end))
    return pairs


def _affiliation_mentions(found: Sequence[tuple[int, int, Entity]]) -> list[tuple[int, int, Entity]]:
    """'Wells Fargo CEO John Stumpf' mentions Wells Fargo too."""
    bodies: list[tuple[int, int, Entity]] = []
    for a, _, entity in found:
        if entity.type == "person" and entity.affiliation and entity.affiliation.lower() not in PLACES:
            body = Entity(entity.affiliation, *classify(entity.affiliation))
            if body.type != "person":
                bodies.append((a, a + len(entity.affiliation), body))
    return bodies


def gender_of(entity: Entity, honorific: str | None = None) -> str | None:
    if honorific in HONORIFIC_GENDER:
        return HONORIFIC_GENDER[honorific]
    first = entity.name.split()[0].lower().strip(".") if entity.name else ""
    if first in UNISEX_NAMES:
        return None  # "Pat Ferguson": a first name men and women carry tells no gender
    if first in FEMALE_NAMES:
        return "female"
    if first in MALE_NAMES:
        return "male"
    return None


@dataclass
class Mention:
    position: int
    entity: Entity
    weight: float = 1.0  # a mention as a quoted source counts more: speakers are what "he" usually means
    end: int = -1  # where the mention ends in the text (-1: not known)
    reported: tuple[int, int] | None = None  # the statement content it lies in: talked about, not talking


@dataclass(frozen=True)
class Turn:
    """One turn of a transcript ('TAPPER: Do you think ...', 'A: I think ...'): from its label to where it ends."""

    start: int
    end: int
    label: str

    @property
    def key(self) -> str:
        """Who the label names, however often the transcript shortens it ('JAKE TAPPER', then 'TAPPER')."""
        return _label_key(self.label)


# A line that opens with a speaker's label in capitals and a colon ("JAKE TAPPER: ...", "Q: ...", "A: ..."), as
# television and interview transcripts print them; a title-case label ("Sanders: Win in a walk.") is a heading.
_TURN_LABEL = re.compile(r"^(?P<label>[QA]|[A-Z][A-Z'\u2019.\-]+(?: [A-Z][A-Z'\u2019.\-]+){0,3}):[ \t]+(?=\S)", re.M)
NOT_TURN_LABELS = frozenset(_LINK_WORDS["not_turn_labels"])  # "UPDATE:", "WATCH:": no speaker
GENERATIONAL_SUFFIXES = frozenset(_LINK_WORDS["generational_suffixes"])  # "JOHN SMITH III" is known as "SMITH"
INTERVIEWER, INTERVIEWEE = "Q", "A"
READER_PRONOUNS = frozenset(word for word, kind in _LINK_WORDS["pronouns"].items() if kind == "reader")  # "you", "your"
INTERVIEW_CUES = tuple(_LINK_WORDS["interview_cues"])  # "sat down with", "interview": a "Q:" / "A:" text is an interview
# A capitalised word and the capitalised word after it ("Mary Fallin", "Gov. Fallin"): who the text gives a surname.
_WORD_THEN_SURNAME = re.compile(r"\b(?P<word>[A-Z][a-z]+)\.?\s+(?=(?P<surname>[A-Z][\w'\u2019-]+))")
ADDRESSEE_REACH = 8  # "you" is someone who spoke in the last (or next) eight turns
INTERVIEWEE_AFTER_CUE = 60  # "sat down with Vice President Joe Biden": the name at most this far after the cue
DENSE_TRANSCRIPT = 0.5  # the share of paragraphs between the first and last labels that are labelled turns


def _label_key(label: str) -> str:
    """The word a label is known by: its surname, lower-case, past a generational suffix ("JOHN SMITH III": smith)."""
    words = [w for w in label.lower().split() if w not in GENERATIONAL_SUFFIXES] or label.lower().split()
    return words[-1]


@lru_cache(maxsize=16)
def transcript_turns(text: str) -> tuple[Turn, ...]:
    """The turns of the transcript the text holds, in order: where at least two lines open with the labels of at
    least two speakers, each label "Q", "A" or a person's name ("JAKE TAPPER", "FALLIN" where the text names a Mary
    Fallin or a Gov. Fallin; not "THE FACTS" or "WHY IT MATTERS"). A turn is its paragraph; in a dense transcript
    (most paragraphs labelled) it runs on over the unlabelled paragraphs after it, up to the next line that opens with
    a label of any kind (a fact-check's "THE FACTS:") or a paragraph that names its speaker ("Fallin's comments came
    a day after ..." is the writer's again)."""
    found = list(_TURN_LABEL.finditer(text))
    named_in_full = {_label_key(m.group("label")) for m in found if m.group("label").split()[0].lower() in FIRST_NAMES}
    surnames = {m.group("surname").lower() for m in _WORD_THEN_SURNAME.finditer(text) if m.group("word").lower() in FIRST_NAMES
                or m.group("word") in DOTTED_TITLES or m.group("word").lower() in HONORIFICS}
    labels = [m for m in found if m.group("label").lower() not in NOT_TURN_LABELS and (
        m.group("label") in (INTERVIEWER, INTERVIEWEE) or _label_key(m.group("label")) in named_in_full | surnames)]
    if len(labels) < 2 or len({_label_key(m.group("label")) for m in labels}) < 2:
        return ()
    starts = {m.start() for m in found}
    paragraphs = [(p.start(), p.end()) for p in re.finditer(r"[^\n]*\S[^\n]*", text)]
    spanned = [p for p in paragraphs if labels[0].start() <= p[0] <= labels[-1].start()]
    dense = sum(p[0] in starts for p in spanned) >= DENSE_TRANSCRIPT * len(spanned)
    paragraph_at = {start: number for number, (start, _) in enumerate(paragraphs)}  # a label opens its paragraph
    turns = []
    for label in labels:
        at = paragraph_at[label.start()]
        end = paragraphs[at][1]
        speaker = name_case(_label_key(label.group("label")))
        for start, stop in paragraphs[at + 1 :] if dense and label != labels[-1] else ():
            if start in starts or re.search(rf"\b{re.escape(speaker)}\b", text[start:stop]):
                break
            end = stop
        turns.append(Turn(label.start(), end, label.group("label")))
    return tuple(turns)


def turn_holding(turns: Sequence[Turn], position: int) -> Turn | None:
    """The turn of ``turns`` (in order, as ``transcript_turns`` gives them) that holds ``position``, if any."""
    at = bisect.bisect_right(turns, position, key=lambda turn: turn.start) - 1
    return turns[at] if at >= 0 and position < turns[at].end else None


# "the Communications Workers of America": capitalised words and "of" before a place name the run ends in
_BODY_OF_PLACE = re.compile(r"(?P<name>(?:[A-Z][\w&.'\u2019-]*\s+){1,5}of\s+(?:the\s+)?)\Z")
# "Fox News and the Drudge Report": two names joined by "and", the second one ending right before the relative
_PAIR_BEFORE_RELATIVE = re.compile(
    r"(?P<first>[A-Z][\w&.'\u2019-]*(?:\s+[A-Z][\w&.'\u2019-]*)*)\s+and\s+(?:the\s+)?"
    r"(?P<second>[A-Z][\w&.'\u2019-]*(?:\s+[A-Z][\w&.'\u2019-]*)*)\s*[,(\u2014-]?\s*\Z"
)


class ArticleIndex:
    """Named people and organisations in reading order, so references resolve to what came before them."""

    def __init__(
        self, text: str, sentence_starts: Sequence[int] = (), author: str | None = None, publisher: str | None = None,
        reported: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.sentence_starts = list(sentence_starts)
        self.text = text
        self.author = author  # the article's own voice: who "I" is outside quotations
        self.publisher = publisher  # and who "we" is
        self.reported = list(reported)  # the statements' content spans: what someone said, not the writer's text
        self.mentions: list[Mention] = []
        self.pronoun_mentions: list[Mention] = []  # the writer's own pronouns, resolved in reading order
        self.by_surname: dict[str, Entity] = {}
        self.gender: dict[str, str] = {}
        self._ambiguous: set[str] = set()  # surnames two named people share: no plain alias of either
        self.namesakes: dict[str, list[Entity]] = {}  # surname -> the people named in full who carry it
        self._organisations: dict[str, bool] = {}  # name -> whether the article treats it as an organisation
        self.last_speaker: tuple[int, Entity] | None = None  # the source resolved last, where it was mentioned
        self.last_spoke = -1  # the last sentence the last speaker's words reach (a quotation over sentences)
        self.named_at: dict[str, int] = {}  # a speaker -> where a source last named them (not a pronoun)
        self.speakers: set[int] = set()  # where resolved sources stand: people who spoke, not people named
        self._descriptions: list[tuple[int, str, list[str]]] | None = None  # (position, person, words describing it)
        self._proper: dict[str, bool] = {}  # one word -> whether it stands capitalised after a lower-case word
        self._called_bodies: dict[str, bool] = {}  # one word -> whether the next sentence calls it "the company"
        self._full_organisations: list[tuple[int, int, Entity]] = []
        self.organisations_by_word: dict[str, Entity] = {}  # "Cairn" -> "Cairn Energy", "Yukos" -> "Yukos"
        # Words the article puts after "Mr", "Mrs", "Dr": surnames, so "Tony Blair" is a person when "Mr Blair" follows.
        self.titled_surnames = {m.group(1).lower() for m in _TITLED.finditer(text)}
        self.knighted: dict[str, Entity] = {}  # "Sir Howard" -> the "Sir Howard Newby" named in full
        self.signatures = _letter_signatures(text)
        self.turns = transcript_turns(text)  # a transcript's turns: whose "I" and "you" each one holds
        self._turn_starts = [turn.start for turn in self.turns]  # where each turn starts, to find the one before
        # Lines opening with capitals and a colon that name no speaker ("THE FACTS:"): never a source's name.
        self.unnamed_labels = {m.start() for m in _TURN_LABEL.finditer(text)} - set(self._turn_starts) if self.turns else set()
        self._interviewed: tuple[Entity | None] | None = None  # who answers the "A:" turns, once known
        self.works = named_works(text)  # "The film" is the documentary "13th" named before it
        found, titled = self._named_runs(text)
        self._merge_titled_surnames(found, titled)
        self._full_organisations = [f for f in found if f[2].type == "organization"]
        found += self._single_words(text, found)
        found += self._relatives_by_first_name(text, found)
        # "IMF" is the "International Monetary Fund" the article names in full.
        self.acronyms: dict[str, Entity] = {}
        for _, _, e in found:  # the first body with those initials, unless the article spells one out: "(EC)"
            if e.type != "person" and len(_initials(e.name)) >= 2:
                self.acronyms.setdefault(_initials(e.name), e)
        named = {e.name: e for _, _, e in found}
        for match in _DEFINED_ACRONYM.finditer(text):  # "the European Commission (EC)" defines EC here
            if match.group("full") in named and _initials(match.group("full")) == match.group("acronym"):
                self.acronyms[match.group("acronym")] = named[match.group("full")]
        found += self._acronym_mentions(text)
        found += _affiliation_mentions(found)
        found += [  # "The Clinton campaign is braced for a fight it expects": a person's campaign is a body of its own
            # (named by the surname alone, so a surname two people here carry, Bill's and Hillary's, names it too)
            (m.start(), m.end(), _campaign_of(self.by_surname.get(m.group(1).lower()) or self.namesakes[m.group(1).lower()][0]))
            for m in _CAMPAIGN_NAMED.finditer(text) if m.group(1).lower() in self.by_surname or m.group(1).lower() in self.namesakes
        ]
        for _, _, entity in found:  # "the United States", "North Korea"
            entity.place = entity.place or place_kind(entity.name)
        found.sort(key=lambda item: item[0])
        self.mentions = []
        for a, b, e in found:
            weight = self._weight(a, found, reported)
            # a name framing its sentence as a view is who holds it, even where a content span was tagged over it
            inside = None if weight == FRAME_WEIGHT else next(((s, t) for s, t in reported if s <= a < t), None)
            self.mentions.append(Mention(a, e, weight, b, inside))
        self.mentions += _conjoined(text, self.mentions)
        self.mentions.sort(key=lambda m: m.position)
        for mention in self.mentions:  # a surname mention carries its full name's known gender
            if mention.entity.name in self.gender:
                continue
            person = self.by_surname.get(mention.entity.name.split()[-1].lower())
            if person is not None and person.name in self.gender:
                self.gender[mention.entity.name] = self.gender[person.name]

    def _weight(self, position: int, found: Sequence[tuple[int, int, Entity]], reported: Sequence[tuple[int, int]]) -> float:
        """How much a mention at ``position`` counts towards salience: more as its sentence's subject (not
        inside a statement's content, ``reported``). (Less as the owner of a thing, "Mervyn Peake's gothic fantasy",
        was tried in round 5 and rejected: it cost three pronouns on the PolNeAR train and final sets.)"""
        start, _ = self.sentence_span(self.sentence_of(position))
        end = next((b for a, b, _ in found if a == position), position)
        if self.text.startswith(("'s", "\u2019s"), end) and any(
            e.type == "person" and end < a <= end + OWNER_REACH and _ROLE_GAP.fullmatch(self.text, end + 2, a) for a, _, e in found
        ):
            return OWNER_WEIGHT  # "Wenger's Bayern counterpart Felix Magath": the sentence is about Magath
        if _OPINION_FRAME.fullmatch(self.text, start, position) is not None:
            # "But for Allen Weiner, a research director at Gartner, the future of search is ...": the sentence
            # is his view, and "he said" after it is his, however often someone else spoke before.
            return FRAME_WEIGHT
        if any(start <= position < end for start, end in reported):
            return 1.0
        if any(start <= a < position and not self._modifies(b, found) for a, b, _ in found):
            return 1.0  # another name heads its sentence
        entity = next((e for a, _, e in found if a == position), None)
        introduced = (
            entity is not None and entity.type == "person" and len(entity.name.split()) >= 2
            and _INTRODUCING_APPOSITIVE.match(self.text, end) is not None
            and not any(e.name == entity.name for a, _, e in found if a < position)
        )
        # "Among the delegates was Wes Nakagiri, a delegate from Michigan who ...": a newcomer introduced by what he
        # is, where no other name heads the sentence, is what it is about
        return SUBJECT_WEIGHT if introduced or self.opens_sentence(position) else 1.0

    def opens_sentence(self, position: int) -> bool:
        """Whether only sentence openers, titles and roles come before ``position`` in its sentence: "But Tory
        leader Michael Howard said", "Clinton communication director Jennifer Palmieri said"; never "In a
        report for the Foreign Policy Centre, he ..." nor "Mr Blair has failed, he claimed"."""
        start, _ = self.sentence_span(self.sentence_of(position))
        before = re.findall(r"[\w\u2019'-]+|,", self.text[start:position])
        last_role = max((i for i, w in enumerate(before) if _is_role(w)), default=-1)
        return all(w != "," and (i <= last_role or w.lower() in SENTENCE_OPENERS or _is_capitalised(w)) for i, w in enumerate(before))

    def _modifies(self, end: int, found: Sequence[tuple[int, int, Entity]]) -> bool:
        """Whether the name ending at ``end`` only describes the next one: "Clinton communication director
        Jennifer Palmieri", "Holt's colleague Matt Lauer"."""
        if self.text.startswith(("'s", "\u2019s"), end):
            return True
        following = [a for a, _, _ in found if a > end]
        if not following:
            return False
        gap = self.text[end : min(following)].split()
        return 0 < len(gap) <= 3 and not any(p in " ".join(gap) for p in ",;:\"") and _is_role(gap[-1])

    def _named_runs(self, text: str) -> tuple[list[tuple[int, int, Entity]], dict[int, str]]:
        """Runs of capitalised words that name a person or a body; fills ``by_surname`` and ``gender``."""
        found: list[tuple[int, int, Entity]] = []
        titled: dict[int, str] = {}  # position -> honorific of a one-word name ("Mr. Obama")
        unmarked: list[tuple[int, int, Entity]] = []  # full names nothing marks as a person's (yet)
        for run, run_start, run_end in _name_runs(text):
            raw, start = _strip_sentence_opener(run, run_start)
            if not raw or _is_heading(raw):
                continue
            halves = raw.split()
            if len(halves) >= 4 and len(halves) % 2 == 0 and halves[: len(halves) // 2] == halves[len(halves) // 2 :]:
                raw = " ".join(halves[len(halves) // 2 :])  # "Dame Alicia Markova Dame Alicia Markova": a glued headline that is the name
                start = run_start + run.rfind(raw)
            if len(raw.split()) >= 2 and raw.split()[-1].lower() in NATIONALITIES:
                raw = raw.rsplit(" ", 1)[0]  # "Sina Chinese online game firm": a headline's last word runs into the body
            first, _, rest = raw.partition(" ")
            before_name = first.lower() in NATIONALITIES or first.lower() in DEMONYMS or place_kind(first) is not None
            if before_name and rest.split(" ")[0].lower() in FIRST_NAMES and len(rest.split()) >= 2:
                # "American Justin Gatlin", "British Sebastian Coe": where the person comes from, then the name; a glued
                # headline's last word before it ("Agassi fear for Melbourne Andre Agassi's involvement"). The mention
                # keeps its span: "Republican Donald Trump and Democrat Hillary Clinton" are still listed together.
                raw = rest
                first, _, rest = raw.partition(" ")
            if first.lower() in self.titled_surnames and rest.split(" ")[0].lower() in FIRST_NAMES and len(rest.split()) >= 2:
                # "... wrong way - Howard Tony Blair has failed" (a glued headline): the surname the article
                # gives a "Mr Howard" runs into the next name.
                raw, start = rest, start + len(first) + 1
            if _OFFICE_BEFORE_ITS_HOLDER.match(text, run_end) and all(
                _is_role(w) or w.lower() in NATIONALITIES | DETERMINERS or w.lower() in DEMONYMS or place_kind(w) for w in raw.split()
            ):
                continue  # "The Turkish President, Recep Tayyip Erdogan, did ...": the office, whose holder is named next
            honorific = raw.split()[0].lower().strip(".")
            entity = parse_named(raw)
            if entity.type != "person":
                if entity.type in ("organization", "government", "media") and len(entity.name) > 2:
                    found.append((start, run_end, entity))
                continue
            words = entity.name.split()
            gender = gender_of(entity, honorific)
            said_before = (text[max(0, start - 30) : start].split()[-1:] or [""])[0].lower().strip(",")
            gender = GENDERED_WORDS.get(said_before, gender)  # "9/11 widow Terry Strada": a woman, whatever "Terry" says
            told = _GENDERED_APPOSITIVE.match(text, run_end) if gender is None else None
            # "Attallah Shabazz, the daughter of activist Malcolm X": a woman, if the run is a person on other
            # evidence ("Silicon Valley, the mother of all startup hubs" stays no one)
            appositive_gender = GENDERED_WORDS[told.group("word").lower()] if told is not None else None
            # A run of capitalised words is a person only with a known first name, a title or a role
            # ("Ban Ki-moon, the secretary general").
            role_after = _APPOSITIVE_ROLE.match(text, run_end) or _FOLLOWED_BY_WHO.match(text, run_end)
            if len(words) == 2 and words[0] in KNIGHT_TITLE_WORDS:  # "Sir Howard": the knight named in full, if any
                knight = self.knighted.get(words[1].lower())
                found.append((start, run_end, knight or entity))
                continue
            surname_titled = words[-1].lower() in self.titled_surnames
            known = self.by_surname.get(words[-1].lower())
            if (len(words) == 2 and surname_titled and known is not None and known.name != entity.name and not gender and not entity.role
                    and honorific not in HONORIFICS and words[0].lower() not in FIRST_NAMES):
                # "a shirt that read 'Fascist Trump'": a word before the surname of someone named in full is no new
                # person; it is a mention of that one
                found.append((run_end - len(words[-1]), run_end, known))
                continue
            before = text[:start].split()[-1:]
            described = bool(before) and before[0].lower().strip(",") in PERSON_HEADS | LEADING_DESCRIPTORS  # "Rock star Ozzy Osbourne"
            unisex = words[0].lower() in UNISEX_NAMES  # a first name that tells no gender ("Morgan Freeman")
            marked = bool(entity.role or honorific in HONORIFICS or role_after or surname_titled or described)
            if len(words) >= 2 and (gender or unisex) and not marked and strong_organisation_evidence(text, entity.name):
                # "Morgan Stanley analysts", "Harlan Brooks CEO John Stumpf": a first name alone is no match for what
                # the article says of a body
                found.append((start, run_end, Entity(entity.name, "organization")))
                continue
            if len(words) >= 2 and (gender or unisex or marked):
                entity.role = entity.role or _office_before(text, start)
                if honorific in KNIGHT_TITLES:
                    self.knighted.setdefault(words[0].lower(), entity)
                gender = gender or appositive_gender
                if gender:
                    self.gender[entity.name] = gender
                surnames = [words[-1].lower()]
                if re.fullmatch(r"[A-Z][a-z]+-[a-z]+", words[-1]):
                    surnames.append(words[0].lower())  # "Kim Jong-un", "Ban Ki-moon": family name first
                for surname in surnames:
                    if surname in self.by_surname and self.by_surname[surname].name != entity.name:
                        self._ambiguous.add(surname)
                    namesakes = self.namesakes.setdefault(surname, [])
                    if all(e.name != entity.name for e in namesakes):
                        namesakes.append(entity)
                    self.by_surname.setdefault(surname, entity)
                found.append((start, run_end, entity))
            elif len(words) == 1 and (honorific in HONORIFICS or entity.role):  # "Mr. Ban", "President Obama"
                found.append((start, run_end, entity))
                titled[start] = honorific
                if gender:
                    self.gender.setdefault(entity.name, gender)
            elif not gender and not entity.role and honorific not in HONORIFICS and self._organisation(entity.name):
                found.append((start, run_end, Entity(entity.name, "organization")))  # "Cairn", "Sony Ericsson"
            elif len(words) >= 2:
                unmarked.append((start, run_end, entity))
        people = [(a, b) for a, b, e in found if e.type == "person"]
        for start, end, entity in unmarked:
            # "two members of Congress from Florida, Ileana Ros-Lehtinen and Carlos Curbelo": a full name listed
            # with a person's is a person's, whatever its first name
            if any(_LISTED_WITH.fullmatch(text, b, start) or _LISTED_WITH.fullmatch(text, end, a) for a, b in people):
                found.append((start, end, entity))
                surname = entity.name.split()[-1].lower()
                self.namesakes.setdefault(surname, []).append(entity)
                self.by_surname.setdefault(surname, entity)
        return found, titled

    @property
    def namesakes_of_many(self) -> set[str]:
        """Surnames two or more people named in full here carry: a bare one is resolved each time anew."""
        return {surname for surname, people in self.namesakes.items() if len(people) > 1}

    def _organisation(self, name: str) -> bool:
        if name not in self._organisations:
            self._organisations[name] = name.lower() not in PLACES and organisation_evidence(self.text, name)
        return self._organisations[name]

    def _merge_titled_surnames(self, found: list[tuple[int, int, Entity]], titled: dict[int, str]) -> None:
        """'Mr. Ban' is the 'Ban Ki-moon' named elsewhere, unless the title says another gender (two Obamas)."""

        def clashes(position: int, entity: Entity, named: Entity) -> bool:
            said = gender_of(entity, titled.get(position))
            return bool(said and self.gender.get(named.name, said) != said)

        for a, _, entity in found:
            named = self.by_surname.get(entity.name.lower()) if " " not in entity.name else None
            if named is not None and clashes(a, entity, named):
                self._ambiguous.add(entity.name.lower())
        for surname in self._ambiguous:
            del self.by_surname[surname]
        for i, (a, b, entity) in enumerate(found):
            named = self.by_surname.get(entity.name.lower()) if entity.type == "person" and " " not in entity.name else None
            if named is not None and not clashes(a, entity, named):
                found[i] = (a, b, Entity(named.name, "person", False, entity.role or named.role, named.affiliation))
                said = gender_of(entity, titled.get(a))
                if said:  # "Mr Spector" says what "Phil Spector" did not: he is a man
                    self.gender.setdefault(named.name, said)

    def _relatives_by_first_name(self, text: str, named: Sequence[tuple[int, int, Entity]]) -> list[tuple[int, int, Entity]]:
        """"Trump's wife, Melania," names Melania Trump, a woman, whom a later "she" may mean (a first name alone after
        a relative word of a surname that names a person where it stands)."""
        covered = [(a, b) for a, b, _ in named]
        found: list[tuple[int, int, Entity]] = []
        for match in _RELATIVE_FIRST_NAME.finditer(text):
            # whom the surname names where it stands ("Trump" is Donald Trump there, though Ivanka Trump shares it)
            owner = next((e for a, b, e in named if a <= match.start("owner") < b and e.type == "person"), None)
            owner = owner or self.by_surname.get(match.group("owner").lower())
            if owner is None or owner.name.split()[-1] != match.group("owner") or any(a <= match.start("first") < b for a, b in covered):
                continue
            relative = Entity(f"{match.group('first')} {owner.name.split()[-1]}", "person")
            self.gender.setdefault(relative.name, GENDERED_WORDS[match.group("relation").lower()])
            found.append((match.start("first"), match.end("first"), relative))
        return found

    def _single_words(self, text: str, named: Sequence[tuple[int, int, Entity]]) -> list[tuple[int, int, Entity]]:
        """Bare surnames of people named in full ("Kirby"), and places ("Mexico").

        A surname two people here carry ("Bernie Sanders", later "his wife, Jane Sanders") is the one of them the
        article had named when it first wrote the surname alone, and stays that one; where both were named by
        then, it is nobody's.
        """
        covered = [(a, b) for a, b, _ in named]
        # "President Obama", "Mr. Obama": a one-word name the article gives a title is a person where it stands alone
        titled_alone = {
            e.name.lower(): e for _, _, e in named if e.type == "person" and " " not in e.name and not e.vague
            and e.name.lower() not in self._ambiguous and e.name.lower() not in self.namesakes
        }
        first_named: dict[str, int] = {}
        for a, _, entity in sorted(named, key=lambda item: item[0]):
            first_named.setdefault(entity.name, a)
        shared = self.namesakes_of_many
        # "Jerome also founded Henry Realty": a first name alone is the one person the article names in full with it
        by_first: dict[str, dict[str, Entity]] = {}  # first name -> surname -> the first person named in full with both
        for _, _, entity in named:
            words = entity.name.split()
            if entity.type == "person" and not entity.vague and len(words) >= 2 and words[0].lower() in FIRST_NAMES and words[0].lower() not in FIRST_NAMES_ALSO_WORDS:
                by_first.setdefault(words[0].lower(), {}).setdefault(words[-1].lower(), entity)
        settled: dict[str, Entity | None] = {}  # a shared surname -> whom the article meant by it alone
        found: list[tuple[int, int, Entity]] = []
        for match in _CAPITALISED_WORD.finditer(text):
            word, at = match.group(0), match.start()
            person = self.by_surname.get(word.lower())
            if person is None and word.lower() in titled_alone and self._alone(word, at, match.end(), covered):
                person = titled_alone[word.lower()]
            if (person is None and len(by_first.get(word.lower(), ())) == 1 and word.lower() not in self.namesakes
                    and not re.search(r"\b[Tt]he\s+\Z", text[max(0, at - 5) : at]) and self._alone(word, at, match.end(), covered)
                    and not self._quoted_at(at)):  # '"Brian and Seamus are ...," Mr Walsh said': his words, not the writer's
                person = next(iter(by_first[word.lower()].values()))
            if person is None and word.lower() in shared and self._alone(word, at, match.end(), covered):
                named_by_now = [e for e in self.namesakes[word.lower()] if first_named.get(e.name, len(text)) < at]
                if word.lower() not in settled and named_by_now:  # a headline's surname before either is named settles nothing
                    settled[word.lower()] = named_by_now[0] if len(named_by_now) == 1 else None
                person = settled.get(word.lower())
            if person is not None and not any(a <= at < b and a != at for a, b in covered):
                found.append((at, match.end(), person))
            elif word.lower() in PLACES and not any(a <= at < b for a, b in covered):
                found.append((at, match.end(), Entity(word, "government", place=place_kind(word))))
            elif word.lower() in PARTY_WORDS and not any(a <= at < b for a, b in covered):
                found.append((at, match.end(), Entity(word, *classify(word))))  # "the Democrats ... they", "Labour ... it"
            elif not any(a <= at < b for a, b in covered) and not re.match(r"\s+[A-Z]", text[match.end() :]) and self._single_organisation(word):
                # "Cairn" after "Cairn Energy": the body named in full, else the body by its one name ("Yukos")
                full = next((e for _, _, e in self._full_organisations if e.name.split()[0] == word), None)
                self.organisations_by_word[word] = full or Entity(word, "organization")
                found.append((at, match.end(), self.organisations_by_word[word]))
        return found

    def _quoted_at(self, position: int) -> bool:
        """Whether ``position`` stands in someone's own words: inside quotation marks opened in its sentence, or in
        a statement's content that is a direct quotation (one may run over several sentences)."""
        if any(start <= position < end and _quoted(self.text, start, end) for start, end in self.reported):
            return True
        return _in_quotation(self.text, self.sentence_span(self.sentence_of(position))[0], position)

    def _alone(self, word: str, start: int, end: int, covered: Sequence[tuple[int, int]]) -> bool:
        """Whether the capitalised ``word`` stands alone as a name: not inside or at the head of a longer name ("Brown
        University", "the Bush Library") and not a common word that only opens a sentence ("Will the plan survive?")."""
        if any(a <= start < b for a, b in covered) or re.match(r"\s+[A-Z]", self.text[end:]):
            return False
        opens = not self.text[:start].strip() or self.text[:start].rstrip()[-1:] in ".!?\"\u201d:\n"
        return not (opens and re.search(rf"\b{re.escape(word.lower())}\b", self.text) is not None)

    def unmarked_name(self, entity: Entity) -> bool:
        """A capitalised name of one to three words that nothing here marks as a person ("the Halifax has said",
        "Zero Hedge"): no first name, title, role or gender, and no person named in full behind a one-word name;
        "the bank", "it" may mean it."""
        words = entity.name.split()
        return (
            entity.type == "person" and not entity.vague and not entity.role and entity.name not in self.gender
            and 1 <= len(words) <= 3 and all(_is_capitalised(w) for w in words)
            and not any(w.lower().strip(".") in FIRST_NAMES | HONORIFICS | self.titled_surnames for w in words)
            and (len(words) > 1 or (words[0].lower() not in self.by_surname and words[0].lower() not in self.namesakes))
        )

    def _single_organisation(self, word: str) -> bool:
        """A one-word name the article uses as a proper noun (somewhere after a lower-case word) and treats
        as an organisation; never a pronoun, determiner or sentence opener."""
        lower = word.lower()
        if lower in PRONOUNS or lower in DETERMINERS or lower in NAME_OPENERS or lower in PLACES or len(word) < 3 or word.isupper() or lower in CALENDAR_WORDS:
            return False
        if lower in FIRST_NAMES or lower in self.by_surname or lower in self.titled_surnames or _is_role(word):
            return False
        if lower in NATIONALITIES or lower in self.namesakes:
            return False
        if word not in self._proper:
            self._proper[word] = re.search(rf"\b[a-z][\w,]*\s+{re.escape(word)}\b", self.text) is not None
        # the first word of a body named in full ("Cairn" of "Cairn Energy"), or a name with evidence of its own
        first_of_full = any(e.name.split()[0] == word for _, _, e in self._full_organisations)
        return self._proper[word] and (first_of_full or self._organisation(word) or self._called_a_body_next(word))

    def _called_a_body_next(self, word: str) -> bool:
        """"Verizon has refused ... The company had argued": a one-word name the next sentences call a body."""
        if word not in self._called_bodies:  # asked once per occurrence of the word: read the text once per word
            self._called_bodies[word] = any(
                _CALLED_A_BODY.search(self.text, found.end(), self.sentence_span(min(self.sentence_of(found.start()) + BODY_NAMED_BEFORE, len(self.sentence_starts)))[1])
                for found in re.finditer(rf"\b{re.escape(word)}\b", self.text)
            )
        return self._called_bodies[word]

    def _acronym_mentions(self, text: str) -> list[tuple[int, int, Entity]]:
        found: list[tuple[int, int, Entity]] = []
        for match in _ACRONYM.finditer(text):  # "IMF", "NATO"
            acronym = match.group(0)
            nearby = text[max(0, match.start() - 20) : match.end() + 20]
            in_heading = len(re.findall(r"\b[A-Z]{2,}\b", nearby)) > 1  # "HE'S BEEN CALLED OUT"
            if acronym.lower() not in PLACES and acronym not in NOT_ORGANISATIONS and not in_heading:
                found.append((match.start(), match.end(), self.acronyms.get(acronym) or Entity(acronym, *classify(acronym))))
        return found

    def person_by_surname(self, word: str) -> Entity | None:
        """The person a bare surname names; one letter off counts ("Wines" for "Wimes") when only one fits."""
        word = word.lower()
        if word in self.by_surname:
            return self.by_surname[word]
        if len(word) < 5:
            return None
        near = {e.name: e for s, e in self.by_surname.items() if s[0] == word[0] and len(s) >= 5 and _one_edit_apart(s, word)}
        return next(iter(near.values())) if len(near) == 1 else None

    def turn_at(self, position: int) -> Turn | None:
        """The transcript turn that holds ``position``, if the article is a transcript and it lies in one."""
        return turn_holding(self.turns, position)

    def turn_speaker(self, turn: Turn) -> Entity | None:
        """Who speaks in ``turn``: the person its label names ("TAPPER" is the Jake Tapper named before), the
        interviewer for "Q" (the byline's author, else the publisher), the interviewee for "A"."""
        if turn.label == INTERVIEWER:
            if self.author:
                return Entity(self.author, "person")
            return Entity(self.publisher, "media") if self.publisher else None
        if turn.label == INTERVIEWEE:
            if self._interviewed is None:  # worked out once: it reads every question
                self._interviewed = (self._interviewee(),)
            return self._interviewed[0]
        named = self.person_by_surname(turn.key)
        if named is not None and named.type == "person":
            return named
        fullest = max((t.label for t in self.turns if t.key == turn.key), key=lambda label: len(label.split()))
        return Entity(trim_name(name_case(fullest)), "person")  # "TAPPER" after "JAKE TAPPER: ...": Jake Tapper

    def turn_addressee(self, turn: Turn) -> Entity | None:
        """Whom ``turn`` speaks to: the speaker of the nearest turn with another label, before it, else after it."""
        at = bisect.bisect_left(self._turn_starts, turn.start)
        before = next((t for t in reversed(self.turns[max(0, at - ADDRESSEE_REACH) : at]) if t.key != turn.key), None)
        after = next((t for t in self.turns[at + 1 : at + 1 + ADDRESSEE_REACH] if t.key != turn.key), None)
        other = before or after
        return self.turn_speaker(other) if other is not None else None

    def _interviewee(self) -> Entity | None:
        """Who answers an interview printed as "Q:" and "A:": the person named right after a cue that names whom
        ("sat down with Vice President Joe Biden"), else the one person named in full whose surname its headline holds
        ("Q&A with Joe Biden"), else the person named most often before the first question, else in the whole
        article. Nobody where the questions speak in the reader's voice ("Will my premium go up?") and nothing
        before them speaks of an interview (`interview_cues`): then the writer answers."""
        first = self.turns[0].start if self.turns else len(self.text)
        opening = self.text[:first].lower()
        questions = [w.strip(".,;:?!\"'\u201c\u201d").lower() for t in self.turns if t.label == INTERVIEWER for w in self.text[t.start : t.end].split()]
        asks_someone = sum(w in READER_PRONOUNS for w in questions) > sum(w in FIRST_PERSON for w in questions)
        cues = [(m.end(), cue) for cue in INTERVIEW_CUES for m in re.finditer(rf"\b{re.escape(cue)}\b", opening)]
        if not asks_someone and not cues:
            # "Q: Will my premium go up? A: For most people, no.": questions in the reader's voice, no interview
            # spoken of: the writer answers, as the article's own voice
            return None
        people = {m.entity.name: m.entity for m in self.mentions if m.entity.type == "person" and not m.entity.vague}
        for cue_end, _ in sorted(cues):
            # "Politico's Jane Doe talks with Joe Biden": the one named after "talks with", not the interviewer
            after = next((m for m in self.mentions if cue_end <= m.position <= cue_end + INTERVIEWEE_AFTER_CUE
                          and not re.search(r"\n|[.!?]\s", self.text[cue_end : m.position])), None)  # in the cue's sentence
            if after is not None and after.entity.name in people:
                return self.person_by_surname(after.entity.name.split()[-1]) or after.entity
        headline = set(_words(self.text[: max(0, self.text.find("\n"))].lower()))
        in_headline = {e.name: e for surname, e in self.by_surname.items() if surname in headline and e.type == "person"}
        if len(in_headline) == 1:
            return next(iter(in_headline.values()))
        for before in (first, len(self.text)):
            counts = Counter(m.entity.name for m in self.mentions if m.position < before and m.entity.name in people)
            if counts:
                named = people[counts.most_common(1)[0][0]]
                return self.person_by_surname(named.name.split()[-1]) or named
        return None

    def signature_after(self, position: int) -> str | None:
        """On a letters page, the signature that closes the letter holding ``position``."""
        for start, name in self.signatures:
            if start > position:
                return name
        return None

    def add(self, position: int, entity: Entity, weight: float = 1.0, end: int = -1) -> None:
        bisect.insort(self.mentions, Mention(position, entity, weight, end), key=lambda m: m.position)

    def add_pronoun(self, position: int, entity: Entity, end: int) -> None:
        """Whom the writer's own pronoun at ``position`` means: it counts towards salience only, never as a name."""
        bisect.insort(self.pronoun_mentions, Mention(position, entity, PRONOUN_IN_TEXT_WEIGHT, end), key=lambda m: m.position)


    def just_before(self, position: int, person: bool = False) -> Entity | None:
        """The entity named right before a relative pronoun: "UKIP spokesman, who said" -> UKIP spokesman; "Ted Cruz
        (whose job ...", "Emanuel - who ...", a party tag between ("Marco Rubio (R-Fla.), all of whom"). Only a person
        for ``person`` ("the ranking Democrat on the Senate Intelligence Committee, who" is no committee)."""
        for mention in reversed(self.mentions):
            if mention.end > position or position - mention.end > RELATIVE_GAP:
                continue
            if not _RELATIVE_GAP.fullmatch(self.text, mention.end, position):
                continue
            entity = mention.entity
            if entity.place:  # "Sen. Marco Rubio of Florida, who": the person the place follows
                owner = next((m for m in reversed(self.mentions) if m.end <= mention.position), None)
                if owner is not None and _PLACE_OF.fullmatch(self.text, owner.end, mention.position) and owner.entity.type == "person":
                    return owner.entity
                body = _BODY_OF_PLACE.search(self.text, max(0, mention.position - 80), mention.position)
                if body is not None and not person:
                    # "the Communications Workers of America, which": the body whose name ends in the place
                    return Entity(self.text[body.start("name") : mention.end], "organization")
            if not person or entity.type in ("person", "group") or (entity.type == "organization" and _FIRST_NAME_LAST.search(entity.name)):
                return entity  # "... Committeeman Curly Haugland, who": a run that ends in what reads as a name
        pair = _PAIR_BEFORE_RELATIVE.search(self.text, max(0, position - 100), position)
        if pair is not None and not person:
            # "outlets such as Fox News and the Drudge Report, which": both bodies
            first = next((m.entity for m in self.mentions if m.position == pair.start("first") and m.end == pair.end("first")), None)
            if first is not None and first.type in ("organization", "media") and not first.place:
                return Entity(f"{first.name} and {pair.group('second')}", "group", members="organization")
        return None

    def described_before(self, position: int, person: bool = True) -> Entity | None:
        """The person (or, for "that" and "which", the body or place) an appositive right before ``position``
        describes: "Harlan Crow, a Texas real estate developer, who", "Gov. C.L. Otter (R-Idaho), an early endorser,
        who", "Mississippi, a former Confederate state ... that"; not a name inside the appositive ("at Fox News")."""
        found = _APPOSITIVE_BEFORE_RELATIVE.search(self.text, max(0, position - APPOSITIVE_REACH), position)
        if found is None or not any(w.islower() for w in found.group("description").split()):
            return None
        for mention in reversed(self.mentions):
            if mention.end <= found.start() and (mention.entity.type == "person") == person and not mention.entity.vague:
                between = self.text[mention.end : found.start()]
                if _NAME_TAIL.fullmatch(between):
                    return mention.entity
                return None
        return None

    def sentence_of(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position)

    def spoke_lately(self, position: int) -> bool:
        """Whether the last speaker spoke before ``position`` and their words reach this sentence or the one
        before: 'A spokesman said: "A. B." He said' is one sentence on from the quotation's end, two from the cue."""
        last = self.last_speaker
        if last is None or last[0] >= position:
            return False
        return self.sentence_of(position) - max(self.sentence_of(last[0]), self.last_spoke) <= 1

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        """Where sentence number ``sentence`` (as ``sentence_of`` counts) starts and ends."""
        opening = self.sentence_starts[sentence - 1] if sentence > 0 else 0
        closing = self.sentence_starts[sentence] if sentence < len(self.sentence_starts) else len(self.text)
        return opening, closing

    def described_with(self, position: int) -> dict[str, set[str]]:
        """Per person named before ``position``: the words that describe the name where it stands, parties as
        their party ("Republican presidential nominee Donald Trump", "Trump, the Republican nominee",
        "Sen. Marco Rubio (R-Fla.)" -> republican, florida)."""
        if self._descriptions is None:  # the mentions are fixed once the index is built: read the text once
            self._descriptions = [(m.position, m.entity.name, self._words_describing(m)) for m in self.mentions if m.entity.type == "person"]
        context: dict[str, set[str]] = {}
        for at, name, words in self._descriptions:
            if at < position:
                context.setdefault(name, set()).update(words)
        return context

    def _words_describing(self, mention: Mention) -> list[str]:
        # Only the words that describe this name: the party word and lower-case words or titles up to it.
        before = re.findall(r"[\w.\u2019'-]+|[^\w\s]", self.text[max(0, mention.position - QUALIFIER_REACH) : mention.position])
        described: list[str] = []
        for word in reversed(before):
            lower = word.lower().strip(".")
            if _is_role(word) or lower in HONORIFICS or lower in ROLE_MODIFIERS or lower in QUALIFIER_FILLERS:
                described.append(word)  # "presidential nominee", "Gov."
                continue
            if _is_capitalised(word):
                described.append(word)  # the capitalised word that opens the description ("Republican", "Indiana")
                if len(described) < len(before) and f"{before[-len(described) - 1]} {word}".lower() in US_STATES:
                    described.append(before[-len(described) - 1])  # "New Jersey"
            break
        after = _APPOSITIVE_DESCRIPTION.match(self.text, mention.end)
        # in text order, so that "New Jersey Gov. Chris Christie" gives one state
        words = [PARTY_QUALIFIERS.get(w, w) for w in _joined_states(list(reversed(described)) + (after.group(1).split() if after else []), strip=False)]
        tag = _PARTY_STATE_TAG.match(self.text, mention.end)
        if tag is not None and tag.group("state").lower().replace(".", "") in TAG_STATES:
            words += [TAG_PARTIES[tag.group("party").lower()], TAG_STATES[tag.group("state").lower().replace(".", "")]]
        return words

    def salient(self, position: int, skip: tuple[int, int] | None = None, window: int = 6) -> list[Entity]:
        """Entities by salience at ``position``: recent, repeated and quoted ones first."""
        return [entity for entity, _ in self.salience(position, skip, window)]

    def salience(self, position: int, skip: tuple[int, int] | None = None, window: int = 6) -> list[tuple[Entity, float]]:
        """Entities by salience at ``position``, each with its score (what ``salient`` ranks by)."""
        sentence_of = self.sentence_of
        here = sentence_of(position)
        scores: dict[str, float] = {}
        last: dict[str, int] = {}
        entities: dict[str, Entity] = {}
        for mention in (*self.mentions, *self.pronoun_mentions):
            if mention.position >= position or (skip and skip[0] <= mention.position < skip[1]):
                continue
            name = mention.entity.name
            distance = here - sentence_of(mention.position)
            if distance > window:
                continue
            # Earlier in the same sentence binds tightest: "McAuliffe has said ..., but he refuses".
            weight = mention.weight * (SAME_SENTENCE_WEIGHT if distance == 0 else SALIENCE_DECAY**distance)
            reported = mention.reported
            if reported is not None and not reported[0] <= position < reported[1]:
                weight *= REPORTED_WEIGHT  # named in what someone said, and the reference is outside it
            scores[name] = scores.get(name, 0.0) + weight
            last[name] = max(last.get(name, -1), mention.position)
            entities.setdefault(name, mention.entity)
        ranked = sorted(scores, key=lambda n: (-scores[n], -last[n]))
        return [(entities[n], scores[n]) for n in ranked]

    def before(self, position: int, skip: tuple[int, int] | None = None) -> Iterator[Entity]:
        for mention in reversed(self.mentions):
            if mention.position >= position or (skip and skip[0] <= mention.position < skip[1]):
                continue
            yield mention.entity


def _group_just_named(head: str, position: int, index: ArticleIndex) -> Entity | None:
    """What "these officials" points back to: the unnamed group of that noun ("officials" and "sources" name one)
    the article mentioned last, in this sentence or the two before ("a story quoting unnamed sources from the US and
    its allies"); never "some analysts" or "local residents"."""
    here = index.sentence_of(position)
    for mention in sorted((m for m in index.mentions if m.position < position), key=lambda m: -m.position):
        if here - index.sentence_of(mention.position) > DEMONSTRATIVE_REACH:
            return None
        entity = mention.entity
        if not entity.vague or entity.type not in ("anonymous", "group") or entity.members:
            continue
        named_by = _head_word(entity.name)
        if named_by == head or {named_by, head} <= UNNAMED_SOURCE_HEADS:
            return entity
    return None


def _unnamed_one(entity: Entity) -> bool:
    """An unnamed single speaker ("an executive spokeswoman", "a senior official", "a spokeswoman for the
    Electoral Commission"): "she said" may mean her."""
    head = _head_word(entity.name)
    return entity.vague and " and " not in entity.name and (head in VAGUE_SINGULAR or head in PERSON_HEADS)


def _head_word(name: str) -> str:
    """The noun a description is about: its last word before a preposition ("spokeswoman" in "A spokeswoman for
    the Electoral Commission"), else its last word."""
    words = name.lower().split()
    for number, word in enumerate(words[1:], start=1):
        if word in GROUP_PREPOSITIONS | AFFILIATION_PREPOSITIONS | {"for"}:
            return words[number - 1]
    return words[-1] if words else ""


def _pronoun_fits(pronoun: str, entity: Entity, gender: str | None) -> bool:
    if pronoun in PERSON_PRONOUNS:
        if (entity.type != "person" or entity.vague) and not _unnamed_one(entity):
            return False
        if gender is None and _unnamed_one(entity):
            head = _head_word(entity.name)
            gender = "female" if head.endswith("woman") else "male" if head.endswith("man") else None
        said = PRONOUN_GENDER.get(pronoun)  # "he" is anyone not known to be female
        return said is None or gender is None or gender == said
    if pronoun in ("it", "its") and entity.type in ("document", "anonymous") and entity.name.split()[-1].lower().endswith("s"):
        return False  # "it said" is no "recent figures"
    if pronoun in PLURAL_PRONOUNS:  # "they" is seldom a country or a city
        return (entity.type in ("anonymous", "government", "organization", "media", "group") or entity.vague) and not entity.place
    return entity.type in ("organization", "government", "media", "document")


def _body_like(entity: Entity, index: ArticleIndex) -> bool:
    """A body, or a capitalised name the article never marks as a person (no first name, title, role or
    gender): "Wells Fargo", "Zero Hedge"."""
    if entity.type in ("organization", "media"):
        return not entity.vague and not entity.place and " and " not in entity.name
    return len(entity.name.split()) > 1 and index.unmarked_name(entity)


def _description_fits(head: str, entity: Entity) -> bool:
    if head in ORGANISATION_HEADS and entity.type == "person":
        return False  # "the state" is not "Secretary of State Jon Husted"
    if head in PLACE_HEADS:
        return entity.place in PLACE_HEADS[head]
    words = set(HEAD_SYNONYMS.get(head, {head}))
    name_words = {w.lower().strip(".") for w in entity.name.split()}
    role_words = {w.lower().strip(".") for w in (entity.role or "").split()}
    if words & (name_words | role_words):
        return True
    return False


def resolve_article(result: ArticleResult) -> ArticleResult:
    """Resolve every attribution's source mention, in reading order, in one pass.

    Returns a new ``ArticleResult`` of new sentences and attributions that carry their entities; ``result``
    is left as it is. A text with mojibake is read repaired ("Arturo SarukhÃ¡n" is "Arturo Sarukhán", not
    "Arturo SarukhÃ"); the spans it returns index the text as given, their words repaired as everywhere else.
    """
    text = result.article.text
    repaired, origin = repair_with_offsets(text)
    if repaired == text:
        return _resolve_in_order(result)
    forward = [0] * (len(text) + 1)  # a position in the text as given -> the first repaired one at or after it
    at = len(repaired)
    for position in range(len(text), -1, -1):
        while at > 0 and origin[at - 1] >= position:
            at -= 1
        forward[position] = at
    moved = replace(
        result,
        article=replace(result.article, text=repaired, boilerplate=[(forward[a], forward[b]) for a, b in result.article.boilerplate]),
        sentences=[
            replace(s, start=forward[s.start], end=forward[s.end], text=repaired[forward[s.start] : forward[s.end]],
                    attributions=[_spans_moved(a, forward, repaired) for a in s.attributions])
            for s in result.sentences
        ],
    )
    resolved = _resolve_in_order(moved)
    return replace(
        resolved,
        article=result.article,
        sentences=[
            replace(given, attributions=[_spans_moved(a, origin, None) for a in found.attributions])
            for given, found in zip(result.sentences, resolved.sentences)
        ],
    )


# "he", "his", "her", "him" in the writer's own text (not a source, not in quotation marks, not in what someone said)
_PERSON_PRONOUN_IN_TEXT = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b")


def _pronouns_in_text(sentence: SentenceResult, index: ArticleIndex, sources: list[Entity], source_starts: set[int]) -> None:
    """Add to ``index`` whom the writer's pronouns in ``sentence`` mean, so that the person a paragraph keeps
    talking about stays salient: "Sanders came to the city ... as he ponders his next moves ... he said" (a
    name once, then only pronouns) is Sanders, not the expert named once in between. Sources are resolved as
    attributions; pronouns inside quotations or statements speak of someone else's referents."""
    for match in _PERSON_PRONOUN_IN_TEXT.finditer(index.text, sentence.start, sentence.end):
        at = match.start()
        if at in source_starts or any(start <= at < end for start, end in index.reported):
            continue
        if _in_quotation(index.text, sentence.start, at):
            continue
        entity, _ = _resolve_mention(match.group(0), at, index, sources, None)
        if entity is not None and entity.type == "person":
            index.add_pronoun(at, entity, match.end())


def _spans_moved(attribution: Attribution, to: Sequence[int], text: str | None) -> Attribution:
    """``attribution`` with its spans' offsets mapped through ``to``; their words read from ``text`` where given."""

    def moved(span: TextSpan | None) -> TextSpan | None:
        if span is None:
            return None
        start, end = to[span.start], to[span.end]
        return TextSpan(start, end, text[start:end] if text is not None else span.text)

    return replace(
        attribution, source=moved(attribution.source), cue=moved(attribution.cue), content=moved(attribution.content),
        content_parts=tuple(part for part in map(moved, attribution.content_parts) if part is not None),
    )


def _resolve_in_order(result: ArticleResult) -> ArticleResult:
    article = result.article
    reported = [(a.content.start, a.content.end) for s in result.sentences for a in s.attributions if a.content is not None]
    index = ArticleIndex(article.text, [s.start for s in result.sentences], article.author, article.publisher, reported)
    resolved: dict[tuple[int, int], tuple[Entity | None, str, float]] = {}  # each source mention's referent
    sources: list[Entity] = []  # resolved sources so far, most recent last
    done: dict[tuple[int, int], Attribution] = {}  # resolved attributions of earlier sentences, by key
    sentences: list[SentenceResult] = []
    source_starts = {a.source.start for s in result.sentences for a in s.attributions if a.source is not None}
    for sentence in result.sentences:
        attributions: list[Attribution] = []
        _pronouns_in_text(sentence, index, sources, source_starts)
        for attribution in sentence.attributions:
            previous = done.get(attribution.continues) if attribution.continues is not None else None
            turn = _turn_carried_on(attribution, sentence, index) if attribution.source is None or attribution.resolution == "continuation" else None
            if turn is not None:
                # "TAPPER: Some voters say they are not convinced. What do you tell them?": the question is Tapper's,
                # not the voters' the sentence before quoted; it carries on the turn's label as its source
                label, speaker = turn
                confidence = min(attribution.confidence, previous.confidence) if previous is not None else attribution.confidence
                attributions.append(replace(_with_entity(attribution, speaker, "continuation"), source=label, confidence=confidence))
                continue
            if attribution.resolution == "continuation" and previous is not None:
                # As sure of the speaker as the sentence it carries on.
                attributions.append(replace(
                    attribution, entity=previous.entity, entity_type=previous.entity_type, vague=previous.vague,
                    role=previous.role, affiliation=previous.affiliation, via=previous.via,
                    confidence=min(attribution.confidence, previous.confidence), resolution="continuation",
                ))
                if index.last_speaker is not None and index.last_speaker[1].name == previous.entity:
                    index.last_spoke = index.sentence_of(sentence.start)  # the last speaker's quotation goes on here
                continue
            if attribution.source is None:
                attributions.append(replace(attribution, resolution="unresolved"))
                continue
            skip = (attribution.content.start, attribution.content.end) if attribution.content else None
            span = (attribution.source.start, attribution.source.end)
            if span not in resolved:  # one mention, one referent: "..., he claimed, saying he ..." is one "he"
                entity, resolution = _resolve_mention(attribution.source.text, attribution.source.start, index, sources, skip)
                entity = _country_by_its_name(_country_by_its_capital(_party_by_its_name(entity)))
                named_next = _named_in_next_sentence(entity, attribution.source, index) or _holder_named(entity, attribution.source, index)
                if named_next is not None:
                    entity, resolution = named_next, "description"
                named_poll = _poll_producer(attribution.source.text, index)
                poll_before = _poll_named_before(attribution.source.text, attribution.source.start, index)
                if named_poll is not None:  # "The Monmouth poll": named in the mention itself
                    entity, resolution = named_poll, "named"
                elif poll_before is not None:  # "The poll": the one just named
                    entity, resolution = poll_before, "description"
                holder = _known_holder(attribution.source, index, article.published, entity)
                known = holder is not None and (entity is None or not offices.same_person(entity.name, holder.name))
                # A holder where the rules named nobody is sure; one over another person the rules named, less so.
                overruled = known and entity is not None and entity.type == "person" and not entity.vague and not is_office_mention(entity.name, entity.role)
                if known:  # only where the rules found someone else: an office they gave its holder keeps its reason
                    entity, resolution = holder, "description"
                elif holder is None and _never_held(attribution.source, index, article.published, entity):
                    entity, resolution = None, "unresolved"  # "the candidate" is no FBI director: nobody, not a wrong name
                if entity is None:
                    certainty = 1.0
                elif resolution == "pronoun-far":  # a pronoun resolved beyond the last sentences: a guess, said so
                    resolution, certainty = "pronoun", CERTAINTY["pronoun-far"]
                elif known:
                    certainty = CERTAINTY["office" if overruled else "known-holder"]
                else:
                    certainty = _certainty(attribution.source.text, attribution.source.start, entity, resolution, index, sources, skip)
                resolved[span] = (entity, resolution, certainty)
            entity, resolution, certainty = resolved[span]
            if entity is None:
                attributions.append(replace(attribution, entity=None, resolution="unresolved"))
                continue
            attributions.append(replace(_with_entity(attribution, entity, resolution), confidence=round(attribution.confidence * certainty, 4)))
            if resolution == "pronoun" and clean_mention(attribution.source.text).lower() in FIRST_PERSON | FIRST_PERSON_PLURAL:
                continue  # the article's own voice ("I", the op-ed's signatory): never the "he" of the sentences after
            sources = [e for e in sources if e.name != entity.name] + [entity]
            # A speaker stays salient: "he ... he" continues from here (once for "X said ..., adding ...").
            if attribution.source.start not in index.speakers:  # once per mention, however many cues it has
                index.add(attribution.source.start, entity, weight=SPEAKER_WEIGHT, end=attribution.source.end)
                carried_on = index.last_speaker is not None and index.last_speaker[1].name == entity.name
                index.last_speaker = (attribution.source.start, entity)
                index.last_spoke = index.sentence_of(attribution.source.start)
                if resolution != "pronoun":
                    index.named_at[entity.name] = attribution.source.start
                elif not carried_on:  # a pronoun that comes back to a body after others spoke: no spokesman's chain
                    index.named_at.pop(entity.name, None)
                index.speakers.add(attribution.source.start)
            if entity.type == "person" and not entity.vague and len(entity.name.split()) > 1 and entity.name.split()[-1].lower() not in index.namesakes_of_many:
                index.by_surname.setdefault(entity.name.split()[-1].lower(), entity)
        attributions = [_quoted_as_saying(_inner_speaker(a, index, sources), sentence, index, sources) for a in attributions]
        attributions = _nested_attribution(sentence.text, sentence.start, attributions, index, sources)
        done.update((a.key, a) for a in attributions if a.key is not None)
        sentences.append(replace(sentence, attributions=attributions))
    titles = sorted({
        (normalize_role(m.entity.role), m.entity.name) for m in index.mentions
        if m.entity.type == "person" and len(m.entity.name.split()) >= 2 and normalize_role(m.entity.role) in OFFICES
        and not is_office_mention(m.entity.name, m.entity.role) and m.entity.name.split()[0].lower() not in DETERMINERS
    })
    return replace(result, sentences=sentences, resolved=True, titles=titles)


_PERSON_SUFFIXES = ("er", "or", "ist", "ian", "man", "woman")  # "moderator", "reporter", "columnist": someone's title
NAMED_LATER_SENTENCES = 3  # "a federal judge" ... named with that title no further than three sentences on
NAMED_NEXT_SENTENCES = 3  # the headline (when it is a sentence of its own), the lead and the one after it


def _turn_carried_on(attribution: Attribution, sentence: SentenceResult, index: ArticleIndex) -> tuple[TextSpan, Entity] | None:
    """In a transcript, the label and speaker of the turn a sentence that names no speaker of its own lies in, where
    the sentence is not inside a quotation another speaker's words opened: the turn's speaker says it, whoever the
    turn's sentence before quoted."""
    content = attribution.content
    turn = index.turn_at(sentence.start)
    if turn is None or content is None or content.start < sentence.start or _in_quotation(index.text, turn.start, content.start + 1):
        return None
    speaker = index.turn_speaker(turn)
    return (TextSpan(turn.start, turn.start + len(turn.label), turn.label), speaker) if speaker is not None else None


def _party_meant(position: int, index: ArticleIndex) -> Entity | None:
    """The party the sentences before ``position`` name ("Tory candidate quits ... Tory leader Michael Howard ...
    the party said"): the one named most in the last three sentences, else in the article so far; none on a tie."""
    here = index.sentence_of(position)
    for reach in (PARTY_REACH, here):
        opening, _ = index.sentence_span(max(0, here - reach))
        named = Counter(PARTY_WORDS_NAMED[m.group(0).lower()] for m in _PARTY_WORD.finditer(index.text, opening, position))
        ranked = named.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return Entity(ranked[0][0], "organization")
        if ranked:
            return None
    return None


def _party_by_its_name(entity: Entity | None) -> Entity | None:
    """One party, one source: "the Tories", "Conservatives" and "the Conservative Party" are the Conservative Party."""
    if entity is None:
        return None
    name = PARTY_NAMES.get(_THE.sub("", entity.name.lower()))
    return replace(entity, name=name, type="organization", vague=False) if name else entity


def _country_by_its_name(entity: Entity | None) -> Entity | None:
    """One country, one source: "the US", "U.S." and "America" are the United States; "Britain" the United Kingdom."""
    name = _THE.sub("", entity.name) if entity is not None else ""
    if entity is None or not name[:1].isupper() or name == "Us":  # "us" is a pronoun, also opening a sentence
        return entity
    country = COUNTRY_ALIASES.get(name.lower())
    return replace(entity, name=country, type="government", vague=False, place=place_kind(country)) if country else entity


def _country_by_its_capital(entity: Entity | None) -> Entity | None:
    """One country, one source: "Beijing warned" is China's government speaking (a capital standing for its country)."""
    if entity is None or entity.type != "government":
        return entity
    country = CAPITALS.get(entity.name.lower())
    return replace(entity, name=country, place=place_kind(country)) if country else entity


def _named_in_next_sentence(entity: Entity | None, mention: TextSpan, index: ArticleIndex) -> Entity | None:
    """A news lead describes someone the next sentence names: "A close associate of former Yukos boss Mikhail
    Khodorkovsky has told a court ... Platon Lebedev has been on trial ...". An unnamed person described at
    the top of the article is the person the next sentence opens with, if that one is not named in the
    description itself."""
    described = entity is not None and any(w.islower() for w in entity.name.split()[1:]) and (
        entity.type == "person" or _head_word(entity.name) in PERSON_HEADS)  # "The Belgian sports minister at the centre of ..."
    described = described or (entity is not None and entity.type == "person" and entity.vague)
    if entity is None or not described or index.sentence_of(mention.start) > NAMED_NEXT_SENTENCES:
        return None
    here = index.sentence_of(mention.start)
    if here >= len(index.sentence_starts):
        return None
    opening = index.sentence_starts[here]  # where the next sentence starts (sentence_of counts from 1)
    following = index.text[opening : index.sentence_starts[here + 1] if here + 1 < len(index.sentence_starts) else len(index.text)]
    named = _NAME_RUN.match(following)
    if named is not None and following[named.end() : named.end() + 2] == ", ":
        return None  # "... Tom Sneddon, the prosecutor, disagreed": a second speaker, with a role of his own
    for found in index.mentions:
        if opening <= found.position <= opening + 2:
            person = found.entity
            if person.type == "person" and not person.vague and " " in person.name and person.name.split()[-1] not in mention.text:
                return person
    return None


def _named_later_as(description: str, start: int, end: int, index: ArticleIndex) -> Entity | None:
    """A person the article describes first and names after: "the judge read his decision ... U.S. District Judge
    Michael W. Mosman called it", "a federal judge ruled ... Judge Royce Lamberth wrote". The first person named in
    the next sentences, new to the article, whom the article calls by the description's head word where it names
    them."""
    words = description.lower().split()
    if len(words) < 2 or words[0] not in DEFINITE_DETERMINERS | INDEFINITE_ARTICLES or any(_is_capitalised(w) for w in description.split()[1:]):
        return None  # "the judge", "a federal judge"; "The Sanders aide" says whose already
    head = _head_word(description)
    if head in ORGANISATION_HEADS or not (head in PERSON_HEADS or DESCRIPTION_HEADS.get(head) == "person" or head.endswith(_PERSON_SUFFIXES)):
        return None  # a person's title ("the moderator", "a federal judge"), not "the radio station" nor "the reports"
    here = index.sentence_of(start)
    named_before = {m.entity.name.split()[-1] for m in index.mentions if m.position < start}
    for later in index.mentions:
        if later.position < end or later.entity.type != "person" or later.entity.vague or " " not in later.entity.name:
            continue
        if index.sentence_of(later.position) - here > NAMED_LATER_SENTENCES:
            return None
        if later.entity.name.split()[-1] in named_before:
            continue
        called = {w.lower().strip(".,") for w in index._words_describing(later)} | {w.lower() for w in (later.entity.role or "").split()}
        if head in called:
            return later.entity
    return None


def _known_holder(mention: TextSpan, index: ArticleIndex, published: str | None, found: Entity | None) -> Entity | None:
    """A source that is only an office ("The GOP nominee", "outgoing U.N. chief") is whoever held it when the
    article was written (``attribution/data/office_holders.json``), if the article names that holder, names no
    other holder the mention may mean, gives nobody else that office ("Israeli Prime Minister ...", "the president
    of Mexico") and did not already give it to ``found``, the rules' answer ("Former President Bill Clinton ...
    the former president")."""
    office = offices.office_mention(clean_mention(mention.text))
    if office is None:
        return None
    if (found is not None and found.type == "person" and not found.vague and found.role
            and not is_office_mention(found.name, found.role) and offices.gives_office(found.role, office)):
        return None  # the rules named the person the article gives this office: their answer stands
    terms = offices.holders(office, published)
    people = [m.entity for m in index.mentions
              if m.entity.type == "person" and not m.entity.vague and not mention.start <= m.position < mention.end]
    # "Chancellor Gordon Brown" is not the prime minister in an article that gives him another office
    eligible = [person for person in people if person.role is None or offices.office_mention(person.role) in (None, office)]
    named: dict[str, list[Entity]] = {}
    for term in terms:
        for person in eligible:
            if offices.same_person(person.name, term.holder):
                named.setdefault(term.holder, []).append(person)
    if len(named) != 1 or offices.other_holder_named(index.text, office, offices.all_holders(office)):
        return None
    if published and any(term.holder not in named and _surname_alone(term.holder, index.text) for term in terms):
        return None  # another holder is named by surname alone ("Kasich"), which the index does not take for a person
    holder, people_named = next(iter(named.items()))
    if any(person.role and not offices.same_person(person.name, holder) and offices.gives_office(person.role, office) for person in people):
        return None
    return max(people_named, key=lambda person: offices.closeness(person.name, holder))


def _surname_alone(holder: str, text: str) -> bool:
    """Whether ``text`` writes the holder's surname alone, as a name: not a month ("May") and not after another
    capitalised word that is no title ("Tom Scott" is not Rick Scott; "Sen. Scott" and a sentence's first word
    count). Undated, every holder ever is a term, so the caller asks this only of dated articles."""
    surname = holder.split()[-1]
    if _calendar_word(surname):
        return False
    for found in re.finditer(rf"\b{re.escape(surname)}\b", text):
        before = text[: found.start()].split()[-1:]
        titled = bool(before) and (before[0].lower().strip(".") in HONORIFICS or _is_role(before[0].strip(".")))
        if before and before[0][:1].isupper() and not titled and not before[0].endswith((".", "!", "?", ":", '"', "\u201d")):
            continue  # "Tom Scott": another person's name
        return True
    return False


def _never_held(mention: TextSpan, index: ArticleIndex, published: str | None, found: Entity | None) -> bool:
    """Whether the person the rules named for a source that is only an office ("the candidate") held no such office
    on the article's date, by an office list the data marks complete (the 2016 presidential candidates), in an
    article that names one who did (so it speaks of that race, not of a Senate candidate): a wrong name, where the
    rules read the wrong person's salience."""
    office = offices.office_mention(clean_mention(mention.text))
    if office is None or published is None or found is None or found.type != "person" or found.vague:
        return False
    terms = offices.holders(office, published)
    if not terms or not offices.complete(office) or any(offices.same_person(found.name, t.holder) for t in terms):
        return False
    return any(m.entity.type == "person" and offices.same_person(m.entity.name, t.holder) for m in index.mentions for t in terms)


_NOT_A_POLLSTER = "(?!(?i:" + "|".join(sorted(DETERMINERS | set(_LINK_WORDS["possessive_determiners"]))) + r")\b)"
_POLL_NOUNS = "|".join(_LINK_WORDS["poll_nouns"])
_POLL_MODIFIERS = "|".join(_LINK_WORDS["poll_modifiers"])
POLL_MODIFIER_WORDS = frozenset(_LINK_WORDS["poll_modifiers"])
_POLLSTER_NAME = r"[A-Z][\w&.'\u2019-]*(?:(?:[ \t]+|/)[A-Z][\w&.'\u2019-]*)*"  # on one line: a name never runs over a break
# "The Monmouth poll", "the NBC-Wall Street Journal poll", "a new Quinnipiac University survey": a poll named
# for whoever ran it speaks for them
_NAMED_POLL = re.compile(
    r"^(?:(?i:the|a|an|this|that)\s+)?(?:(?i:" + _POLL_MODIFIERS + r")\s+)*(?P<name>" + _NOT_A_POLLSTER + _POLLSTER_NAME
    + r")\s+(?:" + _POLL_NOUNS + r")$"
)


def _poll_producer(mention: str, index: ArticleIndex) -> Entity | None:
    """Whoever ran a poll the mention names ("the Monmouth poll"), see ``_pollster``."""
    named = _NAMED_POLL.match(clean_mention(mention))
    return _pollster(named.group("name"), index) if named is not None else None


# any poll noun in the text, named for its pollster or not: "a new Quinnipiac University poll", "another poll"
_POLL_IN_TEXT = re.compile(r"(?:(?P<name>" + _NOT_A_POLLSTER + _POLLSTER_NAME + r")[ \t]+)?\b(?:" + _POLL_NOUNS + r")\b")
# "the survey", "last week's poll": a poll spoken of again, no new one
_POLL_SPOKEN_OF_AGAIN = re.compile(r"(?i:\b(?:the|this|that|its|[a-z]+['\u2019]s)\s+(?:(?:" + _POLL_MODIFIERS + r")\s+)?)\Z")
_THE_POLL = re.compile(r"^(?i:the|this|that)\s+(?:(?i:" + _POLL_MODIFIERS + r")\s+)?(?:" + _POLL_NOUNS + r")$")
POLL_LOOKBACK_SENTENCES = 2  # "the poll" points back to a poll the sentence or the two before it name


def _poll_named_before(mention: str, position: int, index: ArticleIndex) -> Entity | None:
    """"The poll found ..." after "A new Quinnipiac University poll ...": whoever ran the last poll spoken of in this
    sentence or the two before it (``_pollster``), passing over the ones spoken of again ("The survey marks ...",
    "last week's poll"); nothing if that poll is named for nobody ("another poll, by a Democratic group")."""
    if _THE_POLL.match(clean_mention(mention)) is None:
        return None
    here = index.sentence_of(position)
    start = index.sentence_span(max(1, here - POLL_LOOKBACK_SENTENCES))[0] if index.sentence_starts else 0
    polls = [poll for poll in _POLL_IN_TEXT.finditer(index.text, start, position)
             if poll.group("name") or not _POLL_SPOKEN_OF_AGAIN.search(index.text, max(0, poll.start() - 40), poll.start())]
    if not polls or not polls[-1].group("name"):
        return None
    name = re.split(r"[.!?][ \t]+", polls[-1].group("name"))[-1]  # "in May. The CPIO poll": the run after the stop
    return _pollster(_strip_sentence_opener(name, 0)[0], index)


def _calendar_word(word: str) -> bool:
    """A month, a weekday or a month's abbreviation, possessive or not: "Monday's", "Jan.", "Sept."."""
    bare = re.sub(r"['\u2019]s$", "", word).rstrip(".").lower()
    return bare in CALENDAR_WORDS or bare in MONTH_ABBREVIATIONS


def _pollster(name: str, index: ArticleIndex) -> Entity | None:
    """The body that ran a poll named ``name``: the organisation the article names in full ("Monmouth University" for
    "the Monmouth poll"), else the name as written; never a person's surname ("the Clinton poll": her campaign's?)
    nor a news outlet, which commissions polls others run."""
    words = name.split()
    while words and (_calendar_word(words[0]) or words[0].lower() in DETERMINERS):
        words = words[1:]  # "Monday's CBS poll", "The Jan. poll": when, then who; "The CPIO poll": the body
    name = " ".join(words)
    if len(words) == 1 and words[0].lower() in POLL_MODIFIER_WORDS:
        return None  # "Early polls show", "New poll finds": a sentence's first word, not a pollster named "Early"
    if len(name) < 2 or words[-1].lower() in index.by_surname:
        return None  # "The Q poll": a nickname; "the Clinton poll": her campaign's?
    party = name.lower() in PARTY_WORDS | PARTY_ADJECTIVES or name.lower() in PARTY_WORDS_NAMED  # "the Republican poll"
    if place_kind(name) or party or classify(name)[0] in ("media", "government"):
        # "a new Iowa poll", "the Republican poll", "the Senate poll": where or of whom, not who ran it; "the BBC
        # poll", "The Daily Telegraph poll": an outlet commissions a poll others run; the poll stays the source
        return None
    if name in index.acronyms:  # "the PPIC survey": the Public Policy Institute of California named before
        return index.acronyms[name]
    for found in index.mentions:
        body = found.entity
        if body.type == "organization" and (body.name == name or body.name.startswith(name + " ")):
            return body
    return Entity(name, "organization")


def _role_tokens(text: str) -> list[str]:
    """The words of a role in lower case, without determiners and possessive endings."""
    words = [re.sub(r"['\u2019]s?$", "", w) for w in re.findall(r"[\w.'\u2019-]+", text.lower())]
    return [w.strip(".") for w in words if w.strip(".") and w not in DETERMINERS]


def _holder_named(entity: Entity | None, mention: TextSpan, index: ArticleIndex) -> Entity | None:
    """An unnamed holder of a role the article names elsewhere with that role ("a report from the State
    Department's inspector general" ... "the State Department inspector general, Steve Linick"; "a State
    Department spokesman" ... "State Department spokesman John Kirby"): that one named person. The role must say
    more than its head ("a spokesman" is anyone's)."""
    if entity is None or " and " in entity.name or not any(w.islower() for w in entity.name.split()[1:]):
        return None  # a name, or a pair
    role = _role_tokens(entity.name)
    if len(role) < 3 or not (role[-1] in PERSON_HEADS or _is_role(role[-1]) or _is_role(role[-2])):
        return None
    holders: dict[str, Entity] = {}
    for found in index.mentions:
        person = found.entity
        if person.type != "person" or person.vague or len(person.name.split()) < 2 or mention.start <= found.position < mention.end:
            continue
        before = index.text[max(0, found.position - 120) : found.position]
        before = re.split(r"[.!?;:\u201c\u201d\"()]\s", before)[-1]
        if _role_tokens(before)[-len(role):] == role:  # the role as written, right before the name
            holders[person.name] = person
    return next(iter(holders.values())) if len(holders) == 1 else None


# A pronoun's referent more than this many times as salient as any other person it may mean is no guess.
CLEAR_LEAD = 2.0
# How sure a resolution is of its entity, by how it was made (multiplies the model's span confidence).
CERTAINTY = {"named": 1.0, "alias": 0.97, "fuzzy": 0.8, "pronoun": 0.93, "pronoun-competing": 0.7, "role": 0.95,
             "office": 0.85, "description": 0.8, "description-guess": 0.6,
             "known-holder": 0.95, "pronoun-far": 0.6}  # the holder of an office on the day, named in the article (offices.py)


def _certainty(
    mention: str, position: int, entity: Entity, resolution: str, index: ArticleIndex, sources: list[Entity],
    skip: tuple[int, int] | None,
) -> float:
    """The resolution's own uncertainty: a competing antecedent, a guessed surname, a title nobody holds here."""
    text = clean_mention(mention)
    words = text.lower().split()
    if resolution == "alias":
        last = words[-1].strip(".") if words else ""
        surname = entity.name.split()[-1].lower() if entity.name else ""
        exact = last == surname or normalize_role(text) == entity.name.lower() or text.isupper()
        carried_by_two = len(index.namesakes.get(last, [])) > 1 and len(words) == 1  # a surname two people here carry
        return CERTAINTY["alias"] if (exact or last in entity.name.lower()) and not carried_by_two else CERTAINTY["fuzzy"]
    if resolution == "pronoun":
        pronoun = words[0] if words else ""
        if pronoun not in PERSON_PRONOUNS:
            return CERTAINTY["pronoun"]
        # Another person who fits the pronoun and is about as salient: the choice is a guess. A rival far behind
        # (the chosen one more than CLEAR_LEAD times as salient) leaves it sure; "John Smith met Peter Jones. He
        # said" (the subject counts double: exactly twice) stays a guess.
        ranked = index.salience(position, skip)
        chosen = next((score for e, score in ranked if e.name == entity.name), 0.0)
        rivals = [score for e, score in ranked[:3] if e.name != entity.name
                  and _pronoun_fits(pronoun, e, index.gender.get(e.name)) and " and " not in e.name]
        return CERTAINTY["pronoun-competing"] if rivals and chosen <= CLEAR_LEAD * max(rivals) else CERTAINTY["pronoun"]
    if resolution == "description":
        if is_office_mention(entity.name, entity.role):
            return CERTAINTY["office"]
        phrase = normalize_role(text)
        if entity.role and normalize_role(entity.role) == phrase:
            return CERTAINTY["role"]
        head = words[-1] if words else ""
        shared = {w.lower().strip(".") for w in entity.name.split()} | {w.lower() for w in (entity.role or "").split()}
        return CERTAINTY["description"] if head in shared or entity.type != "person" else CERTAINTY["description-guess"]
    return CERTAINTY.get(resolution, 1.0)


def _resolve_mention(
    mention: str, position: int, index: ArticleIndex, sources: list[Entity], skip: tuple[int, int] | None = None
) -> tuple[Entity | None, str]:
    members = _INCLUDING.search(mention)
    if members:  # "The authors of the report, which include the U.S. PIRG Education Fund and Citizens for Tax Justice"
        listed = _listed_members(position + members.end(), position + len(mention), index)
        if listed is not None:
            return listed, "named"
    accompanied = _ALONG_WITH.match(clean_mention(mention))
    if accompanied is not None:  # "Ms. Epstein, along with Judge Richard A. Posner ... and William M. Landes": all three
        first, _ = _resolve_mention(accompanied.group("first"), position, index, sources, skip)
        companions = _people_named_in(accompanied.group("rest"))
        if first is not None and first.type == "person" and not first.vague and companions:
            names = [first.name] + [name for name in companions if name.split()[-1] != first.name.split()[-1]]
            return Entity(" and ".join(names), "group", members="person"), "named"
    relative = _RELATIVE_BY_FIRST_NAME.match(clean_mention(mention))
    if relative is not None:  # "Clinton's husband, Bill": Bill Clinton
        return Entity(f"{relative.group('first')} {relative.group('owner')}", "person"), "named"
    in_apposition = _appositive_names(mention, position, index)
    if in_apposition is not None:  # "A former Republican presidential candidate -- John McCain, who lost ... --"
        return in_apposition, "named"
    possessor = _POSSESSOR.match(clean_mention(mention))
    if possessor and _place_description(clean_mention(mention).lower().split()):
        possessor = None  # "The UK's biggest mortgage lender" speaks for the lender, not the UK
    named_in_full = parse_named(mention) if possessor else None
    ends_in_name = named_in_full is not None and len(named_in_full.name.split()) >= 2 and named_in_full.name.split()[0].lower() in FIRST_NAMES
    role_then_name = _ROLE_THEN_NAME.search(clean_mention(mention)) if possessor else None
    if role_then_name is not None and not organisation_evidence(index.text, role_then_name.group("name")):
        # "the network's nightly news anchor Ilia Calderón": lower-case role words, then a name: the person named
        return Entity(role_then_name.group("name"), "person", role=role_then_name.group("role").strip()), "named"
    if named_in_full is not None and (named_in_full.type == "person" or ends_in_name) and len(named_in_full.name.split()) >= 2:
        possessor = None  # "the chancellor's friend ... Charlie Whelan" is Charlie Whelan; "The film's producer Robbie Stamp"
    if possessor:  # "the agency's mammoth bureaucracy" speaks for the agency
        mention = possessor.group(1)
    if _OF_WHOM.match(clean_mention(mention)):  # "both of whom", "all of whom": the names listed right before
        listed = _listed_before(position, index)
        return (listed, "pronoun") if listed is not None else (None, "unresolved")
    text = clean_mention(_RELATIVE_CLAUSE.sub("", clean_mention(mention)) or mention)
    mention = text  # "The Tory leader, who ..." is "The Tory leader"
    words = text.lower().split()
    if words == ["self"] and index.text[position + 4 : position + 5] == "-":
        # "Sen. Bernie Sanders, I-Vt., a self-described Democratic socialist": the "self" is the person described
        described = _self_described(position, index)
        return (described, "pronoun") if described is not None else (None, "unresolved")
    if words in (["those"], ["these"], ["this"]):
        return None, "unresolved"  # "those who ...", "this didn't set well with some": no one named
    if len(words) > 1 and words[0] in RELATIVE_PRONOUNS:
        mention = text = text.split()[0]  # "who the local council ...": the relative pronoun points back
        words = words[:1]
    elif len(words) > 1 and words[0] in PRONOUNS and all(w in QUANTIFIERS for w in words[1:]):
        mention = text = text.split()[0]  # "We all", "they both": the pronoun
        words = words[:1]
    elif len(words) > 1 and words[0] in DEMONSTRATIVES and words[1] in AFTER_DEMONSTRATIVES:
        return None, "unresolved"  # "those who ...": no one named
    elif len(words) == 2 and words[0] in DEMONSTRATIVES and DESCRIPTION_HEADS.get(words[1]) == "group":
        pointed = _group_just_named(words[1], position, index)
        if pointed is not None:  # "quoting unnamed sources from the US and its allies ... citing these officials"
            return pointed, "description"
    elif len(words) > 1 and words[0] in POSSESSIVE_DETERMINERS:
        return _possessed(text, position, index, sources, skip)
    if len(words) > 1 and words[0] in INDEFINITE_ARTICLES and words[-1] not in GO_BETWEEN_HEADS:
        appositive = _named_before_appositive(position, index)
        if appositive is not None:  # "Our Principles PAC, a group set up to ...": the appositive is that name
            return appositive, "description"
    staff = _staff_campaign(text, position, index, sources, skip)
    if staff is not None:  # "a top Sanders adviser", "Hillary Clinton's advisers", "A spokeswoman for Fiorina"
        return staff, "description"
    backing = _BODY_BACKING.match(text)
    if backing is not None and backing.group("head").lower() in BACKING_HEADS:
        # "the super PAC backing Hillary Clinton", "the firm advising Tony Blair": the body speaks, not the person it
        # serves; the body the article names ("The super PAC, Priorities USA Action,"), else the description
        body = _resolve_mention(backing.group("body"), position, index, sources, skip)
        if body[0] is not None and body[0].type != "person" and body[1] == "description":
            return body
        return Entity(text[0].upper() + text[1:], "organization", True), "named"
    counted = _counted_people(words, position, index, skip)
    if counted is not None:  # "the two", "both men", "all three candidates"
        return counted, "description"
    labelled = index.turn_at(position)
    if labelled is not None and labelled.start == position:
        # the tagger took the turn's label ("FALLIN", "A") for the source: who the label names
        speaker = index.turn_speaker(labelled)
        return (speaker, "named") if speaker is not None else (None, "unresolved")
    if position in index.unnamed_labels:
        return None, "unresolved"  # "THE FACTS: ...", "WHY IT MATTERS: ...": a heading of the writer's, nobody
    kind = mention_kind(mention)
    if kind == "pronoun":
        pronoun = words[0]
        turn = index.turn_at(position)
        if turn is not None and _in_quotation(index.text, turn.start, position):
            turn = None  # 'FALLIN: Trump told me, "I think we can win."': the quoted one's "I", not Fallin's
        # In a transcript "I" is whoever the turn's label names, "you" whom the turn answers or asks; where the label
        # names nobody the article does ("A:" in a list of questions the writer answers), the writer's, as elsewhere.
        speaker = index.turn_speaker(turn) if turn is not None else None
        spoken = speaker if pronoun in FIRST_PERSON else index.turn_addressee(turn) if turn is not None and PRONOUNS[pronoun] == "reader" else None
        if spoken is not None:
            return spoken, "pronoun"
        if speaker is not None and pronoun in FIRST_PERSON_PLURAL:
            return None, "unresolved"  # a speaker's "we" (a party, a campaign, a family): never the publisher
        if PRONOUNS[pronoun] == "reader":
            return None, "unresolved"  # '"...," you might say': the reader, or anyone; nobody the article names
        if pronoun in FIRST_PERSON | FIRST_PERSON_PLURAL:
            # Outside a quotation "I" is the article's own voice: its byline author (on a letters page, the
            # letter's signature); "we" is the publisher, or the author.
            if pronoun in FIRST_PERSON_PLURAL and index.publisher:
                return Entity(index.publisher, "media"), "pronoun"
            voice = index.signature_after(position) or index.author
            if voice:
                return Entity(voice, "person"), "pronoun"
            if pronoun in FIRST_PERSON:
                return None, "unresolved"
        if pronoun in RELATIVE_PRONOUNS:
            # "Robert Mercer, a longtime Club for Growth donor who backs Mr. Cruz": the person the appositive describes
            described = index.described_before(position, person=pronoun in PERSON_RELATIVES)
            if described is not None:
                return described, "pronoun"
            named = index.just_before(position, person=pronoun in PERSON_RELATIVES)  # a relative pronoun is the name it follows
            if named is not None and not named.place:
                return named, "pronoun"
            owned = _OWNED_PHRASE_BEFORE.search(index.text, max(0, position - APPOSITIVE_REACH), position)
            if owned is not None and pronoun not in PERSON_RELATIVES:
                # "Ingraham's questions, which were pointedly about Rubio", "her infrastructure plan, which includes":
                # the owner speaks through what is theirs
                owner = owned.group("owner").removesuffix("'s").removesuffix("\u2019s")
                found, how = _resolve_mention(owner, owned.start("owner"), index, sources, skip)
                if found is not None and how != "unresolved":
                    return found, "pronoun"
            antecedent = _DEFINITE_PHRASE_BEFORE.search(index.text, max(0, position - APPOSITIVE_REACH), position)
            if antecedent is not None and mention_kind(antecedent.group("phrase")) == "description":
                # "the group, whose members ...": the relative pronoun is the description it follows
                return _resolve_mention(antecedent.group("phrase"), antecedent.start("phrase"), index, sources, skip)
            described_first = _DESCRIPTION_BEFORE_RELATIVE.search(index.text, max(0, position - APPOSITIVE_REACH), position)
            if described_first is not None and pronoun in PERSON_RELATIVES:
                # "Hollywood Actor Who Endorsed Ted Cruz ...": the person the next sentences name with that word ("Actor
                # Clint Howard"); a headline's capitals are no name
                phrase = described_first.group("phrase").lower()
                later = _named_later_as(phrase if phrase.split()[0] in INDEFINITE_ARTICLES | DEFINITE_DETERMINERS else f"a {phrase}",
                                        described_first.start("phrase"), position, index)
                if later is not None:
                    return later, "pronoun"
            if pronoun not in PERSON_PRONOUNS:
                return None, "unresolved"  # "a key email in 2014 that ...": no one the article names
        addressee = _addressee(pronoun, position, index)
        ahead = _subject_after_opening(pronoun, position, index) if pronoun in PERSON_PRONOUNS else None
        if ahead is not None and not addressee(ahead):
            # "In his assessment of the real estate magnate, Calderon intimated ...": the subject the opening leads to
            return ahead, "pronoun"
        if pronoun in PERSON_PRONOUNS:
            pool = index.salient(position, skip)
            last = index.last_speaker
            if (
                last is not None and index.spoke_lately(position)
                and _unnamed_one(last[1]) and _pronoun_fits(pronoun, last[1], None) and not addressee(last[1])
            ):
                # 'A spokesman for the UK Film Council said: "..." He added: ...': the unnamed speaker of the sentence
                # before carries on; a name elsewhere in the article is no better guess.
                return last[1], "pronoun"
            spoken_for = _body_spokesperson(pronoun, position, index)
            if spoken_for is not None:
                # 'A spokesman for the Business Software Alliance said ... He said': the body he speaks for, as before
                return spoken_for, "pronoun"
            carried = _quotation_carried_on(pronoun, position, index, skip)
            if carried is not None and not addressee(carried):
                return carried, "pronoun"
            answering = _asked_before(pronoun, position, index)
            if answering is not None and not addressee(answering):
                # 'Scott Conroy asked Sanders whether ... "Sure it is," he said': the one asked answers
                return answering, "pronoun"
            earlier = _same_pronoun_before(pronoun, position, index, skip)
            if earlier is not None:
                # "He visited Netanyahu in Israel, where he also met reporters": the subject "he" of the sentence is
                # who this "he" is (as resolved already, a source or the writer's own pronoun, else resolved here)
                known = next((m.entity for m in (*index.mentions, *index.pronoun_mentions) if m.position == earlier), None)
                same = (known, "pronoun") if known is not None else _resolve_mention(
                    index.text[earlier : earlier + len(pronoun)], earlier, index, sources, None)
                if same[0] is None or not addressee(same[0]):
                    return same
        elif pronoun in ("it", "its") and index.last_speaker is not None and index.unmarked_name(index.last_speaker[1]) and (
            index.spoke_lately(position)
        ):  # '"...," said Seagate. "...," it said.': the one-word speaker nothing marks as a person is a body
            return replace(index.last_speaker[1], type="organization"), "pronoun"
        else:  # "it", "they": a named body of the same or the previous sentence, then earlier sources; a place
            # of the previous sentence only as a source ("Russia said ... It added"), never "England and Wales ... It said"
            pool = [e for e in index.salient(position, skip, window=0) if e.type != "person"]
            pool += [e for e in index.salient(position, skip, window=1) if e.type != "person" and not e.place]
            pair = _people_before(pronoun, position, index, skip)
            if pair is not None and not any(_pronoun_fits(pronoun, e, None) for e in pool):
                return pair, "pronoun"
        only = _only_person_before(pronoun, position, index, skip) if pronoun in PERSON_PRONOUNS else None
        if only is not None and not addressee(only):
            return only, "pronoun"
        pool += list(reversed(sources))
        for candidate in pool:
            if _pronoun_fits(pronoun, candidate, index.gender.get(candidate.name)) and not addressee(candidate):
                return candidate, "pronoun"
        if pronoun in PRONOUN_GENDER:
            # Nobody in the last sentences fits "she": the woman the article is about, named further back; a guess.
            for candidate in index.salient(position, skip, window=len(index.sentence_starts)):  # the whole article before
                if candidate.type == "person" and index.gender.get(candidate.name) == PRONOUN_GENDER[pronoun] and not addressee(candidate):
                    return candidate, "pronoun-far"
        return None, "unresolved"
    if kind == "description":
        phrase = normalize_role(text)
        role_head = _role_head(words) if _past_holder(words) else words[-1]
        if phrase in OFFICES or (role_head in PERSON_HEADS and len(words) > 2):
            # "the chancellor", "the Tory leader": the person the article gives that title, whoever was quoted last.
            for candidate in list(index.before(position, skip)) + list(reversed(sources)):
                if candidate.type == "person" and not candidate.vague and normalize_role(candidate.role) == phrase:
                    return candidate, "description"
        aged = bool(_AGE.match(words[-1]) or (len(words) > 2 and _AGE.match(words[1])))  # "the 58-year-old US singer of ..."
        aged = aged or (len(words) >= 4 and words[1] in PERSON_HEADS and words[2] == "of")  # "The star of Rain Man and Tootsie"
        if aged or (words[-1] in DESCRIBED_PEOPLE and phrase not in OFFICES):
            # "the 25-year-old", "the Chelsea manager" nobody here is titled: the person the article is about
            described = _described_person(text, position, index, sources, skip)
            if described is not None:
                return described, "description"
        if phrase in OFFICES or (role_head in PERSON_HEADS and len(words) > 2):
            if phrase in OFFICES:  # no holder named here: the store looks for one the corpus names
                return Entity(text[0].upper() + text[1:], "person", False, role=phrase), "description"
            qualified = _qualified_person(text, position, index, sources, skip)
            if qualified is not None:  # "the Republican nominee": the person the article calls a Republican
                return qualified, "description"
            epithet = _epithet_person(text, words, position, index, sources, skip)
            if epithet is not None:  # "the former Republican presidential candidate": whom the article is about
                return epithet, "description"
            if any(_is_capitalised(w) for w in text.split()[1:]):  # "the Lib Dem spokesman" nobody here is: unnamed
                return Entity(text[0].upper() + text[1:], *classify(text)), "named"
        heads = [w.strip(".,") for w in words if w.strip(".,") in DESCRIPTION_HEADS]
        head = heads[-1] if heads else words[-1]
        if words[0] in DEFINITE_DETERMINERS and len(words) == 2 and (words[1] in ISSUED_DOCUMENTS or words[1] == CAMPAIGN):
            issuer = _issuer(words[1], position, index)
            if issuer is None and words[1] == CAMPAIGN:  # "the campaign" of the person the last sentences are about
                salient = next(iter(index.salient(position, skip)), None)
                if salient is not None and salient.type == "person" and not salient.vague:
                    issuer = _campaign_of(salient)
            if issuer is not None:  # "the statement" after "Gowdy said in a statement"; "the campaign"
                return issuer, "description"
            if words[1] in ISSUED_DOCUMENTS:  # "The advert described ...": nobody said to issue it; the document
                return Entity(text[0].upper() + text[1:], "document"), "named"
        if head in WORK_NOUNS:  # "the film": the last film the article names, by title or author
            end = position + len(mention)  # "The survey, conducted by X," names its own producer
            work = next((name for at, kind, name in reversed(index.works) if at < end and kind == WORK_NOUNS[head]), None)
            if work is None and words[0] in INDEFINITE_ARTICLES:
                # 'according to a new poll. The survey, conducted by ...': a lead's poll is named in the next sentences
                reach = index.sentence_of(position) + WORK_NAMED_AFTER
                work = next((name for at, kind, name in index.works if at >= end and index.sentence_of(at) <= reach and kind == WORK_NOUNS[head]), None)
            if work is not None:
                producer, _, noun = work.partition(" ")
                if producer in index.acronyms and noun:  # "The PPIC poll": the Public Policy Institute of California's
                    work = f"{index.acronyms[producer].name} {noun}"
                return Entity(work, "document"), "description"
            if head in DOCUMENT_ANTECEDENTS and words[0] in DEFINITE_DETERMINERS and len(words) <= 3:
                # "the poll shows" after "In a poll of 1,000 voters, Democracy Corps found": no poll named as a work,
                # but the one the last sentences spoke of speaks for whoever produced it
                pollster = next(filter(None, (_issuer(noun, position, index) for noun in DOCUMENT_ANTECEDENTS[head])), None)
                if pollster is not None:
                    return pollster, "description"
        # Most recent first; sources were added to the index where they were quoted.
        candidates = list(index.before(position, skip)) + list(reversed(sources))
        if head in PLURAL_HEADS:
            # "the two men", "the senators": two named referents mentioned together not long before.
            here = index.sentence_of(position)
            named_together = _group_named_before(position, index, lambda group: PLURAL_HEADS[head] in (None, group.members))
            if named_together is not None:
                return named_together, "description"
            if PLURAL_HEADS[head] == "person":
                # "the two men" with no pair named together: the two people the last sentences were about.
                earlier = index.sentence_starts[here - 1] if 0 < here <= len(index.sentence_starts) else position
                people = [e for e in index.salient(earlier, window=PAIR_WINDOW) if e.type == "person" and not e.vague][:2]
                if len(people) == 2:
                    return Entity(f"{people[0].name} and {people[1].name}", "group", members="person"), "description"
        if head == PARTY_HEAD and words[0] in DEFINITE_DETERMINERS and len(words) == 2:
            party = _party_meant(position, index)
            if party is not None:  # "the party": the one the last sentences name ("Tory leader", "Conservative cause")
                return party, "description"
        if ORGANISATION_HEADS.get(head) in ("organization", "media") and head not in PLACE_HEADS:
            # "The network said", "the bank said": a body named or quoted in the last sentences, before an older
            # name that merely carries the word ("Dish Network"); a name the article gives no first name, title
            # or gender may be one ("Zero Hedge asked ... The website noted").
            for candidate in index.salient(position, skip, window=RECENT_BODY_WINDOW):
                if candidate.name.lower() != text.lower() and not candidate.vague and (_description_fits(head, candidate) or _body_like(candidate, index)):
                    return candidate, "description"
        fitting = [c for c in candidates if c.name.lower() != text.lower() and _description_fits(head, c)]
        # "the campaign" is the "Clinton campaign" named before, not the unnamed "campaign aides" quoted since.
        if head in ORGANISATION_HEADS:  # (a person head keeps an office named without its holder: "the Mayor of London")
            fitting = [c for c in fitting if not c.vague] or fitting
        if fitting and head in PERSON_HEADS and len(words) == 2 and not _named_lately(fitting[0], position, index):
            # "Rubio stopped by his headquarters ... the senator said": a title many hold is the untitled person the
            # last sentences are about, not a "Sen. Bernie Sanders" named paragraphs before
            focus = _person_in_focus(position, index, skip)
            if focus is not None and focus.name != fitting[0].name and not focus.role:
                return focus, "description"
        if fitting:
            # "the appeals court": the nearest court that also shares "appeals", else the nearest court.
            others = {w.rstrip("s") for w in words[1:] if w not in DETERMINERS and w.strip(".,") != head}
            best = max(fitting, key=lambda c: len(others & {w.lower().rstrip("s") for w in c.name.split()}))
            return best, "description"
        wanted = DESCRIPTION_HEADS.get(head)
        named_later = _named_later_as(text, position, position + len(mention), index)
        if named_later is not None:
            return named_later, "description"
        if head in PERSON_HEADS:
            # "the senator": the most recent named person quoted, when nobody carries that title.
            for candidate in reversed(sources):
                if candidate.type == "person" and not candidate.vague:
                    return candidate, "description"
        elif wanted in ("organization", "government", "media") and head not in GOVERNMENT_HEADS:
            # a news agency or a government one; an alliance of states or of groups. "The government" is the
            # government unless a named one carries the word ("the Bush administration"), never a commission.
            accepted = {"agency": {"government", "media"}, "alliance": {"government", "organization"}}.get(head, {wanted})
            for candidate in candidates:
                kind = "organization" if index.unmarked_name(candidate) else candidate.type
                if kind in accepted and not candidate.vague and (candidate.place in PLACE_HEADS[head] if head in PLACE_HEADS else not candidate.place):
                    return (replace(candidate, type=kind) if kind != candidate.type else candidate), "description"
        entity_type, vague = classify(text)
        return Entity(text[0].upper() + text[1:], entity_type, vague), "named"
    introduced = _introduced_body(text, position, index)
    if introduced is not None:
        return introduced, "description"
    produced = _produced_document(text, position, index)
    if produced is not None:
        return produced, "description"
    on_site = _ON_OWN_SITE.match(text)
    if on_site:  # "a statement on her website said": hers
        return _resolve_mention(on_site.group("owner"), position, index, sources, skip)
    authored = _AUTHORED_DOCUMENT.match(text)
    if authored:  # "a report in the China-published Economic Observer": the paper speaks through its report
        author, resolution = _resolve_mention(authored.group("author"), position, index, sources, skip)
        if author is not None and author.type == "person" and author.name.split()[0].lower() not in FIRST_NAMES:
            author = Entity(author.name, "organization")  # "Economic Observer": a paper, not a person
        if author is not None:
            return author, resolution
    nested = _NESTED_REPORT.match(text)
    if nested:
        entity, resolution = _resolve_mention(nested.group("source"), position, index, sources, skip)
        if entity is not None:
            entity = Entity(entity.name, entity.type, entity.vague, entity.role, entity.affiliation,
                            via=_outlet_name(nested.group("outlet")))
        return entity, resolution
    entity = parse_named(text)
    name_words = entity.name.split()
    if len(name_words) == 1 and _is_role(name_words[0]) and name_words[0].lower() in DESCRIPTION_HEADS:
        return _resolve_mention(f"the {name_words[0].lower()}", position, index, sources, skip)  # "Mayor" alone is "the mayor"
    if len(name_words) == 2 and name_words[0] in KNIGHT_TITLE_WORDS:
        knight = index.knighted.get(name_words[1].lower())
        return (knight, "alias") if knight is not None else (entity, "named")
    if entity.name in index.acronyms:
        return index.acronyms[entity.name], "alias"
    if len(name_words) == 2 and name_words[0] in index.acronyms and name_words[1].lower() in WORK_NOUNS:
        return Entity(f"{index.acronyms[name_words[0]].name} {name_words[1]}", "document"), "named"  # "The PPIC poll", as written
    if len(name_words) == 1:
        person = index.person_by_surname(name_words[0])
        if person is not None:
            return person, "alias"
        organisation = index.organisations_by_word.get(name_words[0])
        if organisation is not None:
            return organisation, "alias" if organisation.name != name_words[0] else "named"
        namesakes = {e.name for e in index.namesakes.get(name_words[0].lower(), [])}
        if len(namesakes) > 1:
            # Two people share the surname ("Ozzy" and "Sharon Osbourne"): the only one named before here,
            # else the one named in the last two sentences; never one named only later.
            # (by the surname: "His wife Sharon" names her, but not as an "Osbourne" the reader could mistake)
            named_before = {m.entity.name: m.entity for m in index.mentions if m.position < position and m.entity.name in namesakes
                            and name_words[0].lower() in index.text[m.position : m.end].lower()}
            if len(named_before) == 1:
                return next(iter(named_before.values())), "alias"
            recent = [c for c in index.salient(position, skip, window=2) if c.name in namesakes]
            if recent:
                return recent[0], "alias"
    for candidate in reversed(sources):
        if candidate.name.lower() == entity.name.lower():
            # "Tory leader Michael Howard" after a bare "Howard": the person, now with the title he is given
            known = replace(candidate, role=candidate.role or entity.role, affiliation=candidate.affiliation or entity.affiliation)
            return known, "alias" if candidate.name != text else "named"
    return entity, "named"


_ALONG_WITH = re.compile(r"^(?P<first>.+?),?\s+(?:along|together)\s+with\s+(?P<rest>.+)$")
_NAME_AFFILIATION = re.compile(r"\s+(?:of|for|at|from)\s+.*$")  # "Richard A. Posner of the United States Court of ..."


def _people_named_in(text: str) -> list[str]:
    """The people a phrase names in full, without where they work: "Judge Richard A. Posner of the United States
    Court of Appeals for the Seventh Circuit and William M. Landes, a law professor" -> both."""
    people = []
    for run in _NAME_RUN.finditer(text):
        named = parse_named(_NAME_AFFILIATION.sub("", run.group(0)))
        words = named.name.split()
        if named.type == "person" and len(words) >= 2 and (words[0].lower() in FIRST_NAMES or named.role):
            people.append(named.name)
    return people


def _joined_states(words: Sequence[str], strip: bool = True) -> list[str]:
    """Words in lower case (without a stop or comma after them, when ``strip``), a US state of two words as one
    ("New", "Jersey" -> "new jersey")."""
    lowered = [w.lower().strip(".,") if strip else w.lower() for w in words]
    joined: list[str] = []
    for word in lowered:
        if joined and f"{joined[-1]} {word}" in US_STATES:
            joined[-1] = f"{joined[-1]} {word}"
        else:
            joined.append(word)
    return joined


def _qualifiers(words: Sequence[str]) -> set[str] | None:
    """The parties and US states capitalised words name ("GOP" -> republican, "Indiana", "New Jersey"), or
    ``None`` when one of them is neither."""
    found: set[str] = set()
    for lower in _joined_states(words):
        if lower in PARTY_QUALIFIERS:
            found.add(PARTY_QUALIFIERS[lower])
        elif lower in US_STATES:
            found.add(lower)
        else:
            return None
    return found or None


def _role_words(person: Entity) -> set[str]:
    """The words of a person's role and affiliation, parties as their party ("GOP" -> republican)."""
    return {PARTY_QUALIFIERS.get(w, w) for w in re.findall(r"[a-z]+", f"{person.role or ''} {person.affiliation or ''}".lower())}


def _qualified_person(
    text: str, position: int, index: ArticleIndex, sources: list[Entity], skip: tuple[int, int] | None
) -> Entity | None:
    """"The GOP nominee", "the Indiana governor": the most salient person the article names next to that party or
    state ("Republican nominee Donald Trump", "Trump, the Republican candidate", "Indiana Gov. Mike Pence")."""
    wanted = _qualifiers([w for w in text.split()[1:] if _is_capitalised(w)])
    if not wanted:
        return None
    context = index.described_with(position)
    for candidate in index.salient(position, skip, window=len(index.sentence_starts)) + list(reversed(sources)):
        if candidate.type != "person" or candidate.vague or " and " in candidate.name:
            continue
        known = _role_words(candidate)
        if wanted <= known | context.get(candidate.name, set()):
            return candidate
    return None


_OF_SOMEONE = re.compile(r"\b(?:for|of|at|from|to|with|by)\s", re.IGNORECASE)  # "a spokesman for the union": someone's


def _one_or_group(listed: Sequence[Mention]) -> Entity:
    """The one entity the mentions name, or all of them, in order, as a group ("A and B")."""
    entities = list({m.entity.name: m.entity for m in listed}.values())
    if len(entities) == 1:
        return entities[0]
    kinds = {e.type for e in entities}
    return Entity(" and ".join(e.name for e in entities), "group", members=kinds.pop() if len(kinds) == 1 else None)


def _listed_members(start: int, end: int, index: ArticleIndex) -> Entity | None:
    """The named bodies or people listed after "which include" (between ``start`` and ``end``): one, or all of
    them as a group; none when the list does not open with a name."""
    inside = sorted((m for m in index.mentions if start <= m.position < end and m.end > 0 and m.end <= end + 1 and m.entity.type != "group"),
                    key=lambda m: (m.position, -m.end))
    if not inside or len(index.text[start : inside[0].position].strip()) > LIST_OPENING:
        return None
    listed: list[Mention] = []
    for mention in inside:  # "PIRG" inside "U.S. PIRG Education Fund" is no second member
        if not listed or mention.position >= listed[-1].end:
            listed.append(mention)
    return _one_or_group(listed)


_APPOSITION = re.compile(r"(?:,|\s+(?:--|[-\u2013\u2014\u2015]))\s+")
_APPOSITION_END = re.compile(r"\s+(?:--|[-\u2013\u2014\u2015])|,\s+(?:" + "|".join(_LINK_WORDS["relative_clause_words"]) + r")\b|\Z")
_LIST_GLUE = re.compile(r"(?:\s*\([^()\n]{0,30}\)?)?\s*(?:,|,?\s+and)?\s*(?:(?:former|then|the)\s+)?(?:[A-Z][\w.'-]*\.\s+)?")
# where a listed person works, after the name: "David Dorn at the University of Zurich", "... of the University of
# California, San Diego"; capitalised words joined by "of"/"for"/"the" or a comma, never by "and" (the next name)
_LISTED_AFFILIATION = re.compile(
    r"\s+(?:" + "|".join(_LINK_WORDS["affiliation_prepositions"]) + r")\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,2}[A-Z][\w.&'\u2019-]*"
    r"(?:(?:\s+(?:of|for|the|de)\s+(?:the\s+)?|\s+|,\s+)[A-Z][\w.&'\u2019-]*)*"
)


def _list_glue(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` only joins two listed names, after an affiliation of the first if any."""
    affiliation = _LISTED_AFFILIATION.match(text, start, end)
    return bool(_LIST_GLUE.fullmatch(text, affiliation.end() if affiliation else start, end))


def _appositive_names(mention: str, position: int, index: ArticleIndex) -> Entity | None:
    """The people a description gives by name in apposition: "A former Republican presidential candidate -- John
    McCain, who lost ... --", "The three constitutional scholars - Mr. Tribe, Ms. Epstein and Mr. Amar -",
    "her primary opponents, Sen. Bernie Sanders (I-Vt.) and former Maryland Gov. Martin O'Malley,". Only when the
    description opens in lower case or with a determiner and the names fill the apposition."""
    words = mention.split()
    if not words or not (words[0].islower() or words[0].lower() in DETERMINERS | POSSESSIVE_DETERMINERS | _OTHER_WORDS):
        return None
    opening = _APPOSITION.search(mention)
    if opening is None or any(
        m.entity.type == "person" and (m.position == position or position <= m.position < position + opening.start() <= m.end + 1)
        for m in index.mentions
    ):
        return None  # "Tony Blair, the prime minister": the name comes first ("Another Clinton ally, Tom Vilsack" is Vilsack)
    start = position + opening.end()
    closing = _APPOSITION_END.search(mention, opening.end())  # always found: the pattern ends with \Z
    stop = position + (closing.start() if closing is not None else len(mention))
    # Bodies too ("two holdout unions, the United Steelworkers and the ..."), where the description is only what
    # they are: "a spokesman for the union, the GMB," is the spokesman, not the GMB.
    bodies = not _OF_SOMEONE.search(mention, 0, opening.start())
    inside = [
        m for m in index.mentions if start <= m.position < stop and m.end <= stop + 1 and not m.entity.vague and not m.entity.place
        and (m.entity.type == "person" or (bodies and m.entity.type in ("organization", "media", "government")))
    ]
    if len({m.entity.type == "person" for m in inside}) > 1:
        inside = [m for m in inside if m.entity.type == "person"]  # "Andrew J. Pincus of the law firm Mayer Brown"
    named: list[Mention] = []
    cursor = start
    for found in inside:  # the names must follow one another, joined by commas or "and" (a title may go between)
        if found.position < cursor:
            continue
        if not (_list_glue(index.text, cursor, found.position) if named else _LIST_GLUE.fullmatch(index.text, cursor, found.position)):
            return None
        named.append(found)
        cursor = found.end
    if not named or not _list_glue(index.text, cursor, stop):
        return None
    return _one_or_group(named)


# What may stand between a name and the "self-described ..." that describes it: a bracket or a party tag ("I-Vt."),
# commas, an article, "who is a".
_BEFORE_SELF = re.compile(r"[\s,()\u2014-]*(?:[A-Z]-[A-Z][\w.]*[\s,()]*)?(?:(?:who\s+is\s+)?(?:an?|the)\s+)?")
SELF_NAMED_AFTER = 60  # "the self-described democratic socialist Bernie Sanders": the name at most this far on


def _self_described(position: int, index: ArticleIndex) -> Entity | None:
    """The person a "self-described", "self-proclaimed" phrase at ``position`` describes: the one named right before
    it, in apposition, else the one it runs into ("the self-styled outsider Donald Trump"), in the same sentence."""
    sentence = index.sentence_of(position)
    people = [m for m in index.mentions if m.entity.type == "person" and not m.entity.vague and index.sentence_of(m.position) == sentence]
    before = [m for m in people if 0 <= m.end <= position]
    if before and _BEFORE_SELF.fullmatch(index.text, before[-1].end, position):
        return before[-1].entity
    after = [m for m in people if position < m.position <= position + SELF_NAMED_AFTER]
    if after and "," not in index.text[position : after[0].position]:
        return after[0].entity
    return None


def _addressee(pronoun: str, position: int, index: ArticleIndex) -> Callable[[Entity], bool]:
    """Whether an entity is the one the pronoun's own clause speaks to ("he told Hannity", "she asked Mr. Reid"):
    a subject pronoun is never the person named as its verb's object."""
    found = _ADDRESSED.match(index.text, position + len(pronoun))
    if found is None:
        return lambda entity: False
    surname = found.group("name").split()[-1].lower()
    return lambda entity: entity.type == "person" and entity.name.split()[-1].lower() == surname


def _asked_before(pronoun: str, position: int, index: ArticleIndex) -> Entity | None:
    """The person the last sentences asked something ("Hannity asked Trump how high ..."), where a quotation opens
    right after that sentence and this pronoun says it: the answer is his. None where anyone else is named between."""
    here = index.sentence_of(position)
    earliest, _ = index.sentence_span(max(0, here - ASKED_REACH))
    asked = [m for m in index.mentions if earliest <= m.position < position and _ASKED.search(index.text, max(0, m.position - 12), m.position)]
    if not asked:
        return None
    person = asked[-1].entity
    _, asked_end = index.sentence_span(index.sentence_of(asked[-1].position))
    if asked_end >= position or not _OPENS_WITH_QUOTE.match(index.text, asked_end):
        return None  # the answer follows the question's sentence, in quotation marks
    if any(asked[-1].end <= m.position < position and m.entity.type == "person" and m.entity.name != person.name for m in index.mentions):
        return None
    fits = person.type == "person" and not person.vague and _pronoun_fits(pronoun, person, index.gender.get(person.name))
    return person if fits else None


_SPOKESPERSON = r"spokes(?:man|woman|person)"  # who speaks for a body or a campaign
_SPOKESPERSON_FOR = re.compile(r"(?i:an?|the)\s+(?:[\w-]+\s+)?(?P<head>" + _SPOKESPERSON + r")\s+(?:for|of|at)\s")


def _body_spokesperson(pronoun: str, position: int, index: ArticleIndex) -> Entity | None:
    """The body whose spokesman or spokeswoman ('A spokesman for the Business Software Alliance said') was quoted in
    this sentence or the one before, credited to that body, when "he" or "she" fits the spokesperson."""
    last = index.last_speaker
    if last is None or not index.spoke_lately(position):
        return None
    if last[1].type not in ("organization", "government", "media") or last[1].vague:
        return None
    # where the body's spokesperson was named: 'A spokesman for X said ... He said ... He said' goes on with X
    said = _SPOKESPERSON_FOR.match(index.text, index.named_at.get(last[1].name, last[0]))
    if said is None:
        return None
    head = said.group("head").lower()
    gender = PRONOUN_GENDER.get(pronoun)
    fits = gender is None or head == "spokesperson" or (head == "spokeswoman") == (gender == "female")
    return last[1] if fits else None


def _only_person_before(pronoun: str, position: int, index: ArticleIndex, skip: tuple[int, int] | None) -> Entity | None:
    """"Even in the House, Mr. Ryan's ideas have met with resistance. He cannot get a budget passed": a "he" that
    opens its sentence is the one person the sentence before names (as a speaker, a subject or an owner) or speaks
    of in the writer's own pronouns, over
    someone quoted earlier, when that sentence names nobody else the pronoun could mean."""
    here = index.sentence_of(position)
    opening, _ = index.sentence_span(here)
    if not _opens_after(index.text, opening, position, HE_OPENERS):
        return None
    before_start, before_end = index.sentence_span(here - 1)
    first_words = index.text[before_start:before_end].split()[:2]
    if len(first_words) == 2 and first_words[0].lower() in DEFINITE_DETERMINERS and first_words[1][:1].islower():
        return None  # "The radio talker has filled his speeches for Cruz. He has declared ...": the talker, unnamed
    if _in_quotation(index.text, opening, position) or any(
        start <= position < end for start, end in index.reported
    ):
        return None  # inside a quotation or what someone said: someone the speaker talks about
    people = {m.entity.name: m.entity for m in (*index.mentions, *index.pronoun_mentions)
              if index.sentence_of(m.position) == here - 1 and m.position < position and m.entity.type == "person"
              and not (skip and skip[0] <= m.position < skip[1])
              # not someone a quotation talks about ('"... not a reflection on Robinson personally." He added')
              and not (m.reported is not None and _quoted(index.text, *m.reported))}
    fitting = [p for p in people.values() if _pronoun_fits(pronoun, p, index.gender.get(p.name))]
    if len(fitting) != 1 or fitting[0].vague or " and " in fitting[0].name:
        return None
    said = index.text[skip[0] : skip[1]] if skip else ""
    if any(re.search(rf"\b{re.escape(word)}\b", said) for word in fitting[0].name.split() if len(word) > 2):
        return None  # 'He added: "Steven can play all over the pitch"': who is talked about is not who talks
    return fitting[0]


def _people_before(pronoun: str, position: int, index: ArticleIndex, skip: tuple[int, int] | None) -> Entity | None:
    """'"...," Franken said. Silverman responded, "..." They continued': a "they" that opens its sentence is the
    two or three people who spoke in the two sentences before (sources resolved there, not anyone merely named),
    when no body "they" could mean is at hand."""
    if pronoun != "they":
        return None
    here = index.sentence_of(position)
    opening, _ = index.sentence_span(here)
    if not _opens_after(index.text, opening, position, THEY_OPENERS):
        return None
    if here == 0:
        return None
    before_start, _ = index.sentence_span(max(0, here - 2))
    _, before_end = index.sentence_span(here - 1)
    people = list({m.entity.name: m.entity for m in index.mentions
                   if before_start <= m.position < before_end and m.position in index.speakers and m.entity.type == "person"
                   and not m.entity.vague and " and " not in m.entity.name}.values())
    if not 2 <= len(people) <= 3:
        return None
    return Entity(" and ".join(p.name for p in people), "group", members="person")


# "In his assessment of ..., ", "During her visit to Ohio, ": an opening phrase, then the sentence's subject
_OPENING_PHRASE = re.compile(r"(?:" + "|".join(_LINK_WORDS["cataphora_openers"]) + r")\b[^,.;:!?\"\u201c\u201d]{0,120}?,\s+")


def _subject_after_opening(pronoun: str, position: int, index: ArticleIndex) -> Entity | None:
    """The person a sentence's opening phrase leads to, where the pronoun stands in that phrase: "In his assessment
    of the real estate magnate, Calderon intimated ..." is Calderon, not the magnate named most before."""
    start, _ = index.sentence_span(index.sentence_of(position))
    opening = _OPENING_PHRASE.match(index.text, start + len(index.text[start:position]) - len(index.text[start:position].lstrip()))
    if opening is None or not opening.start() <= position < opening.end() - 2:
        return None
    subject = next((m.entity for m in index.mentions if m.position == opening.end()), None)
    if subject is None or not _pronoun_fits(pronoun, subject, index.gender.get(subject.name)) or subject.type != "person":
        return None
    return subject


def _opens_after(text: str, opening: int, position: int, openers: frozenset[str]) -> bool:
    """Whether the pronoun at ``position`` opens its sentence (which starts at ``opening``), after nothing but
    quotation marks or one of ``openers`` ("But he", "Then they")."""
    before = text[opening:position].strip(" \t\n\"'\u201c\u2018")
    return not before or before in openers


def _in_quotation(text: str, start: int, position: int) -> bool:
    """Whether ``position`` stands inside quotation marks opened after ``start`` (an odd count of marks before it)."""
    return sum(text.count(mark, start, position) for mark in QUOTATION_MARKS) % 2 == 1


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether the statement content ``text[start:end]`` is a direct quotation: it opens with a quotation mark or
    stands right inside one."""
    opening = text[start : start + 1] + text[max(0, start - 1) : start]
    return any(mark in opening for mark in QUOTATION_MARKS)


def _same_pronoun_before(pronoun: str, position: int, index: ArticleIndex, skip: tuple[int, int] | None) -> int | None:
    """Where the same subject pronoun ("he", "she") opens the sentence of ``position``, before it and outside any
    quotation: that pronoun, whose referent this one is."""
    if pronoun not in SUBJECT_PRONOUNS:
        return None
    opening, _ = index.sentence_span(index.sentence_of(position))
    found = _SENTENCE_OPENING_PRONOUN.match(index.text, opening, position)
    if found is None or found.group("pronoun").lower() != pronoun or found.start("pronoun") >= position:
        return None
    at = found.start("pronoun")
    if skip is not None and skip[0] <= at < skip[1]:
        return None  # inside a quote
    return at


def _quotation_carried_on(pronoun: str, position: int, index: ArticleIndex, skip: tuple[int, int] | None) -> Entity | None:
    """'Gov. Phil Bryant said he expects an appeal. "... I am disappointed Judge Reeves did not ...," he said': a
    quotation that opens right after someone spoke, before anyone else is named, carries on what that person said;
    the names inside it are who the speaker talks about."""
    last = index.last_speaker
    if skip is None or last is None or not last[0] < skip[0] < position:
        return None
    speaker = last[1]
    if speaker.type != "person" or speaker.vague or " and " in speaker.name or not _pronoun_fits(pronoun, speaker, index.gender.get(speaker.name)):
        return None
    if index.unmarked_name(speaker):
        return None  # a capitalised word nothing marks as a person ("European")
    if index.sentence_of(skip[0]) - index.sentence_of(last[0]) > 1:
        return None
    speaker_end = next((m.end for m in index.mentions if m.position == last[0]), last[0])
    between = [m for m in index.mentions if speaker_end <= m.position < skip[0] and m.entity.type == "person" and m.reported is None
               and m.entity.name != speaker.name]
    return None if between else speaker


SUBJECT_PRONOUNS = frozenset({"he", "she"})
_SENTENCE_OPENING_PRONOUN = re.compile(r"\s*(?:(?:But|And|Yet|So|Still|Now|Then|Later|Earlier|Instead|Meanwhile),?\s+)?(?P<pronoun>[Hh]e|[Ss]he)\b")
_OF_WHOM = re.compile(r"(?i:all|both|each|most|many|some|several|none|two|three|four)\s+of\s+(?:whom|which)\b")


def _listed_before(position: int, index: ArticleIndex) -> Entity | None:
    """The names listed right before ``position`` ("Sens. Robert Menendez (D-N.J.) and Marco Rubio (R-Fla.), both of
    whom"): one, or all of them as a group."""
    before = [m for m in index.mentions if m.end <= position and m.entity.type != "group" and not m.entity.place]
    if not before or not _RELATIVE_GAP.fullmatch(index.text, before[-1].end, position):
        return None
    listed = [before[-1]]
    for mention in reversed(before[:-1]):
        if mention.end <= listed[-1].position and _LIST_GLUE.fullmatch(index.text, mention.end, listed[-1].position):
            listed.append(mention)
        elif mention.end > listed[-1].position:
            continue  # a shorter mention inside the one already listed
        else:
            break
    return _one_or_group(list(reversed(listed)))


def _named_before_appositive(position: int, index: ArticleIndex) -> Entity | None:
    """The name an indefinite description at ``position`` stands in apposition to: "Conservative Solutions, [a super
    PAC]"; not a place, and not a name a preposition brings in ("At Google, a spokesman": someone new)."""
    named = index.just_before(position)
    if named is None or named.place or named.vague or "," not in index.text[max(0, position - 3) : position]:
        return None
    mention = next(m for m in reversed(index.mentions) if m.entity is named)
    before = index.text[max(0, mention.position - 12) : mention.position].split()
    if before and before[-1].lower() in PREPOSITIONS_BEFORE_NAME:
        return None
    return named


def _issuer(noun: str, position: int, index: ArticleIndex) -> Entity | None:
    """Who issued the document ``noun`` names, from the last sentences that speak of one: 'Gowdy said in a
    statement' -> Gowdy, 'the Holocaust Museum issued a statement' -> the museum, 'a Clinton campaign memo' or
    'Clinton's campaign sent out an email' -> the Clinton campaign; where the article has not spoken of one before,
    the subject of the sentence before ('Fox News confirmed that ... According to the statement'). For ``noun``
    "campaign", whose campaign the article last spoke of. None where those sentences name no one."""
    here = index.sentence_of(position)
    spoken_of = list(re.finditer(rf"\b{re.escape(noun)}s?\b", index.text[:position], re.IGNORECASE))
    for spoken in reversed(spoken_of):
        sentence = index.sentence_of(spoken.start())
        if here - sentence > ISSUER_REACH:
            return None
        opening, closing = index.sentence_span(sentence)
        issued = _ISSUED_BY.match(index.text, spoken.end()) if noun != CAMPAIGN else None
        if issued is not None and not _OWNED.search(index.text, opening, spoken.start()):
            # "a separate statement issued by the Sanders campaign", "a note from Donald J. Trump" (not "its letter,
            # written by Kenneth P. Cohen": the owner's)
            producers = [m for m in index.mentions if m.position == issued.end() and _may_issue(m)]
            if producers:
                return max(producers, key=lambda m: m.end).entity  # "the Sanders campaign", not Sanders
        owner = _DOCUMENT_OWNER.search(index.text, opening, spoken.start())
        person = None
        if owner is not None:  # a surname the article gives a person, in full or alone ("Clinton")
            person = index.person_by_surname(owner.group("owner")) or next(
                (m.entity for m in index.mentions if m.entity.type == "person" and m.entity.name.split()[-1] == owner.group("owner")), None)
        if owner is not None and person is not None:  # "a Clinton campaign memo", "Gowdy's statement"
            return _campaign_of(person) if owner.group("campaign") or noun == CAMPAIGN else person
        speakers = [m for m in index.mentions if opening <= m.position < closing and _may_issue(m)]
        resolved = [m for m in speakers if m.position <= spoken.start() < m.end]
        if resolved and noun != CAMPAIGN:  # an earlier "the statement" a speaker was already found for
            return resolved[-1].entity
        written = [m for m in speakers if _THE.sub("", index.text[m.position : m.end])[:1].isupper()]  # a name, not a description resolved
        before = [m for m in written if m.end <= spoken.start()]
        if not before and noun != CAMPAIGN and _IN_A_DOCUMENT.search(index.text, opening, spoken.start()):
            # "In a statement announcing the pick, the Association of Flight Attendants called": the subject after it
            before = [m for m in written if m.position > spoken.end() and "," in index.text[spoken.end() : m.position]][:1]
        if not before:
            continue
        named = before[-1]
        between = index.text[named.end : spoken.start()]
        if named.entity.type == "person" and _CAMPAIGN_OF.match(between):  # "Clinton's campaign sent out an email"
            return _campaign_of(named.entity)
        if noun == CAMPAIGN:  # "the campaign" is a person's campaign, never a body's
            return _campaign_of(named.entity) if named.entity.type == "person" and between.strip() in ("'s", "\u2019s", "") else None
        return named.entity
    # The first the article says of it, if it takes it as known ("According to the statement") in a sentence that
    # names no one: the subject of the sentence before.
    first = spoken_of[0].start() if spoken_of else position + len("the ")
    sentence = index.sentence_of(first)
    opening, closing = index.sentence_span(sentence)
    if noun == CAMPAIGN or sentence == 0 or not re.search(r"\bthe\s+\Z", index.text[max(0, first - 5) : first], re.IGNORECASE):
        return None
    if any(opening <= m.position < closing and _may_issue(m) for m in index.mentions):
        return None
    previous, _ = index.sentence_span(sentence - 1)
    subject = [m for m in index.mentions if previous <= m.position < opening and _may_issue(m) and index.opens_sentence(m.position)]
    return subject[0].entity if subject else None


_STAFF_OF_OWNER = re.compile(  # "a top Sanders adviser", "Hillary Clinton's advisers", "a Clinton campaign aide"
    r"^(?:(?:[Aa]n?|[Oo]ne|[Tt]he|[Ss]ome|[Tt]wo|[Ss]everal)\s+)?(?:[a-z-]+\s+){0,2}"
    r"(?P<owner>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}?)(?:['\u2019]s)?\s+(?:campaign\s+)?(?P<head>[a-z]+)$"
)
_STAFF_FOR_OWNER = re.compile(  # "A spokeswoman for Fiorina" (not "a longtime adviser to Trump": his own)
    r"^(?:[Aa]n?|[Oo]ne)\s+(?:[a-z-]+\s+){0,2}(?P<head>" + _SPOKESPERSON + r")\s+for\s+(?P<owner>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})$"
)
_CAMPAIGN_STAFFER = re.compile(r"^(?:[Aa]n?|[Oo]ne|[Tt]he)\s+(?:[a-z-]+\s+)?campaign\s+(?P<head>[a-z]+)$")  # "A campaign aide"


def _staff_campaign(
    text: str, position: int, index: ArticleIndex, sources: list[Entity], skip: tuple[int, int] | None
) -> Entity | None:
    """One of a candidate's staff, or several, speak for the candidate's campaign ("a top Sanders adviser" -> "Sanders
    campaign"), where the article speaks of that campaign; "A campaign aide" is of the campaign the last sentences
    speak of. The same as "her advisers" (``_possessed``)."""
    unnamed = _CAMPAIGN_STAFFER.match(text)
    if unnamed is not None and unnamed.group("head") in ANY_CAMPAIGN_STAFF:
        return _issuer(CAMPAIGN, position, index)
    owned = _STAFF_OF_OWNER.match(text) or _STAFF_FOR_OWNER.match(text)
    if owned is None or owned.group("head") not in ANY_CAMPAIGN_STAFF:
        return None
    owner, _ = _resolve_mention(owned.group("owner"), position, index, sources, skip)
    if owner is None or owner.vague or " and " in owner.name:
        return None
    return _named_campaign(owner, index)


def _named_campaign(person: Entity, index: ArticleIndex) -> Entity | None:
    """The person's campaign, where the article speaks of it ("the Clinton campaign", "Clinton's campaign")."""
    campaign = _campaign_of(person)
    return campaign if person.type == "person" and any(m.entity.name == campaign.name for m in index.mentions) else None


def _campaign_of(person: Entity) -> Entity:
    """A person's campaign, as judges and readers name it: "Clinton campaign"."""
    return Entity(f"{person.name.split()[-1]} campaign", "organization")


def _may_issue(mention: Mention) -> bool:
    """A named person or body, where the article names it, not in what someone said."""
    entity = mention.entity
    return mention.reported is None and entity.type in ("person", "organization", "government", "media") and not entity.vague and not entity.place


def _introduced_body(text: str, position: int, index: ArticleIndex) -> Entity | None:
    """"A federal appeals court ruled Friday ...": a news lead describes a body the article names further down
    ("the U.S. Court of Appeals for the Sixth Circuit"); the first later name that carries the head word, the
    one sharing most of the description's other words first. Only in the lead, only for bodies."""
    words = [w.lower().strip(".,") for w in text.split()]
    if len(words) < 2 or words[0] not in INDEFINITE_ARTICLES or index.sentence_of(position) > LEAD_SENTENCES:
        return None
    head = words[-1]
    if head not in ORGANISATION_HEADS or head in PLACE_HEADS or any(_is_capitalised(w) for w in text.split()[1:]):
        return None
    later = [m.entity for m in index.mentions if m.position > position and not m.entity.vague and _description_fits(head, m.entity)]
    if not later:
        return None
    others = {w.rstrip("s") for w in words[1:-1]}
    best = max(later, key=lambda e: len(others & {w.lower().rstrip("s") for w in e.name.split()}))
    # "A bank said ... The Bank of England held rates": the head alone is no evidence; one more word must be shared
    return best if others & {w.lower().rstrip("s") for w in best.name.split()} else None


def _group_named_before(position: int, index: ArticleIndex, fits: Callable[[Entity], bool]) -> Entity | None:
    """The last group named together ("Grassley and Leahy") in the eight sentences before ``position`` that fits."""
    here = index.sentence_of(position)
    for together in reversed(index.mentions):
        group = together.entity
        if together.position < position and group.type == "group" and here - index.sentence_of(together.position) <= GROUP_REACH:
            if fits(group):
                return group
    return None


def _counted_people(words: Sequence[str], position: int, index: ArticleIndex, skip: tuple[int, int] | None) -> Entity | None:
    """"The two", "both men", "all three candidates": that many people named together not long before, else the
    that many people the last sentences were about. ``None`` when the words are no counted group."""
    words = [w.strip(".,") for w in words]
    if not words or words[0] not in GROUP_COUNT_OPENERS or len(words) > 3:
        return None
    rest = words[1:]
    count = GROUP_COUNTS.get(words[0]) if words[0] == "both" else None
    if rest and rest[0] in GROUP_COUNTS and rest[0] != "both":
        count, rest = GROUP_COUNTS[rest[0]], rest[1:]
    if count is None or len(rest) > 1 or (rest and PLURAL_HEADS.get(rest[0], "") not in ("person", None)):
        return None
    named_together = _group_named_before(
        position, index, lambda group: group.members in (None, "person") and group.name.count(" and ") + 1 == count)
    if named_together is not None:
        return named_together
    here = index.sentence_of(position)
    earlier = index.sentence_starts[here - 1] if 0 < here <= len(index.sentence_starts) else position
    people = [e for e in index.salient(earlier, skip, window=PAIR_WINDOW) if e.type == "person" and not e.vague and " and " not in e.name]
    if len(people) < count:
        return None
    return Entity(" and ".join(e.name for e in people[:count]), "group", members="person")


def _epithet_person(
    text: str, words: Sequence[str], position: int, index: ArticleIndex, sources: list[Entity], skip: tuple[int, int] | None
) -> Entity | None:
    """"The Florida senator said", "the former Republican presidential candidate continued": a definite description
    of one person that nobody in the article is titled with is the person the last sentences are about, as for
    "the 25-year-old". A go-between ("the Lib Dem spokesman", "the aide") is someone else, left unnamed."""
    if words[0] not in DEFINITE_DETERMINERS or _head_word(text) in GO_BETWEEN_HEADS:
        return None
    capitalised = [w for w in text.split()[1:] if _is_capitalised(w)]
    if capitalised and _qualifiers(capitalised) is None and not all(w.lower() in NATIONALITIES for w in capitalised):
        # "the Veritas leader": only someone the article describes so (_qualified_person), no guess; a nationality,
        # party or state ("the French president") is checked against what the article says of the person
        return None
    if any(w.endswith(("'", "'s", "\u2019s", "\u2019")) for w in words):
        return None  # "the Iraqi families' lawyer" speaks for others: not the person they are about
    opening = _opening_clause_gender(position, index)
    if opening is not None:
        # "Reprising one of her own favorite lines, the former secretary of state talked": the clause's "her" is the
        # description's, so its person is a woman
        text = f"{text} {'woman' if opening == 'female' else 'man'}"
    last = index.last_speaker
    if last is not None and last[0] < position and index.sentence_of(position) - index.sentence_of(last[0]) <= EPITHET_SPEAKER_REACH:
        # '"...," Bolton said. The former ambassador also discussed ...': the one just quoted, before anyone he named
        speaker = last[1]
        if speaker.type == "person" and not speaker.vague and " and " not in speaker.name and _fits_description(text, speaker, index, position):
            return speaker
    return _described_person(text, position, index, sources, skip) or _party_leader(capitalised, position, index)


def _opening_clause_gender(position: int, index: ArticleIndex) -> str | None:
    """The gender a pronoun says in a clause that opens the sentence before the mention at ``position`` and names
    nobody ("Reprising one of her own favorite lines, the ..."): that clause is about the mention's person."""
    opening, _ = index.sentence_span(index.sentence_of(position))
    clause = index.text[opening:position]
    if not clause.rstrip().endswith(",") or any(_is_capitalised(w) for w in clause.split()[1:]):
        return None
    genders = {PRONOUN_GENDER[w] for w in re.findall(r"[a-z]+", clause.lower()) if w in PRONOUN_GENDER}
    return genders.pop() if len(genders) == 1 else None


def _party_leader(capitalised: Sequence[str], position: int, index: ArticleIndex) -> Entity | None:
    """"The GOP front-runner", "the Democratic nominee" where the article calls nobody a Republican or a Democrat: the
    person the article is about so far (named most often, and more often than anyone else), whom it gives no party.
    (Taking the person of the last sentences instead was tried in round 9 and rejected: "In an interview with hosts
    X and Y, the Democratic presidential candidate" went to a host.)"""
    parties = PARTY_VALUES
    wanted = _qualifiers(capitalised) or set()
    if not wanted or not wanted <= parties:
        return None
    described = index.described_with(len(index.text))
    if any(words & wanted for words in described.values()):
        return None  # someone is the party's: _qualified_person's to find, no guess
    counts: dict[str, int] = {}
    people: dict[str, Entity] = {}
    for mention in index.mentions:
        entity = mention.entity
        if mention.position < position and entity.type == "person" and not entity.vague and " and " not in entity.name:
            counts[entity.name] = counts.get(entity.name, 0) + 1
            people.setdefault(entity.name, entity)
    ranked = sorted(counts, key=lambda name: -counts[name])
    if not ranked or counts[ranked[0]] < TOPIC_MENTIONS or (len(ranked) > 1 and counts[ranked[1]] * 2 > counts[ranked[0]]):
        return None
    leader = people[ranked[0]]
    known = _role_words(leader)
    return None if (known | described.get(leader.name, set())) & parties else leader


def _fits_description(text: str, candidate: Entity, index: ArticleIndex, position: int | None = None) -> bool:
    """Nothing in the description contradicts what is known of the person: its gender, and the capitalised
    qualifiers ("the French president") where the person's role or affiliation is known."""
    words = text.split()
    head = words[-1].lower()
    pronoun = "she" if head.endswith(("woman", "ess")) else "he" if head.endswith("man") else None
    if pronoun is not None and not _pronoun_fits(pronoun, candidate, index.gender.get(candidate.name)):
        return False
    qualifiers = {PARTY_QUALIFIERS.get(w, w) for w in _joined_states([w for w in words[1:-1] if _is_capitalised(w)])}
    known = {PARTY_QUALIFIERS.get(w, w) for w in (w.lower().strip(".,") for w in f"{candidate.role or ''} {candidate.affiliation or ''}".split())}
    parties = PARTY_VALUES
    described = known | index.described_with(len(index.text)).get(candidate.name, set())
    titled = bool(HEAD_SYNONYMS.get(head, {head}) & {w.lower().strip(".") for w in (candidate.role or "").split()}) and (
        position is not None and _named_lately(candidate, position, index))
    for kind in (US_STATES, parties):  # "the GOP front-runner" is someone the article calls a Republican
        wanted = qualifiers & kind
        unclaimed = kind is US_STATES and not described & kind and (titled or (
            position is not None and _named_lately(candidate, position, index) and not _claimed(wanted, candidate, index, position)))
        if wanted and not wanted <= described and not unclaimed:
            # ("the Texas senator" may be a person of the last two sentences the article gives no state, when it gives
            # nobody else that one; never one of another. The same for parties was tried in round 9 and rejected:
            # "In an interview with hosts X and Y, the Democratic presidential candidate" went to a host.)
            return False
    others = qualifiers - US_STATES - parties
    return not (others and known and not others <= known)


def _person_in_focus(position: int, index: ArticleIndex, skip: tuple[int, int] | None) -> Entity | None:
    """The named person the last sentence is about, if its most salient entity is one."""
    top = next(iter(index.salient(position, skip, window=FOCUS_WINDOW)), None)
    if top is None or top.type != "person" or top.vague or " and " in top.name:
        return None
    return top


def _claimed(qualifiers: set[str], candidate: Entity, index: ArticleIndex, position: int) -> bool:
    """Whether the article describes someone other than ``candidate`` with one of ``qualifiers`` ("Texas"), or names
    it anywhere but in the description at ``position`` ("spoke in Fort Wayne, Indiana ... The Indiana governor")."""
    for qualifier in qualifiers:
        named = re.finditer(rf"\b{re.escape(qualifier)}\b", index.text, re.IGNORECASE)
        if any(not position <= m.start() < position + DESCRIPTION_REACH for m in named):
            return True
    return any(name != candidate.name and words & qualifiers for name, words in index.described_with(len(index.text)).items())


def _named_lately(person: Entity, position: int, index: ArticleIndex) -> bool:
    """Whether ``person`` is named in the sentence of ``position`` or the two before it."""
    here = index.sentence_of(position)
    return any(m.entity.name == person.name and m.position < position and here - index.sentence_of(m.position) <= 2 for m in index.mentions)


def _produced_document(text: str, position: int, index: ArticleIndex) -> Entity | None:
    """"The survey, conducted by the Public Policy Institute of California," and "according to a new poll. The
    survey, conducted by ...": a document whose producer the mention itself, or for a new one the next sentences,
    name. Anything else stays the document as written."""
    opening = text.split(",")[0]
    phrase = opening.lower().split()
    if len(phrase) < 2 or len(phrase) > 4 or phrase[0] not in INDEFINITE_ARTICLES | {"the"} or WORK_NOUNS.get(phrase[-1]) != "document":
        return None
    if any(_is_capitalised(w) for w in opening.split()[1:]):
        return None  # "The Daily Telegraph poll" names its producer already
    end = position + len(text)
    reach = index.sentence_of(position) + (WORK_NAMED_AFTER if phrase[0] in INDEFINITE_ARTICLES else 0)
    for at, kind, name in index.works:
        if position <= at < end + 1 or (at >= end and index.sentence_of(at) <= reach and phrase[0] in INDEFINITE_ARTICLES):
            if kind == "document":
                return Entity(name, "document")
    return None


def _described_person(
    text: str, position: int, index: ArticleIndex, sources: list[Entity], skip: tuple[int, int] | None
) -> Entity | None:
    """"The 25-year-old", "the Chelsea manager", "the Frenchman": the most salient named person, as for "he",
    unless the description names a club, country or body that person's known role or affiliation does not."""
    for candidate in index.salient(position, skip) + list(reversed(sources)):
        if candidate.type != "person" or candidate.vague or " and " in candidate.name:
            continue
        if _fits_description(text, candidate, index, position):  # "the Arsenal boss" is not the Chelsea manager
            return candidate
    return None


# "The authors of the report, which include A and B", "a number of candidates, including Trump and Cruz,", "the
# field's biggest hawks, like Rubio and Bush,": the named members of a described source
_INCLUDING = re.compile(
    r",\s+(?:" + "|".join(_LINK_WORDS["including_words"]) + r")\s+"
    + r"|\A(?:(?:[Aa]n?|[Tt]he)\s+|[a-z])[^,]*,\s+(?:" + "|".join(_LINK_WORDS["listing_words"]) + r")\s+"  # not "Critics, like Senators ..."
)
# "he told Hannity", "she then asked Sen. Reid": the verb's object, a name
_ADDRESSED = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:" + "|".join(_LINK_WORDS["addressing_verbs"]) + r")\s+" + _TITLE_BEFORE_NAME
    + r"(?P<name>[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)*)"
)
_WORDS_BEFORE = re.compile(r"((?:[\w\u2019'-]+ ){1,4})$")


def _office_before(text: str, start: int) -> str | None:
    """The office or party role written in lower case before a name ("Tory leader Michael Howard", "Lib Dem
    spokesman Vince Cable"), which the run of capitalised words leaves out."""
    found = _WORDS_BEFORE.search(text, max(0, start - 60), start)
    if found is None:
        return None
    words = found.group(1).split()
    for size in range(min(4, len(words)), 0, -1):
        phrase = " ".join(words[-size:])
        party = " ".join(words[-size:-1]).lower()
        if normalize_role(phrase) in OFFICES or (words[-1] in PERSON_HEADS and (party in PARTIES or party in ROLE_SYNONYMS)):
            return phrase  # "Tory leader", "Lib Dem spokesman"
    return None


POSSESSIVE_DETERMINERS = set(_LINK_WORDS["possessive_determiners"])
_OTHER_WORDS = frozenset({"another", "other"})  # "Another Connecticut former lawmaker, Sen. Joe Lieberman (I-Conn.),"
_POSSESSIVE_TO_PRONOUN = dict(_LINK_WORDS["possessive_to_pronoun"])


def _possessed(
    text: str, position: int, index: ArticleIndex, sources: list[Entity], skip: tuple[int, int] | None
) -> tuple[Entity | None, str]:
    """'its chairman, Sir Anthony Greener' -> Anthony Greener; 'his spokesman' -> "Tony Blair's spokesman" (unnamed)."""
    first, _, appositive = text.partition(", ")
    if appositive and _is_capitalised(appositive):
        named = parse_named(appositive.split(", ")[0])
        if named.type == "person":
            return Entity(named.name, "person", False, first.split(" ", 1)[1]), "named"
    words = first.split()
    # "His manager Robert Voice", "Her coach Aston Moore": lower-case words after the possessive, then a name
    start = next((i for i in range(2, len(words) - 1) if all(w.islower() for w in words[1:i]) and all(_is_capitalised(w) for w in words[i:])), 0)
    if start >= 2 and len(words) - start in (2, 3):
        # "His manager Robert Voice": the manager is named; the possessive only says whose he is.
        named = parse_named(" ".join(words[start:]))
        if named.type == "person" and len(named.name.split()) >= 2:
            return Entity(named.name, "person", False, " ".join(words[1:start])), "named"
    rest = first.split(" ", 1)[1]
    if first.split()[0].lower() in OWN_VOICE_POSSESSIVES:  # "our correspondent": the article's own voice, not a source quoted
        voice = index.publisher or index.author
        return Entity(f"{voice}'s {rest}" if voice else f"Own {rest}", "media" if rest.split()[-1].lower() in REPORTER_HEADS else "person"), "named"
    owner, _ = _resolve_mention(_POSSESSIVE_TO_PRONOUN[first.split()[0].lower()], position, index, sources, skip)
    if owner is not None and owner.affiliation and owner.name.startswith(owner.affiliation + "'s "):
        owner = Entity(owner.affiliation, "person")  # "their latest campaign" after "Howard's campaign": Howard's, once
    if owner is None or owner.type == "group":
        return None, "unresolved"
    head = rest.split()[-1].lower()
    if head in SPEECH_NOUNS:
        return owner, "description"  # "Its mid-year economic review forecasts", "Her lawsuit said": the owner's own words
    campaign = _named_campaign(owner, index) if head in CAMPAIGN_STAFF else None
    if campaign is not None:  # "her advisers" where the article speaks of the Clinton campaign
        return campaign, "description"
    if rest.lower() in SPOUSE_WORDS and owner.type == "person":
        spouse = next((people for people in index.namesakes.get(owner.name.split()[-1].lower(), []) if people.name != owner.name), None)
        if spouse is not None:  # "her husband" where the article names Hillary and Bill Clinton: Bill Clinton
            return spouse, "description"
    entity_type = DESCRIPTION_HEADS.get(head, "person")
    entity_type = entity_type if entity_type in ("person", "organization", "government", "media", "document") else "person"
    # An unnamed speaker for the owner: vague, and never merged with the owner.
    return Entity(f"{owner.name}'s {rest}", entity_type, entity_type == "person", rest, owner.name), "description"


def _with_entity(attribution: Attribution, entity: Entity, resolution: str) -> Attribution:
    """A new attribution that names ``entity``."""
    return replace(
        attribution, entity=entity.name, entity_type=entity.type, vague=entity.vague, role=entity.role,
        affiliation=entity.affiliation, resolution=resolution, via=entity.via or attribution.via,
    )


def _nested_attribution(
    text: str, offset: int, attributions: list[Attribution], index: ArticleIndex, sources: list[Entity]
) -> list[Attribution]:
    """'Interfax reported that ... Shoigu responded' -> Shoigu's statement comes via Interfax.

    Likewise 'the New York Times reported ..., citing these officials' -> the officials, via the Times.
    Returns the sentence's attributions anew (``attributions`` is left as it is).
    """
    media = [a for a in attributions if a.entity_type == "media" and a.source is not None]
    attributions = list(attributions)
    for outlet in media:  # an outlet itself is never changed here, so ``is`` still finds it
        for number, inner in enumerate(attributions):
            if inner is outlet or inner.source is None or inner.entity_type == "media" or inner.via:
                continue
            if outlet.source.start < inner.source.start:  # type: ignore[union-attr]
                attributions[number] = replace(inner, via=outlet.entity)
    sourced = [a for a in attributions if a.source is not None]
    # Every statement of the sentence is the outlet's ("a Times story quoting unnamed sources"): the cited source speaks.
    if sourced and all(a.entity_type == "media" and a.entity == sourced[0].entity for a in sourced):
        citing = _CITING.search(text)
        if citing:
            entity, resolution = _resolve_mention(citing.group("mention"), offset + citing.start("mention"), index, sources)
            if entity is not None and entity.type != "media":
                mention_start, mention_end = offset + citing.start("mention"), offset + citing.end("mention")
                cited: list[Attribution] = []
                for attribution in attributions:
                    content = attribution.content
                    if attribution.source is None:
                        cited.append(attribution)
                    elif content is not None and mention_start <= content.start and content.end <= mention_end + 1:
                        continue  # "quoting [unnamed sources]" is who speaks, not what was said
                    else:
                        cited.append(replace(_with_entity(attribution, entity, resolution), via=attribution.entity))
                attributions = cited
                sources.append(entity)  # "The sources also said ..." points back here
                index.add(mention_start, entity, weight=SPEAKER_WEIGHT)
    return attributions


_INNER_VERBS = "|".join(_LINK_WORDS["inner_speech_verbs"]["verbs"])
_INNER_ADVERBS = r"(?:(?:" + "|".join(_LINK_WORDS["inner_speech_verbs"]["adverbs"]) + r")\s+)?"
_INNER_ROLE = r"(?:(?:" + "|".join(map(re.escape, sorted(ROLE_WORDS, key=len, reverse=True))) + r")\s+){0,4}"  # "chief operating officer Peter Chernin"
_INNER_SPEAKER = re.compile(
    r"^(?:that\s+)?(?:" + _INNER_ROLE + r"(?P<mention>[A-Z][\w'\u2019.&-]*(?:\s+(?:of\s+)?[A-Z][\w'\u2019.&-]*){0,6})\s+(?:had\s+)?"
    + _INNER_ADVERBS + r"|(?P<described>the\s+[a-z]+)\s+had\s+" + _INNER_ADVERBS + r")(?:(?:told|assured|informed)\s+(?:[\w'\u2019.-]+\s+){1,4}?that\s+|(?:"
    + _INNER_VERBS + r")\s+(?:(?:" + "|".join(_LINK_WORDS["inner_speech_verbs"]["addressees"]) + r")\s+)?(?:that\s+)?)(?P<content>\S.*)$",
    re.DOTALL,
)


# "It quoted a spokesman for Atticus Capital complaining that ...", "Apcom quoted several lawmakers as saying ...":
# whom the outlet quoted is the speaker.
_QUOTING = _LINK_WORDS["quoting_speech"]
_QUOTING_CUE = re.compile(r"\b(?:" + "|".join(_QUOTING["cue_stems"]) + r")\w*")
_QUOTED_SPEAKER = re.compile(
    r"^(?:(?P<mention>[A-Z][\w'\u2019.&-]*(?:\s+[A-Z][\w'\u2019.&-]*){0,3})|(?P<described>(?:" + "|".join(_QUOTING["quantifiers"])
    + r")\s+[^,\"]{2,80}?))\s+(?:" + "|".join(v.replace(" ", r"\s+") for v in _QUOTING["verbs"]) + r")\s+(?:that\s+)?(?P<content>\S.*)$",
    re.DOTALL,
)


def _inner_speaker(attribution: Attribution, index: ArticleIndex, sources: list[Entity]) -> Attribution:
    """'Its lawyer, Hugh Ray, told the court that Yukos had claimed it had transferred $27m': what was said is
    Yukos's claim, reported via Hugh Ray; the content is what Yukos claimed."""
    content = attribution.content
    if content is None or attribution.entity is None or any(q in content.text[:3] for q in QUOTATION_MARKS):
        return attribution
    quoting = attribution.cue is not None and _QUOTING_CUE.search(attribution.cue.text.lower()) is not None
    said = index.text[content.start : content.end]  # offsets below index the input as given, not the repaired span text
    match = (_QUOTED_SPEAKER.match(said) if quoting else None) or _INNER_SPEAKER.match(said)
    if match is None:
        return attribution
    group = "mention" if match.group("mention") else "described"
    start = content.start + match.start(group)
    entity, resolution = _resolve_mention(match.group(group), start, index, sources)
    if entity is None or entity.name == attribution.entity or entity.type not in ("person", "organization", "government", "media", "anonymous"):
        return attribution
    if entity.type == "person" and " " not in entity.name and resolution == "named":
        return attribution  # a bare word nobody here is named by ("Labour said" is a party; "Britain said" a place)
    if entity.type == "anonymous" and group != "described":
        return attribution  # "Some had said": only a described group ("the police had said") is reported
    if group == "described" and entity.type not in ("organization", "government", "media") and not entity.vague:
        return attribution  # "the police had said": a body or an unnamed group, never a guess at a person
    inner = TextSpan(content.start + match.start("content"), content.end, repair(match.group("content")))
    mention = TextSpan(start, content.start + match.end(group), repair(match.group(group)))
    return replace(
        _with_entity(attribution, entity, resolution), source=mention, content=inner, via=attribution.entity,
        content_parts=(), confidence=round(attribution.confidence * CERTAINTY["alias"], 4),
    )


_QUOTED_AS = re.compile(
    r"\s+(?P<who>[^,.;:\"\u201c\u201d]{2,80}?)\s+(?:" + "|".join(v.replace(" ", r"\s+") for v in _QUOTING["quoted_as"]) + r")\b"
)


def _quoted_as_saying(attribution: Attribution, sentence: SentenceResult, index: ArticleIndex, sources: list[Entity]) -> Attribution:
    """'"...," Arab News quoted Prince Saud as saying': whom the outlet quoted is the speaker, via the outlet."""
    cue = attribution.cue
    if cue is None or attribution.entity is None or _QUOTING_CUE.search(cue.text.lower()) is None:
        return attribution
    quoted = _QUOTED_AS.match(index.text, cue.end, sentence.end)
    if quoted is None:
        return attribution
    entity, resolution = _resolve_mention(quoted.group("who"), quoted.start("who"), index, sources)
    if entity is None or entity.name == attribution.entity:
        return attribution
    mention = TextSpan(quoted.start("who"), quoted.end("who"), repair(quoted.group("who")))
    return replace(_with_entity(attribution, entity, resolution), source=mention, via=attribution.entity)


# Across articles: a bare surname or an office joins a named person only on evidence (store.py looks it up).
DOMINANT_SHARE = 0.75  # the holder must have at least this share of the evidence
DOMINANT_MIN = 2  # and at least this many pieces of it (articles or statements)


def dominant(counts: dict[str, int]) -> str | None:
    """The one candidate the evidence points to, or ``None`` when it is thin or split."""
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    name, top = ranked[0]
    if len(ranked) == 1:
        return name
    total = sum(counts.values())
    return name if top >= DOMINANT_MIN and top / total >= DOMINANT_SHARE else None


def is_office_mention(entity: str | None, role: str | None) -> bool:
    """'The chancellor' left for the corpus to name: an office with no holder named in its article."""
    return bool(entity and role and role in OFFICES and normalize_role(entity) == role)


def gender_fits(mention: str | None, first_name: str | None) -> bool:
    """'Mr Blair' is not Cherie Blair, 'Mrs Blair' not Tony Blair."""
    honorific = (mention or "").split()[0].lower().strip(".") if (mention or "").split() else ""
    said = HONORIFIC_GENDER.get(honorific)
    if said is None or not first_name:
        return True
    first = first_name.lower()
    known = "female" if first in FEMALE_NAMES else "male" if first in MALE_NAMES else None
    return known in (None, said)
