"""Checks of the files scripts/models prepares (run with that venv's python: see scripts/models).

    "$CLOSER_CACHE"/venv-models-*/bin/python -m pytest scripts/test_models.py

Fails (never skips) when the models have not been prepared: scripts/test runs scripts/models first.
"""
import json
import os
import struct
from pathlib import Path

import pytest

import numpy as np
import onnxruntime as ort
import sentencepiece as spm
import tokenizers

MODELS = Path(os.environ.get("CLOSER_CACHE", Path.home() / ".cache" / "closer")) / "models"
if not (MODELS / "manifest.json").exists():
    raise SystemExit(f"no models in {MODELS}: run scripts/models first")
USE = MODELS / "use-m-v3"

SENTENCES = [
    # English
    "Let me quickly walk you through what we will cover today.",
    "Hello, world!",
    "We can offer a 15% discount if you sign before Friday.",
    "What's the total cost of ownership over 3 years?",
    "I don't think that's in our budget right now...",
    "The CEO's assistant will send the contract on 12/05/2025.",
    "  Leading and trailing spaces  ",
    "Double  spaces   inside    this sentence.",
    "UPPERCASE WORDS AND MiXeD cAsE",
    "Email me at john.doe@example.com or call +1 (555) 010-9999.",
    "Our pricing starts at $1,299.99 per seat/month.",
    "Great, thanks! 🙂 Talk soon 👍",
    "Tabs\tand\nnewlines\r\nare whitespace too.",
    "Naïve café résumé — coöperate.",
    "Quotes: \"double\", 'single', «guillemets», “curly”.",
    "e-mail, co-operate, state-of-the-art, well-known",
    "ROI > 200%; payback < 6 months; NPS = 72.",
    "#hashtag @mention https://closer.example/path?q=1&x=2",
    "Fullwidth ＡＢＣ １２３ and ligature ﬁ and ½ and ①.",
    "Combining e\u0301 vs precomposed é.",
    "",
    "a",
    "   ",
    "...",
    "Ask about extra_token_id_1 and foo extra_token_id_2bar.",
    "Mr. O'Neil said: \"No way!\"",
    # Italian
    "Ti faccio vedere rapidamente cosa vedremo oggi.",
    "Qual è l'offerta migliore per un'azienda come la nostra?",
    "Perché dovremmo scegliere voi e non la concorrenza?",
    "Il prezzo è di 1.250,00 € al mese, IVA esclusa.",
    "Sì, ma l'anno scorso abbiamo speso il 30% in più.",
    "Dov'è l'ufficio? All'ultimo piano, c'è l'ascensore.",
    "Più velocità, più sicurezza, più risparmio!",
    "L'AMMINISTRATORE DELEGATO È D'ACCORDO.",
    "Città, università, perché, così, già, né.",
    "Ci sentiamo giovedì alle 15:30, va bene?",
    "Un po' di pazienza: è quasi pronto.",
    "Quest'anno il fatturato è cresciuto del 12,5%.",
    "Grazie mille!!! 😀🎉",
    "Ho  due   spazi e\tun tab.",
    "Èccolo: È maiuscola accentata.",
    "L'offerta scade il 31/12; dopodiché il listino sale.",
    "Sull'argomento dell'integrazione con l'ERP, c'è poco da dire.",
    "Nell’offerta c’è l’apostrofo tipografico.",
    "Preventivo n° 42/B — totale: 3.000 €",
]


# --------------------------------------------------------------------------- (i) tokenizer.json

@pytest.fixture(scope="module")
def hf_tokenizer():
    return tokenizers.Tokenizer.from_file(str(USE / "tokenizer.json"))


@pytest.fixture(scope="module")
def sp():
    return spm.SentencePieceProcessor(model_file=str(USE / "spm.model"))


def test_sentence_list_is_varied():
    assert len(SENTENCES) >= 40


@pytest.mark.parametrize("text", SENTENCES)
def test_tokenizer_json_matches_sentencepiece(hf_tokenizer, sp, text):
    """The ONNX node ran sentencepiece Encode with add_bos, add_eos, no sampling."""
    expected = sp.encode(text, add_bos=True, add_eos=True)
    assert hf_tokenizer.encode(text).ids == expected


def test_tokenizer_batch_matches(hf_tokenizer, sp):
    got = [e.ids for e in hf_tokenizer.encode_batch(SENTENCES)]
    assert got == sp.encode(SENTENCES, add_bos=True, add_eos=True)


# --------------------------------------------------------------------------- (ii) model.onnx

@pytest.fixture(scope="module")
def embed(hf_tokenizer):
    session = ort.InferenceSession(str(USE / "model.onnx"), providers=["CPUExecutionProvider"])

    def run(texts):
        ids = [e.ids for e in hf_tokenizer.encode_batch(texts)]
        token_ids = np.array([i for row in ids for i in row], dtype=np.int32)
        row_splits = np.cumsum([0] + [len(row) for row in ids]).astype(np.int64)
        [out] = session.run(["outputs"], {"token_ids": token_ids, "row_splits": row_splits})
        return out
    return run


def test_onnx_io_signature():
    session = ort.InferenceSession(str(USE / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [(i.name, i.type) for i in session.get_inputs()] == [
        ("token_ids", "tensor(int32)"), ("row_splits", "tensor(int64)")]
    [out] = session.get_outputs()
    assert (out.name, out.type, out.shape[1]) == ("outputs", "tensor(float)", 512)


def test_paraphrase_closer_than_unrelated(embed):
    en = "Let me quickly walk you through what we will cover today."
    it = "Ti illustro rapidamente cosa vedremo oggi."
    unrelated = "The invoice must be paid by bank transfer within thirty days."
    e = embed([en, it, unrelated])
    assert e.shape == (3, 512)
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    assert e[0] @ e[1] > e[0] @ e[2] + 0.1
    assert e[1] @ e[0] > e[1] @ e[2] + 0.1


def test_batch_rows_match_single_runs(embed):
    """row_splits really separates sentences. Not bit-equal: the int8 model quantizes activations
    with one dynamic scale per tensor, i.e. per batch."""
    texts = ["Qual è l'offerta migliore?", "Hello there", "Ci sentiamo giovedì."]
    batch = embed(texts)
    for i, t in enumerate(texts):
        single = embed([t])[0]
        assert single @ batch[i] / np.linalg.norm(single) / np.linalg.norm(batch[i]) > 0.99


# --------------------------------------------------------------------------- (iii) ggml-model.bin

def dequantize_q8_0(data, pos, count):
    """`count` floats from ggml Q8_0 blocks at `pos` (34 bytes per 32 values: f16 d, 32 int8)."""
    blocks = np.frombuffer(data, [("d", "<f2"), ("qs", "i1", 32)], count // 32, pos)
    return (blocks["qs"].astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1), blocks.nbytes


def read_ggml(path):
    """Parse a legacy whisper.cpp GGML file (f32, f16 and Q8_0 tensors).
    Returns (hparams, mel filters, tokens, {name: (type, dims innermost-first, array)});
    Q8_0 tensors come back dequantized to float32."""
    data = (path).read_bytes()
    pos = 0

    def ints(n):
        nonlocal pos
        pos += 4 * n
        return struct.unpack_from(f"<{n}i", data, pos - 4 * n)

    magic, *hp = ints(12)
    assert magic == 0x67676D6C
    n_mel, n_fft = ints(2)
    filters = np.frombuffer(data, "<f4", n_mel * n_fft, pos).reshape(n_mel, n_fft)
    pos += 4 * n_mel * n_fft
    tokens = []
    for _ in range(ints(1)[0]):
        (n,) = ints(1)
        tokens.append(data[pos:pos + n])
        pos += n
    tensors = {}
    while pos < len(data):
        n_dims, name_len, ftype = ints(3)
        dims = ints(n_dims)
        name = data[pos:pos + name_len].decode()
        pos += name_len
        count = int(np.prod(dims))
        if ftype == 8:
            array, size = dequantize_q8_0(data, pos, count)
        else:
            array = np.frombuffer(data, "<f4" if ftype == 0 else "<f2", count, pos)
            size = array.nbytes
        pos += size
        tensors[name] = (ftype, dims, array.reshape(dims[::-1]))
    return hp, filters, tokens, tensors


@pytest.fixture(scope="module")
def ggml():
    return read_ggml(MODELS / "whisper-base" / "ggml-model.bin")


def test_ggml_header(ggml):
    hp, filters, tokens, _ = ggml
    assert hp == [51865, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 2007]  # Q8_0, quantization version 2
    assert filters.shape == (80, 201) and filters.max() > 0
    assert len(tokens) == 50257
    assert tokens[:3] == [b"!", b'"', b"#"] and tokens[220] == b" "


def test_ggml_tensors(ggml):
    _, _, _, t = ggml
    assert len(t) == (1 + 4 + 6 * 15 + 2) + (2 + 6 * 24 + 2) == 245  # whisper.cpp checks every name
    assert t["encoder.conv1.weight"][:2] == (1, (3, 80, 512))
    assert t["encoder.conv1.bias"][:2] == (0, (1, 512))
    assert t["encoder.positional_embedding"][:2] == (0, (512, 1500))
    assert t["decoder.positional_embedding"][:2] == (0, (512, 448))
    assert t["decoder.token_embedding.weight"][:2] == (8, (512, 51865))
    assert t["encoder.blocks.0.attn.query.weight"][:2] == (8, (512, 512))
    assert t["decoder.blocks.5.cross_attn.value.bias"][:2] == (0, (512,))
    assert t["encoder.blocks.3.mlp.0.weight"][:2] == (8, (512, 2048))
    assert "encoder.blocks.0.attn.key.bias" not in t
    for name, (ftype, dims, _) in t.items():
        f32 = len(dims) < 2 or "positional" in name or name in ("encoder.conv1.bias", "encoder.conv2.bias")
        assert ftype == (0 if f32 else 1 if len(dims) == 3 else 8), name


def test_ggml_weights_look_sane(ggml):
    _, _, _, t = ggml
    # Whisper's encoder positional embedding is a fixed sinusoid table [1500, 512]: [sin | cos].
    inv = np.exp(-np.log(10000) / (256 - 1) * np.arange(256))
    angles = np.arange(1500)[:, None] * inv[None, :]
    expected = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    np.testing.assert_allclose(t["encoder.positional_embedding"][2], expected, atol=2e-3)
    for name, (_, dims, a) in t.items():
        a = a.astype(np.float32)
        assert np.isfinite(a).all(), name
        if name.endswith("ln.weight") or name.endswith("ln_post.weight"):
            assert 0.1 < a.mean() < 20, name  # layer-norm gains, not pre-scaled away
        if name.endswith(".weight") and len(dims) == 2 and "embedding" not in name:
            assert 0.005 < a.std() < 0.2, name


def test_q8_0_round_trip_error_is_within_half_a_step():
    from prepare_models import quantize_q8_0
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.normal(0, 0.05, 32 * 63), np.zeros(32)]).astype(np.float32)
    packed = quantize_q8_0(x)
    assert len(packed) == 64 * 34
    back, _ = dequantize_q8_0(packed, 0, x.size)
    step = np.abs(x.reshape(-1, 32)).max(axis=1) / 127
    # Half a quantization step per block, plus the f16 rounding of the scale (2^-11 relative).
    assert (np.abs(back - x).reshape(-1, 32) <= step[:, None] * (0.5 + 127 * 2 ** -11) + 1e-9).all()
    assert not back[-32:].any()  # an all-zero block stays zero (no division by zero)


def test_manifest_matches_files():
    manifest = json.loads((MODELS / "manifest.json").read_text())
    for rel, rec in manifest["files"].items():
        assert (MODELS / rel).stat().st_size == rec["size"], rel


# --------------------------------------------------------------------------- LiveKit FFI

LIVEKIT_FFI = MODELS / "livekit-ffi-1.2.0"


def read_varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def test_livekit_descriptor_set_holds_every_ffi_protocol_file():
    """Walks the FileDescriptorSet by hand: field 1 entries whose own field 1 is the file name."""
    data = (LIVEKIT_FFI / "livekit_ffi.fds").read_bytes()
    names, pos = [], 0
    while pos < len(data):
        assert data[pos] == 0x0A, f"unexpected tag {data[pos]:#x} at {pos}"
        length, pos = read_varint(data, pos + 1)
        file = data[pos:pos + length]
        assert file[0] == 0x0A
        name_len, start = read_varint(file, 1)
        names.append(file[start:start + name_len].decode())
        pos += length
    assert pos == len(data)
    assert {"ffi.proto", "room.proto", "audio_frame.proto", "track.proto", "participant.proto"} <= set(names)


def test_descriptor_extraction_reads_the_literal_without_running_the_module():
    from prepare_models import PrepError, serialized_descriptors
    source = "import os\nos.remove('x')\n_p.AddSerializedFile(b'\\n\\x05a.proto')\n"
    assert serialized_descriptors(source) == b"\n\x05a.proto"
    with pytest.raises(PrepError):
        serialized_descriptors("x = 1\n")


def test_livekit_library_exports_the_ffi_entry_points():
    import ctypes
    lib = ctypes.CDLL(str(LIVEKIT_FFI / "liblivekit_ffi.so"))
    for symbol in ("livekit_ffi_initialize", "livekit_ffi_request", "livekit_ffi_drop_handle", "livekit_ffi_dispose"):
        assert hasattr(lib, symbol), symbol


# --------------------------------------------------------------------------- Piper voice

PIPER = MODELS / "piper-joe-medium"


def test_piper_voice_is_what_tts_piper_reads():
    """The graph's inputs and output and the configuration keys `backend/src/tts/piper.rs` uses."""
    config = json.loads((PIPER / "model.onnx.json").read_text())
    assert config["audio"]["sample_rate"] == 22050
    assert config["espeak"]["voice"] == "en-us"
    assert set(config["inference"]) == {"noise_scale", "length_scale", "noise_w"}
    ids = config["phoneme_id_map"]
    assert all(len(phoneme) == 1 for phoneme in ids), "one character per phoneme"
    assert (ids["_"], ids["^"], ids["$"]) == ([0], [1], [2])
    session = ort.InferenceSession(str(PIPER / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [(i.name, i.type) for i in session.get_inputs()] == [
        ("input", "tensor(int64)"), ("input_lengths", "tensor(int64)"), ("scales", "tensor(float)")]
    assert [o.name for o in session.get_outputs()] == ["output"]
