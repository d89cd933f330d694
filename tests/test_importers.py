"""Tests for training.importers on the hand-written exports in tests/data."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import jsonschema
import pytest

from attribution.errors import InputError
from training.importers import ImportReport, import_labels, read_canonical, validate_record, write_jsonl

DATA = Path(__file__).parent / "data"


def _brat_example() -> Path:
    """The composed brat example as a folder of .txt + .ann (kept as .standoff in the repository, so
    no file there looks like corpus annotations)."""
    folder = Path(tempfile.mkdtemp(prefix="brat-example-"))
    shutil.copy(DATA / "brat" / "example.txt", folder / "example.txt")
    shutil.copy(DATA / "brat" / "example_ab12.standoff", folder / "example_ab12.ann")
    return folder


BRAT = _brat_example()
SCHEMA = json.loads((Path(__file__).parent.parent / "schemas" / "labels.schema.json").read_text(encoding="utf-8"))
EXAMPLES = [
    (DATA / "labelstudio_export.json", "labelstudio"),
    (DATA / "doccano.jsonl", "doccano"),
    (DATA / "prodigy.jsonl", "prodigy"),
    (BRAT / "example_ab12.ann", "brat"),
    (BRAT, "brat"),
]


def spans_of(record: dict, label: str) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in record["spans"] if s["label"] == label]


def groups(record: dict) -> dict[int, set[tuple[str, str]]]:
    """attribution number -> {(label, covered text)}"""
    result: dict[int, set[tuple[str, str]]] = {}
    for s in record["spans"]:
        result.setdefault(s["attribution"], set()).add((s["label"], record["text"][s["start"] : s["end"]]))
    return result


# --- Label Studio ---------------------------------------------------------------------


def test_labelstudio_example() -> None:
    report = import_labels(DATA / "labelstudio_export.json", "labelstudio")
    assert isinstance(report, ImportReport)
    assert [r["id"] for r in report.records] == ["101", "102", "103"]
    # Task 101: the cancelled annotation (label "context") is passed over.
    assert [r["label"] for r in report.records] == ["claim", "statistic", "quote"]
    first = report.records[0]
    # Two sentences in one task stay one record with document-level offsets.
    assert (first["start"], first["end"]) == (0, len(first["text"])) == (0, 93)
    assert spans_of(first, "SOURCE") == [(0, 16)]
    assert spans_of(first, "CUE") == [(17, 21)]
    assert spans_of(first, "CONTENT") == [(22, 57)]
    assert {s["attribution"] for s in first["spans"]} == {0}


def test_labelstudio_relations_group_spans() -> None:
    quote = import_labels(DATA / "labelstudio_export.json", "labelstudio").records[2]
    assert groups(quote) == {
        0: {("CONTENT", "\u201cWe will not raise fares,\u201d"), ("SOURCE", "the transit chief"), ("CUE", "said")},
        1: {("SOURCE", "Critics"), ("CUE", "called"), ("CONTENT", "the promise vague")},
    }


def test_labelstudio_invalid_task_is_skipped_with_reason() -> None:
    report = import_labels(DATA / "labelstudio_export.json", "labelstudio")
    assert report.skipped == [
        "labelstudio_export.json: task 104: spans[0]: span 'SOURCE' 40-90 lies outside the text (length 34)"
    ]


def test_labelstudio_strict_raises_naming_task_and_field() -> None:
    with pytest.raises(InputError) as error:
        import_labels(DATA / "labelstudio_export.json", "labelstudio", strict=True)
    assert "task 104" in str(error.value)
    assert "spans[0]" in str(error.value)
    assert "outside the text" in str(error.value)


def test_labelstudio_unannotated_task_is_skipped_even_when_strict(tmp_path: Path) -> None:
    tasks = [
        {"id": 7, "data": {"text": "Nobody has labelled this yet."}, "annotations": []},
        {"id": 8, "data": {"text": "Cancelled."}, "annotations": [{"was_cancelled": True, "result": []}]},
    ]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = import_labels(path, "labelstudio", strict=True)
    assert report.records == []
    assert report.skipped[0].startswith("tasks.json: task 7: no annotation")
    assert report.skipped[1].startswith("tasks.json: task 8: all annotations were cancelled")


def test_labelstudio_utf16_offsets_after_emoji_are_converted(tmp_path: Path) -> None:
    text = "\U0001F525 Fire chief Jo Lee said crews contained the blaze."
    # Label Studio counts the emoji as two UTF-16 units, so its offsets are one ahead.
    task = {
        "id": 1,
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {
                        "id": "a",
                        "type": "labels",
                        "value": {"start": 3, "end": 20, "text": "Fire chief Jo Lee", "labels": ["Source"]},
                    }
                ]
            }
        ],
    }
    path = tmp_path / "emoji.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    (record,) = import_labels(path, "labelstudio", strict=True).records
    assert spans_of(record, "SOURCE") == [(2, 19)]
    assert record["text"][2:19] == "Fire chief Jo Lee"
    assert record["label"] == "context"


def test_labelstudio_region_text_mismatch_is_invalid(tmp_path: Path) -> None:
    task = {
        "id": 5,
        "data": {"text": "The governor said taxes would fall."},
        "annotations": [
            {"result": [{"type": "labels", "value": {"start": 0, "end": 12, "text": "governor", "labels": ["Source"]}}]}
        ],
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    report = import_labels(path, "labelstudio")
    assert report.records == []
    assert report.skipped[0].startswith("t.json: task 5: spans[0].text:")


# --- doccano --------------------------------------------------------------------------


def test_doccano_example() -> None:
    report = import_labels(DATA / "doccano.jsonl", "doccano")
    assert [r["id"] for r in report.records] == ["1", "2", "4"]
    assert [r["label"] for r in report.records] == ["statistic", "claim", "context"]
    first, second, third = report.records
    assert spans_of(first, "CONTENT") == [(25, 70)]
    assert first["text"][25:70] == "vaccination rates rose by 8 percent last year"
    # Without relations nothing says which spans belong together.
    assert all("attribution" not in s for s in first["spans"])
    assert groups(second) == {
        0: {("SOURCE", "Farmers"), ("CUE", "warned"), ("CONTENT", "the drought would cut wheat harvests")}
    }
    assert third["spans"] == []


def test_doccano_malformed_line_is_skipped_and_strict_raises() -> None:
    report = import_labels(DATA / "doccano.jsonl", "doccano")
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith("doccano.jsonl:3: malformed JSON (")
    with pytest.raises(InputError, match=r"doccano\.jsonl:3: malformed JSON"):
        import_labels(DATA / "doccano.jsonl", "doccano", strict=True)


# --- Prodigy --------------------------------------------------------------------------


def test_prodigy_example() -> None:
    report = import_labels(DATA / "prodigy.jsonl", "prodigy")
    assert [r["id"] for r in report.records] == ["p-1", "p-2", "p-4"]
    # p-4 has no sentence label but a CONTENT span, so it is a claim.
    assert [r["label"] for r in report.records] == ["claim", "quote", "claim"]
    first = report.records[0]
    assert spans_of(first, "CONTENT") == [(12, 53)]
    assert groups(first) == {
        0: {("SOURCE", "Police"), ("CUE", "said"), ("CONTENT", "the suspect was arrested near the harbour")}
    }
    assert spans_of(report.records[1], "SOURCE") == [(34, 52)]


def test_prodigy_rejects_are_skipped() -> None:
    report = import_labels(DATA / "prodigy.jsonl", "prodigy", strict=True)
    assert report.skipped == ["prodigy.jsonl:3: rejected in Prodigy (answer 'reject')"]


def test_prodigy_ignore_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"text": "Skip me.", "answer": "ignore"}) + "\n", encoding="utf-8")
    report = import_labels(path, "prodigy")
    assert report.records == []
    assert "rejected in Prodigy" in report.skipped[0]


# --- brat -----------------------------------------------------------------------------


def check_brat_records(records: list[dict]) -> None:
    assert [r["id"] for r in records] == ["example:0", "example:1", "example:2"]
    assert [r["label"] for r in records] == ["context", "quote", "claim"]
    assert all(r["document"] == "example" for r in records)
    quote = records[1]
    assert (quote["start"], quote["end"]) == (59, 134)
    # T3 "Content 59 91;108 134": two fragments around the source and cue.
    assert spans_of(quote, "CONTENT") == [(0, 32), (49, 75)]
    assert quote["text"][49:75] == '"and tolls will not rise."'
    assert spans_of(quote, "SOURCE") == [(33, 42)]
    assert len({s["attribution"] for s in quote["spans"]}) == 1
    claim = records[2]
    # Content and Content2 of E2 are both CONTENT of the same attribution.
    assert spans_of(claim, "CONTENT") == [(30, 50), (60, 97)]
    assert [claim["text"][a:b] for a, b in spans_of(claim, "CONTENT")] == [
        "the plan was overdue",
        "repairs would cost less than expected",
    ]
    assert len({s["attribution"] for s in claim["spans"]}) == 1


def test_brat_single_ann_file() -> None:
    report = import_labels(BRAT / "example_ab12.ann", "brat", strict=True)
    assert report.skipped == []
    check_brat_records(report.records)


def test_brat_folder_of_pairs() -> None:
    check_brat_records(import_labels(BRAT, "brat", strict=True).records)


def test_brat_polnear_split(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    shutil.copy(BRAT / "example.txt", tmp_path / "text" / "example.txt")
    shutil.copy(BRAT / "example_ab12.ann", tmp_path / "attributions" / "example_ab12.ann")
    check_brat_records(import_labels(tmp_path, "brat", strict=True).records)


def test_brat_ann_without_text_raises(tmp_path: Path) -> None:
    shutil.copy(BRAT / "example_ab12.ann", tmp_path / "lonely_ab12.ann")
    with pytest.raises(InputError, match="no text file"):
        import_labels(tmp_path / "lonely_ab12.ann", "brat")


# --- known labels, formats, schema ----------------------------------------------------


def test_unknown_label_with_known_labels() -> None:
    known = {"claim", "quote", "context"}
    report = import_labels(DATA / "labelstudio_export.json", "labelstudio", known_labels=known)
    assert [r["id"] for r in report.records] == ["101", "103"]
    reason = "labelstudio_export.json: task 102: label: unknown label 'statistic'"
    assert any(s.startswith(reason) for s in report.skipped)
    with pytest.raises(InputError, match=r"doccano\.jsonl:1 \(id 1\): label: unknown label 'statistic'"):
        import_labels(DATA / "doccano.jsonl", "doccano", strict=True, known_labels=known)


@pytest.mark.parametrize(
    ("path", "fmt", "message"),
    [
        (DATA / "doccano.jsonl", "labelstudio", "not a Label Studio JSON export"),
        (DATA / "labelstudio_export.json", "doccano", "not a doccano JSONL export"),
        (DATA / "labelstudio_export.json", "prodigy", "not a Prodigy JSONL file"),
        (BRAT / "example.txt", "brat", "not a brat annotation"),
        (BRAT / "example.txt", "canonical", "not a canonical labels JSONL file"),
    ],
)
def test_wrong_format_raises(path: Path, fmt: str, message: str) -> None:
    with pytest.raises(InputError) as error:
        import_labels(path, fmt)
    assert message in str(error.value)
    assert path.name in str(error.value)


def test_labelstudio_object_instead_of_list_raises(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"data": {"text": "One task."}}), encoding="utf-8")
    with pytest.raises(InputError, match=r"tasks\.json: not a Label Studio JSON export \(expected a list of tasks\)"):
        import_labels(path, "labelstudio")


def test_doccano_lines_without_text_raise(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": 1, "sentence": "No text key."}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.jsonl: not a doccano JSONL export"):
        import_labels(path, "doccano")


def test_unknown_format_and_missing_file_raise(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown label format 'inception'"):
        import_labels(DATA / "doccano.jsonl", "inception")
    with pytest.raises(InputError, match="no such file"):
        import_labels(tmp_path / "missing.jsonl", "doccano")


@pytest.mark.parametrize(("path", "fmt"), EXAMPLES, ids=[f"{fmt}-{path.name}" for path, fmt in EXAMPLES])
def test_records_validate_against_schema(path: Path, fmt: str) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    records = import_labels(path, fmt).records
    assert records
    for record in records:
        validator.validate(record)


# --- validation and canonical files ---------------------------------------------------


def test_validate_overlapping_spans() -> None:
    record = {
        "text": "The minister said the deal was signed.",
        "spans": [{"start": 0, "end": 12, "label": "SOURCE"}, {"start": 4, "end": 17, "label": "CUE"}],
    }
    with pytest.raises(InputError, match=r"x: spans: spans 'SOURCE' 0-12 and 'CUE' 4-17 overlap"):
        validate_record(record, "x")


def test_validate_normalises_labels_and_defaults() -> None:
    text = "Aid groups said food ran out. Roads stayed shut."
    record = validate_record(
        {
            "text": text,
            "spans": [{"start": 16, "end": 28, "label": "content2"}, {"start": 0, "end": 10, "label": "Source"}],
        }
    )
    assert record["label"] == "claim"
    assert record["spans"] == [{"start": 0, "end": 10, "label": "SOURCE"}, {"start": 16, "end": 28, "label": "CONTENT"}]
    assert (record["start"], record["end"]) == (0, len(text))
    assert validate_record({"text": "Nothing attributed.", "label": " Context "})["label"] == "context"
    assert validate_record({"text": "Nothing attributed."})["label"] == "context"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "Fine.", "spans": [{"start": True, "end": 3, "label": "CUE"}]}, "spans[0]"),
        ({"text": "Fine.", "spans": [{"start": 3, "end": 3, "label": "CUE"}]}, "spans[0]"),
        ({"text": "Fine.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}]}, "spans[0].label"),
        (
            {"text": "Fine.", "spans": [{"start": 0, "end": 3, "label": "CUE", "attribution": "a"}]},
            "spans[0].attribution",
        ),
        ({"text": "Fine.", "label": 3}, "label"),
        ({"text": "Fine.", "start": 10, "end": 12}, "end"),
    ],
)
def test_validate_names_the_field(record: dict, field: str) -> None:
    with pytest.raises(InputError, match=rf"^rec 9: {re.escape(field)}: "):
        validate_record(record, "rec 9")


def test_canonical_round_trip(tmp_path: Path) -> None:
    records = import_labels(BRAT, "brat").records
    records += import_labels(DATA / "labelstudio_export.json", "labelstudio").records
    path = tmp_path / "out" / "labels.jsonl"
    write_jsonl(records, path)
    assert read_canonical(path) == records
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(records)
    assert "\u201c" in path.read_text(encoding="utf-8")  # non-ASCII stays readable


def test_canonical_line_separator_inside_text(tmp_path: Path) -> None:
    record = validate_record({"id": "s", "text": "First part\u2028second part.", "label": "context"})
    path = tmp_path / "labels.jsonl"
    write_jsonl([record], path)
    assert read_canonical(path) == [record]


def test_canonical_invalid_record(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    good = {"id": "a", "text": "The mayor spoke.", "label": "context", "spans": []}
    bad = {"id": "b", "text": "Short.", "label": "claim", "spans": [{"start": 2, "end": 40, "label": "CONTENT"}]}
    write_jsonl([good, bad], path)
    report = import_labels(path, "canonical")
    assert [r["id"] for r in report.records] == ["a"]
    assert report.skipped == ["labels.jsonl:2 (id b): spans[0]: span 'CONTENT' 2-40 lies outside the text (length 6)"]
    with pytest.raises(InputError, match=r"labels\.jsonl:2 \(id b\): spans\[0\]"):
        read_canonical(path)


def test_write_jsonl_to_a_folder_is_an_output_error(tmp_path: Path) -> None:
    from attribution.errors import OutputError

    with pytest.raises(OutputError, match=f"^cannot write {re.escape(str(tmp_path))}: Is a directory$"):
        write_jsonl([{"id": "a"}], tmp_path)


def test_import_labels_to_writes_valid_records_or_nothing(tmp_path: Path) -> None:
    """Review B1: `data import` is one library call; an import with no valid record writes nothing."""
    from training.importers import import_labels_to

    told: list[str] = []
    output = tmp_path / "labels.jsonl"
    report = import_labels_to(DATA / "labelstudio_export.json", "labelstudio", output, on_skipped=told.append)
    assert len(report.records) == 3 and told == report.skipped and len(told) == 1
    assert [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()] == report.records
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "", "spans": []}\n', encoding="utf-8")
    told.clear()
    with pytest.raises(InputError, match=re.escape(f"{bad}: no valid records (1 skipped); {tmp_path / 'out.jsonl'} not written")):
        import_labels_to(bad, "canonical", tmp_path / "out.jsonl", on_skipped=told.append)
    assert len(told) == 1 and not (tmp_path / "out.jsonl").exists()
