"""Resolve source mentions to canonical sources inside one article.

Pure functions over an ``ArticleResult``: each attribution gets ``entity``,
``entity_type``, ``role``, ``affiliation``, ``vague``, ``via`` and how it was
resolved (``named``, ``alias``, ``pronoun``, ``description``, ``continuation``,
``unresolved``).  Matching across articles happens when storing (``store.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from attribution.results import ArticleResult, Attribution

PRONOUNS = {
    "he": "person", "him": "person", "she": "person", "her": "person", "i": "person",
    "they": "group", "them": "group", "we": "group", "us": "group", "it": "organization",
}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev"}
# Words that make a name a job title ("spokesperson John Kirby"); lower-cased, full stops removed.
ROLE_WORDS = {
    "spokesperson", "spokesman", "spokeswoman", "spokespeople", "president", "minister", "ambassador", "secretary",
    "senator", "sen", "rep", "representative", "gov", "governor", "director", "chief", "chairman", "chairwoman",
    "chair", "leader", "official", "correspondent", "adviser", "advisor", "general", "gen", "officer", "analyst",
    "professor", "economist", "ceo", "mayor", "judge", "attorney", "lawyer", "candidate", "nominee", "founder",
    "manager", "head", "commissioner", "chancellor", "premier", "king", "queen", "prince", "pope", "speaker",
    "strategist", "researcher", "author", "editor", "reporter", "executive", "aide", "deputy", "colonel", "col",
    "lt", "captain", "capt", "admiral", "sergeant", "commander", "envoy", "diplomat", "coach", "chairperson",
    "vice", "prime", "foreign", "defense", "defence", "press", "campaign", "manager", "representative", "mp",
}
GROUP_NOUNS = {
    "officials", "sources", "people", "experts", "analysts", "diplomats", "observers", "critics", "residents",
    "aides", "insiders", "supporters", "opponents", "voters", "lawmakers", "authorities", "investigators",
    "scientists", "economists", "witnesses", "police", "officers", "democrats", "republicans", "members",
    "staff", "activists", "leaders", "advisers", "advisors", "allies", "others", "some", "many", "critics",
}
VAGUE_SINGULAR = {"official", "source", "person", "someone", "insider", "aide", "expert", "analyst", "diplomat"}
MEDIA_WORDS = {
    "times", "post", "journal", "news", "tribune", "herald", "gazette", "agency", "press", "reuters", "interfax",
    "yonhap", "kcna", "tass", "bbc", "cnn", "nbc", "abc", "cbs", "msnbc", "fox", "guardian", "telegraph",
    "newspaper", "magazine", "daily", "afp", "ap", "bloomberg", "politico", "axios", "breitbart", "nyt", "ria",
    "xinhua", "television", "radio", "broadcaster", "outlet", "channel", "wire", "report", "story", "hankyoreh",
}
# Words that make a capitalised name a news outlet ("The Daily Ledger", "Korea Central News Agency").
MEDIA_NAMES = {
    "times", "post", "journal", "news", "tribune", "herald", "gazette", "daily", "ledger", "chronicle", "reuters",
    "interfax", "yonhap", "kcna", "tass", "bbc", "cnn", "nbc", "cbs", "msnbc", "guardian", "telegraph", "afp",
    "bloomberg", "politico", "axios", "breitbart", "nyt", "xinhua", "hankyoreh", "associated", "newsweek",
    "television", "radio", "broadcaster", "newspaper", "magazine", "tv",
}
GOVERNMENT_WORDS = {
    "white house", "ministry", "department", "pentagon", "kremlin", "government", "administration", "congress",
    "council", "service", "assembly", "parliament", "senate", "house", "cabinet", "commission", "agency",
    "military", "army", "navy", "police", "court", "state department", "bureau", "office", "embassy", "fbi", "cia",
    "nis", "un", "united nations", "nato", "eu", "treasury", "downing street", "whitehall", "home office",
}
DOCUMENT_WORDS = {"report", "study", "statement", "survey", "poll", "letter", "document", "data", "memo", "filing", "analysis", "records", "figures"}
ORGANIZATION_WORDS = {"inc", "corp", "company", "party", "association", "union", "committee", "campaign", "group", "foundation", "institute", "university", "bank", "firm", "club", "organization", "organisation", "coalition", "network", "center", "centre"}
DESCRIPTION_HEADS = {
    "officials": "group", "official": "person", "sources": "group", "source": "person", "newspaper": "media",
    "paper": "media", "agency": "media", "spokesperson": "person", "spokesman": "person", "spokeswoman": "person",
    "minister": "person", "ministry": "government", "president": "person", "ambassador": "person",
    "report": "media", "company": "organization", "government": "government", "administration": "government",
    "campaign": "organization", "group": "organization", "statement": "document", "outlet": "media",
    "daily": "media", "lawmaker": "person", "senator": "person", "governor": "person", "leader": "person",
    "candidate": "person", "nominee": "person", "analysts": "group", "experts": "group", "intelligence": "government",
    "white": "government", "broadcaster": "media", "diplomat": "person", "envoy": "person", "secretary": "person",
}
DEMONYMS = {
    "russian": "Russia", "american": "United States", "us": "United States", "u.s.": "United States",
    "north korean": "North Korea", "south korean": "South Korea", "chinese": "China", "japanese": "Japan",
    "british": "United Kingdom", "uk": "United Kingdom", "french": "France", "german": "Germany",
    "ukrainian": "Ukraine", "israeli": "Israel", "iranian": "Iran", "korean": "Korea",
}
KNOWN_INSTITUTIONS = (
    "White House", "State Department", "Pentagon", "Kremlin", "Downing Street", "Blue House", "United Nations",
    "European Union", "Home Office", "Foreign Office", "Treasury",
)
OUTLET_ALIASES = {"nyt": "New York Times", "the nyt": "New York Times", "ap": "Associated Press", "wapo": "Washington Post"}
DETERMINERS = {"the", "a", "an", "these", "those", "this", "that", "another", "one", "two", "several", "some", "both"}
_QUOTE_OR_PUNCT = " \t\n,.:;!?\"'\u201c\u201d\u2018\u2019()[]\u2014-"
_NESTED_REPORT = re.compile(r"^(?P<outlet>.+?)\s+(?:story|report|article|piece)?\s*(?:quoting|citing)\s+(?P<source>.+)$", re.IGNORECASE)
_CITING = re.compile(r"\b(?:citing|quoting)\s+(?P<mention>(?:the|these|those|a|an|unnamed|anonymous)?\s*[\w\s.\u2019'-]{2,60}?)(?=[,.;]|$)", re.IGNORECASE)


@dataclass
class Entity:
    name: str
    type: str
    vague: bool = False
    role: str | None = None
    affiliation: str | None = None


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
    words = [w.strip(".").lower() for w in _words(name)]
    head = words[-1] if words else ""
    if head in GROUP_NOUNS and not any(w in MEDIA_NAMES for w in words):
        return "anonymous", True
    if lower in OUTLET_ALIASES or any(w in MEDIA_NAMES for w in words):
        return "media", False
    if head in GROUP_NOUNS or (head in VAGUE_SINGULAR and (not words or words[0] in DETERMINERS | {"senior", "unnamed"})):
        return "anonymous", True
    if any(w in ("unnamed", "anonymous") for w in words):
        return "anonymous", True
    if head in DOCUMENT_WORDS:
        return "document", False
    if any(g in lower for g in GOVERNMENT_WORDS if " " in g) or head in GOVERNMENT_WORDS:
        return "government", False
    if head in ORGANIZATION_WORDS:
        return "organization", False
    caps = [w for w in _words(name) if _is_capitalised(w)]
    if role or (2 <= len(caps) == len(words) <= 4):
        return "person", False
    if len(words) == 1 and caps:
        return "person", False  # a bare surname; store-time matching may merge it
    return "organization", False


def _affiliation(role: str) -> str | None:
    for institution in KNOWN_INSTITUTIONS:
        if role.startswith(institution):
            return institution
    lowered = role.lower()
    for demonym in sorted(DEMONYMS, key=len, reverse=True):
        if lowered.startswith(demonym + " "):
            return DEMONYMS[demonym]
    match = re.match(r"((?:[A-Z][\w.&\u2019'-]*\s?)+)", role)
    return match.group(1).strip() if match else None


def parse_named(mention: str) -> Entity:
    """Split titles and appositives: 'White House ... spokesperson John Kirby' -> John Kirby, role, affiliation."""
    text = clean_mention(mention)
    if ", " in text:  # "John Smith, a spokesman for X" -> name first, role after
        name_part, _, appositive = text.partition(", ")
        if _is_capitalised(name_part) and len(_words(name_part)) <= 4:
            entity = parse_named(name_part)
            entity.role = entity.role or appositive.removeprefix("a ").removeprefix("an ").removeprefix("the ")
            entity.affiliation = entity.affiliation or _affiliation(re.sub(r"^.*?\b(?:for|of|at)\s+(the\s+)?", "", entity.role))
            entity.type = "person"
            return entity
    lowered = text.lower()
    if lowered in OUTLET_ALIASES:
        return Entity(OUTLET_ALIASES[lowered], "media")
    words = text.split(" ")
    run = 0  # trailing capitalised words: the name, possibly after a job title
    while run < len(words) and _is_capitalised(words[-1 - run]) and words[-1 - run].lower().strip(".") not in ROLE_WORDS:
        run += 1
    before = [w.lower().strip(".") for w in words[: len(words) - run]]
    if run and any(w in ROLE_WORDS for w in before):
        # "spokesperson John Kirby": the run is the name; "ambassador to North Korea Alexander
        # Matsegora": a place runs into the name, so keep its last two words.
        size = run if before[-1] in ROLE_WORDS and run <= 3 else min(2, run)
        name = " ".join(words[len(words) - size :])
        role = " ".join(words[: len(words) - size])
        role = role[4:] if role.lower().startswith("the ") else role
        return Entity(name, "person", False, role, _affiliation(role))
    if words and words[0].lower().strip(".") in HONORIFICS and len(words) > 1:
        words = words[1:]
    name = " ".join(words)
    if name.lower().startswith("the ") and len(words) > 1 and _is_capitalised(words[1]):
        name = name[4:]  # "the New York Times" -> "New York Times"
    name = name[:1].upper() + name[1:]
    entity_type, vague = classify(name)
    return Entity(name, entity_type, vague)


def mention_kind(mention: str) -> str:
    """pronoun, description or named."""
    text = clean_mention(mention).lower()
    if text in PRONOUNS:
        return "pronoun"
    words = text.split()
    if words and words[0] in DETERMINERS and len(words) <= 4:
        heads = [w for w in words[1:] if w in DESCRIPTION_HEADS]
        # "the officials" is a description; "the New York Times" is a name.
        if heads and not any(_is_capitalised(w) for w in clean_mention(mention).split()[1:]):
            return "description"
    return "named"


def _compatible(kind: str, head: str, candidate: Entity) -> bool:
    if kind == "pronoun":
        wanted = PRONOUNS[head]
        if wanted == "person":
            return candidate.type == "person" and not candidate.vague
        if wanted == "group":
            return candidate.type in ("anonymous", "government", "organization", "media") or candidate.vague
        return candidate.type in ("organization", "government", "media", "document")
    expected = DESCRIPTION_HEADS.get(head)
    name = candidate.name.lower()
    if head in name.split() or (candidate.role and head in candidate.role.lower().split()):
        return True
    if expected == "media":
        return candidate.type == "media"
    if expected == "government":
        return candidate.type == "government"
    return False


def _outlet_name(text: str) -> str:
    words = [w for w in clean_mention(text).split() if w.lower() not in DETERMINERS and w.lower() not in ("story", "report", "article")]
    return parse_named(" ".join(words)).name if words else text


_NAME_RUN = re.compile(r"\b[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|[A-Z]\.))+")


def people_named_in(text: str) -> dict[str, Entity]:
    """Surname -> person, for people the article names in full anywhere ("Defense Minister Sergei Shoigu")."""
    people: dict[str, Entity] = {}
    ambiguous: set[str] = set()
    for match in _NAME_RUN.finditer(text):
        entity = parse_named(match.group(0))
        words = entity.name.split()
        if entity.type != "person" or not 2 <= len(words) <= 3 or not entity.role and len(match.group(0).split()) != len(words):
            continue
        surname = words[-1].lower()
        if surname in people and people[surname].name != entity.name:
            ambiguous.add(surname)  # two people share the surname: a bare surname stays unresolved here
        people.setdefault(surname, entity)
    return {k: v for k, v in people.items() if k not in ambiguous}


def resolve_article(result: ArticleResult) -> None:
    """Resolve every attribution's source mention, in reading order."""
    seen: list[Entity] = []  # named sources so far, most recent last
    by_surname: dict[str, Entity] = people_named_in(result.article.text)
    for sentence in result.sentences:
        for attribution in sentence.attributions:
            previous = getattr(attribution, "continues", None)
            if attribution.resolution == "continuation" and previous is not None:
                _copy_entity(previous, attribution)
                attribution.resolution = "continuation"
                continue
            if attribution.source is None:
                attribution.resolution = "unresolved"
                continue
            entity, resolution = _resolve_mention(attribution.source.text, seen, by_surname)
            if entity is None:
                attribution.entity, attribution.resolution = None, "unresolved"
                continue
            _set_entity(attribution, entity, resolution)
            if resolution in ("named", "alias", "description") and entity.type != "unknown":
                seen = [e for e in seen if e.name != entity.name] + [entity]
                if entity.type == "person" and len(entity.name.split()) > 1:
                    by_surname[entity.name.split()[-1].lower()] = entity
        _nested_attribution(sentence.text, sentence.attributions, seen, by_surname)


def _resolve_mention(mention: str, seen: list[Entity], by_surname: dict[str, Entity]) -> tuple[Entity | None, str]:
    kind = mention_kind(mention)
    text = clean_mention(mention)
    if kind in ("pronoun", "description"):
        words = text.lower().split()
        heads = [w for w in words if w in PRONOUNS or w in DESCRIPTION_HEADS]
        head = heads[-1] if heads else words[-1]
        for candidate in reversed(seen):
            if _compatible(kind, head, candidate):
                return candidate, kind
        if kind == "pronoun":
            return None, "unresolved"
        entity_type, vague = classify(text)
        return Entity(text[0].upper() + text[1:], entity_type, vague), "named"
    nested = _NESTED_REPORT.match(text)
    if nested:
        entity, resolution = _resolve_mention(nested.group("source"), seen, by_surname)
        if entity is not None:
            entity = Entity(entity.name, entity.type, entity.vague, entity.role, entity.affiliation)
            entity.via = _outlet_name(nested.group("outlet"))  # type: ignore[attr-defined]
        return entity, resolution
    entity = parse_named(text)
    words = entity.name.split()
    if len(words) == 1 and words[0].lower() in by_surname:
        return by_surname[words[0].lower()], "alias"
    for candidate in reversed(seen):
        if candidate.name.lower() == entity.name.lower():
            return candidate, "alias" if candidate.name != text else "named"
    return entity, "named"


def _set_entity(attribution: Attribution, entity: Entity, resolution: str) -> None:
    attribution.entity = entity.name
    attribution.entity_type = entity.type
    attribution.vague = entity.vague
    attribution.role = entity.role
    attribution.affiliation = entity.affiliation
    attribution.resolution = resolution
    via = getattr(entity, "via", None)
    if via:
        attribution.via = via


def _copy_entity(source: Attribution, target: Attribution) -> None:
    for name in ("entity", "entity_type", "vague", "role", "affiliation", "via"):
        setattr(target, name, getattr(source, name))


def _nested_attribution(text: str, attributions: list[Attribution], seen: list[Entity], by_surname: dict[str, Entity]) -> None:
    """'Interfax reported that ... Shoigu responded' -> Shoigu's statement comes via Interfax.

    Likewise 'the New York Times reported ..., citing these officials' -> the officials, via the Times.
    """
    media = [a for a in attributions if a.entity_type == "media" and a.source is not None]
    for outlet in media:
        for inner in attributions:
            if inner is outlet or inner.source is None or inner.entity_type == "media" or inner.via:
                continue
            if outlet.source.start < inner.source.start:  # type: ignore[union-attr]
                inner.via = outlet.entity
    if len(attributions) == 1 and attributions[0].entity_type == "media" and attributions[0].source is not None:
        citing = _CITING.search(text)
        if citing:
            entity, resolution = _resolve_mention(citing.group("mention"), seen, by_surname)
            if entity is not None and entity.type != "media":
                outlet = attributions[0].entity
                _set_entity(attributions[0], entity, resolution)
                attributions[0].via = outlet
