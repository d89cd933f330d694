"""Write analysis results into the claim graph, one transaction per article.

Scoring the same text with the same model version again changes nothing; a
new model version replaces that article's sentences and statements.  Sources
are matched across articles by canonical name, alias and surname (kept apart
by first name, role and affiliation), after the editors' merge/split decisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import RowMapping, func, insert, text, update
from sqlmodel import Session, col, delete, select

from attribution import calibration, link
from attribution.db.models import (
    Article,
    FactCheckProgress,
    Sentence,
    Source,
    SourceAlias,
    SourceDecision,
    SourceTitle,
    Statement,
    StatementFix,
    utcnow,
)
from attribution.results import ArticleResult, Attribution, SentenceResult, statement_kind

SaveStatus = Literal["stored", "skipped", "replaced"]
MENTION_RESOLUTIONS = ("named", "alias")  # only these surface forms become aliases


def normalize(name: str) -> str:
    return " ".join(name.lower().replace("\u2019", "'").split())


@dataclass
class SourceMatch:
    source: Source
    how: str  # exact, alias, surname, office, decision, new


class IdAllocator:
    """Primary keys handed out within one transaction, so that bulk inserts need no ``RETURNING``.

    SQLite runs an ``INSERT ... RETURNING`` row by row when the ids must come back in order; with the
    ids chosen here a chunk's rows go in as one ``executemany``.  The first id taken also takes
    SQLite's write lock (a write statement that changes nothing), so no other writer can use the ids
    before this transaction ends.  Other databases assign their own ids (``take`` gives ``None``s).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.enabled = session.get_bind().dialect.name == "sqlite"
        self._locked = False
        self._next: dict[type, int] = {}

    def take(self, table: type[Article | Sentence | Source | SourceAlias | Statement], count: int) -> list[int | None]:
        if not self.enabled:
            return [None] * count
        return self._take(table, count)

    def start_above_current(self, table: type[Statement]) -> None:
        """Hand out ids above every id the table holds now, before rows are deleted from it.

        A re-scored article's statements are deleted and stored anew: their ids must not come back, or an
        id a fact-checker copied would name another statement, and incremental fact-check matching, which
        resumes above the last id it matched, would never see the new rows.
        """
        if self.enabled:
            self._take(table, 0)

    def lock(self) -> None:
        """PostgreSQL: take the writers' advisory lock now, held until commit (SQLite's lock comes with the first id)."""
        if self.session.get_bind().dialect.name == "postgresql":
            from attribution.db import postgres

            postgres.lock_writes(self.session)

    def _take(self, table: type[Article | Sentence | Source | SourceAlias | Statement], count: int) -> list[int | None]:
        if not self._locked:
            self.session.execute(text("UPDATE article SET id = id WHERE 0"))
            self._locked = True
        if table not in self._next:
            self._next[table] = (self.session.exec(select(func.max(table.id))).one() or 0) + 1  # type: ignore[arg-type]
        first = self._next[table]
        self._next[table] += count
        return list(range(first, first + count))


class SourceResolver:
    """Finds or creates ``Source`` rows for one transaction.

    ``prefetch`` looks up, in a few queries, every name a chunk needs; ``resolve`` then reads only
    those caches (a chunk resolves thousands of attributions).
    """

    def __init__(self, session: Session, ids: IdAllocator) -> None:
        self.session = session
        self.ids = ids
        self.decisions: dict[str, SourceDecision] = {}
        for decision in session.exec(select(SourceDecision).order_by(SourceDecision.id)).all():  # type: ignore[arg-type]
            self.decisions[decision.alias] = decision  # the latest decision per name wins
        self._by_name: dict[str, Source | None] = {}
        self._by_alias: dict[str, Source | None] = {}
        self._by_surname: dict[str, list[Source]] = {}
        self._holders: dict[str, str | None] = {}  # office -> the person the corpus gives it, if one dominates
        self._chunk_titles: dict[str, dict[str, int]] = {}  # office -> name -> articles of this chunk
        self._chunk_counts: dict[str, int] = {}  # entity -> statements of this chunk
        self._statement_counts: dict[int, int] = {}

    def note_chunk(self, results: Iterable[ArticleResult]) -> None:
        """The chunk's own evidence: offices its articles give people, and how often each entity speaks."""
        for result in results:
            for role, name in result.titles:
                names = self._chunk_titles.setdefault(role, {})
                names[name] = names.get(name, 0) + 1
            for sentence in result.sentences:
                for attribution in sentence.attributions:
                    if attribution.entity:
                        self._chunk_counts[attribution.entity] = self._chunk_counts.get(attribution.entity, 0) + 1

    def prefetch(self, attributions: Iterable[Attribution]) -> None:
        """Look up every name, alias and surname a chunk needs in a few queries, instead of one query each."""
        names: set[str] = set()
        surnames: set[str] = set()
        attributions = list(attributions)
        offices = {a.role for a in attributions if link.is_office_mention(a.entity, a.role)} - self._holders.keys()
        for group in _in_groups(offices):
            counts: dict[str, dict[str, int]] = {role: dict(self._chunk_titles.get(role, {})) for role in group}
            titles = named_rows(self.session, select(
                col(SourceTitle.role).label("role"),
                col(SourceTitle.name).label("holder"),
                func.count(func.distinct(col(SourceTitle.article_id))).label("articles"),
            ).where(col(SourceTitle.role).in_(group)).group_by(col(SourceTitle.role), col(SourceTitle.name)))
            for row in titles:
                counts[row["role"]][row["holder"]] = counts[row["role"]].get(row["holder"], 0) + row["articles"]
            for role in group:
                self._holders[role] = link.dominant(counts[role])
        names.update(h for h in self._holders.values() if h)
        for attribution in attributions:
            for entity, entity_type in ((attribution.entity, attribution.entity_type), (attribution.via, "media")):
                if not entity:
                    continue
                names.add(entity)
                decision = self.decisions.get(normalize(entity))
                if decision is not None and decision.target:
                    names.add(decision.target)
                words = entity.split()
                if entity_type == "person" and len(words) == 1:
                    surnames.add(words[0])
        wanted_names = names - self._by_name.keys()
        self._by_name.update(dict.fromkeys(wanted_names))
        for group in _in_groups(wanted_names):
            self._by_name.update((s.name, s) for s in self.session.exec(select(Source).where(Source.name.in_(group))))  # type: ignore[attr-defined]
        wanted_aliases = {normalize(n) for n in names} - self._by_alias.keys()
        self._by_alias.update(dict.fromkeys(wanted_aliases))
        for group in _in_groups(wanted_aliases):
            aliased = named_rows(self.session, (
                select(col(SourceAlias.normalized).label("normalized"), Source)
                .join(Source, col(Source.id) == col(SourceAlias.source_id))
                .where(col(SourceAlias.normalized).in_(group))
                .order_by(col(SourceAlias.id).desc())
            ))
            for row in aliased:  # newest first, so the oldest alias wins
                self._by_alias[row["normalized"]] = row["Source"]
        wanted_surnames = surnames - self._by_surname.keys()
        for surname in wanted_surnames:
            self._by_surname[surname] = []
        for group in _in_groups(wanted_surnames):
            for source in self.session.exec(select(Source).where(Source.surname.in_(group), Source.type == "person")):  # type: ignore[union-attr]
                self._by_surname[source.surname].append(source)  # type: ignore[index]

    def resolve(self, attribution: Attribution) -> SourceMatch | None:
        """The ``Source`` for an attribution's resolved entity, created when new (not yet flushed)."""
        name = attribution.entity
        if not name:
            return None
        normalized = normalize(name)
        decision = self.decisions.get(normalized)
        if decision is not None and decision.action == "merge" and decision.target:
            target = self._by_name.get(decision.target)
            if target is not None:
                return SourceMatch(target, "decision")
        split = decision is not None and decision.action == "split"
        if split and decision is not None and decision.target:
            name = decision.target
        if not split and link.is_office_mention(name, attribution.role):
            # "the chancellor" where the article names no chancellor: the one person the corpus calls so, if any.
            holder = self._holders.get(attribution.role or "")
            if holder:
                known = self._by_name.get(holder)
                person = Attribution(None, None, None, 0.0, entity=holder, entity_type="person")
                return SourceMatch(known if known is not None else self._create(holder, person), "office")
        exact = self._by_name.get(name)
        if exact is not None:
            _fill_missing(exact, attribution)
            return SourceMatch(exact, "exact")
        if not split:
            aliased = self._by_alias.get(normalized)
            if aliased is not None:
                return SourceMatch(aliased, "alias")
            words = name.split()
            if attribution.entity_type == "person" and len(words) == 1:
                # A bare surname: the known person with it whose role, affiliation and title agree; of several,
                # the one who dominates (ambiguous ones stay apart, listed by `sources --ambiguous`).
                mention = attribution.source.text if attribution.source else None
                candidates = [
                    c for c in self._by_surname.get(words[0], [])
                    if _agrees(c, attribution) and c.first_name and link.gender_fits(mention, c.first_name)
                ]
                chosen = candidates[0] if len(candidates) == 1 else self._dominant(candidates)
                if chosen is not None:
                    return SourceMatch(chosen, "surname")
        return SourceMatch(self._create(name, attribution), "new")

    def _dominant(self, candidates: list[Source]) -> Source | None:
        if not candidates:
            return None
        wanted = [c.id for c in candidates if c.id is not None and c.id not in self._statement_counts]
        for group in _in_groups(wanted):
            self._statement_counts.update(dict.fromkeys(group, 0))
            counted = named_rows(self.session, select(
                col(Statement.source_id).label("source_id"), func.count(col(Statement.id)).label("statements")
            ).where(col(Statement.source_id).in_(group)).group_by(col(Statement.source_id)))
            self._statement_counts.update((row["source_id"], row["statements"]) for row in counted)
        counts = {c.name: self._statement_counts.get(c.id or -1, 0) + self._chunk_counts.get(c.name, 0) for c in candidates}
        chosen = link.dominant(counts)
        return next((c for c in candidates if c.name == chosen), None)

    def _create(self, name: str, attribution: Attribution) -> Source:
        words = name.split()
        is_person = attribution.entity_type == "person"
        source = Source(
            id=self.ids.take(Source, 1)[0],
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
            self._by_surname.setdefault(source.surname, []).append(source)
        return source


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


def save_result(
    session: Session, result: ArticleResult, embeddings: dict[int, bytes] | None = None, min_probability: float = 0.0
) -> SaveStatus:
    """Store one article; the caller's session is committed here (one transaction per article)."""
    return save_results(session, [result], [embeddings or {}], min_probability)[0]


def save_results(
    session: Session, results: list[ArticleResult], embeddings: list[dict[int, bytes]] | None = None,
    min_probability: float = 0.0,
) -> list[SaveStatus]:
    """Store several articles in one transaction: all of them or, if anything fails, none.

    A chunk costs a handful of queries whatever its size: known articles and sources are looked up
    once for the whole chunk, and sentences, sources and statements go in as bulk inserts.  The same
    text twice in one chunk is stored once (the second is ``skipped``).  Statements whose calibrated
    probability of being right is below ``min_probability`` are not stored (the CLI passes the calibration
    file's threshold); their sentences are.
    """
    per_article = embeddings or [{} for _ in results]
    try:
        with session.no_autoflush:
            ids = IdAllocator(session)
            ids.lock()  # before the first read: what this chunk matches against cannot change until it commits
            statuses, rows = _article_rows(session, results, ids)
            session.flush()  # the new articles, with their ids
            written = [(result, row, per_article[i]) for i, (result, row) in enumerate(zip(results, rows)) if statuses[i] != "skipped"]
            sentence_ids = _insert_sentences(session, [(result, row) for result, row, _ in written], ids)
            resolver = SourceResolver(session, ids)
            resolver.note_chunk(result for result, _, _ in written)
            resolver.prefetch(a for result, _, _ in written for s in result.sentences if s.label != "context" for a in s.attributions)
            resolved = [_resolve_sources(resolver, result, article_sentence_ids, min_probability) for (result, _, _), article_sentence_ids in zip(written, sentence_ids)]
            session.flush()  # the new sources
            aliases: set[tuple[int, str]] = set()
            statements = [
                statement
                for (_, row, article_embeddings), pending in zip(written, resolved)
                for statement in _statement_rows(pending, row, article_embeddings, aliases)
            ]
            _apply_fixes(session, [row for _, row, _ in written], statements, ids)
            if statements:
                for statement, statement_id in zip(statements, ids.take(Statement, len(statements))):
                    if statement_id is not None:
                        statement["id"] = statement_id
                session.execute(insert(Statement), statements)
            _add_aliases(session, aliases, ids)
            titles = [{"article_id": row.id, "role": role, "name": name} for result, row, _ in written for role, name in result.titles]
            if titles:
                session.execute(insert(SourceTitle), titles)
        session.commit()
        return statuses
    except BaseException:
        session.rollback()
        raise


def named_rows(session: Session, query: Any) -> Sequence[RowMapping]:
    """Run a select of ``.label()``-ed columns; rows are read by column name, never by position."""
    return session.exec(query).mappings().all()  # type: ignore[no-any-return]  # sqlmodel types selects of up to 4 plain columns


def _rematch_from(session: Session, article_ids: list[int]) -> None:
    """Incremental fact-check matching resumes below the first statement of these articles, which are replaced.

    Their new statements take ids above every current one; this covers the ids freed when a replaced
    article was the last one stored (pairs already stored are not stored twice).
    """
    first: int | None = None
    for group in _in_groups(article_ids):
        lowest = session.exec(select(func.min(Statement.id)).where(col(Statement.article_id).in_(group))).one()
        if lowest is not None and (first is None or lowest < first):
            first = lowest
    if first is not None:
        session.exec(
            update(FactCheckProgress).where(col(FactCheckProgress.statement_id) >= first).values(statement_id=first - 1)  # type: ignore[call-overload]
        )


def _in_groups(values: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    """``IN (...)`` lists of a bounded size (SQLite limits the number of parameters)."""
    values = list(values)
    for begin in range(0, len(values), size):
        yield values[begin : begin + size]


def _article_rows(session: Session, results: list[ArticleResult], ids: IdAllocator) -> tuple[list[SaveStatus], list[Article]]:
    """The ``Article`` row of each result (new rows added, not flushed) and whether it is stored, replaced or skipped."""
    existing: dict[str, Article] = {}
    for hashes in _in_groups({r.article.content_hash for r in results}):
        existing.update((row.content_hash, row) for row in session.exec(select(Article).where(Article.content_hash.in_(hashes))))  # type: ignore[attr-defined]
    created: set[str] = set()
    replaced: list[int] = []
    statuses: list[SaveStatus] = []
    rows: list[Article] = []
    for result in results:
        article = result.article
        row = existing.get(article.content_hash)
        if row is not None and (row.model_version == result.model_version or article.content_hash in created):
            statuses.append("skipped")
        elif row is not None:
            statuses.append("replaced")
            replaced.append(row.id)  # type: ignore[arg-type]
            row.model_version, row.scored_at = result.model_version, utcnow()
            session.add(row)
        else:
            row = Article(
                id=ids.take(Article, 1)[0],
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
            existing[article.content_hash] = row
            created.add(article.content_hash)
            statuses.append("stored")
        rows.append(row)
    if replaced:
        ids.start_above_current(Statement)
        _rematch_from(session, replaced)
    for group in _in_groups(replaced):  # a new model version's sentences and statements replace the old ones
        session.exec(delete(SourceTitle).where(SourceTitle.article_id.in_(group)))  # type: ignore[call-overload, attr-defined]
        session.exec(delete(Statement).where(Statement.article_id.in_(group)))  # type: ignore[call-overload, attr-defined]
        session.exec(delete(Sentence).where(Sentence.article_id.in_(group)))  # type: ignore[call-overload, attr-defined]
    return statuses, rows


def _insert_sentences(session: Session, written: list[tuple[ArticleResult, Article]], ids: IdAllocator) -> list[list[int]]:
    """One bulk insert for every sentence of the chunk; the new ids, per article."""
    rows = [
        {"article_id": row.id, "index": s.index, "start": s.start, "end": s.end, "text": s.text,
         "label": s.label, "confidence": s.confidence}
        for result, row in written
        for s in result.sentences
    ]
    if not rows:
        return [[] for _ in written]
    new_ids = ids.take(Sentence, len(rows))
    if new_ids[0] is not None:
        for row, new_id in zip(rows, new_ids):
            row["id"] = new_id
        session.execute(insert(Sentence), rows)
    else:
        new_ids = list(session.execute(insert(Sentence).returning(col(Sentence.id), sort_by_parameter_order=True), rows).scalars().all())
    taken = iter(new_ids)
    return [[next(taken) for _ in result.sentences] for result, _ in written]  # type: ignore[misc]


Pending = tuple[SentenceResult, int, Attribution, "SourceMatch | None", "SourceMatch | None"]


def _resolve_sources(
    resolver: SourceResolver, result: ArticleResult, sentence_ids: list[int], min_probability: float = 0.0
) -> list[Pending]:
    """Each attribution with its sentence id, its source and the outlet it came through (new ones not flushed)."""
    pending = []
    by_key = {a.key: (s, a) for s in result.sentences for a in s.attributions if a.key is not None}
    for sentence, sentence_id in zip(result.sentences, sentence_ids):
        if sentence.label == "context":
            continue
        for attribution in sentence.attributions:
            if _repeats_chain(attribution, by_key) or not attribution.statement:
                continue  # a quotation over several sentences is one statement, stored with its first sentence
            if min_probability > 0 and calibration.confidence(sentence, attribution) < min_probability:
                continue  # probably wrong: left in the sentence labels, kept out of the claim graph
            match = resolver.resolve(attribution)
            via = resolver.resolve(Attribution(None, None, None, 0.0, entity=attribution.via, entity_type="media")) if attribution.via else None
            pending.append((sentence, sentence_id, attribution, match, via))
    return pending


def _repeats_chain(attribution: Attribution, by_key: dict[tuple[int, int], tuple[SentenceResult, Attribution]]) -> bool:
    """Whether ``attribution`` carries on an earlier one whose content span is the same (already stored)."""
    if attribution.continues is None or attribution.content is None:
        return False
    earlier_sentence, earlier = by_key.get(attribution.continues, (None, None))
    if earlier_sentence is None or earlier is None or earlier_sentence.label == "context":
        return False
    content = earlier.content
    return content is not None and (content.start, content.end) == (attribution.content.start, attribution.content.end)


def content_parts_json(attribution: Attribution) -> str | None:
    """``Statement.content_parts``: the content's pieces as a JSON list of [start, end] pairs; None for one piece."""
    if len(attribution.content_parts) < 2:
        return None
    return json.dumps([[part.start, part.end] for part in attribution.content_parts])


def stored_parts(value: str | None) -> list[tuple[int, int]]:
    """``Statement.content_parts`` read back: [(start, end), ...]; empty for a content in one piece."""
    return [(int(start), int(end)) for start, end in json.loads(value)] if value else []


def _statement_rows(pending: list[Pending], row: Article, embeddings: dict[int, bytes], aliases: set[tuple[int, str]]) -> list[dict]:
    """Statement rows of one article; new named surface forms are added to ``aliases``."""
    statements = []
    for number, (sentence, sentence_id, attribution, match, via) in enumerate(pending):
        if match is not None and attribution.source is not None and attribution.resolution in MENTION_RESOLUTIONS:
            surface = attribution.source.text.strip()
            # "a New York Times story quoting unnamed sources": the mention names the outlet, not the speaker.
            names_outlet = bool(attribution.via) and normalize(attribution.via or "") in normalize(surface)
            if normalize(surface) != normalize(match.source.name) and not names_outlet:
                aliases.add((match.source.id, surface))  # type: ignore[arg-type]
        source, cue, content = attribution.source, attribution.cue, attribution.content
        statements.append({
            "sentence_id": sentence_id,
            "article_id": row.id,
            "kind": statement_kind(sentence.label, row.text, *((content.start, content.end) if content else (sentence.start, sentence.end))),
            "source_id": match.source.id if match else None,
            "via_source_id": via.source.id if via else None,
            "mention": source.text if source else None,
            "mention_start": source.start if source else None,
            "mention_end": source.end if source else None,
            "cue": cue.text if cue else None,
            "cue_start": cue.start if cue else None,
            "cue_end": cue.end if cue else None,
            # What was said: a content in several pieces is stored as their texts joined by a space (so search,
            # embeddings and exports show the speaker's words, not the clause between them), with its pieces.
            "content": attribution.said if content else sentence.text,
            "content_start": content.start if content else sentence.start,
            "content_end": content.end if content else sentence.end,
            "content_parts": content_parts_json(attribution),
            # The probability that the statement is right, a join on corpus evidence included.
            "confidence": calibration.confidence(sentence, attribution, match.how if match else ""),
            "resolution": attribution.resolution,
            "embedding": embeddings.get(number),
        })
    return statements


def _apply_fixes(session: Session, rows: list[Article], statements: list[dict], ids: IdAllocator) -> None:
    """Editors' re-attributions (``statements fix``) of the articles being stored, applied to their new rows.

    A fix finds its statement by overlap within its sentence (``editorial.place_fixes``), so a span the
    new model moved by a character keeps its fix; a fix that no statement takes any more is reported
    with a ``StaleFixWarning`` (one line per article at the CLI), never dropped silently.
    """
    import warnings

    from attribution.editorial import StatementSpan, place_fixes
    from attribution.errors import StaleFixWarning

    by_hash = {row.content_hash: row for row in rows}
    fixes: dict[int, list[StatementFix]] = {}
    for group in _in_groups(by_hash):
        query = select(StatementFix).where(col(StatementFix.content_hash).in_(group)).order_by(col(StatementFix.id))
        for fix in session.exec(query).all():
            fixes.setdefault(by_hash[fix.content_hash].id, []).append(fix)  # type: ignore[arg-type]  # flushed rows have ids
    if not fixes:
        return
    sentences: dict[int, tuple[int, int]] = {}
    for group in _in_groups(fixes):
        spans = named_rows(session, select(
            col(Sentence.id).label("sentence_id"), col(Sentence.start).label("start"), col(Sentence.end).label("end")
        ).where(col(Sentence.article_id).in_(group)))
        sentences.update((row["sentence_id"], (row["start"], row["end"])) for row in spans)
    for article_id, article_fixes in fixes.items():
        mine = [statement for statement in statements if statement["article_id"] == article_id]
        placed, stale = place_fixes(article_fixes, [
            StatementSpan(*sentences[statement["sentence_id"]], statement["content_start"], statement["content_end"])
            for statement in mine
        ])
        for index, fix in placed.items():
            mine[index]["source_id"] = source_for_fix(session, fix.source, ids).id
            mine[index]["resolution"], mine[index]["confidence"] = "editor", 1.0
        if stale:
            row = next(r for r in rows if r.id == article_id)
            where = "; ".join(f"characters {f.content_start}-{f.content_end} to {f.source!r}" for f in stale)
            warnings.warn(StaleFixWarning(
                f"{row.document}: {len(stale)} editor fix(es) no longer apply, no statement of model version "
                f"{row.model_version} overlaps them ({where}); `attribution statements fix` the new statements"
            ), stacklevel=2)


def source_for_fix(session: Session, name: str, ids: IdAllocator | None = None) -> Source:
    """The source an editor names: an existing one (by name or alias), else a new person."""
    normalized = normalize(name)
    found = session.exec(select(Source).where(func.lower(Source.name) == normalized)).first()
    if found is None:
        found = session.exec(
            select(Source).join(SourceAlias, SourceAlias.source_id == Source.id).where(SourceAlias.normalized == normalized)  # type: ignore[arg-type]
        ).first()
    if found is not None:
        return found
    entity_type, vague = link.classify(name.strip())
    words = name.split()
    source = Source(
        id=ids.take(Source, 1)[0] if ids is not None else None, name=name.strip(), type=entity_type, vague=vague,
        first_name=words[0] if entity_type == "person" and len(words) > 1 else None,
        surname=words[-1] if entity_type == "person" else None,
    )
    session.add(source)
    session.flush()
    return source


def _add_aliases(session: Session, aliases: set[tuple[int, str]], ids: IdAllocator) -> None:
    """New surface forms as aliases, with one query (per 500 sources) for the ones already known."""
    if not aliases:
        return
    known: set[tuple[int, str]] = set()
    for group in _in_groups({source_id for source_id, _ in aliases}):
        rows = named_rows(session, select(
            col(SourceAlias.source_id).label("source_id"), col(SourceAlias.normalized).label("normalized")
        ).where(col(SourceAlias.source_id).in_(group)))
        known.update((row["source_id"], row["normalized"]) for row in rows)
    new = []
    for source_id, surface in sorted(aliases):  # sorted: the same aliases whatever the order of the chunk
        key = (source_id, normalize(surface))
        if key not in known:
            known.add(key)
            new.append({"source_id": source_id, "name": surface, "normalized": key[1]})
    if not new:
        return
    for row, new_id in zip(new, ids.take(SourceAlias, len(new))):
        if new_id is not None:
            row["id"] = new_id
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(SourceAlias).on_conflict_do_nothing(index_elements=["source_id", "normalized"]), new)
    else:
        session.execute(insert(SourceAlias), new)


def scored_hashes(session: Session, version: str) -> set[str]:
    """Content hashes of the articles stored with model ``version`` (what a batch run skips)."""
    return set(session.exec(select(Article.content_hash).where(Article.model_version == version)))


def already_scored(session: Session, content_hash: str, version: str) -> bool:
    row = session.exec(select(Article).where(Article.content_hash == content_hash)).first()
    return row is not None and row.model_version == version


def _source_named(session: Session, name: str) -> Source:
    """The one source called ``name`` (canonical name, alias or surname), found as the queries find it.

    An unknown name is an ``UnknownSourceError`` with the closest names; a name that several sources
    answer to (a shared surname) is a ``QueryError`` listing them, unless one has it as its full name.
    """
    from attribution.errors import QueryError
    from attribution.queries import source_ids  # queries reads through this module's normalize()

    ids = source_ids(session, name)
    sources = session.exec(select(Source).where(col(Source.id).in_(ids)).order_by(col(Source.name))).all()
    exact = [s for s in sources if normalize(s.name) == normalize(name)]
    if len(exact) == 1 or len(sources) == 1:
        return (exact or list(sources))[0]
    raise QueryError(f"{name!r} names {len(sources)} sources: {', '.join(s.name for s in sources)}; give the full name")


def merge_sources(session: Session, name: str, into: str) -> Source:
    """Editorial merge: ``name`` becomes an alias of ``into``; recorded so it survives re-scoring."""
    IdAllocator(session).lock()  # no writer stores statements against the old sources meanwhile
    source, target = _source_named(session, name), _source_named(session, into)
    if source.id == target.id:
        return target
    for statement in session.exec(select(Statement).where(Statement.source_id == source.id)).all():
        statement.source_id = target.id
    for statement in session.exec(select(Statement).where(Statement.via_source_id == source.id)).all():
        statement.via_source_id = target.id
    # The merged source's aliases move to the target (one it already has, or its own name, is dropped),
    # so every name that found the merged source finds the target.
    kept = set(session.exec(select(SourceAlias.normalized).where(SourceAlias.source_id == target.id)).all())
    kept.add(normalize(target.name))
    for alias in session.exec(select(SourceAlias).where(SourceAlias.source_id == source.id)).all():
        session.add(SourceDecision(action="merge", alias=alias.normalized, target=target.name))
        if alias.normalized in kept:
            session.delete(alias)
        else:
            kept.add(alias.normalized)
            alias.source_id = target.id  # type: ignore[assignment]  # a stored source has its id
    session.flush()
    add_alias(session, target, source.name)
    session.add(SourceDecision(action="merge", alias=normalize(source.name), target=target.name))
    session.delete(source)
    session.commit()
    return target


def _without_determiner(name: str) -> str:
    first, _, rest = name.partition(" ")
    return rest if first in link.ARTICLES and rest else name


def split_alias(session: Session, alias: str, source_name: str | None = None) -> Source:
    """Editorial split: statements whose mention is ``alias`` get a source of their own, now and after re-scoring.

    A name that is no alias (of ``source_name``, when given) and no statement's mention there is an error:
    nothing is created and no decision recorded.
    """
    from attribution.errors import NotFoundError, UnknownSourceError
    from attribution.queries import suggest_sources

    IdAllocator(session).lock()  # no writer stores statements against the old sources meanwhile
    normalized = normalize(alias)
    bare = _without_determiner(normalized)
    # "NSC spokesman" and "the NSC spokesman" are one name here, as for the statements below.
    forms = {normalized, bare} | {f"{determiner} {bare}" for determiner in link.ARTICLES}
    query = select(SourceAlias).where(col(SourceAlias.normalized).in_(forms))
    from_source = _source_named(session, source_name) if source_name is not None else None
    if from_source is not None:
        query = query.where(SourceAlias.source_id == from_source.id)
    rows = session.exec(query).all()
    old_ids = {row.source_id for row in rows}
    if from_source is not None:
        old_ids.add(from_source.id)  # type: ignore[arg-type]
    moving = [
        statement
        for statement in session.exec(select(Statement).where(col(Statement.source_id).in_(old_ids))).all()
        if statement.mention and _without_determiner(normalize(statement.mention)) == bare
    ]
    if not rows and not moving:
        if from_source is None:
            raise UnknownSourceError(alias, suggest_sources(session, alias))
        raise NotFoundError(f"{alias!r} is no alias or mention of {from_source.name}; `attribution who-said` shows its mentions")
    new = session.exec(select(Source).where(Source.name == alias.strip())).first()
    if new is None:
        name = alias.strip()
        entity_type, vague = link.classify(name)
        words = name.split()
        new = Source(
            name=name, type=entity_type, vague=vague,
            first_name=words[0] if entity_type == "person" and len(words) > 1 else None,
            surname=words[-1] if entity_type == "person" else None,
        )
        session.add(new)
        session.flush()
    # The split-off name's aliases go with it (its own name is no alias of it).
    kept = set(session.exec(select(SourceAlias.normalized).where(SourceAlias.source_id == new.id)).all())
    kept.add(normalize(new.name))
    for row in rows:
        if row.normalized in kept:
            session.delete(row)
        else:
            kept.add(row.normalized)
            row.source_id = new.id  # type: ignore[assignment]  # flushed above: it has its id
    for statement in moving:
        statement.source_id = new.id
    session.add(SourceDecision(action="split", alias=normalized, target=new.name))
    session.commit()
    return new
