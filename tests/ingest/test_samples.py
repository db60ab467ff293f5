"""The real pages in ../shared/samples import right: title, author, date, language, no chrome, no lost sentence, and
the same article from every format. Expected titles come from the pages' addresses (README table), not from copies
of their text; the samples are read where they are and skipped when absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ingest_support import (
    contiguous,
    normalised,
    sample_addresses,
    samples,
    slug_words,
    split_article,
    words,
)

from bot.cli import main
from bot.ingest.metadata import is_date_line

# file -> (language, author or None, date or None). Author and date only where the page shows them.
EXPECTED = {
    "01_handhavingsacademie_klanttevredenheid.txt": ("nl", None, None),
    "02_cm_loyale_klanten.txt": ("nl", None, "2019-01-22"),
    "05_acknowledge_vertrouwen.txt": ("nl", None, None),
    "10_smallbizsurvival_promises_en.txt": ("en", "Glenn Muske", None),
    "11_monteloeder_winwin_en.txt": ("en", "Andres Jordan", None),
}
NO_TITLE = "07_horeca_onderhandelen.txt"  # its title is not in its text
# Shapes of chrome, as patterns (not the pages' lines): none may survive in an article body.
CHROME = [
    r"(?i)\bterug naar\b", r"(?i)\blog (hier )?in\b", r"(?i)\bminutes? read\b", r"(?i)\bleestijd\b", r"[{}]",
    r"\(function", r"(?i)^photo\b", r"(?i)\bflickr\b", r"(?i)^categorie", r"(?i)naar boven", r"^sub-header$",
    r"^•", r"(?i)^by [A-Z]", r"(?i)^(?:#+ )?inhoud$", r"(?i)^mijn \w+$", r"(?i)^previous icon",
]
FORMS = ["12_cm_loyale_klanten.html", "13_cm_loyale_klanten.docx", "14_cm_loyale_klanten.pdf",
         "16_cm_loyale_klanten_cp1252.txt", "17_cm_loyale_klanten_utf16.txt"]


def _import(path: Path, out: Path, *extra: str) -> tuple[int, dict[str, str], str]:
    code = main(["corpus", "import", "--corpus", str(out), *extra, str(path)])
    written = list(out.glob("*.md")) if out.is_dir() else []
    if not written:
        return code, {}, ""
    meta, body = split_article(written[0].read_text(encoding="utf-8"))
    return code, meta, body


def _raw_lines(path: Path) -> list[str]:
    return [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_right(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = samples() / name
    language, author, date = EXPECTED[name]
    code, meta, body = _import(path, tmp_path)
    assert code == 0, capsys.readouterr().err
    # Title: the words of the page's address, in order (the address is the publisher's own slug of the title).
    assert contiguous(words(meta["title"]), slug_words(sample_addresses()[name])), meta["title"]
    assert meta["language"] == language
    assert meta.get("author") == author
    assert meta.get("date") == date
    assert "url" not in meta  # a text scrape holds no address, and none is invented
    body_lines = [line for line in body.splitlines() if line]
    for line in body_lines:
        for pattern in CHROME:
            assert not re.search(pattern, line), (pattern, line)
        assert not is_date_line(line), line
    # Nothing of the site's header (every line above the title) reaches the body.
    raw = _raw_lines(path)
    title_at = next(i for i, line in enumerate(raw) if line and words(line) == words(meta["title"]))
    header = {line for line in raw[:title_at] if line}
    assert not header & {re.sub(r"^(?:#+|-) ", "", line) for line in body_lines}
    # No lost sentence: every line of running text after the title is in the body, word for word.
    flat = normalised(body)
    for line in raw[title_at + 1:]:
        text = re.sub(r"^[•·]\s*", "", line)
        if len(text.split()) >= 8 or re.search(r"[.!?]$", text):
            assert normalised(text) in flat, text[:60]


def test_page_without_its_title_is_refused_and_asks_for_title(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = samples() / NO_TITLE
    code, meta, _ = _import(path, tmp_path / "out")
    assert code == 1 and not meta
    assert not (tmp_path / "out").exists()  # nothing written
    err = capsys.readouterr().err
    assert "no line is a plausible title" in err and "--title" in err
    # Given the title, the page imports: chrome gone, the first section heading kept as a heading, nothing lost.
    code, meta, body = _import(path, tmp_path / "out", "--title", "Onderhandelen")
    assert code == 0 and meta["title"] == "Onderhandelen" and meta["language"] == "nl"
    lines = [line for line in body.splitlines() if line]
    assert lines[0].startswith("## ")
    for line in lines:
        for pattern in CHROME:
            assert not re.search(pattern, line), (pattern, line)
    flat = normalised(body)
    for line in _raw_lines(path):
        if len(line.split()) >= 8:
            assert normalised(line) in flat, line[:60]


@pytest.mark.parametrize("name", FORMS)
def test_every_format_gives_the_same_article_as_the_text_scrape(name: str, tmp_path: Path) -> None:
    folder = samples()
    code, scrape_meta, scrape_body = _import(folder / "02_cm_loyale_klanten.txt", tmp_path / "scrape")
    assert code == 0
    code, meta, body = _import(folder / name, tmp_path / "form")
    assert code == 0
    assert meta["id"] == scrape_meta["id"] and meta["title"] == scrape_meta["title"]
    assert meta["language"] == scrape_meta["language"] == "nl"
    assert normalised(body) == normalised(scrape_body)
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings == [line for line in scrape_body.splitlines() if line.startswith("#")]
    assert len(headings) == 2
    if name.endswith(".html"):
        # The page states its date and canonical address; its "author" is the site's name, not a person.
        assert meta["date"] == scrape_meta["date"]
        assert meta["url"].startswith("https://www.cm.com/")
        assert "author" not in meta
    elif name.endswith((".docx", ".pdf")):
        assert "date" not in meta and "url" not in meta and "author" not in meta  # these files do not carry them
    else:
        assert meta == scrape_meta


def test_a_folder_imports_in_one_command_with_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = samples()
    code = main(["corpus", "import", "--dry-run", "--corpus", str(tmp_path), str(folder)])
    assert code == 1  # the page without a title is refused; the others are shown
    out = capsys.readouterr().out
    summary = out[out.index("summary:"):]
    for name in EXPECTED:
        assert re.search(rf"dry run\s+{re.escape(name)} -> [\w-]+: '.+'; author .+; date .+; (nl|en); \d+ chunk",
                         summary), name
    for name in FORMS:  # the same article as 02 again: one id, so one file
        assert re.search(rf"REFUSED\s+{re.escape(name)}: same id 'jouw-loyale-klanten' as 02_cm", summary), name
    assert re.search(rf"REFUSED\s+{NO_TITLE}: no line is a plausible title", summary)
    assert list(tmp_path.iterdir()) == []


def test_one_article_from_two_files_of_a_run_is_written_once(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = samples()
    code = main(["corpus", "import", "--force", "--corpus", str(tmp_path), str(folder / "02_cm_loyale_klanten.txt"),
                 str(folder / FORMS[0])])
    assert code == 1
    assert [p.name for p in tmp_path.iterdir()] == ["jouw-loyale-klanten.md"]
    assert "same id 'jouw-loyale-klanten' as 02_cm_loyale_klanten.txt in this run" in capsys.readouterr().err
