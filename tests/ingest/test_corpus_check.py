"""`corpus check` reports every bad file with its name (and line), and the good ones still load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from engine_support import CONFIG, CORPUS

from bot.cli import main

GOOD = "---\nid: goed\ntitle: Goed artikel\n---\nTekst over klanten.\n"


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_the_committed_corpus_and_config_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "check", "--corpus", str(CORPUS), "--config", str(CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "2 article(s) OK, 0 error(s)" in out


def test_each_problem_names_its_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, config = tmp_path / "corpus", tmp_path / "config"
    corpus.mkdir()
    config.mkdir()
    _write(corpus, "a-goed.md", GOOD)
    _write(corpus, "b-yaml.md", "---\nid: yaml\ntitle: [niet gesloten\n---\nTekst.\n")
    _write(corpus, "c-titel.md", "---\nid: zonder-titel\n---\nTekst.\n")
    _write(corpus, "d-leeg.md", "---\nid: leeg\ntitle: Leeg\n---\n\n")
    _write(corpus, "e-dubbel.md", GOOD.replace("Goed artikel", "Ander artikel"))
    _write(corpus, "f-latin.md", "---\nid: latin\ntitle: Caf\xe9\n---\nTekst.\n".encode("latin-1"))
    _write(corpus, "g-onbekend.md", "---\nid: onbekend\ntitle: Onbekend\ncolour: blauw\n---\nTekst.\n")
    _write(corpus, "h-open.md", "---\nid: open\ntitle: Nooit gesloten\nTekst.\n")
    _write(corpus, "i-zonder.md", "Alleen tekst, geen kop.\n")
    _write(corpus, "j-dubbel-sleutel.md", "---\nid: sleutel\ntitle: Eerste titel\ntitle: Tweede titel\n---\nTekst.\n")
    _write(corpus, "k-soorten.md",
           "---\nid: soorten\ntitle: Soorten\nkinds:\n  Regels: rule\n---\n## Regel\n\nTekst.\n")
    _write(corpus, "notes.txt", "geen artikel")
    _write(config, "search.yaml", "answer:\n  min_coverage: 7\nbm25:\n  variant: bm99\n")
    _write(config, "synonyms.yaml", "synonyms: [oops\n")

    assert main(["corpus", "check", "--corpus", str(corpus), "--config", str(config)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()

    def line_for(name: str) -> str:
        return next(line for line in lines if name in line)

    assert "malformed YAML" in line_for("b-yaml.md:3")
    assert "missing title" in line_for("c-titel.md")
    assert "empty body" in line_for("d-leeg.md")
    assert "duplicate id 'goed'" in line_for("e-dubbel.md")
    assert "not UTF-8" in line_for("f-latin.md")
    assert "warning: unknown key 'colour'" in line_for("g-onbekend.md:4")
    assert "front matter not closed" in line_for("h-open.md:1")
    assert "missing YAML front matter" in line_for("i-zonder.md:1")
    assert "key 'title' appears twice (lines 3 and 4)" in line_for("j-dubbel-sleutel.md:4")
    assert "kinds: no section 'regels' in this article (its headings: regel)" in line_for("k-soorten.md:4")
    assert "ignored: not a .md article" in line_for("notes.txt")
    assert "'answer.min_coverage' is 7; expected a number from 0 to 1" in line_for("search.yaml:2")
    assert "'bm25.variant' is 'bm99'; expected one of okapi, plus, l" in line_for("search.yaml:4")
    assert "malformed YAML" in line_for("synonyms.yaml")
    # The good article (and the one with only a warning) still load.
    assert "4 article(s) OK" in lines[-1]  # and the two with warnings about keys


def test_an_empty_corpus_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus").mkdir()
    assert main(["corpus", "check", "--corpus", str(tmp_path / "corpus"), "--config", str(CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "warning: no article loads from this folder" in out
    assert "0 article(s) OK, 0 error(s), 1 warning(s)" in out


def test_settings_problems_point_at_their_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    config.mkdir()
    _write(config, "search.yaml", "bm25:\n  k1: 1.5\nextra_top: 1\nanswer: 5\n")
    _write(config, "synonyms.yaml", "# synonyms\nsynonyms:\n  - [klant, afnemer]\n  - [alleen]\ntranslations:\n"
                                    "  customer: [klant]\n  bad: 7\nextra: 1\n")
    assert main(["corpus", "check", "--corpus", str(CORPUS), "--config", str(config)]) == 1
    out = capsys.readouterr().out
    for expected in ("search.yaml:3: warning: unknown key 'extra_top'", "search.yaml:4: error: 'answer' must be",
                     "synonyms.yaml:4: error: synonyms entry 2 is ['alleen']",
                     "synonyms.yaml:7: error: translations entry 'bad'", "synonyms.yaml:8: warning: unknown key"):
        assert expected in out, out


BODY = ("Een klant die zich gehoord voelt, blijft langer. Dat klinkt vanzelfsprekend, maar in de praktijk luisteren "
        "we vooral naar onszelf. Stel daarom na elk gesprek één vraag die je nog niet eerder stelde, en kom er de "
        "volgende keer op terug. Wie dat een jaar volhoudt, kent zijn klanten beter dan zijn concurrenten ze kennen.\n")


def test_what_an_import_let_through_is_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "a.md", f"---\nid: a\ntitle: Luisteren naar je klant\n---\n{BODY}")
    _write(corpus, "b.md", f"---\nid: b\ntitle: Luisteren naar klanten\n---\n{BODY.replace('langer', 'lang')}")
    _write(corpus, "c.md", "---\nid: c\ntitle: \"(function(w,d){var s=d.createElement('script');})(window);\"\n---\n"
                           "4 minuten leestijd\n\n## Categorie: Sales\n\nOnderhandelen doe je samen, niet tegen elkaar."
                           " Wie dat vergeet, wint één keer en verliest de klant.\n")
    assert main(["corpus", "check", "--corpus", str(corpus), "--config", str(CONFIG)]) == 0  # warnings only
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{corpus / 'c.md'}:3: warning: title") and "script or style line" in line
               for line in lines)
    assert any(line.startswith(f"{corpus / 'c.md'}:5: warning: line '4 minuten leestijd' looks like site chrome "
                               "(reading time)") for line in lines)
    assert any(line.startswith(f"{corpus / 'c.md'}:7: warning: heading '## Categorie: Sales' looks like site chrome "
                               "(category line)") for line in lines)
    assert any(line.startswith(f"{corpus / 'b.md'}: warning: nearly the same text as 'a'") for line in lines)
    assert not any("a.md" in line.split(":")[0] for line in lines)  # the first of the pair, and a good title, pass
    assert lines[-1] == "3 article(s) OK, 0 error(s), 4 warning(s)"


def test_articles_on_one_topic_are_not_duplicates(capsys: pytest.CaptureFixture[str]) -> None:
    multi = CORPUS.parent / "multi_corpus"
    assert main(["corpus", "check", "--corpus", str(multi), "--config", str(CONFIG)]) == 0
    assert "nearly the same" not in capsys.readouterr().out


@pytest.mark.parametrize("value", ["1" + "0" * 320, ".inf", ".nan", "-.inf"])
def test_a_number_setting_that_is_no_finite_number_is_refused_with_its_key(tmp_path: Path, value: str) -> None:
    from bot.search.settings import load_search_settings

    (tmp_path / "search.yaml").write_text(f"answer:\n  min_score: {value}\nsemantic:\n  example_similarity: {value}\n",
                                          encoding="utf-8")
    settings, problems = load_search_settings(tmp_path)  # before: OverflowError, or .inf taken as a bar
    assert settings.answer.min_score == 0.0 and settings.semantic.example_similarity == 0.95
    assert [p.line for p in problems] == [2, 4] and all("using the default" in p.message for p in problems)
    assert all(len(p.message) < 300 for p in problems)  # the 321-digit number is shown cut, not whole


def test_a_hidden_article_and_a_symlink_to_nothing_are_warnings_not_silence(tmp_path: Path) -> None:
    from bot.checks import check_all

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / ".md").write_text("---\nid: x\ntitle: X\n---\nTekst.\n", encoding="utf-8")
    (corpus / "weg.md").symlink_to(tmp_path / "bestaat-niet.md")
    (corpus / ".#regel.md").symlink_to(tmp_path / "user@host.1234")  # Emacs' lock file while editing: no warning
    count, problems = check_all(corpus, CONFIG)
    assert count == 2
    assert [(Path(p.path).name, p.severity) for p in problems] == [(".md", "warning"), ("weg.md", "warning")]
    assert "hidden file" in problems[0].message and "symlink to nothing" in problems[1].message
