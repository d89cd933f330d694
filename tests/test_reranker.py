"""The fact-check re-ranker: a tiny cross-encoder trained from a config (no download, seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session

from attribution.db.engine import make_engine
from attribution.errors import ConfigError, ModelError
from attribution.factchecks import encoder as encoder_module
from attribution.factchecks import reranker as reranker_module
from attribution.factchecks.reranker import Reranker, RerankSettings
from attribution.factchecks.retriever import Match, MatchSettings, Retriever, rerank
from attribution.factchecks.store import import_file
from tests.test_factchecks import DATA, WordsEncoder

SETTINGS = MatchSettings(dense_weight=1.0, lexical_weight=0.3, checked_threshold=0.6)
CYCLING = "The mayor banned cycling on all city streets. No cycling ban was passed"
JOBS = "Unemployment in the region fell to its lowest level in twenty years. Regional unemployment is at a twenty-year low"
EXAMPLES = [
    ("Can you believe the mayor just banned bikes from every street?", CYCLING, [JOBS, "Lions escaped from the city zoo."]),
    ("Jobless rate here is the lowest since the early 2000s, officials say", JOBS, [CYCLING, "Lions escaped from the city zoo."]),
    ("zoo lions are loose in the park!!", "Lions escaped from the city zoo.", [CYCLING, JOBS]),
]


@pytest.fixture(scope="module")
def tiny_reranker_dir(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    from training.factcheck_reranker import train

    output = tmp_path_factory.mktemp("tiny-reranker")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: on shared cores a second thread only spins (10x slower measured)
    try:
        train(EXAMPLES, output, base_model=str(tiny_base), epochs=40, batch_size=3, group=3, lr=1e-2, rank=4, max_length=48, progress=False)
    finally:
        torch.set_num_threads(threads)
    (output / "settings.json").write_text(json.dumps({"candidates": 2, "weight": 1000.0}) + "\n")
    return output


def test_rerank_reorders_the_head_and_keeps_the_rest_below() -> None:
    fused = [Match(1, 3.0, 0.9, 5.0), Match(2, 2.0, 0.8, None), Match(3, 1.0, 0.7, 1.0), Match(4, 0.5, 0.6, None)]
    out = rerank(fused, np.array([-1.0, 2.0], dtype=np.float32), weight=1.0)
    assert [m.fact_check_id for m in out] == [2, 1, 3, 4]
    assert [m.score for m in out] == [4.0, 2.0, 0.0, -0.5]  # the two not read get the lowest logit read (-1)
    assert [m.rerank for m in out] == [2.0, -1.0, None, None]
    assert rerank(fused, np.zeros(0, dtype=np.float32), 1.0) == fused


def test_rerank_settings_reject_bad_values_and_default_to_off_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="candidates must be at least 1"):
        RerankSettings(candidates=0)
    with pytest.raises(ConfigError, match="weight must be >= 0"):
        RerankSettings(weight=-1.0)
    assert RerankSettings.load(tmp_path).enabled is False
    with pytest.raises(ModelError, match="no re-ranker in"):
        Reranker(tmp_path)


def test_tiny_reranker_learns_its_pairs_and_round_trips(tiny_base: Path, tiny_reranker_dir: Path) -> None:
    reranker = Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="torch")
    assert reranker.settings == RerankSettings(candidates=2, weight=1000.0)
    for query, right, wrong in EXAMPLES:
        scores = reranker.score(query, [right, *wrong])
        assert scores.shape == (3,) and int(np.argmax(scores)) == 0, (query, scores)
    again = Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="torch")
    assert np.allclose(again.score(EXAMPLES[0][0], [CYCLING]), reranker.score(EXAMPLES[0][0], [CYCLING]))
    assert reranker.version.startswith("minilm-l6-cross+") and reranker.score("anything", []).shape == (0,)
    with pytest.raises(ConfigError, match="backend must be onnx or torch"):
        Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="tf")


def test_onnx_int8_export_scores_like_the_torch_model(tiny_base: Path, tiny_reranker_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    exact = Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="torch")
    fast = Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="onnx")
    for query, right, wrong in EXAMPLES:
        a, b = exact.score(query, [right, *wrong]), fast.score(query, [right, *wrong])
        assert int(np.argmax(b)) == 0 and np.allclose(a, b, atol=0.1 * float(np.ptp(a)) + 1e-3), (a, b)
    assert len(list((tmp_path / "cache").glob("reranker-*.int8.onnx"))) == 1  # exported once, then reused
    again = Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="onnx")
    assert np.array_equal(again.score(EXAMPLES[0][0], [CYCLING, JOBS]), fast.score(EXAMPLES[0][0], [CYCLING, JOBS]))


def test_retriever_reranks_its_first_candidates(tiny_base: Path, tiny_reranker_dir: Path, tmp_path: Path) -> None:
    reranker = Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="torch")
    with Session(make_engine(tmp_path / "fc.db")) as session:
        import_file(session, DATA / "plain.jsonl")
        import_file(session, DATA / "plain.tsv")
        query = EXAMPLES[1][0]
        plain = Retriever(session, WordsEncoder(), SETTINGS, rerank=False)
        reranked = Retriever(session, WordsEncoder(), SETTINGS, reranker=reranker)
        (before,) = plain.match([query], top=4)
        (after,) = reranked.match([query], top=4)
    assert all(m.rerank is None for m in before)
    assert [m.rerank is not None for m in after] == [True, True, False, False]  # candidates = 2
    assert {m.fact_check_id for m in after[:2]} == {m.fact_check_id for m in before[:2]}  # only the first two are re-read
    assert [m.fact_check_id for m in after[2:]] == [m.fact_check_id for m in before[2:]]
    scores = [m.score for m in after]
    assert scores == sorted(scores, reverse=True)
    logits = [m.rerank for m in after[:2]]
    assert logits == sorted(logits, reverse=True)  # weight 1000: the re-ranker's order decides
    # "checked" is measured on the list as shown: the re-ranked one has its own threshold
    assert (plain.checked_threshold, reranked.checked_threshold) == (0.6, 0.6)
    both = MatchSettings(checked_threshold=0.7, reranked_threshold=0.55)
    reranked.settings, plain.settings = both, both
    assert (plain.checked_threshold, reranked.checked_threshold) == (0.7, 0.55)
    with pytest.raises(ConfigError, match="reranked_threshold is a cosine"):
        MatchSettings(reranked_threshold=1.5)


def test_default_reranker_is_the_shipped_one_or_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    reranker_module.set_reranker(None)
    try:
        with Session(make_engine(tmp_path / "fc.db")) as session:
            import_file(session, DATA / "plain.jsonl")
            encoder_module.set_encoder(WordsEncoder())
            assert Retriever(session, settings=SETTINGS).reranker is None
    finally:
        encoder_module.set_encoder(None)
        reranker_module.reset_reranker()
    monkeypatch.setattr(reranker_module, "RERANKER_DIR", tmp_path / "none")
    monkeypatch.setattr(reranker_module, "rerank_available", lambda folder=None: False)
    assert reranker_module.get_reranker() is None
    reranker_module.reset_reranker()


def test_match_cli_reranks_unless_told_not_to(tiny_base: Path, tiny_reranker_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from attribution.cli import app

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    encoder_module.set_encoder(WordsEncoder())
    reranker_module.set_reranker(Reranker(tiny_reranker_dir, base_model=str(tiny_base), backend="torch"))
    try:
        assert runner.invoke(app, ["fact-checks", "import", str(DATA / "plain.jsonl"), "--db", db]).exit_code == 1  # one bad record
        runs = {}
        for flag in ("--rerank", "--no-rerank"):
            result = runner.invoke(app, ["fact-checks", "match", EXAMPLES[1][0], "--top", "2", "--format", "jsonl", flag, "--db", db])
            assert result.exit_code == 0, result.stderr
            runs[flag] = json.loads(result.stdout)
    finally:
        encoder_module.set_encoder(None)
        reranker_module.reset_reranker()
    for record in runs.values():
        assert set(record) == {"id", "matches"} and all(set(m) == {"fact_check", "score", "similarity", "checked"} for m in record["matches"])
    reranked, fused = runs["--rerank"]["matches"], runs["--no-rerank"]["matches"]
    assert {m["fact_check"] for m in reranked} == {m["fact_check"] for m in fused}  # two candidates: the same two, re-read
    assert [m["score"] for m in reranked] != [m["score"] for m in fused]


def test_all_train_keeps_the_settings_chosen_on_the_held_out_split() -> None:
    from training.factcheck_reranker import kept_settings

    chosen = {"candidates": 5, "weight": 0.5, "enabled": True, "grid": [{"candidates": 5}], "fitted_on": "160 held-out CheckThat! 2020 train queries"}
    kept = kept_settings(chosen, 800)
    assert {k: kept[k] for k in ("candidates", "weight", "enabled", "grid")} == {k: chosen[k] for k in ("candidates", "weight", "enabled", "grid")}
    assert kept["fitted_on"].startswith("160 held-out") and kept["fitted_on"].endswith("trained on all 800")
    assert RerankSettings(**{k: kept[k] for k in ("candidates", "weight", "enabled")}) == RerankSettings(candidates=5, weight=0.5)
    with pytest.raises(ConfigError, match="weight must be >= 0"):
        kept_settings({"candidates": 5, "weight": -1.0}, 800)
