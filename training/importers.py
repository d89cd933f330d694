"""Import labelled data from annotation tools into canonical labelled-sentence records.

Supported formats (``fmt`` of :func:`import_labels`):

* ``labelstudio`` -- a Label Studio JSON export (a list of tasks);
* ``doccano`` -- a doccano JSONL export (sequence labelling and/or classification);
* ``prodigy`` -- Prodigy JSONL (``spans``, choice ``accept`` or ``label``, ``relations``);
* ``brat`` -- a PolNeAR-style split folder, a folder of ``.ann``/``.txt`` pairs or one ``.ann`` file;
* ``canonical`` -- our own JSONL (``schemas/labels.schema.json``).

Every record from every format goes through :func:`validate_record`.  A task
that holds several sentences stays one record (start 0, end len(text)); only
brat articles are cut into sentences, as training.data does for PolNeAR.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from attribution.errors import InputError
from attribution.outputs import cannot_write, output_file
from training.data import BratAttribution, is_direct_quote, label_sentences, polnear_articles, read_brat, trim_span

FORMATS = ("labelstudio", "doccano", "prodigy", "brat", "canonical")
SPAN_LABELS = ("SOURCE", "CUE", "CONTENT")
# Role names used by brat (PolNeAR) and in tool label configs, matched case-insensitively.
_SPAN_ALIASES = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT", "content2": "CONTENT"}
_FORMAT_NAMES = {
    "labelstudio": "Label Studio JSON export",
    "doccano": "doccano JSONL export",
    "prodigy": "Prodigy JSONL file",
    "brat": "brat annotation",
    "canonical": "canonical labels JSONL file",
}


@dataclass
class ImportReport:
    """Valid records, and one line per record that was left out saying which and why."""

    records: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class _Skip(Exception):
    """A record that is deliberately not imported (rejected, not yet annotated); never fatal."""


# A reader yields (where, make): ``where`` names the record in messages, ``make()``
# builds its raw record and may raise InputError (invalid) or _Skip.
_Item = tuple[str, Callable[[], dict]]


def import_labels(
    path: Path, fmt: str, strict: bool = False, known_labels: set[str] | None = None
) -> ImportReport:
    """Read ``path`` in format ``fmt`` into validated canonical records.

    Invalid records are listed in ``skipped``; with ``strict`` the first one raises
    InputError instead.  ``known_labels`` restricts the sentence labels allowed.
    A file that cannot be read or is not in format ``fmt`` at all raises InputError.
    """
    readers: dict[str, Callable[[Path], Iterator[_Item]]] = {
        "labelstudio": _labelstudio_items,
        "doccano": _doccano_items,
        "prodigy": _prodigy_items,
        "brat": _brat_items,
        "canonical": _canonical_items,
    }
    if fmt not in readers:
        raise InputError(f"unknown label format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    known = {label.strip().lower() for label in known_labels} if known_labels is not None else None
    report = ImportReport()
    for where, make in readers[fmt](path):
        try:
            report.records.append(validate_record(make(), where, known))
        except _Skip as exc:
            report.skipped.append(f"{where}: {exc}")
        except InputError as exc:
            if strict:
                raise
            report.skipped.append(str(exc))
    return report


def validate_record(record: Any, where: str = "record", known_labels: set[str] | None = None) -> dict:
    """Check one raw record and return it in canonical form; InputError names ``where`` and the field.

    Span labels are normalised to SOURCE/CUE/CONTENT, the sentence label to lower
    case (defaulting to ``claim`` with CONTENT spans, else ``context``) and spans
    are sorted by offset; attribution numbers are kept as given.
    """

    def bad(field_name: str, problem: str) -> InputError:
        return InputError(f"{where}: {field_name}: {problem}")

    if not isinstance(record, dict):
        raise bad("record", f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad("text", "missing or empty text" if not isinstance(text, str) or not text else "text is blank")
    raw_spans = record.get("spans")
    if raw_spans is None:
        raw_spans = []
    if not isinstance(raw_spans, list):
        raise bad("spans", f"expected a list, got {type(raw_spans).__name__}")

    spans: list[dict] = []
    for index, span in enumerate(raw_spans):
        name = f"spans[{index}]"
        if not isinstance(span, dict):
            raise bad(name, f"expected an object, got {type(span).__name__}")
        label = normalise_span_label(span.get("label"))
        if label is None:
            raise bad(f"{name}.label", f"unknown span label {span.get('label')!r} (expected SOURCE, CUE or CONTENT)")
        start, end = span.get("start"), span.get("end")
        if not _is_int(start) or not _is_int(end):
            raise bad(name, f"span {label!r} start/end must be integers (got {start!r}, {end!r})")
        if start < 0 or end > len(text):
            raise bad(name, f"span {label!r} {start}-{end} lies outside the text (length {len(text)})")
        if start >= end:
            raise bad(name, f"span {label!r} {start}-{end} is empty")
        if "text" in span and span["text"] is not None and span["text"] != text[start:end]:
            raise bad(
                f"{name}.text",
                f"span {label!r} {start}-{end} says {span['text']!r} but the text there is {text[start:end]!r}",
            )
        clean = {"start": start, "end": end, "label": label}
        if span.get("attribution") is not None:
            if not _is_int(span["attribution"]) or span["attribution"] < 0:
                raise bad(f"{name}.attribution", f"expected a non-negative integer, got {span['attribution']!r}")
            clean["attribution"] = span["attribution"]
        spans.append(clean)

    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    kept: list[dict] = []
    for span in spans:
        previous = next((k for k in kept if k["start"] < span["end"] and span["start"] < k["end"]), None)
        if previous is None:
            kept.append(span)
        elif (previous["start"], previous["end"], previous["label"]) == (span["start"], span["end"], span["label"]):
            continue  # the same span twice (e.g. once per relation) is one span
        else:
            # BIO tagging cannot represent nested or crossing spans.
            raise bad("spans", f"spans {_describe(previous)} and {_describe(span)} overlap")

    label = record.get("label")
    if label is None:
        label = "claim" if any(s["label"] == "CONTENT" for s in kept) else "context"
    if not isinstance(label, str) or not label.strip():
        raise bad("label", f"sentence label must be a non-empty string, got {label!r}")
    label = label.strip().lower()
    if known_labels is not None and label not in known_labels:
        raise bad("label", f"unknown label {label!r} (known: {', '.join(sorted(known_labels))})")

    record_id = record.get("id")
    record_id = where if record_id is None or record_id == "" else str(record_id)
    document = record.get("document")
    document = record_id if document is None or document == "" else str(document)
    offset, offset_end = record.get("start", 0), record.get("end")
    if not _is_int(offset) or offset < 0:
        raise bad("start", f"expected a non-negative integer, got {offset!r}")
    if offset_end is None:
        offset_end = offset + len(text)
    if not _is_int(offset_end) or offset_end - offset != len(text):
        raise bad("end", f"start {offset} and end {offset_end!r} do not span the text (length {len(text)})")
    return {
        "id": record_id,
        "document": document,
        "start": offset,
        "end": offset_end,
        "text": text,
        "label": label,
        "spans": kept,
    }


def import_labels_to(
    path: Path, fmt: str, output: Path, strict: bool = False, on_skipped: Callable[[str], None] | None = None
) -> ImportReport:
    """:func:`import_labels` and :func:`write_jsonl` in one: ``path`` read as ``fmt``, its valid records written to ``output``.

    ``on_skipped`` is told why each record was left out.  An import with no valid record is an
    ``InputError`` and writes nothing: an empty file would look like a successful import.
    """
    report = import_labels(path, fmt, strict=strict)
    if on_skipped is not None:
        for reason in report.skipped:
            on_skipped(reason)
    if not report.records:
        raise InputError(f"{path}: no valid records ({len(report.skipped)} skipped); {output} not written")
    write_jsonl(report.records, output)
    return report


def normalise_span_label(label: Any) -> str | None:
    """SOURCE, CUE or CONTENT for any accepted spelling ("Source", "cue", "Content2"), else None."""
    if not isinstance(label, str):
        return None
    return _SPAN_ALIASES.get(label.strip().lower())


def write_jsonl(records: Iterable[dict], path: Path) -> None:
    """Write records one JSON object per line (UTF-8, non-ASCII kept readable); a path that cannot be
    written is an ``OutputError`` naming it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    with output_file(path) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_canonical(path: Path) -> list[dict]:
    """Read a canonical labels JSONL file; any invalid record raises InputError."""
    return import_labels(Path(path), "canonical", strict=True).records


# --- shared helpers -------------------------------------------------------------------


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(span: dict) -> str:
    return f"{span['label']!r} {span['start']}-{span['end']}"


def _read_text(path: Path, encoding: str = "utf-8-sig") -> str:
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _not_format(path: Path, fmt: str, expected: str) -> InputError:
    return InputError(f"{path}: not a {_FORMAT_NAMES[fmt]} ({expected})")


def _invalid(where: str, field_name: str, problem: str) -> InputError:
    return InputError(f"{where}: {field_name}: {problem}")


def _raise(error: Exception) -> Callable[[], dict]:
    def make() -> dict:
        raise error

    return make


def _jsonl_items(
    path: Path, fmt: str, convert: Callable[[dict, str, str], dict], text_keys: tuple[str, ...] = ("text",)
) -> Iterator[_Item]:
    """Yield one item per non-blank line; the file must look like JSONL with a text field."""
    content = _read_text(path)
    expected = f"expected one JSON object with {text_keys[0]!r} per line"
    if content.lstrip().startswith("["):
        raise _not_format(path, fmt, f"{expected}; this file is a JSON list")
    parsed: list[tuple[int, Any]] = []
    # Not splitlines(): JSON strings may hold a raw U+2028 or U+0085, which it would split on.
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problem = f"malformed JSON ({exc.msg} at column {exc.colno})"
            parsed.append((number, InputError(f"{path.name}:{number}: {problem}")))
    has_text = [isinstance(obj, dict) and any(isinstance(obj.get(k), str) for k in text_keys) for _, obj in parsed]
    if not any(has_text):
        raise _not_format(path, fmt, expected)
    for number, obj in parsed:
        where = f"{path.name}:{number}"
        if isinstance(obj, Exception):
            yield where, _raise(obj)
            continue
        if isinstance(obj, dict) and obj.get("id") is not None:
            where = f"{where} (id {obj['id']})"
        if not isinstance(obj, dict):
            yield where, _raise(_invalid(where, "record", f"expected a JSON object, got {type(obj).__name__}"))
            continue
        default_id = f"{path.stem}:{number}"
        yield where, functools.partial(convert, obj, where, default_id)


def _sentence_label(labels: list[Any], where: str, field_name: str) -> str | None:
    """The one sentence label among ``labels`` (None when there is none)."""
    distinct = list(dict.fromkeys(str(label).strip() for label in labels if str(label).strip()))
    if len(distinct) > 1:
        raise _invalid(where, field_name, f"several sentence labels {distinct} (expected one)")
    return distinct[0] if distinct else None


def _group(spans: list[dict], keys: list[Any], links: list[tuple[Any, Any]]) -> None:
    """Number the spans by connected component of ``links`` between span ``keys``."""
    parent = list(range(len(spans)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = {key: i for i, key in enumerate(keys) if key is not None}
    for a, b in links:
        parent[find(index[a])] = find(index[b])
    # Number the groups 0, 1, ... in text order so that equal inputs give equal records.
    order = sorted(range(len(spans)), key=lambda i: (_offset(spans[i].get("start")), _offset(spans[i].get("end"))))
    numbers: dict[int, int] = {}
    for i in order:
        spans[i]["attribution"] = numbers.setdefault(find(i), len(numbers))


def _offset(value: Any) -> int:
    return value if _is_int(value) else -1  # invalid offsets are reported by validate_record


# --- Label Studio ---------------------------------------------------------------------


def _labelstudio_items(path: Path) -> Iterator[_Item]:
    try:
        tasks = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise _not_format(path, "labelstudio", f"invalid JSON: {exc.msg} at line {exc.lineno}") from exc
    expected = "expected a list of tasks"
    if not isinstance(tasks, list):
        raise _not_format(path, "labelstudio", expected)
    if tasks and not any(isinstance(task, dict) and isinstance(task.get("data"), dict) for task in tasks):
        raise _not_format(path, "labelstudio", f"{expected} with 'data'")
    for index, task in enumerate(tasks):
        task_id = task.get("id", index) if isinstance(task, dict) else index
        where = f"{path.name}: task {task_id}"
        yield where, functools.partial(_from_labelstudio, task, where, str(task_id))


def _from_labelstudio(task: Any, where: str, task_id: str) -> dict:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise _invalid(where, "data", "task has no 'data' object")
    data = task["data"]
    text = data.get("text")
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
    annotation = next((a for a in annotations if not a.get("was_cancelled")), None)
    if annotation is None:
        raise _Skip("all annotations were cancelled" if annotations else "no annotation (task not labelled yet)")
    results = annotation.get("result") or []
    if not isinstance(results, list):
        raise _invalid(where, "annotations.result", "expected a list")
    choices: list[Any] = []
    spans: list[dict] = []
    region_ids: list[Any] = []
    links: list[tuple[Any, Any]] = []
    for number, item in enumerate(results):
        name = f"result[{number}]"
        if not isinstance(item, dict):
            raise _invalid(where, name, "expected an object")
        raw_value = item.get("value")
        value: dict[str, Any] = raw_value if isinstance(raw_value, dict) else {}
        kind = item.get("type")
        if kind == "choices":
            choices.extend(value.get("choices") or [])
        elif kind == "labels":
            labels = value.get("labels") or []
            if len(labels) != 1:
                raise _invalid(where, f"{name}.value.labels", f"expected one span label, got {labels!r}")
            start, end = value.get("start"), value.get("end")
            if isinstance(text, str) and _is_int(start) and _is_int(end):
                start, end = _labelstudio_offsets(text, start, end, value.get("text"))
            if item.get("id") not in region_ids or item.get("id") is None:
                region_ids.append(item.get("id"))
                spans.append({"start": start, "end": end, "label": labels[0], "text": value.get("text")})
        elif kind == "relation":
            links.append((item.get("from_id"), item.get("to_id")))
    for a, b in links:
        for end_id in (a, b):
            if end_id is None or end_id not in region_ids:
                raise _invalid(where, "relation", f"relation refers to unknown region {end_id!r}")
    if links:
        _group(spans, region_ids, links)
    document = data.get("document")
    return {
        "id": task_id,
        "document": document if isinstance(document, str) and document else task_id,
        "text": text,
        "label": _sentence_label(choices, where, "choices"),
        "spans": spans,
    }


def _labelstudio_offsets(text: str, start: int, end: int, quoted: Any) -> tuple[int, int]:
    """Offsets as Python indices.

    The Label Studio front end counts UTF-16 code units, so after an emoji or
    other astral character its offsets run ahead of Python's; convert them when
    that makes the region text match.
    """
    if not isinstance(quoted, str) or text[start:end] == quoted or all(ord(c) < 0x10000 for c in text):
        return start, end
    units: dict[int, int] = {}
    position = 0
    for index, char in enumerate(text):
        units[position] = index
        position += 2 if ord(char) >= 0x10000 else 1
    units[position] = len(text)
    if start in units and end in units and text[units[start] : units[end]] == quoted:
        return units[start], units[end]
    return start, end


# --- doccano --------------------------------------------------------------------------


def _doccano_items(path: Path) -> Iterator[_Item]:
    # Older doccano versions export the text under "data".
    return _jsonl_items(path, "doccano", _from_doccano, text_keys=("text", "data"))


def _from_doccano(obj: dict, where: str, default_id: str) -> dict:
    text = obj.get("text", obj.get("data"))
    spans: list[dict] = []
    keys: list[Any] = []
    labels: list[Any] = []
    raw_label = obj.get("label", [])
    for number, item in enumerate(raw_label if isinstance(raw_label, list) else [raw_label]):
        if isinstance(item, str):
            labels.append(item)
        elif isinstance(item, (list, tuple)) and len(item) == 3:
            spans.append({"start": item[0], "end": item[1], "label": item[2]})
            keys.append(None)
        else:
            raise _invalid(where, f"label[{number}]", f"expected [start, end, label] or a class name, got {item!r}")
    for number, item in enumerate(obj.get("entities") or []):
        if not isinstance(item, dict):
            raise _invalid(where, f"entities[{number}]", "expected an object")
        spans.append({"start": item.get("start_offset"), "end": item.get("end_offset"), "label": item.get("label")})
        keys.append(item.get("id"))
    cats = obj.get("cats") or []
    labels.extend(cats if isinstance(cats, list) else [cats])
    links: list[tuple[Any, Any]] = []
    for number, relation in enumerate(obj.get("relations") or []):
        if not isinstance(relation, dict) or relation.get("from_id") not in keys or relation.get("to_id") not in keys:
            raise _invalid(where, f"relations[{number}]", "relation does not link two entities of this record")
        links.append((relation["from_id"], relation["to_id"]))
    if links:
        _group(spans, keys, links)
    record_id = str(obj["id"]) if obj.get("id") is not None else default_id
    return {
        "id": record_id,
        "document": str(obj.get("document") or record_id),
        "text": text,
        "label": _sentence_label(labels, where, "label"),
        "spans": spans,
    }


# --- Prodigy --------------------------------------------------------------------------


def _prodigy_items(path: Path) -> Iterator[_Item]:
    return _jsonl_items(path, "prodigy", _from_prodigy)


def _from_prodigy(obj: dict, where: str, default_id: str) -> dict:
    answer = obj.get("answer", "accept")
    if answer != "accept":
        raise _Skip(f"rejected in Prodigy (answer {answer!r})")
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        raise _invalid(where, "spans", "expected a list")
    spans: list[dict] = []
    for number, span in enumerate(raw_spans):
        if not isinstance(span, dict):
            raise _invalid(where, f"spans[{number}]", "expected an object")
        spans.append({k: span.get(k) for k in ("start", "end", "label", "text") if k in span})
    keys: list[Any] = [(s.get("start"), s.get("end")) for s in spans]
    links: list[tuple[Any, Any]] = []
    for number, relation in enumerate(obj.get("relations") or []):
        ends = []
        for role in ("head_span", "child_span"):
            span = relation.get(role) if isinstance(relation, dict) else None
            if not isinstance(span, dict):
                raise _invalid(where, f"relations[{number}].{role}", "missing span")
            key = (span.get("start"), span.get("end"))
            if key not in keys:
                # rel.manual can relate spans that are not listed under "spans".
                spans.append({k: span.get(k) for k in ("start", "end", "label")})
                keys.append(key)
            ends.append(key)
        links.append((ends[0], ends[1]))
    if links:
        _group(spans, keys, links)
    accepted = obj.get("accept")
    if isinstance(accepted, list) and accepted:
        label = _sentence_label(accepted, where, "accept")
    else:
        label = obj.get("label")
    raw_meta = obj.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    record_id = obj.get("id", meta.get("id"))
    record_id = default_id if record_id is None else str(record_id)
    return {
        "id": record_id,
        "document": str(meta.get("document") or record_id),
        "text": obj.get("text"),
        "label": label,
        "spans": spans,
    }


# --- brat -----------------------------------------------------------------------------


_ANNOTATOR_SUFFIX = re.compile(r"_[0-9A-Za-z]{4}$")


def _brat_items(path: Path) -> Iterator[_Item]:
    """Sentence records of each article; a sentence touched by a bad span is skipped with the reason.

    Bad: a span outside the text or empty (it used to be clipped), and a source or cue overlapping
    another source or cue of the same sentence (one of them used to be dropped silently).  Contents
    around a source or cue ("X," he said, "Y") are fine: they keep their pieces on either side.
    """
    try:
        for name, text, ann in _brat_articles(path):
            attributions, bad_spans = _brat_checked_attributions(text, ann)
            sentences = list(label_sentences(name, text, attributions))
            for index, record in enumerate(sentences):
                where = f"{ann.name}: sentence {index}"
                problems = [reason for start, end, reason in bad_spans if _touches(record, start, end, len(text), index == len(sentences) - 1)]
                problems += _overlapping_roles(text, record, attributions)
                if problems:
                    yield where, _raise(InputError(f"{where}: {problems[0]}"))
                else:
                    yield where, functools.partial(dict, record)
    except OSError as exc:
        raise InputError(f"{getattr(exc, 'filename', None) or path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def _brat_checked_attributions(text: str, ann: Path) -> tuple[list[BratAttribution], list[tuple[int, int, str]]]:
    """Attributions built from the spans that lie inside the text, and ``(start, end, reason)`` of the others."""
    spans, events = read_brat(ann)
    bad: list[tuple[int, int, str]] = []
    good: dict[str, list[tuple[int, int]]] = {}
    for span_id, (kind, fragments) in spans.items():
        wrong = [(a, b) for a, b in fragments if not 0 <= a < b <= len(text)]
        if wrong:
            a, b = wrong[0]
            problem = "is empty" if 0 <= a and b <= len(text) else f"lies outside the text (length {len(text)})"
            bad.append((a, b, f"span {span_id} {kind} {a}-{b} {problem}"))
        else:
            good[span_id] = fragments
    attributions = []
    for event in events:
        if "Attribution" not in event and "Attribution-no-source" not in event:
            continue
        source, cue = good.get(event.get("Source", "")), good.get(event.get("Cue", ""))
        content = sorted(f for role in ("Content", "Content2") for f in good.get(event.get(role, ""), []))
        attributions.append(BratAttribution(source=source, cue=cue, content=content, is_direct_quote=bool(content) and is_direct_quote(text, content)))
    return attributions, bad


def _touches(record: dict, start: int, end: int, length: int, last: bool) -> bool:
    """Whether a (possibly out-of-range) span lies in the record's sentence; past the end counts for the last."""
    start, end = max(0, min(start, end)), max(start, end)
    if start >= length:
        return last
    return record["start"] < max(end, start + 1) and start < record["end"]


def _overlapping_roles(text: str, record: dict, attributions: list[BratAttribution]) -> list[str]:
    """Sources and cues of one sentence that overlap (the same span shared by two attributions is fine)."""
    a, b = record["start"], record["end"]
    roles: set[tuple[int, int, str]] = set()
    for attribution in attributions:
        for role, fragments in (("Source", attribution.source), ("Cue", attribution.cue)):
            if fragments:
                c, d = trim_span(text, fragments[0][0], fragments[-1][1])
                if a <= c < d <= b:
                    roles.add((c, d, role))
    ordered = sorted(roles)
    return [
        f"{first[2]} {first[0]}-{first[1]} overlaps {second[2]} {second[0]}-{second[1]}"
        for i, first in enumerate(ordered)
        for second in ordered[i + 1 :]
        if second[0] < first[1]
    ][:1]


def _brat_articles(path: Path) -> Iterable[tuple[str, str, Path]]:
    """``(document name, text, .ann path)`` for each article; the first annotator's file per article."""
    if path.is_dir():
        if (path / "text").is_dir() and (path / "attributions").is_dir():
            return polnear_articles(path)
        by_article: dict[str, list[Path]] = defaultdict(list)
        for ann in sorted(path.glob("*.ann")):
            by_article[_brat_text_path(ann).stem].append(ann)
        if not by_article:
            raise _not_format(path, "brat", "expected text/ and attributions/ folders, or .ann files beside their .txt")
        return [_brat_article(anns[0]) for _, anns in sorted(by_article.items())]
    if path.suffix != ".ann":
        raise _not_format(path, "brat", "expected a .ann file or a folder")
    return [_brat_article(path)]


def _brat_text_path(ann: Path) -> Path:
    same_stem = ann.with_suffix(".txt")
    if same_stem.exists():
        return same_stem
    return ann.with_name(_ANNOTATOR_SUFFIX.sub("", ann.stem) + ".txt")


def _brat_article(ann: Path) -> tuple[str, str, Path]:
    text_path = _brat_text_path(ann)
    if not text_path.exists():
        tried = sorted({ann.with_suffix(".txt").name, text_path.name})
        raise InputError(f"{ann}: no text file beside it (looked for {' and '.join(tried)})")
    # No BOM stripping: brat offsets count every character of the file, as training.data reads it.
    return text_path.stem, _read_text(text_path, encoding="utf-8"), ann


# --- canonical ------------------------------------------------------------------------


def _canonical_items(path: Path) -> Iterator[_Item]:
    return _jsonl_items(path, "canonical", lambda obj, where, default_id: {"id": default_id, **obj})
