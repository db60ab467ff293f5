"""Read a YAML file into a mapping and report faults as `Problem`s with file and line, never raising."""

from __future__ import annotations

import datetime as dt
import math
import re
import reprlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.problems import Problem

# Values a parsed file may hold, counting every use of an alias: PyYAML shares an aliased value, so 1 KB of anchors
# ("billion laughs") loads at once as 10^9 strings that the first loop over them, or an error message that prints
# them, never finishes. Real settings and front matter hold a few hundred.
MAX_VALUES = 1_000_000


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse YAML text; on a syntax error return (None, [problem with the line of the fault])."""
    try:
        data = yaml.safe_load(text)
    except RecursionError:  # "[[[[..." 500 deep: PyYAML's parser recurses per level
        return None, [Problem(path, "malformed YAML: nested too deeply (hundreds of levels of brackets or indents)",
                              line_offset + 1 if line_offset else None)]
    except yaml.YAMLError as exc:
        # The context mark points at the construct that is broken (an unclosed "[" on its own line), the problem mark
        # at where the parser gave up (often the end of the front matter); the first helps an operator more.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(path, f"malformed YAML: {reason}", line)]
    except ValueError as exc:
        # PyYAML's parser is happy with `date: 2012-02-30`, then its date constructor raises a plain ValueError
        # ("day is out of range for month") that is no YAMLError and carries no line.
        line = _impossible_date_line(text)
        return None, [Problem(path, f"impossible date: {exc} (write a real date as YYYY-MM-DD, or quote the text)",
                              line + line_offset if line is not None else None)]
    if _too_many_values(data):
        return None, [Problem(path, f"the YAML holds more than {MAX_VALUES:,} values once its aliases (*name) are "
                                    "expanded, or an alias that contains itself: not a settings file or front matter",
                              line_offset + 1 if line_offset else None)]
    return data, []


_SHOWN = reprlib.Repr()
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxlevel = 80, 80, 6, 4, 3


def shown(value: Any) -> str:
    """`repr(value)` cut to a readable size for a problem message: a list of 200,000 words made a 4 MB log line."""
    return _SHOWN.repr(value)


def _too_many_values(data: Any) -> bool:
    """Whether walking `data` (lists and mappings, an aliased value once per use) meets more than MAX_VALUES values.
    A value that contains itself never ends, so it is too many too."""
    budget = MAX_VALUES
    stack = [data]
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set)):
            stack.extend(value)
    return False


_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")


def _impossible_date_line(text: str) -> int | None:
    """The first line with a YYYY-MM-DD that is no calendar date, for pointing at what the date constructor refused."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE.finditer(line):
            try:
                dt.date(*map(int, match.groups()))
            except ValueError:
                return number
    return None


MAX_FILE_BYTES = 4 * 1024 * 1024  # an article or setting file larger than this is a mistake (a dump, a binary)


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8; a binary, non-UTF-8, huge or unreadable file becomes a problem instead of an exception."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None, [Problem(str(path), "file not found")]
    except OSError as exc:
        return None, [Problem(str(path), f"cannot read file: {exc.strerror or exc}")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(str(path), f"file too large ({size / 1048576:.1f} MB; the limit is "
                                         f"{MAX_FILE_BYTES // 1048576} MB)")]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:  # listed a moment ago, gone now (an editor's save, a sync tool)
        return None, [Problem(str(path), "file disappeared while it was being read")]
    except OSError as exc:
        return None, [Problem(str(path), f"cannot read file: {exc.strerror or exc}")]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Windows "Unicode" (UTF-16 with its byte-order mark)
        try:
            return raw.decode("utf-16").removeprefix("\ufeff"), []
        except UnicodeDecodeError:
            return None, [Problem(str(path), "UTF-16 file with damaged text; save it as UTF-8")]
    if b"\x00" in raw:
        if len(raw) >= 4 and raw[1::2].count(0) > len(raw) // 4:  # every other byte zero: UTF-16 text, no mark
            return None, [Problem(str(path), "UTF-16 text without a byte-order mark; save it as UTF-8 (e.g. iconv -f "
                                             "utf-16le -t utf-8)")]
        return None, [Problem(str(path), "binary file (contains NUL bytes), not UTF-8 text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(str(path), f"not UTF-8 (invalid byte at offset {exc.start}); convert it, e.g. "
                                         f"iconv -f windows-1252 -t utf-8", line)]
    return text.removeprefix("\ufeff"), []


def load_mapping(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Load a YAML file whose top level must be a mapping (an empty file is an empty mapping)."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    data, problems = parse_yaml(text, str(path))
    if problems:
        return None, problems
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return None, [Problem(str(path), f"top level must be a mapping of keys, not {type(data).__name__}", 1)]
    return data, []


def key_line(text: str, key: str, line_offset: int = 0, parent: str | None = None) -> int | None:
    """Best-effort line number of `key:` in YAML text, so a problem can point at it: a top-level key, or with `parent`
    a key indented inside that top-level block."""
    inside = parent is None
    for number, line in enumerate(text.splitlines(), start=1):
        indented = line[:1].isspace()
        name = line.strip().split(":", 1)[0].strip("'\" ")
        if parent is not None and line.strip() and not indented:
            inside = name == parent
            continue
        if inside and indented == (parent is not None) and name == key and ":" in line:
            return number + line_offset
    return None


def file_key_line(path: Path | str, key: str, parent: str | None = None) -> int | None:
    """`key_line` on a file; an unreadable file just loses the line number."""
    try:
        return key_line(Path(path).read_text(encoding="utf-8"), key, parent=parent)
    except (OSError, UnicodeDecodeError):
        return None


def list_item_lines(path: Path | str, parent: str) -> list[int]:
    """The line of every item of the block list under top-level `parent:`, in one reading of the file (best effort:
    an item written in flow style, `[a, b]`, has none)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found: list[int] = []
    inside, indent = False, None
    for at, line in enumerate(lines, start=1):
        line = line.removeprefix("\ufeff")  # a file saved with a byte-order mark
        if line.lstrip().startswith("#"):
            continue  # "# - q: oud": an item commented out is no item
        if line.strip() and not line[:1].isspace() and not line.startswith("-"):
            inside = line.split(":", 1)[0].strip("'\" ") == parent
            continue
        stripped = line.lstrip()
        if inside and stripped.startswith("-"):
            width = len(line) - len(stripped)
            indent = width if indent is None else indent
            if width == indent:
                found.append(at)
    return found


def list_item_line(path: Path | str, parent: str, number: int) -> int | None:
    """Best-effort line of the `number`-th (1-based) item of the block list under top-level `parent:`."""
    found = list_item_lines(path, parent)
    return found[number - 1] if 0 < number <= len(found) else None


# key -> (check, expected form): how every settings file describes its keys
Rules = dict[str, tuple[Callable[[Any], bool], str]]


def check_keys(raw: dict[str, Any], rules: Rules, path: Path | str, section: str | None = None,
               skip: Iterable[str] = ()) -> tuple[dict[str, Any], list[Problem]]:
    """The valid values of a flat block of settings, and a problem for each other key.

    An unknown key is a warning; a bad value is an error naming the key and the expected form, and is left out so the
    caller keeps that key's default. Keys in `skip` are blocks the caller checks itself.
    """
    skipped = tuple(skip)
    prefix = f"{section}." if section else ""
    known = ", ".join([*rules, *skipped])
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        if key in skipped:
            continue
        if key not in rules:
            problems.append(Problem(str(path), f"unknown key '{prefix}{key}' (known: {known})",
                                    file_key_line(path, str(key), section), severity="warning"))
            continue
        check, expected = rules[key]
        if not check(value):
            hint = " (YAML reads a number like 1e-9 as text: write 1.0e-9)" if _exponent_text(value) else ""
            problems.append(Problem(str(path), f"'{prefix}{key}' is {shown(value)}; expected {expected}{hint} "
                                               "(using the default)",
                                    file_key_line(path, str(key), section)))
            continue
        values[key] = value
    return values, problems


def blank_settings(path: Path) -> bool:
    """True for a settings file that exists and holds no YAML value at all: 0 bytes, only blanks or comments.

    That is what an editor's truncate-then-write save looks like while it is underway (or a disk that filled up), so a
    reload must not take it as "every default": the admins would lose their commands and the throttles would reset.
    A file meant to give every default says so with `{}`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        return yaml.safe_load(text) is None
    except (yaml.YAMLError, ValueError, RecursionError):
        return False  # unparsable: the loader reports that itself


def is_whole_number(value: Any) -> bool:
    """An int that is not a bool: YAML's `yes`/`true` load as bools, and Python counts a bool as an int."""
    return isinstance(value, int) and not isinstance(value, bool)


def _exponent_text(value: Any) -> bool:
    """A string YAML 1.1 left as text that is a number with an exponent but no dot ("1e-9")."""
    if not isinstance(value, str) or "e" not in value.lower():
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def is_number(value: Any) -> bool:
    """A finite int or float that is not a bool (`k1: 1` is as good as `k1: 1.0`). Not `.inf` or `.nan`, which every
    comparison with a score then fails silently, nor an integer too large for a float (1 and 320 zeros)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False
