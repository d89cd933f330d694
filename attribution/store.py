"""Write analysis results into the claim graph, one transaction per article.

Scoring the same text with the same model version again changes nothing; a
new model version replaces that article's sentences and statements.  Sources
are matched across articles by canonical name, alias and surname (kept apart
by first name, role and affiliation), after the editors' merge/split decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import insert
from sqlmodel import Session, delete, select

from attribution.db.models import Article, Sentence, Source, SourceAlias, SourceDecision, Statement, utcnow
from attribution.results import ArticleResult, Attribution

SaveStatus = Literal["stored", "skipped", "replaced"]
MENTION_RESOLUTIONS = ("named", "alias")  # only these surface forms become aliases


def normalize(name: str) -> str:
    return " ".join(name.lower().replace("\u2019", "'").split())


@dataclass
class SourceMatch:
    source: Source
    how: str  # exact, alias, surname, decision, new


class SourceResolver:
    """Finds or creates ``Source`` rows for one transaction, caching lookups (a batch resolves thousands)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.decisions: dict[str, SourceDecision] = {}
        for decision in session.exec(select(SourceDecision).order_by(SourceDecision.id)).all():  # type: ignore[arg-type]
            self.decisions[decision.alias] = decision  # the latest decision per name wins
        self._by_name: dict[str, Source | None] = {}
        self._by_alias: dict[str, Source | None] = {}
        self._by_surname: dict[str, list[Source]] = {}

    def by_name(self, name: str) -> Source | None:
        if name not in self._by_name:
            self._by_name[name] = self.session.exec(select(Source).where(Source.name == name)).first()
        return self._by_name[name]

    def by_alias(self, normalized: str) -> Source | None:
        if normalized not in self._by_alias:
            alias = self.session.exec(select(SourceAlias).where(SourceAlias.normalized == normalized)).first()
            self._by_alias[normalized] = self.session.get(Source, alias.source_id) if alias else None
        return self._by_alias[normalized]

    def people_with_surname(self, surname: str) -> list[Source]:
        if surname not in self._by_surname:
            self._by_surname[surname] = list(
                self.session.exec(select(Source).where(Source.surname == surname, Source.type == "person")).all()
            )
        return self._by_surname[surname]

    def resolve(self, attribution: Attribution) -> SourceMatch | None:
        """The ``Source`` for an attribution's resolved entity, created when new (not yet flushed)."""
        name = attribution.entity
        if not name:
            return None
        normalized = normalize(name)
        decision = self.decisions.get(normalized)
        if decision is not None and decision.action == "merge" and decision.target:
            target = self.by_name(decision.target)
            if target is not None:
                return SourceMatch(target, "decision")
        split = decision is not None and decision.action == "split"
        if split and decision is not None and decision.target:
            name = decision.target
        exact = self.by_name(name)
        if exact is not None:
            _fill_missing(exact, attribution)
            return SourceMatch(exact, "exact")
        if not split:
            aliased = self.by_alias(normalized)
            if aliased is not None:
                return SourceMatch(aliased, "alias")
            words = name.split()
            if attribution.entity_type == "person" and len(words) == 1:
                # A bare surname: the one known person with it, unless role or affiliation disagree.
                candidates = [c for c in self.people_with_surname(words[0]) if _agrees(c, attribution)]
                if len(candidates) == 1:
                    return SourceMatch(candidates[0], "surname")
        return SourceMatch(self._create(name, attribution), "new")

    def _create(self, name: str, attribution: Attribution) -> Source:
        words = name.split()
        is_person = attribution.entity_type == "person"
        source = Source(
            name=name,
            type=attribution.entity_type or "unknown",
            vague=attribution.vague,
            role=attribution.role,
            affiliation=attribution.affiliation,
            first_name=words[0] if is_person and len(words) > 1 else None,
            surname=words[-1] if is_person else None,
        )
        self.session.add(source)
        self._by_name[name] = source
        if source.surname:
            self.people_with_surname(source.surname).append(source)
        return source


def find_or_create_source(session: Session, attribution: Attribution) -> SourceMatch | None:
    """The ``Source`` row for an attribution's resolved entity (created and flushed when new)."""
    match = SourceResolver(session).resolve(attribution)
    session.flush()
    return match


def _agrees(candidate: Source, attribution: Attribution) -> bool:
    for field in ("role", "affiliation"):
        mine, theirs = getattr(attribution, field), getattr(candidate, field)
        if mine and theirs and normalize(mine) != normalize(theirs):
            return False
    return True


def _fill_missing(source: Source, attribution: Attribution) -> None:
    source.role = source.role or attribution.role
    source.affiliation = source.affiliation or attribution.affiliation


def add_alias(session: Session, source: Source, surface: str) -> None:
    normalized = normalize(surface)
    if not normalized or normalized == normalize(source.name):
        return
    exists = session.exec(
        select(SourceAlias).where(SourceAlias.source_id == source.id, SourceAlias.normalized == normalized)
    ).first()
    if exists is None:
        session.add(SourceAlias(source_id=source.id, name=surface, normalized=normalized))  # type: ignore[arg-type]


def save_result(session: Session, result: ArticleResult, embeddings: dict[int, bytes] | None = None) -> SaveStatus:
    """Store one article; the caller's session is committed here (one transaction per article)."""
    return save_results(session, [result], [embeddings or {}])[0]


def save_results(
    session: Session, results: list[ArticleResult], embeddings: list[dict[int, bytes]] | None = None
) -> list[SaveStatus]:
    """Store several articles in one transaction: all of them or, if anything fails, none."""
    try:
        with session.no_autoflush:
            resolver = SourceResolver(session)
            statuses = [
                _write(session, result, resolver, (embeddings or [{}] * len(results))[i]) for i, result in enumerate(results)
            ]
        session.commit()
        return statuses
    except BaseException:
        session.rollback()
        raise


def _write(session: Session, result: ArticleResult, resolver: SourceResolver, embeddings: dict[int, bytes]) -> SaveStatus:
    article = result.article
    row = session.exec(select(Article).where(Article.content_hash == article.content_hash)).first()
    if row is not None and row.model_version == result.model_version:
        return "skipped"
    status: SaveStatus = "stored"
    if row is not None:
        status = "replaced"
        session.exec(delete(Statement).where(Statement.article_id == row.id))  # type: ignore[arg-type]
        session.exec(delete(Sentence).where(Sentence.article_id == row.id))  # type: ignore[arg-type]
        row.model_version, row.scored_at = result.model_version, utcnow()
    else:
        row = Article(
            content_hash=article.content_hash,
            document=article.document,
            title=article.title,
            url=article.url,
            publisher=article.publisher,
            author=article.author,
            published=article.published,
            model_version=result.model_version,
            text=article.text,
        )
        session.add(row)
    session.flush()
    # Core bulk inserts: thousands of rows per batch without building an ORM object for each.
    sentence_ids = session.execute(
        insert(Sentence).returning(Sentence.id, sort_by_parameter_order=True),  # type: ignore[arg-type]
        [
            {"article_id": row.id, "index": s.index, "start": s.start, "end": s.end, "text": s.text,
             "label": s.label, "confidence": s.confidence}
            for s in result.sentences
        ],
    ).scalars().all() if result.sentences else []
    # Resolve every source first, then one flush gives ids to the new sources.
    pending = []
    for sentence, sentence_id in zip(result.sentences, sentence_ids):
        if sentence.label == "context":
            continue
        for attribution in sentence.attributions:
            match = resolver.resolve(attribution)
            via = resolver.resolve(Attribution(None, None, None, 0.0, entity=attribution.via, entity_type="media")) if attribution.via else None
            pending.append((sentence, sentence_id, attribution, match, via))
    session.flush()
    aliases: set[tuple[int, str]] = set()
    statements = []
    for number, (sentence, sentence_id, attribution, match, via) in enumerate(pending):
        if match is not None and attribution.source is not None and attribution.resolution in MENTION_RESOLUTIONS:
            surface = attribution.source.text.strip()
            # "a New York Times story quoting unnamed sources": the mention names the outlet, not the speaker.
            names_outlet = bool(attribution.via) and normalize(attribution.via) in normalize(surface)
            if normalize(surface) != normalize(match.source.name) and not names_outlet:
                aliases.add((match.source.id, surface))  # type: ignore[arg-type]
        source, cue, content = attribution.source, attribution.cue, attribution.content
        statements.append({
            "sentence_id": sentence_id,
            "article_id": row.id,
            "kind": sentence.label,
            "source_id": match.source.id if match else None,
            "via_source_id": via.source.id if via else None,
            "mention": source.text if source else None,
            "mention_start": source.start if source else None,
            "mention_end": source.end if source else None,
            "cue": cue.text if cue else None,
            "cue_start": cue.start if cue else None,
            "cue_end": cue.end if cue else None,
            "content": content.text if content else sentence.text,
            "content_start": content.start if content else sentence.start,
            "content_end": content.end if content else sentence.end,
            "confidence": attribution.confidence,
            "resolution": attribution.resolution,
            "embedding": embeddings.get(number),
        })
    if statements:
        session.execute(insert(Statement), statements)
    _add_aliases(session, aliases)
    return status


def _add_aliases(session: Session, aliases: set[tuple[int, str]]) -> None:
    """New surface forms as aliases, with one query for the ones already known."""
    if not aliases:
        return
    source_ids = {source_id for source_id, _ in aliases}
    known = set(
        session.exec(
            select(SourceAlias.source_id, SourceAlias.normalized).where(SourceAlias.source_id.in_(source_ids))  # type: ignore[attr-defined]
        ).all()
    )
    for source_id, surface in sorted(aliases):
        key = (source_id, normalize(surface))
        if key not in known:
            known.add(key)
            session.add(SourceAlias(source_id=source_id, name=surface, normalized=key[1]))


def already_scored(session: Session, content_hash: str, version: str) -> bool:
    row = session.exec(select(Article).where(Article.content_hash == content_hash)).first()
    return row is not None and row.model_version == version


def _source_named(session: Session, name: str) -> Source:
    from attribution.errors import InputError

    normalized = normalize(name)
    for source in session.exec(select(Source)).all():
        if normalize(source.name) == normalized:
            return source
    raise InputError(f"no source named {name!r}; `attribution sources` lists them")


def merge_sources(session: Session, name: str, into: str) -> Source:
    """Editorial merge: ``name`` becomes an alias of ``into``; recorded so it survives re-scoring."""
    source, target = _source_named(session, name), _source_named(session, into)
    if source.id == target.id:
        return target
    for statement in session.exec(select(Statement).where(Statement.source_id == source.id)).all():
        statement.source_id = target.id
    for statement in session.exec(select(Statement).where(Statement.via_source_id == source.id)).all():
        statement.via_source_id = target.id
    for alias in session.exec(select(SourceAlias).where(SourceAlias.source_id == source.id)).all():
        session.add(SourceDecision(action="merge", alias=alias.normalized, target=target.name))
        session.delete(alias)
    session.flush()
    add_alias(session, target, source.name)
    session.add(SourceDecision(action="merge", alias=normalize(source.name), target=target.name))
    session.delete(source)
    session.commit()
    return target


def _without_determiner(name: str) -> str:
    first, _, rest = name.partition(" ")
    return rest if first in ("the", "a", "an") and rest else name


def split_alias(session: Session, alias: str, source_name: str | None = None) -> Source:
    """Editorial split: statements whose mention is ``alias`` get a source of their own, now and after re-scoring."""
    normalized = normalize(alias)
    query = select(SourceAlias).where(SourceAlias.normalized == normalized)
    if source_name is not None:
        query = query.where(SourceAlias.source_id == _source_named(session, source_name).id)
    rows = session.exec(query).all()
    old_ids = {row.source_id for row in rows}
    if source_name is not None:
        old_ids.add(_source_named(session, source_name).id)  # type: ignore[arg-type]
    new = session.exec(select(Source).where(Source.name == alias.strip())).first()
    if new is None:
        words = alias.split()
        new = Source(name=alias.strip(), type="person" if len(words) <= 3 else "unknown", surname=words[-1] if words else None)
        session.add(new)
        session.flush()
    for row in rows:
        session.delete(row)
    for statement in session.exec(select(Statement).where(Statement.source_id.in_(old_ids))).all():  # type: ignore[union-attr]
        if statement.mention and _without_determiner(normalize(statement.mention)) == _without_determiner(normalized):
            statement.source_id = new.id
    session.add(SourceDecision(action="split", alias=normalized, target=new.name))
    session.commit()
    return new
