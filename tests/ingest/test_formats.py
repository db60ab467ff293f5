"""Every format operators have, on files written for the test: HTML, PDF, DOCX, Markdown, UTF-8/UTF-16/cp1252 text;
and one clear line for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_support import normalised, split_article

from bot.cli import main
from bot.ingest.formats import UnsupportedFormat, decode_text, read_source

TITLE = "Waarom vaste klanten meer opleveren"
PARAS = [
    "Een vaste klant koopt vaker en vraagt minder uitleg. Dat scheelt tijd voor beide partijen.",
    "Toch gaat het meeste geld naar nieuwe klanten. Dat is zonde, want een goede relatie groeit met de jaren.",
    "Begin daarom met een eenvoudige lijst van je tien trouwste klanten en bel ze dit kwartaal één keer op.",
]
HEADING = "Wat je morgen kunt doen"

HTML = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{TITLE} | Klantwijs</title>
<meta name="author" content="Karin Bos">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<link rel="canonical" href="https://klantwijs.example.nl/blog/vaste-klanten">
<script>var x = 1; function f(){{ return x; }}</script></head>
<body><nav><a href="/">Home</a> <a href="/blog">Blog</a> <a href="/login">Inloggen</a></nav>
<main><article><h1>{TITLE}</h1><p>{PARAS[0]}</p><p>{PARAS[1]}</p><h2>{HEADING}</h2><p>{PARAS[2]}</p></article>
<aside class="share">Deel dit artikel <a href="#">LinkedIn</a></aside></main>
<footer><p>© 2024 Klantwijs. Alle rechten voorbehouden.</p></footer></body></html>
"""


def _import(tmp_path: Path, name: str, data: bytes, *extra: str) -> tuple[int, dict[str, str], str]:
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out"
    code = main(["corpus", "import", "--corpus", str(out), *extra, str(source)])
    written = sorted(out.glob("*.md")) if out.is_dir() else []
    if not written:
        return code, {}, ""
    meta, body = split_article(written[0].read_text(encoding="utf-8"))
    return code, meta, body


def _assert_article(body: str) -> None:
    assert normalised(body) == normalised("\n\n".join([*PARAS[:2], HEADING, PARAS[2]]))
    assert f"## {HEADING}" in body


def test_html_main_text_and_the_pages_metadata(tmp_path: Path) -> None:
    code, meta, body = _import(tmp_path, "pagina.txt", HTML.encode())  # a saved page named .txt is still HTML
    assert code == 0
    assert meta["title"] == TITLE and meta["author"] == "Karin Bos" and meta["date"] == "2024-03-05"
    assert meta["url"] == "https://klantwijs.example.nl/blog/vaste-klanten" and meta["language"] == "nl"
    _assert_article(body)
    for chrome in ("Inloggen", "Deel dit", "rechten", "<", "function"):
        assert chrome not in body


def test_html_without_a_canonical_link_gets_no_address(tmp_path: Path) -> None:
    html = HTML.replace('<link rel="canonical" href="https://klantwijs.example.nl/blog/vaste-klanten">', "")
    code, meta, _ = _import(tmp_path, "pagina.html", html.encode())
    assert code == 0 and "url" not in meta  # never invented from the title or the site name


def test_html_without_a_publication_date_gets_none(tmp_path: Path) -> None:
    html = HTML.replace('<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">', "")
    code, meta, body = _import(tmp_path, "pagina.html", html.encode())  # the footer's "© 2024" is no date
    assert code == 0 and "date" not in meta
    _assert_article(body)


def test_html_that_declares_the_wrong_language_is_reported(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, meta, _ = _import(tmp_path, "pagina.html", HTML.replace('lang="nl"', 'lang="en"').encode())
    assert code == 0 and meta["language"] == "nl"
    assert "the file says language 'en', its text is nl" in capsys.readouterr().out


def test_docx_title_headings_and_lists(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.author = "Beheerder Laptop"  # who saved the file, not who wrote the article
    document.add_heading(TITLE, level=1)
    document.add_paragraph(PARAS[0])
    document.add_paragraph(PARAS[1])
    document.add_heading(HEADING, level=2)
    document.add_paragraph(PARAS[2])
    document.add_paragraph("Bel je klant", style="List Bullet")
    document.add_paragraph("Vraag wat beter kan", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Een vaste klant belt zelf als er iets misgaat."
    table.rows[0].cells[1].text = "Een nieuwe klant vertrekt zonder iets te zeggen."
    path = tmp_path / "artikel.docx"
    document.save(str(path))
    code, meta, body = _import(tmp_path, "kopie.docx", path.read_bytes())
    assert code == 0 and meta["title"] == TITLE and "author" not in meta and meta["language"] == "nl"
    assert "- Bel je klant\n- Vraag wat beter kan" in body
    assert f"## {HEADING}" in body and PARAS[2] in body
    assert "Een vaste klant belt zelf als er iets misgaat.\n\nEen nieuwe klant vertrekt" in body  # table text kept


def _pdf(lines: list[tuple[float, float, str]]) -> bytes:
    """A one-page PDF with Helvetica lines at (size, y): what a "print to PDF" produces, in miniature."""
    stream = "".join(f"BT /F1 {size} Tf 72 {y} Td ({text}) Tj ET\n" for size, y, text in lines).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_paragraphs_from_line_spacing_and_headings_from_type_size(tmp_path: Path) -> None:
    # Each paragraph wrapped over two lines 12 points apart; paragraphs 20 points apart; larger type for headings.
    def wrapped(text: str, y: float) -> list[tuple[float, float, str]]:
        half = text.index(" ", len(text) // 2)
        return [(10, y, text[:half]), (10, y - 12, text[half + 1:])]

    lines = [(18, 760, TITLE), *wrapped(PARAS[0], 730), *wrapped(PARAS[1], 698), (14, 660, HEADING),
             *wrapped(PARAS[2], 636)]
    printer = [(7, 820, "30-11-2026 10:04"), (7, 20, "https://klantwijs.example.nl/blog/vaste-klanten"),
               (7, 10, "1/1")]  # the browser's header and footer, in small type
    code, meta, body = _import(tmp_path, "artikel.pdf", _pdf([(s, y, t.encode("cp1252").decode("latin-1"))
                                                             for s, y, t in [printer[0], *lines, *printer[1:]]]))
    assert code == 0 and meta["title"] == TITLE and meta["language"] == "nl"
    _assert_article(body)
    assert body.count("\n\n") == 3  # three paragraphs and a heading: four blocks
    assert "date" not in meta and "url" not in meta  # the print date and the printed address are not the article's


@pytest.mark.parametrize(("encoding", "label"), [("utf-16", "UTF-16"), ("cp1252", "Windows-1252"),
                                                 ("utf-8-sig", "UTF-8 (BOM)"), ("latin-1", "Windows-1252")])
def test_text_encodings(encoding: str, label: str, tmp_path: Path) -> None:
    text = f"{TITLE}\n\n{PARAS[0]} Het kost € 5 per maand — “geen” probleem, zeggen ze in Café Noël.\n\n{PARAS[1]}\n"
    if encoding == "latin-1":
        text = text.replace("€ 5", "5 euro").replace("—", "-").replace("“geen”", "geen")
    data = text.encode(encoding)
    decoded, found = decode_text(data)
    assert decoded == text and found == label
    code, meta, body = _import(tmp_path, "artikel.txt", data)
    assert code == 0 and meta["title"] == TITLE
    assert "Café Noël" in body


def test_markdown_front_matter_is_the_operators_statement(tmp_path: Path) -> None:
    text = (f"---\ntitle: {TITLE}\nauthor: Karin Bos\ndate: 2023-11-02\nurl: https://example.nl/a\n---\n"
            f"{PARAS[0]}\n\n## {HEADING}\n\n{PARAS[1]}\n")
    code, meta, body = _import(tmp_path, "artikel.md", text.encode())
    assert code == 0
    assert (meta["title"], meta["author"], meta["date"], meta["url"]) == (TITLE, "Karin Bos", "2023-11-02",
                                                                           "https://example.nl/a")
    assert body.startswith(PARAS[0]) and f"## {HEADING}" in body


def test_markdown_without_front_matter_takes_its_heading_as_title(tmp_path: Path) -> None:
    code, meta, body = _import(tmp_path, "artikel.md", f"# {TITLE}\n\n{PARAS[0]}\n\n{PARAS[1]}\n".encode())
    assert code == 0 and meta["title"] == TITLE and body.startswith(PARAS[0])


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "old Word"),
    (b"PK\x03\x04" + bytes(200), "ZIP"),
    (bytes(range(256)) * 8, "a binary file"),
])
def test_anything_else_is_one_line_and_nothing_written(data: bytes, what: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, meta, _ = _import(tmp_path, "bestand.bin", data)
    assert code == 1 and not meta and not (tmp_path / "out").exists()
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and what in err
    assert "the importer reads HTML, PDF, DOCX, Markdown" in err


def test_read_source_names_the_format(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(HTML.encode("utf-16"))
    source = read_source(path)
    assert (source.format, source.encoding, source.title) == ("html", "UTF-16", TITLE)
    with pytest.raises(UnsupportedFormat):
        decode_text(b"\x00\x01\x02\x03" * 100)


def test_an_empty_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, meta, _ = _import(tmp_path, "leeg.txt", b"  \n\n")
    assert code == 1 and not meta
    assert "the file holds no text" in capsys.readouterr().err
