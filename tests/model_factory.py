"""Build real, tiny argos translation packages offline (no download, no torch).

A SentencePiece model trained in memory on sentences written here, and a
CTranslate2 Transformer whose weights are numpy arrays, zipped under one top
folder with fixed timestamps: the same bytes every time. Three kinds:

- ``random``: seeded random weights (the recipe of the issue, d_model 32):
  deterministic nonsense, the honest stand-in for a real model's behaviour;
- ``copy``: weights set so decoding copies the source pieces, then stops; it
  copies placeholders too, which lets tests see term protection work;
- ``fixed``: always the same output pieces (e.g. a loop), whatever the input.

Any kind takes ``max_pos`` (the rows of both position tables: 256 reproduces
the small model of issue 10) and can be packaged in the other shapes real
packages come in: a ``target_prefix`` token, extra files (a ``stanza/``
folder, a ``bpe.model``) or replaced ones (a garbage tokenizer), through
``files``.

The bench builds a Transformer-base-sized ``random`` model with the same code.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import common_spec, transformer_spec

ZH = [
    "全会指出，共同富裕是社会主义的本质要求。",
    "浙江省委推动高质量发展建设共同富裕示范区。",
    "我们要坚持党的全面领导，推进现代化建设。",
    "习近平同志在浙江工作期间高度重视党的建设。",
    "八八战略是浙江发展的总纲领。",
    "人民群众是共同富裕的主力军。",
    "山海协作促进了区域协调发展。",
    "他慢慢地走过来，笑着说你好。",
    "这本书很重要，我们一起学习中文。",
    "今天天气很好，大家都去公园了。",
    "红楼梦是中国古典小说的代表作。",
    "阿Q正传是鲁迅的小说。",
]
EN = [
    "The plenary session pointed out that common prosperity is an essential requirement of socialism.",
    "The provincial Party committee promotes high-quality development of the demonstration zone.",
    "We must uphold the overall leadership of the Party and advance modernization.",
    "During his work in Zhejiang, he attached great importance to Party building.",
    "The Double Eight Strategy is the general program of Zhejiang's development.",
    "The people are the main force of common prosperity.",
    "Mountain-sea cooperation promoted coordinated regional development.",
    "He walked over slowly and said hello with a smile.",
    "This book is important, let us learn Chinese together.",
    "The weather is fine today and everyone went to the park.",
    "Dream of the Red Chamber is a masterpiece of classical Chinese fiction.",
    "The True Story of Ah Q is a novel by Lu Xun.",
]
#: Placeholders the term protection uses must be representable.
EXTRA = ["ZT1Z ZT2Z ZT3Z 0123456789"]


def train_sentencepiece(vocab_size: int = 300, seed: int = 0) -> bytes:
    rng = random.Random(seed)
    lines = ZH + EN + EXTRA
    corpus = [rng.choice(lines) for _ in range(400)] + lines
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        normalization_rule_name="identity",
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def _norm(spec: common_spec.LayerNormSpec, d: int) -> None:
    spec.gamma = np.ones(d, dtype=np.float32)
    if hasattr(spec, "beta"):
        spec.beta = np.zeros(d, dtype=np.float32)


def _linear(
    spec: common_spec.LinearSpec, out_dim: int, in_dim: int, rng: np.random.Generator | None
) -> None:
    if rng is None:
        spec.weight = np.zeros((out_dim, in_dim), np.float32)
        spec.bias = np.zeros(out_dim, np.float32)
    else:
        scale = 1.0 / np.sqrt(in_dim)
        spec.weight = (rng.standard_normal((out_dim, in_dim)) * scale).astype(np.float32)
        spec.bias = (rng.standard_normal(out_dim) * 0.1).astype(np.float32)


def _fill(
    spec: transformer_spec.TransformerSpec,
    d: int,
    ffn: int,
    vocab: int,
    max_pos: int,
    rng: np.random.Generator | None,
) -> None:
    """Every weight: seeded random values, or zeros (rng None) for the hand-set kinds."""

    def emb(rows: int) -> np.ndarray:
        if rng is None:
            return np.zeros((rows, d), np.float32)
        return (rng.standard_normal((rows, d)) * 0.5).astype(np.float32)

    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = emb(vocab)
    dec.embeddings.weight = emb(vocab)
    enc.position_encodings.encodings = emb(max_pos)
    dec.position_encodings.encodings = emb(max_pos)
    _norm(enc.layer_norm, d)
    _norm(dec.layer_norm, d)
    for layer in enc.layer:
        _norm(layer.self_attention.layer_norm, d)
        _linear(layer.self_attention.linear[0], 3 * d, d, rng)
        _linear(layer.self_attention.linear[1], d, d, rng)
        _norm(layer.ffn.layer_norm, d)
        _linear(layer.ffn.linear_0, ffn, d, rng)
        _linear(layer.ffn.linear_1, d, ffn, rng)
    for layer in dec.layer:
        _norm(layer.self_attention.layer_norm, d)
        _linear(layer.self_attention.linear[0], 3 * d, d, rng)
        _linear(layer.self_attention.linear[1], d, d, rng)
        _norm(layer.attention.layer_norm, d)
        _linear(layer.attention.linear[0], d, d, rng)
        _linear(layer.attention.linear[1], 2 * d, d, rng)
        _linear(layer.attention.linear[2], d, d, rng)
        _norm(layer.ffn.layer_norm, d)
        _linear(layer.ffn.linear_0, ffn, d, rng)
        _linear(layer.ffn.linear_1, d, ffn, rng)
    _linear(dec.projection, vocab, d, rng)


def build_spec(
    vocab: list[str],
    kind: str = "random",
    *,
    layers: int = 1,
    heads: int = 2,
    d_model: int = 32,
    ffn: int = 64,
    fixed_output: list[str] | None = None,
    seed: int = 0,
    max_pos: int = 1024,
) -> transformer_spec.TransformerSpec:
    rng = np.random.default_rng(seed)
    size = len(vocab)
    if kind == "random":
        spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
        _fill(spec, d_model, ffn, size, max_pos, rng)
    elif kind == "copy":
        # Residual stream = [token code | position code]. The decoder's step t
        # attends to source position t and projects that token's code back.
        code, pos_dim = 64, 64
        d = code + pos_dim
        tok, pos = slice(0, code), slice(code, d)
        spec = transformer_spec.TransformerSpec.from_config((1, 1), 1)
        _fill(spec, d, 4, size, max_pos, None)
        codes = rng.choice([-1.0, 1.0], size=(size, code)).astype(np.float32)
        positions = np.zeros((max_pos, d), np.float32)
        positions[:, pos] = rng.choice([-1.0, 1.0], size=(max_pos, pos_dim)) / np.sqrt(pos_dim)
        embeddings = np.zeros((size, d), np.float32)
        embeddings[:, tok] = codes
        spec.encoder.embeddings[0].weight = embeddings
        spec.encoder.position_encodings.encodings = positions * np.sqrt(d)
        spec.decoder.position_encodings.encodings = positions * np.sqrt(d)
        attention = spec.decoder.layer[0].attention
        query = np.zeros((d, d), np.float32)
        query[pos, pos] = np.eye(pos_dim) * 50.0
        attention.linear[0].weight = query
        key_value = np.zeros((2 * d, d), np.float32)
        key_value[:d][pos, pos] = np.eye(pos_dim)
        key_value[d:][tok, tok] = np.eye(code)
        attention.linear[1].weight = key_value
        out = np.zeros((d, d), np.float32)
        out[tok, tok] = np.eye(code) * 10.0
        attention.linear[2].weight = out
        projection = np.zeros((size, d), np.float32)
        projection[:, tok] = codes * 10.0
        spec.decoder.projection.weight = projection
        spec.config.add_source_eos = True
    elif kind == "fixed":
        pieces = fixed_output or vocab[3:6]
        sequence = [vocab.index(p) for p in pieces] + [vocab.index("</s>")]
        d = len(sequence)
        spec = transformer_spec.TransformerSpec.from_config((1, 1), 1, rms_norm=True)
        _fill(spec, d, 4, size, max_pos, None)
        steps = np.zeros((max_pos, d), np.float32)
        steps[np.arange(max_pos), np.minimum(np.arange(max_pos), d - 1)] = 1.0
        spec.decoder.position_encodings.encodings = steps * np.sqrt(d)
        projection = np.zeros((size, d), np.float32)
        for t, piece in enumerate(sequence):
            projection[piece, t] = 10.0 / np.sqrt(d)
        spec.decoder.projection.weight = projection
    else:
        raise ValueError(kind)
    spec.register_source_vocabulary(list(vocab))
    spec.register_target_vocabulary(list(vocab))
    return spec


def build_package(
    out_file: Path,
    kind: str = "random",
    *,
    version: str = "0.0.1",
    from_code: str = "zh",
    to_code: str = "en",
    extra_vocab: int = 0,
    extra_pieces: Sequence[str] = (),
    target_prefix: str | None = None,
    files: Mapping[str, bytes | None] | None = None,
    **spec_options: object,
) -> Path:
    """Write ``out_file`` (.argosmodel) and return it.

    ``extra_pieces`` join the model's vocabulary (a target-prefix token);
    ``files`` maps paths inside the package folder to new contents, or to
    None to leave a file out.
    """
    sp_bytes = train_sentencepiece()
    processor = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab += [f"▁x{i}" for i in range(extra_vocab)]  # bench: a realistic output layer
    vocab += list(extra_pieces)
    if kind == "fixed" and "fixed_output" in spec_options:
        pieces = spec_options["fixed_output"]
        assert isinstance(pieces, list | tuple)
        spec_options["fixed_output"] = list(pieces)
    spec = build_spec(vocab, kind, **spec_options)  # type: ignore[arg-type]
    spec.validate()
    spec.optimize()
    top_name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    work = Path(tempfile.mkdtemp(prefix="reader-model-"))
    try:
        top = work / top_name
        (top / "model").mkdir(parents=True)
        spec.save(str(top / "model"))
        (top / "sentencepiece.model").write_bytes(sp_bytes)
        metadata = {
            "package_version": version,
            "argos_version": "1.9.0",
            "from_code": from_code,
            "from_name": "Chinese",
            "to_code": to_code,
            "to_name": "English",
            "type": "translate",
            "code": f"translate-{from_code}_{to_code}",
            "links": [],
        }
        if target_prefix is not None:
            metadata["target_prefix"] = target_prefix
        (top / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (top / "README.md").write_text(f"Test model ({kind}); its English is nonsense.\n")
        for name, data in (files or {}).items():
            target = top / name
            if data is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        out_file.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(top.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(str(path.relative_to(work)), (2020, 1, 1, 0, 0, 0))
                    info.external_attr = 0o644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out_file


def sentencepiece_pieces(text: str) -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=train_sentencepiece())
    return list(processor.encode(text, out_type=str))
