"""The PolNeAR (brat standoff) reader: discontinuous spans, Content2, sentence labels and tags."""

from pathlib import Path

from tests.conftest import POLNEAR, needs_polnear
from training.data import brat_attributions, label_sentences, read_polnear

TEXT = 'Budget talks stalled.\n"We will not sign this," the senator said, "not today." Aides agreed the vote was off.\n'


def _write(tmp_path: Path) -> Path:
    quote_a = TEXT.index('"We')
    quote_a_end = TEXT.index(',"') + 2
    quote_b = TEXT.index('"not')
    quote_b_end = TEXT.index('today."') + len('today."')
    source = TEXT.index("the senator")
    cue = TEXT.index("said")
    aides = TEXT.index("Aides")
    agreed = TEXT.index("agreed")
    claim = TEXT.index("the vote")
    ann = tmp_path / "doc_ab12.ann"
    ann.write_text(
        f"T1\tSource {source} {source + 11}\tthe senator\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {quote_a} {quote_a_end};{quote_b} {quote_b_end}\t...\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        f"E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
        f"T5\tSource {aides} {aides + 5}\tAides\n"
        f"T6\tCue {agreed} {agreed + 6}\tagreed\n"
        f"T7\tContent {claim} {claim + 8}\tthe vote\n"
        f"T8\tContent {claim + 9} {claim + 16}\twas off\n"
        f"T9\tAttribution {agreed} {agreed + 6}\tagreed\n"
        f"E2\tAttribution:T9 Source:T5 Cue:T6 Content:T7 Content2:T8\n"
        f"#1\tAnnotatorNotes T1\tignored\n"
    )
    return ann


def test_discontinuous_span_and_content2(tmp_path: Path) -> None:
    attributions = brat_attributions(TEXT, _write(tmp_path))
    assert len(attributions) == 2
    quote, claim = attributions
    assert len(quote.content) == 2 and quote.is_direct_quote
    assert len(claim.content) == 2 and not claim.is_direct_quote
    records = list(label_sentences("doc", TEXT, attributions))
    assert [r["label"] for r in records] == ["context", "quote", "claim"]
    quoted = records[1]
    spans = [(quoted["text"][s["start"] : s["end"]], s["label"]) for s in quoted["spans"]]
    assert spans == [('"We will not sign this,"', "CONTENT"), ("the senator", "SOURCE"), ("said", "CUE"), ('"not today."', "CONTENT")]
    aides = records[2]
    assert [(aides["text"][s["start"] : s["end"]], s["label"]) for s in aides["spans"]] == [
        ("Aides", "SOURCE"), ("agreed", "CUE"), ("the vote", "CONTENT"), ("was off", "CONTENT")]


@needs_polnear
def test_polnear_dev_reads_with_labels_close_to_the_readme() -> None:
    records = read_polnear(POLNEAR / "dev")
    labels = [r["label"] for r in records]
    assert len(records) > 3000
    assert labels.count("claim") > labels.count("quote") > 500
    for record in records[:300]:
        for s in record["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(record["text"])
