"""Fact-checks: every import format round-trips a hand-made fixture; matching, `checked`, ClaimReview export."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from attribution.db.engine import make_engine
from attribution.db.models import FactCheck, FactChecker, FactCheckMatch
from attribution.errors import ConfigError, InputError
from attribution.export import claimreview_document, export_rows
from attribution.factchecks import encoder as encoder_module
from attribution.factchecks import reranker as reranker_module
from attribution.factchecks.checked import checked_rows, update_matches
from attribution.factchecks.formats import (
    FactCheckFormat,
    RecordFailure,
    read_fact_checks,
)
from attribution.factchecks.index import VectorIndex
from attribution.factchecks.retriever import MatchSettings, Retriever, fts_query, fuse
from attribution.factchecks.store import import_file
from attribution.ingest import article_from_text
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.store import save_result

DATA = Path(__file__).parent / "data" / "factchecks"
SETTINGS = MatchSettings(dense_weight=1.0, lexical_weight=0.3, checked_threshold=0.6)


class WordsEncoder:
    """Deterministic stand-in for MiniLM: hashed bag of lower-cased words, unit length."""

    version = "words-1"
    dimension = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                if len(word) > 3:
                    out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture()
def words_encoder():  # type: ignore[no-untyped-def]
    encoder = WordsEncoder()
    encoder_module.set_encoder(encoder)
    reranker_module.set_reranker(None)  # the fused order, as these tests work it out (tests/test_reranker.py re-ranks)
    yield encoder
    encoder_module.set_encoder(None)
    reranker_module.reset_reranker()


@pytest.fixture()
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Session(make_engine(tmp_path / "fc.db")) as session:
        yield session


def records(name: str, fmt: FactCheckFormat = FactCheckFormat.auto) -> tuple[list, list[RecordFailure]]:
    items = list(read_fact_checks(DATA / name, fmt))
    return [i for i in items if not isinstance(i, RecordFailure)], [i for i in items if isinstance(i, RecordFailure)]


def test_claimreview_single_object_keeps_every_field() -> None:
    (record,), failures = records("claimreview.json")
    assert failures == []
    assert record.published_id == "https://checks.example.org/reviews/bridge-cost#review"
    assert record.claim == "The Riverside bridge repairs cost ten times what the council estimated."
    assert (record.rating, record.author, record.author_url) == ("Mostly false", "Example Checks", "https://checks.example.org")
    assert (record.claimant, record.claim_date, record.review_date, record.language) == ("Tom Hale", "2024-02-27", "2024-03-02", "en")
    assert record.url == "https://checks.example.org/reviews/bridge-cost"
    assert record.title.startswith("No, the Riverside bridge")


def test_claimreview_list_graph_and_datacommons_feed() -> None:
    good, bad = records("claimreview_list.json")
    assert [r.published_id for r in good] == ["https://verify.example.net/2024/hot-water-flu", "https://verify.example.net/2024/school-lunch-prices"]
    assert [r.rating for r in good] == ["False", "3/5"]  # a numeric rating without a name keeps its scale
    assert [f.line() for f in bad] == [f"{DATA / 'claimreview_list.json'}:3: no @id or url to identify the review"]
    (graph,), bad = records("claimreview_graph.jsonld")
    assert bad == [] and graph.rating == "Misleading" and graph.author == "Fact Desk"  # the WebPage node is skipped
    good, bad = records("datacommons_feed.json")
    assert [(r.claim, r.claimant, r.rating) for r in good] == [("The new solar farm will create five thousand local jobs.", "Dana Cole", "Exaggerated")]
    assert [f.line() for f in bad] == [f"{DATA / 'datacommons_feed.json'}:2: no claimReviewed text"]


def test_google_api_response_one_record_per_review() -> None:
    good, bad = records("google_factcheck_api.json")
    assert [(r.published_id, r.author, r.rating) for r in good] == [
        ("https://civiccheck.example.org/2024/06/tap-water-lead", "Civic Check", "False"),
        ("https://verify.example.net/2024/tap-water", "Verify Example", "Mostly false"),
    ]
    assert {r.claim for r in good} == {"Tap water in the city contains dangerous levels of lead."}
    assert good[0].author_url == "https://civiccheck.example.org" and good[0].claimant == "Viral post"
    assert [f.line() for f in bad] == [f"{DATA / 'google_factcheck_api.json'}:claims[1]: claim has no claimReview"]


def test_plain_jsonl_and_tsv() -> None:
    good, bad = records("plain.jsonl")
    assert [(r.published_id, r.rating, r.author, r.review_date) for r in good] == [
        ("ex-101", "False", "Plain Checks", "2024-07-01"), ("ex-102", "True", "Plain Checks", "2024-07-03")
    ]
    assert [f.where.rsplit(":", 1)[1] for f in bad] == ["3", "4"]
    assert "no claim text" in bad[0].reason and "not valid JSON" in bad[1].reason
    good, bad = records("plain.tsv")
    assert [r.claim for r in good] == ["The city zoo released all its lions into the park.", 'A "quoted" claim: the library will close on Sundays.']
    assert [f.line() for f in bad] == [f"{DATA / 'plain.tsv'}:4: 3 columns, the header has 7"]


def test_tsv_reads_the_checkthat_layout(tmp_path: Path) -> None:
    path = tmp_path / "verified.tsv"
    path.write_text('\tvclaim\ttitle\n0\tA made-up claim about a parade.\tParade claim\n1\t"Line one\nline two of a quoted claim."\tTwo lines\n', encoding="utf-8")
    good, bad = [], []
    for item in read_fact_checks(path):
        (bad if isinstance(item, RecordFailure) else good).append(item)
    assert bad == [] and [(r.published_id, r.title) for r in good] == [("0", "Parade claim"), ("1", "Two lines")]


@pytest.mark.parametrize("content, message", [("{not json", "not valid JSON"), ('{"@type": "Thing"}', "no ClaimReview object"), ("", "not valid JSON")])
def test_unreadable_file_is_an_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(read_fact_checks(path))


def test_import_every_fixture_twice_changes_nothing(session: Session) -> None:
    names = sorted(p.name for p in DATA.iterdir())
    first = [import_file(session, DATA / name) for name in names]
    assert sum(r.added for r in first) == 11 and sum(len(r.failures) for r in first) == 6
    snapshot = [(f.published_id, f.claim, f.rating, f.url, f.fact_checker_id) for f in session.exec(select(FactCheck).order_by(FactCheck.id)).all()]
    again = [import_file(session, DATA / name) for name in names]
    assert (sum(r.added for r in again), sum(r.updated for r in again), sum(r.unchanged for r in again)) == (0, 0, 11)
    assert [(f.published_id, f.claim, f.rating, f.url, f.fact_checker_id) for f in session.exec(select(FactCheck).order_by(FactCheck.id)).all()] == snapshot
    checkers = {c.name: c.url for c in session.exec(select(FactChecker)).all()}
    assert checkers["Verify Example"] == "https://verify.example.net"  # filled in from the API's publisher site
    assert len(checkers) == 7


def test_changed_review_is_updated_not_duplicated(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "x1", "claim": "The bakery closed.", "rating": "False"}) + "\n", encoding="utf-8")
    import_file(session, path)
    path.write_text(json.dumps({"id": "x1", "claim": "The bakery closed.", "rating": "True"}) + "\n", encoding="utf-8")
    report = import_file(session, path)
    assert (report.added, report.updated, report.new_ids) == (0, 1, [])  # same text: the embedding stays
    assert [f.rating for f in session.exec(select(FactCheck)).all()] == ["True"]


def test_fts_query_drops_stopwords_and_quotes_terms() -> None:
    assert fts_query('Did "the" mayor ban CYCLING? https://t.co/x AND/OR') == '"mayor" OR "ban" OR "cycling"'
    assert fts_query("the of and") is None
    # With document frequencies: absent words go, then the commonest beyond the row budget; the rarest stays.
    frequency = {"mayor": 40, "ban": 3000, "cycling": 7}
    assert fts_query("mayor ban cycling zebra", frequency, budget=100) == '"mayor" OR "cycling"'
    assert fts_query("ban", frequency, budget=100) == '"ban"'
    assert fts_query("zebra", frequency) is None


def test_fuse_z_scores_and_fills_lexical_only_cosines() -> None:
    dense = (np.array([1, 2, 3]), np.array([0.9, 0.5, 0.4], dtype=np.float32))
    lexical = (np.array([3, 4]), np.array([10.0, 2.0], dtype=np.float32))
    asked: list[list[int]] = []

    def cosines(ids: list[int]) -> list[float]:
        asked.append(ids)
        return [0.45 for _ in ids]

    matches = fuse(dense, lexical, cosines, MatchSettings(dense_weight=1.0, lexical_weight=2.0))
    assert asked == [[4]]
    assert [m.fact_check_id for m in matches][:2] == [3, 1]  # strong BM25 lifts 3 over the better cosine of 1
    assert {m.fact_check_id: m.bm25 for m in matches}[2] is None
    only_dense = fuse(dense, lexical, cosines, MatchSettings(dense_weight=1.0, lexical_weight=0.0))
    assert only_dense[0].fact_check_id == 1


def test_settings_reject_bad_values() -> None:
    with pytest.raises(ConfigError, match="fusion weights"):
        MatchSettings(dense_weight=0.0, lexical_weight=0.0)
    with pytest.raises(ConfigError, match="cosine"):
        MatchSettings(checked_threshold=2.0)


def test_match_ranks_the_review_first_and_index_updates_incrementally(session: Session, words_encoder: WordsEncoder, tmp_path: Path) -> None:
    import_file(session, DATA / "plain.jsonl")
    retriever = Retriever(session, settings=SETTINGS)
    assert retriever.index.size == 2
    (matches,) = retriever.match(["Is it true the mayor banned cycling on city streets?"], top=2)
    assert retriever.published_ids([matches[0].fact_check_id]) == {matches[0].fact_check_id: "ex-101"}
    assert matches[0].similarity > matches[1].similarity and matches[0].bm25 is not None
    saved = tmp_path / "fc.db.fact-checks.faiss"
    assert saved.is_file()
    import_file(session, DATA / "plain.tsv")
    again = Retriever(session, settings=SETTINGS)  # loads the saved index and adds the two new reviews
    assert again.index.size == 4
    (matches,) = again.match(["zoo lions released into the park"], top=1)
    assert again.published_ids([matches[0].fact_check_id])[matches[0].fact_check_id] == "ts-1"


def test_inverted_file_index_adds_replaces_saves_and_loads(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(400, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex.build(np.arange(1, 401), vectors, "v", ivf_min=100, nprobe=20)
    assert type(index.index).__name__ == "IndexIVFFlat"
    ids, scores = index.search(vectors[[7]], 3)
    assert ids[0, 0] == 8 and scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    index.add(np.array([8]), vectors[[9]])  # id 8 now carries another vector
    assert index.size == 400 and index.search(vectors[[9]], 2)[0][0].tolist() in ([10, 8], [8, 10])
    index.save(tmp_path / "i.faiss")
    loaded = VectorIndex.load(tmp_path / "i.faiss")
    assert loaded is not None and loaded.size == 400 and loaded.encoder == "v"
    assert VectorIndex.load(tmp_path / "missing.faiss") is None


def article(text: str, content: str, source: str) -> ArticleResult:
    item = article_from_text(text, f"doc-{hashlib.md5(text.encode()).hexdigest()[:6]}", title="Council news", url="https://news.example.com/a")
    start = text.index(content)
    mention = text.index(source)
    attribution = Attribution(
        source=TextSpan(mention, mention + len(source), source), cue=None, content=TextSpan(start, start + len(content), content),
        confidence=0.9, entity=source, entity_type="person", resolution="named",
    )
    return ArticleResult(item, [SentenceResult(0, 0, len(text), text, "claim", 0.9, [attribution])], "v1")


def test_checked_lists_matching_statements_incrementally_and_export_writes_claimreview(session: Session, words_encoder: WordsEncoder) -> None:
    for name in ("plain.jsonl", "claimreview.json"):
        import_file(session, DATA / name)
    save_result(session, article("Councillor Jo Park said the mayor banned cycling on all the city streets.", "the mayor banned cycling on all the city streets", "Jo Park"))
    save_result(session, article("Jo Park said the weather was lovely for the summer fair this year.", "the weather was lovely for the summer fair this year", "Jo Park"))
    assert update_matches(session, settings=SETTINGS) == 1
    (row,) = checked_rows(session)
    assert (row.fact_check, row.rating, row.review_url, row.fact_checker, row.source) == ("ex-101", "False", "https://plain.example.org/101", "Plain Checks", "Jo Park")
    assert update_matches(session, settings=SETTINGS) == 0  # nothing new: nothing matched again
    # A review imported later is matched against the statements already stored.
    import_file(session, DATA / "plain.tsv")
    save_result(session, article("Mo Reyes said the city zoo released all of its lions into the park.", "the city zoo released all of its lions into the park", "Mo Reyes"))
    assert update_matches(session, settings=SETTINGS) == 1
    assert [r.fact_check for r in checked_rows(session, source="Reyes")] == ["ts-1"]
    assert len(session.exec(select(FactCheckMatch)).all()) == 2

    documents = claimreview_document(export_rows(session))
    reviews = [d for d in documents if d["@type"] == "ClaimReview"]
    claims = [d for d in documents if d["@type"] == "Claim"]
    assert len(reviews) == 2 and len(claims) == 1
    review = next(r for r in reviews if r["identifier"] == "ex-101")
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "False"}
    assert review["url"] == "https://plain.example.org/101" and review["author"]["name"] == "Plain Checks"
    assert review["itemReviewed"]["@type"] == "Claim" and review["itemReviewed"]["author"]["name"] == "Jo Park"
    assert claims[0]["text"] == "the weather was lovely for the summer fair this year"


def test_cli_import_match_and_checked(tmp_path: Path, words_encoder: WordsEncoder) -> None:
    from attribution.cli import app

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["fact-checks", "import", str(DATA / "plain.tsv"), str(DATA / "claimreview.json"), "--db", db])
    assert result.exit_code == 1  # one bad TSV row; the rest loaded
    assert f"Error: {DATA / 'plain.tsv'}:4: 3 columns, the header has 7" in result.stderr
    assert "2 fact-checks added" in result.stderr and "1 fact-checks added" in result.stderr
    again = runner.invoke(app, ["fact-checks", "import", str(DATA / "claimreview.json"), "--db", db])
    assert again.exit_code == 0 and "0 fact-checks added, 0 updated, 1 unchanged, 0 failed" in again.stderr

    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "text": "Did the zoo let its lions loose in the park?"}\n{"id": "b"}\n{"id": 7, "text": "bridge repairs cost ten times the estimate"}\n')
    result = runner.invoke(app, ["fact-checks", "match", "--queries", str(queries), "--top", "2", "--format", "jsonl", "--db", db])
    assert result.exit_code == 1 and f"Error: {queries}:2: needs an \"id\" and a non-empty \"text\"" in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "7"]
    assert lines[0]["matches"][0]["fact_check"] == "ts-1" and len(lines[0]["matches"]) == 2
    assert lines[1]["matches"][0]["fact_check"] == "https://checks.example.org/reviews/bridge-cost#review"
    assert lines[0]["matches"][0]["score"] >= lines[0]["matches"][1]["score"]

    tsv = tmp_path / "q.tsv"
    tsv.write_text("tweet_id\ttweet_content\n11\tthe library will close on Sundays\n")
    result = runner.invoke(app, ["fact-checks", "match", "--queries", str(tsv), "--format", "jsonl", "--db", db])
    assert result.exit_code == 0 and json.loads(result.stdout)["matches"][0]["fact_check"] == "ts-2"
    single = runner.invoke(app, ["fact-checks", "match", "lions released from the zoo", "--format", "json", "--db", db])
    assert single.exit_code == 0 and json.loads(single.stdout)[0]["matches"][0]["fact_check"] == "ts-1"
    neither = runner.invoke(app, ["fact-checks", "match", "--db", db])
    assert neither.exit_code == 2 and "give a claim TEXT or --queries FILE" in neither.stderr
    missing = runner.invoke(app, ["fact-checks", "import", str(tmp_path / "nope.json"), "--db", db])
    assert missing.exit_code == 1 and "nope.json: no such file" in missing.stderr

    empty = runner.invoke(app, ["checked", "--format", "jsonl", "--db", db])
    assert empty.exit_code == 0 and empty.stdout == ""
    unknown = runner.invoke(app, ["checked", "--source", "Nobody", "--db", db])
    assert unknown.exit_code == 1 and "no source matches 'Nobody'" in unknown.stderr


@pytest.mark.slow
def test_shipped_encoder_finds_a_paraphrase(session: Session) -> None:
    """The real fine-tuned MiniLM: a reworded statement shows up in `checked` with the review's rating and URL."""
    encoder_module.set_encoder(None)
    for name in sorted(p.name for p in DATA.iterdir()):
        import_file(session, DATA / name)
    save_result(session, article("Officials said a glass of hot water each hour will cure flu.", "a glass of hot water each hour will cure flu", "Officials"))
    save_result(session, article("Officials said the museum will open a new wing next spring.", "the museum will open a new wing next spring", "Officials"))
    update_matches(session)
    rows = checked_rows(session)
    assert [(r.fact_check, r.rating, r.review_url) for r in rows] == [("https://verify.example.net/2024/hot-water-flu", "False", "https://verify.example.net/2024/hot-water-flu")]


def test_matching_after_scoring_warns_instead_of_failing(session: Session, words_encoder: WordsEncoder, capsys: pytest.CaptureFixture) -> None:
    from attribution.errors import ModelError
    from attribution.factchecks.checked import match_after_scoring

    match_after_scoring(session)  # no fact-checks: nothing loads, nothing printed
    import_file(session, DATA / "plain.tsv")
    save_result(session, article("Ann Lee said the city zoo released all its lions into the park.", "the city zoo released all its lions into the park", "Ann Lee"))

    class Broken(WordsEncoder):
        version = "broken"

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            raise ModelError("cannot load the fact-check encoder")

    encoder_module.set_encoder(Broken())
    match_after_scoring(session)
    assert "Warning: fact-check matching skipped: cannot load the fact-check encoder" in capsys.readouterr().err
    encoder_module.set_encoder(words_encoder)
    match_after_scoring(session)
    assert [r.fact_check for r in checked_rows(session)] == ["ts-1"]


def test_encoder_onnx_path_gives_the_torch_vectors_and_is_cached(tiny_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few texts (a query) go through the cached float32 ONNX export: the same vectors as PyTorch's."""
    from attribution.factchecks.encoder import MatchEncoder

    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    texts = ["Can you believe the mayor just banned bikes?", "zoo lions are loose in the park!! https://t.co/x", "a"]
    exact = MatchEncoder(base_model=str(tiny_base), adapter=None, backend="torch").encode(texts)
    fast = MatchEncoder(base_model=str(tiny_base), adapter=None)
    onnx_vectors = fast.encode(texts)
    assert fast._session is not None  # three texts: the ONNX path ran
    assert onnx_vectors.shape == exact.shape and np.allclose(onnx_vectors, exact, atol=1e-5)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    assert len(list((tmp_path / "cache").glob("match-encoder-minilm-l6-*.fp32.onnx"))) == 1  # exported once, then reused
    many = fast.encode(texts * 3)  # a batch stays on PyTorch
    assert np.allclose(many[:3], exact, atol=1e-5) and fast.encode([]).shape == (0, exact.shape[1])
    with pytest.raises(ConfigError, match="encoder backend must be onnx or torch"):
        MatchEncoder(backend="tf")


def test_one_query_encodes_in_a_worker_thread_while_bm25_is_read_with_the_same_result(session: Session, words_encoder: WordsEncoder) -> None:
    import threading

    class Recording(WordsEncoder):
        threads: list[str] = []

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            self.threads.append(threading.current_thread().name)
            return super().encode(texts)

    import_file(session, DATA / "plain.jsonl")
    import_file(session, DATA / "plain.tsv")
    encoder = Recording()
    retriever = Retriever(session, encoder, SETTINGS, rerank=False)
    query = "Is it true the mayor banned cycling on city streets?"
    encoder.threads.clear()
    (overlapped,) = retriever.match([query], top=4)
    assert encoder.threads and encoder.threads[-1].startswith("fact-check-encoder")
    (sequential,) = retriever.match_vectors([query], encoder.encode([query]), top=4)
    assert overlapped == sequential and len(overlapped) == 4
    both = retriever.match([query, "zoo lions released into the park"], top=4)  # several queries: one after the other, as before
    assert both[0] == sequential
