"""Clean a raw web-scraped article into metadata and a Markdown body, reporting every line it removed and why.

The rules are about how blog and news pages are built, not about particular pages:
- the article starts at its title: leading navigation (short lines, "Terug naar overzicht", "zoeken Nieuwsbrief",
  a row of social network names, a lone section word such as "weblog") is dropped;
- a byline ("Door: Naam, 24-08-2012, 10:44 uur") becomes author and date;
- the article ends at the first footer marker: share/comment widgets ("Doorsturen", "Reageer"), an author bio
  ("Over de auteur:", "About the Author"), "Laatste weblogs", comment sections; everything after it is chrome;
- inside the body, lines that are only whitespace or a lone lowercase word are dropped;
- repairs: a missing space after a sentence end before a capital ("opportunist.De"), no-break spaces, bullets "•" as
  Markdown "- ", short standalone lines without final punctuation between paragraphs as "## " headings, and a title
  whose last word lost its last letter when the body has exactly one word that is that word plus one letter.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

# Lines that open the article's footer: everything from here on is site chrome.
FOOTER_MARKERS = [
    r"about the author", r"over de auteur:?", r"doorsturen\b.*", r"reageer\b.*", r"reageren", r"reacties",
    r"laatste (weblogs|artikelen|berichten|nieuws)", r"lees ook:?", r"gerelateerde artikelen", r"deel dit artikel.*",
    r"share this.*", r"comments?", r"leave a (reply|comment)", r"tags?:.*",
]
# Navigation and widget lines that may stand before the title or inside the page header.
NAVIGATION = [
    r"terug naar (het )?overzicht", r"zoeken( nieuwsbrief)?", r"nieuwsbrief", r"home", r"menu", r"inloggen",
    r"(?:(?:linkedin|twitter|facebook|instagram|youtube|x|rss|e-?mail)\s*)+",
    r"weblog", r"blog", r"nieuws", r"artikel", r"column", r"opinie", r"home\s*[>»/].*", r"skip to content",
]
_FOOTER = re.compile(r"^(?:" + "|".join(FOOTER_MARKERS) + r")$", re.IGNORECASE)
_NAV = re.compile(r"^(?:" + "|".join(NAVIGATION) + r")$", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:door|by|auteur|geschreven door)\s*:?\s*(?P<author>[^,|]+?)\s*[,|]\s*(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.]"
    r"(?P<y>\d{4})(?:\s*,?\s*\d{1,2}[:.]\d{2}(?:\s*uur)?)?\s*$",
    re.IGNORECASE,
)
_BYLINE_NO_DATE = re.compile(r"^(?:door|by|geschreven door)\s*:\s*(?P<author>[^,|]{3,60})$", re.IGNORECASE)
_LONE_WORD = re.compile(r"^[a-z0-9]+$")
# A sentence end glued to the next sentence: a word of 3+ lowercase letters (not an abbreviation such as "dr" or
# "prof"), then . ! or ?, then a capitalised word. URLs and numbers never match (no capital right after the dot).
_MISSING_SPACE = re.compile(
    r"\b(?!(?:prof|bijv|drs|ing|mevr|dhr|etc|enz)[.!?])([a-zà-ÿ]{3,})([.!?])(?=[A-ZÀ-Þ][a-zà-ÿ])"
)
_BULLET = re.compile(r"^\s*[•·▪◦●]\s*")
_SENTENCE_END = re.compile(r"[.!?:;…\"”’)]$")
_SLUG_STOP = frozenset(
    "de het een in op van en waarom hoe wat wie is zijn raakt raak voor met aan te om bij of dat die dit".split()
)


@dataclass
class Removal:
    line: str
    reason: str


@dataclass
class Cleaned:
    title: str
    body: str
    author: str | None = None
    date: str | None = None
    removed: list[Removal] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title)


def slugify(title: str, limit: int = 48) -> str:
    """A stable id from the title: ASCII, lowercase, Dutch function words dropped, at most `limit` characters.

    "De belangrijkste regel in zakelijke relaties" -> "belangrijkste-regel-zakelijke-relaties".
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_title) if w not in _SLUG_STOP] or ["artikel"]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or words[0][:limit]


def _tidy(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", line).strip()


def _is_heading(line: str, before_blank: bool, after_blank: bool) -> bool:
    words = line.split()
    return (
        before_blank and after_blank and 1 <= len(words) <= 8 and len(line) <= 60
        and not _SENTENCE_END.search(line) and line[0].isupper() and not line.startswith(("- ", "* "))
    )


def _repair_title(title: str, body: str) -> tuple[str, str | None]:
    """If the title's last word lost its last letter, the body has exactly one word that is it plus one letter."""
    words = title.split()
    if not words:
        return title, None
    last = words[-1]
    known = {w.lower() for w in re.findall(r"\w+", body)}
    if last.lower() in known:
        return title, None
    longer = {w for w in known if len(w) == len(last) + 1 and w.startswith(last.lower())}
    if len(longer) == 1:
        fixed = longer.pop()
        repaired = " ".join([*words[:-1], last + fixed[-1]])
        return repaired, f"title: '{title}' -> '{repaired}' (the body uses '{fixed}')"
    return title, None


def clean(raw: str) -> Cleaned:
    """Clean one raw scrape. Never changes a word of the body except the documented repairs."""
    raw = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_tidy(line) for line in raw.split("\n")]
    removed: list[Removal] = []
    repairs: list[str] = []

    # 1. Header: skip navigation until the first substantial line, which is the title.
    index = 0
    title = ""
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if _NAV.match(line) or len(line.split()) < 2:
            removed.append(Removal(line, "navigation before the title"))
            continue
        title = line
        break

    # 2. Byline right after the title.
    author = date = None
    while index < len(lines) and not lines[index]:
        index += 1
    if index < len(lines):
        byline = _BYLINE.match(lines[index]) or _BYLINE_NO_DATE.match(lines[index])
        if byline:
            author = byline.group("author").strip()
            if "y" in byline.groupdict() and byline.group("y"):
                date = dt.date(int(byline.group("y")), int(byline.group("m")), int(byline.group("d"))).isoformat()
            removed.append(Removal(lines[index], "byline (kept as author/date)"))
            index += 1

    # 3. Body until the first footer marker.
    body_lines: list[str] = []
    for position in range(index, len(lines)):
        line = lines[position]
        if _FOOTER.match(line):
            removed.extend(Removal(rest, "footer (after '" + line + "')") for rest in lines[position:] if rest)
            break
        if line and _LONE_WORD.match(line):
            removed.append(Removal(line, "stray word"))
            continue
        if line and _NAV.match(line):
            removed.append(Removal(line, "navigation"))
            continue
        body_lines.append(line)
    while body_lines and not body_lines[-1]:
        body_lines.pop()

    # 4. Repairs and Markdown structure, paragraph by paragraph.
    out: list[str] = []
    for position, line in enumerate(body_lines):
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        fixed, count = _MISSING_SPACE.subn(r"\1\2 ", line)
        if count:
            repairs.append(f"inserted {count} missing space(s) after a full stop: {fixed[:70]!r}")
        line = fixed
        if _BULLET.match(line):
            line = _BULLET.sub("- ", line)
        # A list is its own Markdown block: blank lines around it, even where the page had none.
        is_item = line.startswith("- ")
        if out and out[-1] != "" and (is_item != out[-1].startswith("- ")):
            out.append("")
        before_blank = position == 0 or not body_lines[position - 1]
        after_blank = position + 1 >= len(body_lines) or not body_lines[position + 1]
        next_is_text = position + 1 < len(body_lines) and bool(body_lines[position + 1])
        if _is_heading(line, before_blank, after_blank or next_is_text) and position > 0:
            repairs.append(f"heading: {line!r}")
            if out and out[-1] != "":
                out.append("")
            out.extend([f"## {line}", ""])
            continue
        out.append(line)
    body = _paragraphs("\n".join(out))
    title, title_fix = _repair_title(title, body)
    if title_fix:
        repairs.append(title_fix)
    return Cleaned(title=title, body=body, author=author, date=date, removed=removed, repairs=repairs)


def _paragraphs(text: str) -> str:
    """Exactly one blank line between blocks; consecutive list items stay together."""
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n"
