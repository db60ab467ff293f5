"""What the operator sees: the dry run shows the article and its first passages as the bot quotes them; the topic
list users see holds the title and the real headings of an imported page, never its chrome."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import CONFIG

from bot.cli import main
from bot.search.engine import Engine

PAGE = """Home
Diensten
Contact
Inloggen

Beloftes die je waarmaakt

Door: Karin Bos, 8 juli 2025
4 minuten leestijd

Wie iets belooft aan een klant, schept een verwachting. Die verwachting weegt zwaarder dan de belofte zelf, want
de klant onthoudt wat hij verwachtte.

Foto: Jan Klaassen

Beloof minder, lever precies

Het klinkt bescheiden, maar het werkt. Een klant die krijgt wat hij verwachtte, komt terug; een klant die meer
kreeg, verwacht de volgende keer nog meer.

Categorie: Klantrelaties

Tot slot

Schrijf elke belofte op en vink haar af als je haar hebt waargemaakt. Zo zie je ook wat je te vaak belooft.

Deel dit artikel
Gerelateerde artikelen
Vijf tips voor betere offertes
"""


def test_dry_run_shows_the_article_and_the_first_passages(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "pagina.txt"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["corpus", "import", "--dry-run", "--corpus", str(tmp_path / "out"), str(page)]) == 0
    assert not (tmp_path / "out").exists()
    out = capsys.readouterr().out
    assert "title: Beloftes die je waarmaakt  (the first line after the site's navigation ('Inloggen')" in out
    assert "author: Karin Bos; date: 2025-07-08; language: nl; url: -; chunks: 3" in out
    article = out[out.index("--- article as it would be written ---"):out.index("--- first passages")]
    assert "id: beloftes-je-waarmaakt\ntitle: Beloftes die je waarmaakt\nauthor: Karin Bos\ndate: 2025-07-08\n" \
        in article
    passages = out[out.index("--- first passages"):]
    assert "[1] passage, section 'Beloftes die je waarmaakt':\n      Wie iets belooft aan een klant" in passages
    assert "[2] passage, section 'Beloof minder, lever precies':" in passages
    assert "[3] passage, section 'Tot slot':" in passages
    assert "dry run  pagina.txt -> beloftes-je-waarmaakt: 'Beloftes die je waarmaakt'; author Karin Bos" in out


def test_topics_of_an_imported_page_are_its_title_and_real_headings(tmp_path: Path) -> None:
    page = tmp_path / "pagina.txt"
    page.write_text(PAGE, encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["corpus", "import", "--corpus", str(corpus), str(page)]) == 0
    topics = Engine.load(corpus, CONFIG).topics()
    assert topics == ["Beloftes die je waarmaakt", "Beloof minder, lever precies", "Tot slot"]


def test_several_files_with_one_title_option_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    assert main(["corpus", "import", "--title", "X", "--corpus", str(tmp_path / "out"),
                 str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 2
    assert "one file at a time" in capsys.readouterr().err


def test_date_language_and_url_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "pagina.txt"
    page.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["corpus", "import", "--date", "3 juni 2025", "--language", "en", "--url",
                 "https://example.nl/beloftes", "--corpus", str(out), str(page)]) == 0
    written = (out / "beloftes-je-waarmaakt.md").read_text(encoding="utf-8")
    assert "date: 2025-06-03\nurl: https://example.nl/beloftes\nlanguage: en\n" in written
    assert "--language en given, but the text looks nl" in capsys.readouterr().out
    assert main(["corpus", "import", "--date", "gisteren", "--corpus", str(out), "--force", str(page)]) == 1
    assert "--date 'gisteren' is not a date" in capsys.readouterr().err


def test_a_folders_readme_is_skipped_and_named_alone_it_is_imported(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "pagina.txt").write_text(PAGE, encoding="utf-8")
    (pages / "README.md").write_text("# Wat hier staat\n\nDeze map bevat de pagina's die we willen importeren, "
                                     "elk als tekst zoals de browser ze kopieerde.\n", encoding="utf-8")
    (pages / "LICENSE").write_text("Alle rechten voorbehouden aan de schrijvers van de pagina's.\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    assert main(["corpus", "import", "--corpus", str(out_dir), str(pages)]) == 0
    out = capsys.readouterr().out
    assert f"{pages / 'README.md'}: skipped: a folder's README file, not an article" in out
    assert f"{pages / 'LICENSE'}: skipped: a folder's LICENSE file" in out
    assert [p.name for p in out_dir.iterdir()] == ["beloftes-je-waarmaakt.md"]
    assert "summary: 1 file(s)" in out
    assert main(["corpus", "import", "--corpus", str(out_dir), str(pages / "README.md")]) == 0  # named: taken
    assert sorted(p.name for p in out_dir.iterdir()) == ["beloftes-je-waarmaakt.md", "hier-staat.md"]


def test_a_dry_run_says_when_the_import_would_be_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "pagina.txt"
    page.write_text(PAGE, encoding="utf-8")
    out_dir = tmp_path / "out"
    assert main(["corpus", "import", "--dry-run", "--corpus", str(out_dir), str(page)]) == 0
    assert "(dry run: nothing written)" in capsys.readouterr().out
    assert main(["corpus", "import", "--corpus", str(out_dir), str(page)]) == 0
    capsys.readouterr()
    assert main(["corpus", "import", "--dry-run", "--corpus", str(out_dir), str(page)]) == 0
    assert (f"(dry run: nothing written; the import itself would be refused: {out_dir / 'beloftes-je-waarmaakt.md'} "
            "exists, use --force to overwrite it)") in capsys.readouterr().out
    assert main(["corpus", "import", "--dry-run", "--force", "--corpus", str(out_dir), str(page)]) == 0
    assert "(dry run: nothing written)\n" in capsys.readouterr().out
