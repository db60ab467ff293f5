"""Where the shared samples are, and the normalisation used to compare article bodies across formats.

The samples are other people's pages: tests read them from `../shared/samples/` beside the repository (or beside the
main checkout, for a git worktree under `wt/`), and skip when they are absent. No sentence of them is copied here.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def shared_dir(name: str) -> Path | None:
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / name
        if candidate.is_dir():
            return candidate
    return None


def samples() -> Path:
    found = shared_dir("samples")
    if found is None:
        pytest.skip("../shared/samples is not beside this checkout")
    return found


def sample_addresses() -> dict[str, str]:
    """file name -> address, from the samples' own README table."""
    out: dict[str, str] = {}
    for line in (samples() / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[1].startswith("http"):
            out[cells[0]] = cells[1].split()[0]
    return out


def slug_words(address: str) -> list[str]:
    """The words of an address's last path segment, decoded (some addresses are encoded twice)."""
    segment = [part for part in urllib.parse.urlparse(address).path.split("/") if part][-1]
    segment = urllib.parse.unquote(urllib.parse.unquote(segment))
    segment = re.sub(r"\.html?$", "", segment)
    return words(segment)


def words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def contiguous(small: list[str], big: list[str]) -> bool:
    return any(big[i:i + len(small)] == small for i in range(len(big) - len(small) + 1))


def normalised(body: str) -> str:
    """Body text without Markdown marks and layout: what a reader sees, for comparing formats."""
    text = unicodedata.normalize("NFKC", body)
    text = re.sub(r"(?m)^(?:#{1,6}\s+|-\s+|[•·]\s*)", "", text)
    return " ".join(text.split())


def split_article(written: str) -> tuple[dict[str, str], str]:
    front, body = written.split("\n---\n", 1)
    meta = dict(line.split(": ", 1) for line in front.removeprefix("---\n").splitlines())
    return {k: v.strip('"') for k, v in meta.items()}, body
