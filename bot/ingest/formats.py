"""Read what operators hand over into text plus the metadata the file itself carries.

Formats are recognised by their content, not their name (a saved page called `.txt` is still HTML):
- HTML: trafilatura finds the main text (navigation, share rows, related links and footers are left out) and the
  page's own metadata (title, author, publication date, canonical address); `<html lang>` is read as a claim only;
- PDF: pypdf's text with the layout it reports (line positions and font sizes) to rebuild paragraphs and headings;
- DOCX: python-docx paragraphs with their styles (Title/Heading 1 -> title, Heading 2+ -> sections, lists);
- Markdown with front matter: the front matter is the operator's own statement and is kept;
- text (and Markdown without front matter) in UTF-8, UTF-16 with BOM, or Windows-1252/Latin-1.
Anything else is refused with one line naming these formats. Document properties that describe the file rather
than the article (a DOCX "author" is whoever saved it, a PDF's dates are when it was printed) are not used.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.yamlfile import parse_yaml

SUPPORTED = ("HTML, PDF, DOCX, Markdown (with or without front matter) and plain text in UTF-8, UTF-16 (with BOM) "
             "or Windows-1252/Latin-1")
MAX_INPUT_BYTES = 20 * 1024 * 1024  # a PDF or DOCX with images is larger than an article file; this is still a typo

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*\n?", re.DOTALL | re.MULTILINE)
_HTML = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                   re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"</?(?:p|div|span|a|h[1-6]|li|ul|br|article|section|main|header|footer)\b[^>]*>", re.IGNORECASE)


class UnsupportedFormat(Exception):
    """The file is none of the formats the importer reads; the message says what it looks like instead."""


@dataclass
class Source:
    """One input file as text, with what the file itself says about the article."""

    path: Path
    format: str  # "html", "pdf", "docx", "markdown", "text"
    text: str  # lines; structured formats give Markdown ("# " title, "## " sections, "- " items)
    structured: bool  # headings and paragraphs come from the file's structure, not from guessing on a scrape
    encoding: str | None = None
    title: str | None = None
    title_evidence: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None  # what the file declares (HTML lang, front matter); checked against the text
    notes: list[str] = field(default_factory=list)


def read_source(path: Path) -> Source:
    """Read one file. Raises FileNotFoundError, OSError or UnsupportedFormat (with a message for the operator)."""
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise UnsupportedFormat(f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB: not an article")
    data = path.read_bytes()
    if data.startswith(b"%PDF-"):
        return _read_pdf(path, data)
    if data.startswith(b"PK\x03\x04"):
        return _read_docx(path, data)
    text, encoding = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML.match(text) or len(_TAGS.findall(text[:20000])) >= 5:
        return _read_html(path, text, encoding)
    front = _FRONT.match(text)
    if front:
        return _read_front_matter(path, text, front, encoding)
    is_markdown = path.suffix.lower() in (".md", ".markdown") or bool(re.match(r"\s*# \S", text))
    return Source(path, "markdown" if is_markdown else "text", text, structured=False, encoding=encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for UTF-8, UTF-16 (BOM, or the zero bytes of ASCII-heavy text) and Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise UnsupportedFormat("starts like UTF-16 but is not valid UTF-16") from exc
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: text with mostly ASCII letters has a zero in every other byte.
        sample = data[:4096]
        zeros_odd, zeros_even = sample[1::2].count(0), sample[0::2].count(0)
        half = len(sample) // 2
        if half and max(zeros_odd, zeros_even) > 0.6 * half and min(zeros_odd, zeros_even) < 0.05 * half:
            codec = "utf-16-le" if zeros_odd > zeros_even else "utf-16-be"
            try:
                return data.decode(codec), "UTF-16 (no BOM)"
            except UnicodeDecodeError:
                pass
        raise UnsupportedFormat(_unsupported_hint(data))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Windows "ANSI" (cp1252, a superset of Latin-1's printable range). Five bytes are undefined in
    # cp1252; a file with those is Latin-1 with C1 controls at best, so decode it as Latin-1 and let the control
    # character check below refuse real binaries.
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "Latin-1"
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(2, len(text) // 200):
        raise UnsupportedFormat(_unsupported_hint(data))
    return text, encoding


def _unsupported_hint(data: bytes) -> str:
    kinds = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
             b"\xd0\xcf\x11\xe0": "an old Word/Excel (.doc/.xls) file: save it as .docx",
             b"\x1f\x8b": "a gzip archive", b"{\\rtf": "RTF: save it as .docx"}
    for magic, name in kinds.items():
        if data.startswith(magic):
            return name
    return "a binary file"


# --- HTML -------------------------------------------------------------------------------------------------------


def _read_html(path: Path, html: str, encoding: str) -> Source:
    import trafilatura  # imported here: only HTML needs it, and it loads lxml and its date tools

    body = trafilatura.extract(html, output_format="markdown", include_formatting=True, include_comments=False,
                               include_tables=True, include_images=False, include_links=False, favor_precision=True,
                               deduplicate=False)
    if not body or not body.strip():
        raise UnsupportedFormat("an HTML page in which no main text was found (a page of links or a script-only page)")
    # extensive=False: the wide date search takes a footer's "© 2021" for 2021-01-01; a date must be the page's own.
    meta = trafilatura.extract_metadata(html, extensive=False)
    source = Source(path, "html", _plain_markdown(body), structured=True, encoding=encoding)
    if meta is not None:
        source.title = (meta.title or "").strip() or None
        source.title_evidence = "the page's title (HTML metadata and main heading)" if source.title else None
        source.date = meta.date or None
        source.url = meta.url if meta.url and re.match(r"^https?://", meta.url) else None
        author = (meta.author or "").strip() or None
        if author and _is_site_name(author, meta.sitename, meta.hostname):
            source.notes.append(f"author {author!r} is the site's name, not a person: left out")
            author = None
        source.author = author
    lang = re.search(r"<html\b[^>]*\blang=[\"']?([A-Za-z]{2})", html, re.IGNORECASE)
    source.language = lang.group(1).lower() if lang else None
    return source


def _is_site_name(author: str, sitename: str | None, hostname: str | None) -> bool:
    def key(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    names = {key(n) for n in (sitename, hostname) if n}
    names |= {key(n.split(".")[0]) for n in (sitename, hostname) if n and "." in n}
    return key(author) in names or bool(re.search(r"\.(com|nl|org|net|be|eu|io|co)\b", author.lower()))


def _plain_markdown(markdown: str) -> str:
    """trafilatura's Markdown, with emphasis markers taken out: the bot quotes text, and '**' would show as is."""
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", markdown)
    return re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)


# --- Markdown with front matter ---------------------------------------------------------------------------------


def _read_front_matter(path: Path, text: str, front: re.Match[str], encoding: str) -> Source:
    meta, problems = parse_yaml(front.group(1), str(path), line_offset=1)
    if problems or not isinstance(meta, dict):
        raise UnsupportedFormat("Markdown whose front matter is not valid YAML: " +
                                (problems[0].message if problems else "not a mapping of keys"))
    source = Source(path, "markdown", text[front.end():], structured=True, encoding=encoding)

    def field_(key: str) -> str | None:
        value = meta.get(key)
        return str(value).strip() if value not in (None, "") else None

    source.title = field_("title")
    source.title_evidence = "the front matter's title" if source.title else None
    source.author, source.date, source.url = field_("author"), field_("date"), field_("url")
    source.language = field_("language")
    return source


# --- DOCX -------------------------------------------------------------------------------------------------------


def _read_docx(path: Path, data: bytes) -> Source:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as exc:
        raise UnsupportedFormat("a damaged ZIP/DOCX file") from exc
    if "word/document.xml" not in names:
        raise UnsupportedFormat("a ZIP archive that is not a Word document")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    title: str | None = None
    paragraphs: list[Paragraph] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            # A table's text is the article's too (a comparison, a checklist): each cell's paragraphs in reading order.
            seen: set[int] = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is returned once per column it spans
                        seen.add(id(cell._tc))
                        paragraphs += cell.paragraphs
        else:
            paragraphs.append(block)
    for paragraph in paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style)
        if title is None and (style == "Title" or (level and level.group(1) == "1")):
            title = text
            lines += [f"# {text}", ""]
        elif level or style in ("Title", "Subtitle"):
            lines += [f"## {text}", ""]
        elif style.startswith("List") or (paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None):
            lines.append(f"- {text}")
        else:
            if lines and lines[-1].startswith("- "):
                lines.append("")
            lines += [text, ""]
    source = Source(path, "docx", "\n".join(lines), structured=True)
    source.title = title
    source.title_evidence = "the document's Title/Heading 1 paragraph" if title else None
    source.notes.append("document properties (author, dates) describe the file, not the article: not used")
    return source


# --- PDF --------------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    y: float
    size: float
    text: str


def _read_pdf(path: Path, data: bytes) -> Source:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages: list[list[_Line]] = []
        for page in reader.pages:
            page_lines: list[_Line] = []

            def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float,
                      into: list[_Line] = page_lines) -> None:
                if not text.strip():
                    return
                y, scale = cm[5] + tm[5] * cm[3], abs(cm[3]) or 1.0
                if into and abs(into[-1].y - y) < 0.5:  # the same line, drawn in pieces
                    into[-1].text += text
                else:
                    into.append(_Line(y, round(size * scale, 1), text))

            page.extract_text(visitor_text=visit)
            pages.append(page_lines)
        info = reader.metadata
    except Exception as exc:  # pypdf raises many kinds on damaged files; the operator needs one line
        raise UnsupportedFormat(f"a PDF that cannot be read ({exc.__class__.__name__})") from exc
    pages = [[_Line(line.y, line.size, " ".join(line.text.split())) for line in page if line.text.strip()]
             for page in pages]
    lines, margins = _drop_margins(pages)
    if not lines:
        raise UnsupportedFormat("a PDF without a text layer (a scan?): run OCR on it first")
    text, title = _pdf_markdown(lines)
    source = Source(path, "pdf", text, structured=True)
    pdf_title = str(info.title).strip() if info is not None and info.title else None
    if title:
        source.title, source.title_evidence = title, "the largest type at the top of the first page"
    elif pdf_title and pdf_title in text:
        source.title, source.title_evidence = pdf_title, "the PDF's title property, which is a line of its text"
    source.notes.append("PDF properties (author, dates) describe the file, not the article: not used")
    if margins:
        shown = "; ".join(repr(m) for m in margins[:4])
        source.notes.append(f"left out {len(margins)} line(s) in small type at the top or bottom of a page (the "
                            f"printer's header and footer: date, address, page number): {shown}")
    return source


def _drop_margins(pages: list[list[_Line]]) -> tuple[list[_Line], list[str]]:
    """A browser's "print to PDF" puts the date, the page title, the address and "1/3" in small type at the top and
    bottom of every page: those lines are the printer's, not the article's."""
    every = [line for page in pages for line in page]
    if not every:
        return [], []
    body_size = max({line.size for line in every}, key=lambda s: sum(len(x.text) for x in every if x.size == s))
    kept: list[_Line] = []
    dropped: list[str] = []
    for page in pages:
        start, end = 0, len(page)
        while start < end and page[start].size < body_size * 0.9:
            start += 1
        while end > start and page[end - 1].size < body_size * 0.9:
            end -= 1
        dropped += [line.text for line in page[:start] + page[end:]]
        kept += page[start:end]
    return kept, dropped


def _pdf_markdown(lines: list[_Line]) -> tuple[str, str | None]:
    """Paragraphs from line spacing, headings from type size: what the layout shows, not what the words guess."""
    sizes = [line.size for line in lines]
    body_size = max(set(sizes), key=lambda s: sum(len(x.text) for x in lines if x.size == s))
    steps = [round(a.y - b.y, 1) for a, b in itertools.pairwise(lines)
             if a.size == b.size == body_size and a.y > b.y]
    step = min(steps, key=lambda s: (-steps.count(s), s)) if steps else body_size * 1.2
    out: list[str] = []
    title: str | None = None
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.extend([_join_wrapped(paragraph), ""])
            paragraph.clear()

    previous: _Line | None = None
    for line in lines:
        if line.size > body_size + 0.5:
            flush()
            if title is None and not out:
                title = line.text
                out.extend([f"# {line.text}", ""])
            elif previous is not None and previous.size == line.size and out and out[-2].startswith("## "):
                out[-2] += " " + line.text  # a heading that wrapped
            else:
                out.extend([f"## {line.text}", ""])
        else:
            new_block = previous is None or previous.size != line.size or not (0 < previous.y - line.y < step * 1.3)
            if new_block:
                flush()
            paragraph.append(line.text)
        previous = line
    flush()
    return "\n".join(out), title


def _join_wrapped(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        # A line that ends in a hyphen before a lowercase word is a compound or a word split by the layout; keeping
        # the hyphen is right for Dutch compounds ("waarde-uitwisseling") and never loses a letter.
        text = text + line if text.endswith("-") and line[:1].islower() else f"{text} {line}"
    return text
