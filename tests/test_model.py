"""The model: encoding and BIO decoding, save/load round trip, batch vs one-by-one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from attribution.config import ModelSettings
from attribution.errors import ConfigError, ModelError
from attribution.model import (
    Predictor,
    decode_spans,
    encode,
    load_model,
    load_scoring_tokenizer,
    load_tokenizer,
    model_version,
    tag_names,
    tag_targets,
    viterbi,
)
from tests.conftest import tiny_records

TAGS = tag_names(["SOURCE", "CUE", "CONTENT"])


def test_targets_decode_back_to_the_same_character_spans(tiny_base: Path) -> None:
    tokenizer = load_tokenizer(ModelSettings(base_model=str(tiny_base)))
    record = tiny_records()[0]
    encoded = encode(tokenizer, [record["text"]], 64)
    targets = tag_targets(encoded, 0, record["spans"], TAGS)
    # One-hot log-probabilities from the targets; pieces after a word's first take any tag.
    log_probs = np.full((len(targets), len(TAGS)), -20.0)
    for i, t in enumerate(targets):
        log_probs[i, t if t >= 0 else 0] = 0.0
    spans = decode_spans(record["text"], log_probs, encoded.offsets[0], encoded.word_ids[0], TAGS)
    assert [(s.label, s.start, s.end) for s in spans] == [(s["label"], s["start"], s["end"]) for s in record["spans"]]


def test_viterbi_never_starts_a_span_with_inside() -> None:
    o, b_src, i_src = TAGS.index("O"), TAGS.index("B-SOURCE"), TAGS.index("I-SOURCE")
    scores = np.log(np.full((3, len(TAGS)), 1e-3))
    scores[0, o], scores[1, i_src], scores[2, o] = 0.0, 0.0, 0.0  # argmax would say O I-SOURCE O
    scores[1, b_src] = np.log(0.5)
    path = viterbi(scores, TAGS)
    assert TAGS[path[1]] == "B-SOURCE"


def test_save_load_gives_the_same_predictions(tiny_model_dir: Path) -> None:
    sentences = [r["text"] for r in tiny_records()]
    first = Predictor.from_folder(tiny_model_dir, quantize=False).predict(sentences)
    second = Predictor.from_folder(tiny_model_dir, quantize=False).predict(sentences)
    assert [(p.label, p.confidence, [(s.label, s.start, s.end) for s in p.spans]) for p in first] == [
        (p.label, p.confidence, [(s.label, s.start, s.end) for s in p.spans]) for p in second
    ]


def test_a_batch_predicts_what_one_sentence_at_a_time_predicts(tiny_model_dir: Path) -> None:
    predictor = Predictor.from_folder(tiny_model_dir, quantize=False, batch_size=8)
    sentences = [r["text"] for r in tiny_records()]
    together = predictor.predict(sentences)
    alone = [predictor.predict([s])[0] for s in sentences]
    for a, b in zip(together, alone):
        assert a.label == b.label
        assert a.label_scores == pytest.approx(b.label_scores, abs=1e-3)
        assert [(s.label, s.start, s.end) for s in a.spans] == [(s.label, s.start, s.end) for s in b.spans]


def test_tiny_model_learns_its_training_sentences(tiny_model_dir: Path) -> None:
    records = tiny_records()
    predictions = Predictor.from_folder(tiny_model_dir, quantize=False).predict([r["text"] for r in records])
    correct = sum(p.label == r["label"] for p, r in zip(predictions, records))
    assert correct >= len(records) - 1


def test_label_map_is_read_from_the_model_folder(tiny_model_dir: Path) -> None:
    settings = json.loads((tiny_model_dir / "settings.json").read_text())
    assert settings["sentence_labels"] == ["claim", "quote", "context"]
    assert load_model(tiny_model_dir).settings.sentence_labels == settings["sentence_labels"]
    assert model_version(tiny_model_dir).startswith(tiny_model_dir.name)


def test_model_folder_holds_adapter_heads_and_card_but_no_base(tiny_model_dir: Path) -> None:
    names = {p.name for p in tiny_model_dir.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "heads.safetensors", "settings.json", "README.md"} <= names
    assert "model.safetensors" not in names
    card = (tiny_model_dir / "README.md").read_text()
    assert card.startswith("---\n") and "base_model:" in card and "training_data_hash:" in card


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no settings.json"):
        load_model(tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_length": 4}, "max_length"), ({"sentence_labels": ["claim", "quote"]}, "context"), ({"lora_r": -1}, "lora_r")],
)
def test_bad_settings_say_the_fix(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ModelSettings(**kwargs)


def test_onnx_backend_reuses_the_cached_export_without_building_the_torch_model(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("onnxruntime")
    import attribution.model as model_module
    from attribution.model import tiny_base_model

    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "cache"))
    sentences = [r["text"] for r in tiny_records()]
    first = Predictor.from_folder(tiny_model_dir, backend="onnx")  # exports
    assert list((tmp_path / "cache").iterdir()) == [first._forward.path]

    built: list[str] = []
    load_model = model_module.load_model
    monkeypatch.setattr(model_module, "load_model", lambda folder, base=None: built.append(str(base)) or load_model(folder, base))
    again = Predictor.from_folder(tiny_model_dir, backend="onnx")
    assert built == []  # the torch model is not built when its export is cached
    assert again._forward.path == first._forward.path
    assert again.settings == first.settings
    for a, b in zip(first.predict(sentences), again.predict(sentences), strict=True):
        assert (a.label, a.label_scores, a.spans) == (b.label, b.label_scores, b.spans)
    # The same adapter on another base is another model, with its own export.
    other_base = str(tiny_base_model(tmp_path / "other-base"))
    other = Predictor.from_folder(tiny_model_dir, base_model=other_base, backend="onnx")
    assert built == [other_base]
    assert other._forward.path != first._forward.path and other._forward.path.is_file()


def test_onnx_int8_backend_agrees_with_torch(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path))
    sentences = [r["text"] for r in tiny_records()] + ["A much longer sentence, said the officials on Monday, than any other here."]
    torch_predictions = Predictor.from_folder(tiny_model_dir, quantize=False).predict(sentences)
    onnx_predictor = Predictor.from_folder(tiny_model_dir, quantize=True, backend="onnx")
    assert onnx_predictor._forward.path.parent == tmp_path  # exported once into the cache
    onnx_predictions = onnx_predictor.predict(sentences)
    agree = sum(a.label == b.label for a, b in zip(torch_predictions, onnx_predictions))
    assert agree >= len(sentences) - 1
    for a, b in zip(torch_predictions, onnx_predictions):
        assert a.label_scores == pytest.approx(b.label_scores, abs=0.05)


def test_onnx_runs_batches_at_once_through_single_threaded_sessions(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("onnxruntime")
    import torch

    from attribution.onnx_backend import OnnxForward

    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path))
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        parallel = Predictor.from_folder(tiny_model_dir, batch_size=2, backend="onnx")
        monkeypatch.setattr(OnnxForward, "MAX_SESSIONS", 1)
        sequential = Predictor.from_folder(tiny_model_dir, batch_size=2, backend="onnx")
    finally:
        torch.set_num_threads(threads)
    assert (parallel._forward.parallel, sequential._forward.parallel) == (2, 1)
    sentences = [r["text"] for r in tiny_records()] * 3  # nine batches of two, sorted by length
    # The same batches, so the same predictions, in the caller's order, whichever session ran each.
    for a, b in zip(parallel.predict(sentences), sequential.predict(sentences), strict=True):
        assert (a.label, [(s.label, s.start, s.end) for s in a.spans]) == (b.label, [(s.label, s.start, s.end) for s in b.spans])
        assert a.label_scores == pytest.approx(b.label_scores, abs=1e-3)


def test_batched_viterbi_matches_one_at_a_time() -> None:
    from attribution.model import _allowed_transitions, viterbi_batch

    rng = np.random.default_rng(0)
    allowed = _allowed_transitions(TAGS)
    lengths = np.array([5, 1, 0, 9])
    scores = np.log(rng.dirichlet(np.ones(len(TAGS)), size=(4, 9)))
    batched = viterbi_batch(scores, lengths, TAGS, allowed)
    assert batched == [viterbi(scores[i, : lengths[i]], TAGS) for i in range(4)]


def test_encode_matches_the_transformers_tokenizer_call(tiny_base: Path) -> None:
    """``encode`` calls the Rust tokenizer directly; it must give what the transformers call gives."""
    tokenizer = load_tokenizer(ModelSettings(base_model=str(tiny_base)))
    texts = ["WALLACE: Yes.", "", "Ünïcödé “quoted” — dash, said Mr. Kim Jong-un.", "word " * 200, "a"]
    encoded = encode(tokenizer, texts, 32)
    expected = tokenizer(texts, truncation=True, max_length=32, padding=True, return_offsets_mapping=True, return_tensors="np")
    assert encoded.input_ids.tolist() == expected["input_ids"].tolist()
    assert encoded.attention_mask.tolist() == expected["attention_mask"].tolist()
    assert [list(map(tuple, row)) for row in encoded.offsets] == [[tuple(p) for p in row] for row in expected["offset_mapping"].tolist()]
    assert encoded.word_ids == [expected.word_ids(i) for i in range(len(texts))]
    assert encoded.input_ids.shape[1] == 32  # the long text is truncated, the others padded to it


def test_the_scoring_tokenizer_is_the_transformers_one_without_transformers(tiny_base: Path, tmp_path: Path) -> None:
    """Read straight from tokenizer.json it encodes as the transformers tokenizer does; a base without that
    file gets the transformers tokenizer."""
    texts = ["WALLACE: Yes.", "", "Ünïcödé “quoted” — dash, said Mr. Kim Jong-un.", "word " * 200, "a"]
    for settings in (ModelSettings(base_model=str(tiny_base)), ModelSettings()):  # the tiny base, the packaged MiniLM
        rust, full = load_scoring_tokenizer(settings), load_tokenizer(settings)
        assert type(rust).__name__ == "RustTokenizer" and rust.pad_token_id == full.pad_token_id
        assert rust.backend_tokenizer.to_str() == full.backend_tokenizer.to_str()
        a, b = encode(rust, texts, 32), encode(full, texts, 32)
        assert a.input_ids.tolist() == b.input_ids.tolist() and a.offsets == b.offsets and a.word_ids == b.word_ids
    slow_only = tmp_path / "base"
    slow_only.mkdir()
    for item in tiny_base.iterdir():
        if item.name != "tokenizer.json":
            (slow_only / item.name).write_bytes(item.read_bytes())
    assert type(load_scoring_tokenizer(ModelSettings(base_model=str(slow_only)))).__name__ != "RustTokenizer"


def test_scoring_from_a_cached_export_imports_no_torch_nor_transformers(tiny_model_dir: Path, tmp_path: Path) -> None:
    """A process that scores with the cached ONNX export (a Ray actor, `attribution score`, `attribution batch`)
    imports neither torch nor transformers: most of two seconds of its start.  Building the export (the first
    use of a model version) needs both."""
    pytest.importorskip("onnxruntime", reason="the ONNX backend needs onnxruntime")
    import os
    import subprocess
    import sys

    env = {**os.environ, "ATTRIBUTION_CACHE": str(tmp_path / "cache")}
    script = (
        "import sys; from attribution.pipeline import Tracker; "
        f"result = Tracker({str(tiny_model_dir)!r}, backend='onnx').analyze('Ana said it rained. \"We stayed in,\" Ben told us.'); "
        "print(len(result.sentences), 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split()[-3:] == ["2", "True", "True"]  # the export is built from the torch model
    assert len(list((tmp_path / "cache").glob("*.int8.onnx"))) == 1
    again = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert again.stdout.split()[-3:] == ["2", "False", "False"]


def test_attribution_score_with_the_packaged_models_cached_export_imports_no_torch(tmp_path: Path) -> None:
    """`attribution score` of a short text with the packaged model, from its cached int8 export (CI's flow runs
    `attribution score seeds/*.txt` before the tests, which writes it to the default cache): torch is never
    imported."""
    pytest.importorskip("onnxruntime", reason="the ONNX backend needs onnxruntime")
    import os
    import subprocess
    import sys

    from attribution.onnx_backend import export_path
    from attribution.predictor import PACKAGED_MODEL_DIR

    if not export_path(model_version(PACKAGED_MODEL_DIR)).is_file():
        pytest.skip(f"the packaged model's export is not cached ({export_path(model_version(PACKAGED_MODEL_DIR))}); "
                    "`attribution score seeds/*.txt` writes it")
    text = tmp_path / "short.txt"
    text.write_text('The minister said the plan would work. "It is fine," Ms Smith told reporters.\n', encoding="utf-8")
    script = (
        "import sys; from attribution.cli import app; sys.argv = ['attribution', 'score', sys.argv[1], '--format', 'jsonl', '--no-store']\n"
        "try:\n    app()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(text)], env={**os.environ}, capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["sentence"] for row in rows] == [0, 1] and rows[1]["attributions"]
    assert done.stderr.split()[-2:] == ["False", "False"]


def test_left_context_pieces_are_never_tagged(tiny_base: Path) -> None:
    tokenizer = load_tokenizer(ModelSettings(base_model=str(tiny_base)))
    texts, contexts = ["Ruiz said it was safe.", "Traffic was light."], ["The bridge opened in 1931.", ""]
    encoded = encode(tokenizer, texts, 64, contexts)
    for row, text in enumerate(texts):
        words = [w for w in encoded.word_ids[row] if w is not None]
        assert words and words[0] == 0  # word ids count the sentence's words only
        for (a, b), word in zip(encoded.offsets[row], encoded.word_ids[row]):
            if word is not None:
                assert text[a:b].strip()  # offsets of tagged pieces point into the sentence, not the context
    with_context = int(encoded.attention_mask[0].sum())
    alone = int(encode(tokenizer, texts[:1], 64).attention_mask[0].sum())
    assert with_context > alone  # the context pieces are there, in front of the sentence


def test_a_left_context_model_trains_saves_and_predicts(tiny_base: Path, tmp_path: Path) -> None:
    from attribution.config import TrainingSettings
    from training.train import previous_sentences, train

    records = tiny_records()
    for i, record in enumerate(records):  # one article in reading order
        record["start"] = i * 100
    assert previous_sentences(records)[:2] == ["", records[0]["text"]]
    settings = ModelSettings(base_model=str(tiny_base), lora_r=4, lora_alpha=8, max_length=64, left_context=True)
    training = TrainingSettings(train_data=[], dev_data="", epochs=40, batch_size=3, learning_rate=5e-3, head_learning_rate=1e-2)
    train(settings, training, tmp_path / "m", records=records * 2, progress=False)
    predictor = Predictor.from_folder(tmp_path / "m", quantize=False)
    assert predictor.settings.left_context
    sentences = [r["text"] for r in records]
    predictions = predictor.predict(sentences, [""] + sentences[:-1])
    assert [p.label for p in predictions] == [r["label"] for r in records]
    # Without contexts the previous sentences of the list are used.
    assert [p.label_scores for p in predictor.predict(sentences)] == [p.label_scores for p in predictions]
    for prediction, sentence in zip(predictions, sentences):
        assert all(0 <= s.start < s.end <= len(sentence) for s in prediction.spans)


def test_the_scoring_thread_count_is_torchs_without_importing_torch() -> None:
    """The ONNX sessions are sized as they were from ``torch.get_num_threads()``: the same count without torch,
    and a count set before torch is imported (a Ray actor's, a batch worker's) reaches torch when it is."""
    import os
    import subprocess
    import sys

    def run(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], env={**os.environ}, capture_output=True, text=True, check=True).stdout.strip()

    without = run("import sys; from attribution.threads import scoring_threads; print(scoring_threads(), 'torch' in sys.modules)")
    assert without == f"{run('import torch; print(torch.get_num_threads())')} False"
    assert run(
        "from attribution.threads import scoring_threads, set_scoring_threads; set_scoring_threads(1); a = scoring_threads(); "
        "import attribution.model, torch; print(a, torch.get_num_threads(), scoring_threads())"
    ) == "1 1 1"
