"""An engine as plain data: a JSON description plus raw arrays, the on-disk cache's payload.

Why not pickle: loading a pickle runs whatever the file says, so anyone who can write to the data folder could make
the bot run code. This format can only describe values: numbers, strings, lists, dicts, sets, numpy arrays of plain
dtypes (loaded with `np.frombuffer`, never as objects) and instances of the engine's own classes named in `CLASSES`;
an instance is made with `object.__new__` and its attributes set one by one, so no constructor, `__reduce__` or
`__setstate__` runs. Anything else in an engine is a bug, and encoding refuses it rather than guessing.

Why not plain JSON alone: restart time. The bulk of an engine (index arrays, the vocabulary, chunk sections, article
bodies) goes into a binary blob: arrays as raw bytes, and the strings of long string lists in one table of distinct
strings (one UTF-8 text, split in C) that each list indexes with an int32 array. 250k terms come back with one
decode, one split and one numpy take instead of 250k JSON tokens, and a string that several lists hold (a word that
is its own term, in the lexicon and in the index vocabulary) is one object again, as after a build. Lists of one
class's instances (the articles) are stored column by column for the same reason. Shared references stay shared (the
lexicon's word table is also the compound splitter's vocabulary and the typo fixer's word list). Arrays are copied
out of the file's bytes, so the file is not kept in memory behind them.
"""

from __future__ import annotations

import array
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.problems import Problem
from bot.search.analysis import CompoundSplitter, Lexicon
from bot.search.chunking import ChunkStore
from bot.search.engine import Engine
from bot.search.examples import Example, Taught
from bot.search.index import BM25Index, BM25Params, Vocabulary
from bot.search.query import QueryAnalyzer
from bot.search.records import Article
from bot.search.settings import AnswerSettings, SearchSettings, SemanticSettings, Synonyms

# Every class an engine file may instantiate, by a stable name (not the module path: modules move).
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Engine, Article, Problem, SearchSettings, AnswerSettings, SemanticSettings, BM25Params, Synonyms,
                ChunkStore, BM25Index, Vocabulary, Lexicon, CompoundSplitter, QueryAnalyzer, Example, Taught)
}
_NAMES = {cls: name for name, cls in CLASSES.items()}
# Attributes rebuilt after loading instead of stored: the chunk store's per-article ranges are one small list per
# article (20k JSON values at 100k chunks) that its arrays give back in milliseconds; an engine's semantic signal
# (the model and its vectors) has a store of its own and is attached again by the serving layer, so an engine from
# the cache is lexical, as one that was just built.
_DERIVED: dict[type, tuple[str, ...]] = {ChunkStore: ("_ranges",), Engine: ("semantic",)}
_BULK = 32  # string lists and instance lists at least this long go to the blob / columns
_ALIGN = 64
_LONG = 256  # characters: a string this long is stored and decoded on its own


class EngineFileError(ValueError):
    """The data does not describe an engine this code can rebuild."""


def _attributes(obj: object) -> dict[str, Any]:
    values: dict[str, Any] = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                values[name] = getattr(obj, name)
    for name in _DERIVED.get(type(obj), ()):
        values.pop(name, None)
    return values


def _restore_derived(obj: object) -> None:
    if isinstance(obj, ChunkStore):
        obj._index_articles()
    elif isinstance(obj, Engine):
        obj.semantic = None


@dataclass
class _Writer:
    sections: list[dict[str, Any]] = field(default_factory=list)
    chunks: list[bytes | memoryview] = field(default_factory=list)
    size: int = 0
    memo: dict[int, int] = field(default_factory=dict)  # id(object) -> reference number
    keep: list[object] = field(default_factory=list)  # keeps memoised objects alive, so ids stay unique
    refs: int = 0
    table: dict[str, int] = field(default_factory=dict)  # distinct strings of bulk lists -> their number

    def _blob(self, data: bytes | memoryview) -> int:
        pad = -self.size % _ALIGN
        if pad:
            self.chunks.append(b"\0" * pad)
            self.size += pad
        offset = self.size
        self.chunks.append(data)
        self.size += len(data)
        return offset

    def _array(self, arr: np.ndarray) -> int:
        if arr.dtype.hasobject or arr.dtype.fields is not None:
            raise EngineFileError(f"an array of dtype {arr.dtype} cannot be stored")
        data = np.ascontiguousarray(arr)
        offset = self._blob(data.reshape(-1).view(np.uint8).data if data.size else b"")
        self.sections.append({"kind": "array", "dtype": data.dtype.str, "shape": list(data.shape), "offset": offset,
                              "nbytes": data.nbytes, "writeable": bool(arr.flags.writeable)})
        return len(self.sections) - 1

    def _strings(self, items: list[str] | tuple[str, ...]) -> int:
        table = self.table
        number = table.setdefault
        return self._array(np.fromiter((number(s, len(table)) for s in items), dtype=np.int32, count=len(items)))

    def string_table(self) -> dict[str, Any]:
        """The distinct strings, written last. Short ones (words, terms, headings) as one NUL-separated text, split
        in one C call; long ones (article bodies) each as its own UTF-8 run, decoded straight from the file's
        buffer: splitting 100 MB of bodies out of one decoded text copied every byte twice."""
        strings = list(self.table)
        is_long = np.fromiter((len(s) > _LONG for s in strings), dtype=bool, count=len(strings))
        short = [s for s, long in zip(strings, is_long.tolist(), strict=True) if not long]
        text = "\0".join(short)
        spec: dict[str, Any] = {"count": len(strings), "long": self._array(np.flatnonzero(is_long).astype(np.int64))}
        if text.count("\0") != max(len(short) - 1, 0):  # a NUL inside a short string: store their ends instead
            spec["ends"] = self._array(np.cumsum(np.fromiter(map(len, short), dtype=np.int64, count=len(short))))
            text = "".join(short)
        data = text.encode("utf-8", "surrogatepass")
        spec["offset"] = self._blob(data)
        spec["nbytes"] = len(data)
        encoded = [strings[i].encode("utf-8", "surrogatepass") for i in np.flatnonzero(is_long).tolist()]
        spec["long_ends"] = self._array(np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))))
        joined = b"".join(encoded)
        spec["long_offset"] = self._blob(joined)
        spec["long_nbytes"] = len(joined)
        return spec

    def _remember(self, value: object) -> int:
        self.memo[id(value)] = self.refs
        self.keep.append(value)
        self.refs += 1
        return self.refs - 1

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, np.ndarray):
            return {"a": self._array(value)}
        if isinstance(value, np.generic):
            return value.item()
        seen = self.memo.get(id(value))
        if seen is not None:
            return {"ref": seen}
        if isinstance(value, list | tuple):
            tag = "L" if isinstance(value, list) else "T"
            ref = self._remember(value)
            if len(value) >= _BULK and all(type(v) is str for v in value):
                return {tag: {"s": self._strings(value)}, "id": ref}
            if (len(value) >= _BULK and type(value[0]) in _NAMES and all(type(v) is type(value[0]) for v in value)
                    and not any(id(v) in self.memo for v in value)):  # already stored ones stay references
                return {tag: self._columns(value), "id": ref}
            if len(value) >= _BULK and all(type(v) is dict and not v for v in value):
                return {tag: {"empty_dicts": len(value)}, "id": ref}  # per-article kinds, nearly always none
            return {tag: [self.encode(v) for v in value], "id": ref}
        if isinstance(value, dict):
            ref = self._remember(value)
            return {"D": [self.encode(list(value)), self.encode(list(value.values()))], "id": ref}
        if isinstance(value, set | frozenset):
            return {"S" if isinstance(value, set) else "F": self.encode(list(value))}
        if isinstance(value, range):
            return {"R": [value.start, value.stop, value.step]}
        if isinstance(value, array.array):
            return {"aa": [value.typecode, self._array(np.frombuffer(value, dtype=value.typecode))]}
        name = _NAMES.get(type(value))
        if name is None:
            raise EngineFileError(f"a {type(value).__module__}.{type(value).__qualname__} cannot be stored")
        ref = self._remember(value)
        return {"O": name, "id": ref, "v": {k: self.encode(v) for k, v in _attributes(value).items()}}

    def _columns(self, items: list[Any] | tuple[Any, ...]) -> dict[str, Any]:
        first = self.refs
        for item in items:  # each instance keeps a reference number of its own: others may point at it
            self._remember(item)
        attrs = [_attributes(item) for item in items]
        names = list(attrs[0])
        if any(list(a) != names for a in attrs):
            raise EngineFileError(f"instances of {type(items[0]).__name__} differ in their attributes")
        return {"C": _NAMES[type(items[0])], "first": first, "n": len(items),
                "cols": {n: self.encode([a[n] for a in attrs]) for n in names}}


def _starts(ends: list[int]) -> list[int]:
    return [0, *ends[:-1]] if ends else []


class _Reader:
    def __init__(self, sections: list[dict[str, Any]], blob: memoryview, table: Any) -> None:
        self.sections = sections
        self.blob = blob
        self.refs: dict[int, Any] = {}
        self._cache: dict[int, Any] = {}
        self.table = self._string_table(table)

    def _section(self, number: int, kind: str) -> dict[str, Any]:
        if not isinstance(number, int) or not 0 <= number < len(self.sections):
            raise EngineFileError(f"no section {number!r}")
        spec = self.sections[number]
        if spec.get("kind") != kind:
            raise EngineFileError(f"section {number} is not {kind}")
        start, size = int(spec["offset"]), int(spec["nbytes"])
        if start < 0 or size < 0 or start + size > len(self.blob):
            raise EngineFileError(f"section {number} lies outside the file")
        return spec

    def array(self, number: int) -> np.ndarray:
        if number in self._cache:
            return self._cache[number]  # type: ignore[no-any-return]
        spec = self._section(number, "array")
        dtype = np.dtype(spec["dtype"])
        if dtype.hasobject:
            raise EngineFileError("object arrays are not allowed")
        start = int(spec["offset"])
        arr = np.frombuffer(self.blob[start : start + int(spec["nbytes"])], dtype=dtype).reshape(spec["shape"]).copy()
        arr.flags.writeable = bool(spec.get("writeable"))
        self._cache[number] = arr
        return arr

    def _string_table(self, spec: Any) -> np.ndarray:
        if not isinstance(spec, dict):
            raise EngineFileError("no string table")
        count = int(spec["count"])
        text = str(self._bytes(int(spec["offset"]), int(spec["nbytes"])), "utf-8", "surrogatepass")
        long_at = self.array(int(spec["long"]))
        short_count = count - len(long_at)
        if "ends" in spec:
            ends = self.array(int(spec["ends"])).tolist()
            short = [text[a:b] for a, b in zip(_starts(ends), ends, strict=True)]
        else:
            short = text.split("\0") if short_count else []
        del text
        raw = self._bytes(int(spec["long_offset"]), int(spec["long_nbytes"]))
        long_ends = self.array(int(spec["long_ends"])).tolist()
        long = [str(raw[a:b], "utf-8", "surrogatepass") for a, b in zip(_starts(long_ends), long_ends, strict=True)]
        if len(short) != short_count or len(long) != len(long_at) or (long_ends and long_ends[-1] != len(raw)):
            raise EngineFileError("the string table does not match its count")
        table = np.empty(count, dtype=object)
        is_short = np.ones(count, dtype=bool)
        is_short[long_at] = False
        table[is_short] = short
        table[long_at] = long
        return table

    def _bytes(self, start: int, size: int) -> memoryview:
        if start < 0 or size < 0 or start + size > len(self.blob):
            raise EngineFileError("a string run lies outside the file")
        return self.blob[start : start + size]

    def strings(self, number: int) -> list[str]:
        index = self.array(number)
        if index.dtype != np.int32 or (len(index) and (index.min() < 0 or index.max() >= len(self.table))):
            raise EngineFileError(f"string list {number} points outside the string table")
        strings: list[str] = self.table[index].tolist()
        return strings

    def decode(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, list):  # only inside an L/T wrapper
            return [self.decode(v) for v in value]
        if not isinstance(value, dict) or len(value) == 0:
            raise EngineFileError(f"unexpected value {value!r:.60}")
        if "ref" in value:
            try:
                return self.refs[value["ref"]]
            except KeyError:
                raise EngineFileError(f"reference {value['ref']!r} before its value") from None
        if "a" in value:
            return self.array(value["a"])
        for tag in ("L", "T"):
            if tag in value:
                items = self._sequence(value[tag])
                result: Any = items if tag == "L" else tuple(items)
                self.refs[value["id"]] = result
                return result
        if "D" in value:
            keys, values = value["D"]
            out: dict[Any, Any] = {}
            self.refs[value["id"]] = out
            out.update(zip(self.decode(keys), self.decode(values), strict=True))
            return out
        if "S" in value:
            return set(self.decode(value["S"]))
        if "F" in value:
            return frozenset(self.decode(value["F"]))
        if "R" in value:
            return range(*value["R"])
        if "aa" in value:
            typecode, number = value["aa"]
            return array.array(typecode, self.array(number).tobytes())
        if "O" in value:
            obj = self._new(value["O"])
            self.refs[value["id"]] = obj
            for name, encoded in value["v"].items():
                object.__setattr__(obj, name, self.decode(encoded))
            _restore_derived(obj)
            return obj
        raise EngineFileError(f"unknown value tag in {sorted(value)!r}")

    def _new(self, name: Any) -> Any:
        cls = CLASSES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise EngineFileError(f"unknown class {name!r}")
        return object.__new__(cls)

    def _sequence(self, spec: Any) -> list[Any]:
        if isinstance(spec, list):
            return [self.decode(v) for v in spec]
        if isinstance(spec, dict) and "s" in spec:
            return self.strings(spec["s"])
        if isinstance(spec, dict) and "empty_dicts" in spec:
            return [{} for _ in range(int(spec["empty_dicts"]))]
        if isinstance(spec, dict) and "C" in spec:
            count, first = int(spec["n"]), int(spec["first"])
            objs = [self._new(spec["C"]) for _ in range(count)]
            for number, obj in enumerate(objs):
                self.refs[first + number] = obj
            for name, encoded in spec["cols"].items():
                column = self.decode(encoded)
                if len(column) != count:
                    raise EngineFileError(f"column {name!r} has {len(column)} values for {count} instances")
                for obj, item in zip(objs, column, strict=True):
                    object.__setattr__(obj, name, item)
            return objs
        raise EngineFileError(f"unexpected sequence {spec!r:.60}")


def dump(engine: Engine) -> tuple[bytes, list[bytes | memoryview]]:
    """(header, blob pieces): the header is JSON; the pieces, written in order, are the blob it points into."""
    writer = _Writer()
    root = writer.encode(engine)
    table = writer.string_table()
    header = json.dumps({"root": root, "sections": writer.sections, "strings": table},
                        separators=(",", ":")).encode("utf-8")
    return header, writer.chunks


def load(header: bytes | memoryview, blob: memoryview) -> Engine:
    """The engine described by `header` over `blob`. Raises EngineFileError (or ValueError) on any inconsistency."""
    try:
        data = json.loads(bytes(header))
        sections, root, table = data["sections"], data["root"], data["strings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineFileError(f"unreadable header: {exc}") from None
    if not isinstance(sections, list):
        raise EngineFileError("unreadable header: sections")
    try:
        engine = _Reader(sections, blob, table).decode(root)
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise EngineFileError(f"inconsistent engine data: {type(exc).__name__}: {exc}") from None
    if not isinstance(engine, Engine):
        raise EngineFileError("the file does not hold an engine")
    return engine
