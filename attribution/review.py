"""The review loop: export the least confident sentences as Label Studio tasks with predictions pre-filled.

Label Studio labelling config that matches these tasks::

    <View>
      <Choices name="sentence" toName="text" choice="single">
        <Choice value="claim"/><Choice value="quote"/><Choice value="context"/>
      </Choices>
      <Labels name="role" toName="text">
        <Label value="Source"/><Label value="Cue"/><Label value="Content"/>
      </Labels>
      <Text name="text" value="$text"/>
      <Relations><Relation value="attribution"/></Relations>
    </View>
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from attribution.db.models import Article, Sentence, Statement
from attribution.outputs import output_file

ROLE_NAMES = {"mention": "Source", "cue": "Cue", "content": "Content"}


def _regions(sentence: Sentence, statements: list[Statement]) -> list[dict[str, Any]]:
    """Span regions (offsets relative to the sentence) and the relations linking each statement's spans."""
    result: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for statement in statements:
        ids = []
        for field, label in ROLE_NAMES.items():
            start, end = getattr(statement, f"{field}_start"), getattr(statement, f"{field}_end")
            if start is None or end is None:
                continue
            start, end = max(start, sentence.start) - sentence.start, min(end, sentence.end) - sentence.start
            if end <= start or any(start < b and a < end for a, b in taken):
                continue  # outside this sentence (a continued statement) or already drawn
            taken.append((start, end))
            region_id = f"s{statement.id}-{field}"
            ids.append(region_id)
            result.append({
                "id": region_id, "from_name": "role", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": sentence.text[start:end], "labels": [label]},
            })
        result += [{"type": "relation", "from_id": ids[0], "to_id": other, "direction": "right", "labels": ["attribution"]} for other in ids[1:]]
    return result


def review_tasks(session: Session, count: int) -> list[dict[str, Any]]:
    """The ``count`` least confident sentences, as Label Studio tasks with the model's prediction."""
    rows = session.exec(select(Sentence, Article).join(Article).order_by(col(Sentence.confidence), col(Sentence.id)).limit(count)).all()
    tasks = []
    for sentence, article in rows:
        statements = session.exec(select(Statement).where(Statement.sentence_id == sentence.id).order_by(col(Statement.id))).all()
        result = [{"id": f"label-{sentence.id}", "from_name": "sentence", "to_name": "text", "type": "choices",
                   "value": {"choices": [sentence.label]}}]
        result += _regions(sentence, list(statements))
        tasks.append({
            "id": sentence.id,
            "data": {"text": sentence.text, "article": article.title, "document": article.document, "sentence": sentence.index},
            "predictions": [{"model_version": article.model_version, "score": sentence.confidence, "result": result}],
        })
    return tasks


def export_review_tasks(session: Session, count: int, output: Path) -> int:
    tasks = review_tasks(session, count)
    with output_file(Path(output)) as handle:
        handle.write(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    return len(tasks)
