"""Importing raw scrapes: the seeds become the committed corpus files, with general (not page-specific) rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import CORPUS
from ingest_support import shared_dir

from bot.cli import main
from bot.ingest.cleaning import clean, slugify

ROOT = Path(__file__).resolve().parents[2]
SEEDS = {
    "000_763e993bd8cb6f40.txt": ("opportunist-mensen-kwijt.md", None),
    "003_f01afd0df1011a24.txt": (
        "belangrijkste-regel-zakelijke-relaties.md",
        "https://managersonline.nl/weblog/1023/de-belangrijkste-regel-in-zakelijke-relaties.html",
    ),
}
CHROME = [
    "Terug naar overzicht", "zoeken Nieuwsbrief", "Linkedin", "Doorsturen", "Reageer", "Over de auteur",
    "publiceerde de volgende boeken", "Maak van de telefoon je vriend", "Laatste weblogs",
    "Hoeveel burn-out fabrieken", "Er zijn nog geen reacties", "Emailadres:", "Een cyber-survivalgids",
    "(1)", "About the Author", "result", "top10", "Door: Michel Hoetmer",
]


def test_seeds_are_kept_unchanged() -> None:
    shared = shared_dir("seeds")
    if shared is None:
        pytest.skip("../shared/seeds is not beside this checkout")
    for name in SEEDS:
        assert (ROOT / "seeds" / name).read_bytes() == (shared / name).read_bytes()


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_import_reproduces_the_committed_corpus_file(seed: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    target, url = SEEDS[seed]
    args = ["corpus", "import", "--corpus", str(tmp_path), str(ROOT / "seeds" / seed)]
    if url:
        args += ["--url", url]  # the scrape holds no address; the operator supplies it
    assert main(args) == 0
    written = (tmp_path / target).read_text(encoding="utf-8")
    assert written == (CORPUS / target).read_text(encoding="utf-8")
    body = written.split("\n---\n", 1)[1]
    for chrome in CHROME:
        assert chrome not in body, chrome
    out = capsys.readouterr().out
    assert "removed" in out and "written" in out


def test_seed_repairs() -> None:
    cleaned = clean((ROOT / "seeds" / "000_763e993bd8cb6f40.txt").read_text(encoding="utf-8"))
    assert cleaned.title == "Waarom de opportunist mensen kwijt raakt"
    assert "opportunist. De opportunist raakt" in cleaned.body
    assert "terug. Jammer hoor!" in cleaned.body
    assert "## Casus Aventeon" in cleaned.body
    assert "\u00a0" not in cleaned.body
    # Words stay verbatim, including the article's own typo ("zicht" for "zich") and curly quotes.
    assert "zonder zicht echt te verplaatsen" in cleaned.body
    assert "(‘unique selling points’)" in cleaned.body
    other = clean((ROOT / "seeds" / "003_f01afd0df1011a24.txt").read_text(encoding="utf-8"))
    assert (other.author, other.date) == ("Michel Hoetmer", "2012-08-24")
    assert "- Waarom doe je dit?" in other.body
    assert "1. Doe wat u belooft." in other.body


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Het is 3.5 procent.", "Het is 3.5 procent."),
        ("Kijk op www.managersonline.nl voor meer.", "Kijk op www.managersonline.nl voor meer."),
        ("Dat zei dr.Jansen gisteren.", "Dat zei dr.Jansen gisteren."),
        ("Dat klopt niet.Toch doen we het.", "Dat klopt niet. Toch doen we het."),
        ("Echt waar?Ja hoor.", "Echt waar? Ja hoor."),
    ],
)
def test_missing_space_repair_only_where_unambiguous(line: str, expected: str) -> None:
    raw = f"Een titel van een artikel\n\n{line} En nog een zin om de alinea lang genoeg te maken.\n"
    assert expected in clean(raw).body


def test_rules_generalise_to_another_page() -> None:
    raw = """Home
Menu
Facebook Twitter LinkedIn
blog

Zo onderhandel je over prijzen

Door: Anna de Vries, 3-2-2021, 09:15 uur

Onderhandelen begint bij weten wat je wilt.Wie dat niet weet, verliest.

Voorbereiding
Schrijf vooraf je ondergrens op. Houd je eraan.

  • Ken je ondergrens
  • Ken je alternatief

Deel dit artikel
Over de auteur:
Anna schrijft over inkoop.
Laatste weblogs
Waarom iedereen nu over AI praat (4)
"""
    cleaned = clean(raw)
    assert cleaned.title == "Zo onderhandel je over prijzen"
    assert (cleaned.author, cleaned.date) == ("Anna de Vries", "2021-02-03")
    assert "wilt. Wie dat niet weet" in cleaned.body
    assert "## Voorbereiding" in cleaned.body
    assert "- Ken je ondergrens\n- Ken je alternatief" in cleaned.body
    for chrome in ["Home", "Menu", "Facebook", "Deel dit artikel", "Anna schrijft", "Laatste weblogs", "(4)"]:
        assert chrome not in cleaned.body
    assert slugify(cleaned.title) == "zo-onderhandel-je-over-prijzen"


def test_import_refuses_to_overwrite_and_dry_run_writes_nothing(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(ROOT / "seeds" / "000_763e993bd8cb6f40.txt")
    assert main(["corpus", "import", "--dry-run", "--corpus", str(tmp_path), seed]) == 0
    assert list(tmp_path.iterdir()) == []
    assert "Terug naar overzicht" in capsys.readouterr().out  # shows what it would remove
    assert main(["corpus", "import", "--corpus", str(tmp_path), seed]) == 0
    target = tmp_path / "opportunist-mensen-kwijt.md"
    target.write_text("operator edits", encoding="utf-8")
    assert main(["corpus", "import", "--corpus", str(tmp_path), seed]) == 1
    assert target.read_text(encoding="utf-8") == "operator edits"  # never loses the operator's data
    assert "--force" in capsys.readouterr().err
    assert main(["corpus", "import", "--force", "--corpus", str(tmp_path), seed]) == 0
    assert target.read_text(encoding="utf-8").startswith("---\nid: opportunist-mensen-kwijt\n")


def test_the_same_page_under_another_id_needs_attention(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = ROOT / "seeds" / "000_763e993bd8cb6f40.txt"
    corpus = tmp_path / "corpus"
    assert main(["corpus", "import", "--corpus", str(corpus), str(seed)]) == 0
    assert "nearly the same text" not in capsys.readouterr().out
    # Imported again under another id: written (nothing is lost), and named with the article it repeats.
    assert main(["corpus", "import", "--corpus", str(corpus), "--id", "opportunist-kopie", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "nearly the same text as 'opportunist-mensen-kwijt' (opportunist-mensen-kwijt.md), 100% shared" in out
    assert (corpus / "opportunist-kopie.md").exists()
    # Re-importing it over itself with --force is an update, not a duplicate of itself; the copy is still named.
    assert main(["corpus", "import", "--corpus", str(corpus), "--force", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "'opportunist-mensen-kwijt'" not in out and "'opportunist-kopie'" in out
    # Two files of one run with the same text and different titles: the second names the first.
    text = ("Een klant die zich gehoord voelt, blijft langer. Dat klinkt vanzelfsprekend, maar in de praktijk "
            "luisteren we vooral naar onszelf.\n\nStel daarom na elk gesprek een vraag die je nog niet eerder "
            "stelde. Schrijf het antwoord op en kom er de volgende keer op terug, zodat de klant merkt dat je het "
            "onthield.\n\nWie dat een jaar volhoudt, kent zijn klanten beter dan zijn concurrenten ze kennen.\n")
    (tmp_path / "pagina.txt").write_text("Luisteren naar je klant\n\n" + text, encoding="utf-8")
    (tmp_path / "pagina-pdf.txt").write_text("Goed luisteren\n\n" + text, encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert main(["corpus", "import", "--dry-run", "--corpus", str(fresh), str(tmp_path / "pagina.txt"),
                 str(tmp_path / "pagina-pdf.txt")]) == 0
    assert "nearly the same text as 'luisteren-naar-je-klant' (a file of this run)" in capsys.readouterr().out


def test_import_refuses_what_it_cannot_read_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Windows-1252 and Latin-1 used to be refused with advice to run iconv; they are read now (tests/ingest/
    # test_formats.py). What is no text at all gets one line that names the formats, and nothing is written.
    bad = tmp_path / "plaatje.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert main(["corpus", "import", "--corpus", str(tmp_path / "out"), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "unsupported format (a PNG image)" in err and "HTML, PDF, DOCX, Markdown" in err
    assert err.count("error:") == 1  # one "error:", not "error: path: error: ..."
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_import_of_a_file_that_is_not_there_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "import", "--corpus", str(tmp_path / "out"), str(tmp_path / "typo.txt")]) == 1
    assert f"{tmp_path / 'typo.txt'}: error: file not found" in capsys.readouterr().err


PAGE = ("<html><head><title>Klanten binden</title></head><body><h1>Klanten binden</h1><p>Een klant die zich gehoord "
        "voelt, blijft langer. Dat klinkt vanzelfsprekend, maar in de praktijk luisteren we vooral naar onszelf en "
        "vergeten we te vragen wat de klant echt nodig heeft.</p><p>Bel daarom elke klant na een levering terug en "
        "vraag wat beter kan. Schrijf het antwoord op en kom er de volgende keer op terug.</p></body></html>")


def test_a_damaged_docx_in_a_folder_is_refused_and_the_other_files_are_imported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "kapot.docx", "w") as archive:  # a valid package whose document XML is broken
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                         '</Relationships>')
        archive.writestr("word/document.xml", "<not xml")
    (folder / "pagina.html").write_text(PAGE, encoding="utf-8")
    assert main(["corpus", "import", "--corpus", str(tmp_path / "out"), str(folder)]) == 1
    captured = capsys.readouterr()
    assert "kapot.docx: error: cannot read this file, it looks damaged (XMLSyntaxError" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert (tmp_path / "out" / "klanten-binden.md").is_file()


def test_an_article_larger_than_the_bot_reads_is_refused_not_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.ingest import importer

    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 300)  # the bot's limit is 4 MB; a small page shows the rule
    page = tmp_path / "pagina.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["corpus", "import", "--corpus", str(tmp_path / "out"), str(page)]) == 1
    assert "a corpus file may hold: split the page" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("title", ["Klanten\x1b[31m binden", "Klanten \u202ebinden"])
def test_a_title_with_control_characters_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    title: str) -> None:
    page = tmp_path / "pagina.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["corpus", "import", "--corpus", str(tmp_path / "out"), "--title", title, str(page)]) == 1
    assert "--title" in capsys.readouterr().err and not (tmp_path / "out").exists()
