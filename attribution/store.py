"""Write analysis results into the claim graph, one transaction per article.

Scoring the same text with the same model version again changes nothing; a
new model version replaces that article's sentences and statements.  Sources
are matched across articles by canonical name, alias and surname (kept apart
by first name, role and affiliation), after the editors' merge/split decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


def _decision_for(session: Session, normalized: str) -> SourceDecision | None:
    return session.exec(
        select(SourceDecision).where(SourceDecision.alias == normalized).order_by(SourceDecision.id.desc())  # type: ignore[union-attr]
    ).first()


def _by_name(session: Session, name: str) -> Source | None:
    return session.exec(select(Source).where(Source.name == name)).first()


def find_or_create_source(session: Session, attribution: Attribution) -> SourceMatch | None:
    """The ``Source`` row for an attribution's resolved entity (created when new)."""
    name = attribution.entity
    if not name:
        return None
    normalized = normalize(name)
    decision = _decision_for(session, normalized)
    if decision is not None and decision.action == "merge" and decision.target:
        target = _by_name(session, decision.target)
        if target is not None:
            return SourceMatch(target, "decision")
    split = decision is not None and decision.action == "split"
    if split and decision is not None and decision.target:
        name = decision.target
    exact = session.exec(select(Source).where(Source.name == name)).first()
    if exact is None and not split:
        alias = session.exec(select(SourceAlias).where(SourceAlias.normalized == normalized)).first()
        if alias is not None:
            return SourceMatch(session.get(Source, alias.source_id), "alias")  # type: ignore[arg-type]
        words = name.split()
        if attribution.entity_type == "person" and len(words) == 1:
            # A bare surname: the one known person with it, unless role or affiliation disagree.
            candidates = session.exec(select(Source).where(Source.surname == words[0], Source.type == "person")).all()
            candidates = [c for c in candidates if _agrees(c, attribution)]
            if len(candidates) == 1:
                return SourceMatch(candidates[0], "surname")
    if exact is not None:
        _fill_missing(exact, attribution)
        return SourceMatch(exact, "exact")
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
    session.add(source)
    session.flush()
    return SourceMatch(source, "new")


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


def _via_source(session: Session, name: str | None) -> Source | None:
    if not name:
        return None
    stub = Attribution(None, None, None, 0.0, entity=name, entity_type="media")
    match = find_or_create_source(session, stub)
    return match.source if match else None


def save_result(session: Session, result: ArticleResult, embeddings: dict[int, bytes] | None = None) -> SaveStatus:
    """Store one article; the caller's session is committed here (one transaction per article)."""
    try:
        status = _write(session, result, embeddings or {})
        session.commit()
        return status
    except BaseException:
        session.rollback()
        raise


def save_results(session: Session, results: list[ArticleResult]) -> list[SaveStatus]:
    """Store several articles in one transaction: all of them or, if anything fails, none."""
    try:
        statuses = [_write(session, result, {}) for result in results]
        session.commit()
        return statuses
    except BaseException:
        session.rollback()
        raise


def _write(session: Session, result: ArticleResult, embeddings: dict[int, bytes]) -> SaveStatus:
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
    sentence_rows = [
        Sentence(
            article_id=row.id,  # type: ignore[arg-type]
            index=sentence.index,
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            label=sentence.label,
            confidence=sentence.confidence,
        )
        for sentence in result.sentences
    ]
    session.add_all(sentence_rows)
    session.flush()  # one round trip for all sentence ids
    statement_number = 0
    for sentence, sentence_row in zip(result.sentences, sentence_rows):
        if sentence.label == "context":
            continue
        for attribution in sentence.attributions:
            match = find_or_create_source(session, attribution)
            if match is not None and attribution.source is not None and attribution.resolution in MENTION_RESOLUTIONS:
                add_alias(session, match.source, attribution.source.text.strip())
            via = _via_source(session, attribution.via)
            session.add(
                Statement(
                    sentence_id=sentence_row.id,  # type: ignore[arg-type]
                    article_id=row.id,  # type: ignore[arg-type]
                    kind=sentence.label,
                    source_id=match.source.id if match else None,
                    via_source_id=via.id if via else None,
                    mention=attribution.source.text if attribution.source else None,
                    mention_start=attribution.source.start if attribution.source else None,
                    mention_end=attribution.source.end if attribution.source else None,
                    cue=attribution.cue.text if attribution.cue else None,
                    cue_start=attribution.cue.start if attribution.cue else None,
                    cue_end=attribution.cue.end if attribution.cue else None,
                    content=attribution.content.text if attribution.content else sentence.text,
                    content_start=attribution.content.start if attribution.content else sentence.start,
                    content_end=attribution.content.end if attribution.content else sentence.end,
                    confidence=attribution.confidence,
                    resolution=attribution.resolution,
                    embedding=embeddings.get(statement_number),
                )
            )
            statement_number += 1
    return status


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
    new = _by_name(session, alias.strip())
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
