"""Corpus and config faults during live reloads: each is reported with its file, and the bot keeps serving."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from engine_support import CONFIG, CORPUS

from bot.search.engine import Engine
from bot.serving.live import LiveCorpus


class Holder:
    def __init__(self) -> None:
        self.engine = Engine([])

    def get(self) -> Engine:
        return self.engine

    def swap(self, engine: Engine) -> None:
        self.engine = engine


@pytest.fixture
def live(tmp_path: Path) -> LiveCorpus:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(CONFIG, tmp_path / "config")
    live = LiveCorpus(tmp_path / "corpus", tmp_path / "config", Holder())
    live.holder.swap(live.initial())
    return live


def _serving(live: LiveCorpus) -> bool:
    engine = live.holder.get()
    return engine.ask("Wat ging er mis bij Aventeon?").answered and engine.ask("Doe wat u belooft").answered


async def test_binary_file_is_reported(live: LiveCorpus) -> None:
    path = live.corpus_dir / "plaatje.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    report = await live.reload("test")
    assert any(p.path == str(path) and "binary" in p.message for p in report.problems)
    assert _serving(live)


async def test_very_large_file_is_refused_not_read(live: LiveCorpus) -> None:
    path = live.corpus_dir / "dump.md"
    with path.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    report = await live.reload("test")
    assert any(p.path == str(path) and "too large" in p.message for p in report.problems)
    assert _serving(live)


async def test_unreadable_file_is_reported(live: LiveCorpus, monkeypatch: pytest.MonkeyPatch) -> None:
    path = live.corpus_dir / "geheim.md"
    path.write_text("---\nid: geheim\ntitle: Geheim\n---\nTekst over klanten.\n", encoding="utf-8")
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "geheim.md":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)  # running as root, chmod 000 would not stop us
    report = await live.reload("test")
    assert any(p.path == str(path) and "cannot read" in p.message for p in report.problems)
    assert _serving(live)


async def test_file_removed_mid_reload(live: LiveCorpus, monkeypatch: pytest.MonkeyPatch) -> None:
    path = live.corpus_dir / "vluchtig.md"
    path.write_text("---\nid: vluchtig\ntitle: Vluchtig\n---\nTekst.\n", encoding="utf-8")
    real_stat = Path.stat

    def vanish(self: Path, **kw: object):  # type: ignore[no-untyped-def]
        if self.name == "vluchtig.md" and not kw:
            os.unlink(self)  # the operator deletes it between listing and reading
        return real_stat(self, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", vanish)
    report = await live.reload("test")
    assert report.ok
    assert "vluchtig" not in live.holder.get().articles
    assert _serving(live)


async def test_symlink_loop_does_not_hang_or_crash(live: LiveCorpus) -> None:
    (live.corpus_dir / "sub").mkdir()
    os.symlink("..", live.corpus_dir / "sub" / "loop")
    os.symlink("zelf.md", live.corpus_dir / "zelf.md")  # a link to itself
    report = await live.reload("test")
    assert report.ok
    assert _serving(live)


async def test_thousands_of_files(live: LiveCorpus) -> None:
    for i in range(2000):
        (live.corpus_dir / f"a{i:04d}.md").write_text(
            f"---\nid: a{i:04d}\ntitle: Artikel {i}\n---\nWoord{i} staat hier met klanten en leveranciers.\n",
            encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and report.articles == 2002
    # "woord1234" alone occurs once in the corpus, so it is incidental and cannot carry an answer on its own.
    assert live.holder.get().ask("woord1234 en klanten").results[0].article == "a1234"
    assert _serving(live)


async def test_malformed_yaml_in_config_names_the_file_and_line(live: LiveCorpus) -> None:
    path = live.config_dir / "search.yaml"
    path.write_text("bm25:\n  variant: plus\n  k1: [1.2\n", encoding="utf-8")
    report = await live.reload("test")
    problem = next(p for p in report.problems if p.path == str(path) and "malformed YAML" in p.message)
    assert problem.line is not None and problem.line >= 3
    assert _serving(live)


async def test_impossible_date_is_one_bad_file_not_a_failed_reload(live: LiveCorpus) -> None:
    """PyYAML accepts `date: 2012-02-30` and then raises a plain ValueError: it used to refuse every reload (and
    stop the bot from starting) instead of being this file's problem."""
    path = live.corpus_dir / "scheve-datum.md"
    path.write_text("---\nid: scheve-datum\ntitle: Scheef\ndate: 2012-02-30\n---\nTekst over klanten.\n",
                    encoding="utf-8")
    edited = live.corpus_dir / "opportunist-mensen-kwijt.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEen nieuwe alinea over zeilboten en regattas.\n",
                      encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and report.changed
    assert [(p.line, "impossible date" in p.message) for p in report.problems if p.path == str(path)] == [(4, True)]
    assert live.holder.get().ask("zeilboten regattas").answered  # the good edit went live
    assert "scheve-datum" not in live.holder.get().articles
    assert _serving(live)


def test_impossible_date_in_a_settings_file_names_file_and_line(tmp_path: Path) -> None:
    from bot.yamlfile import load_mapping

    path = tmp_path / "telegram.yaml"
    path.write_text("# settings\nadmin_chat: 2024-02-30\n", encoding="utf-8")
    data, problems = load_mapping(path)
    assert data is None
    assert [(p.path, p.line) for p in problems] == [(str(path), 2)]
    assert "YYYY-MM-DD" in problems[0].message


def test_import_keeps_an_impossible_scraped_date_as_quoted_text() -> None:
    from bot.ingest.importer import _scalar

    assert _scalar("date", "2012-02-30") == '"2012-02-30"'
    assert _scalar("date", "2012-08-24") == "2012-08-24"


DEEP = "[" * 600 + "]" * 600
# 1 KB of anchors that PyYAML loads at once as 10^9 shared strings ("billion laughs").
LAUGHS = "".join("x{0}: &x{0} [{1}]\n".format(n, ", ".join([f"*x{n - 1}" if n else '"lol"'] * 10)) for n in range(9))


async def test_front_matter_nested_too_deeply_is_one_bad_file_not_a_failed_reload(live: LiveCorpus) -> None:
    deep = live.corpus_dir / "diep.md"
    deep.write_text(f"---\nid: diep\ntitle: Diep\ntags: {DEEP}\n---\nTekst over klanten.\n", encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and _serving(live)
    assert any(p.path == str(deep) and "nested too deeply" in p.message for p in report.problems)


@pytest.mark.parametrize("name", ["examples.yaml", "search.yaml", "synonyms.yaml"])
async def test_a_settings_file_of_aliases_that_expand_without_end_is_refused_at_once(live: LiveCorpus,
                                                                                    name: str) -> None:
    path = live.config_dir / name
    path.write_text(LAUGHS + "examples:\n  - q: *x8\n    article: a\n", encoding="utf-8")
    report = await live.reload("test")  # before: 6 GB and counting, in the reload thread
    assert report.ok and _serving(live)
    assert any(p.path == str(path) and "more than 1,000,000 values" in p.message for p in report.problems)
    path.write_text(f"bm25: {DEEP}\n", encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and _serving(live)
    assert any(p.path == str(path) and "nested too deeply" in p.message for p in report.problems)


def test_a_judgment_list_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    from bot.evaluation import load_judgments

    path = tmp_path / "diep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(ValueError, match=r"diep\.yaml: error: malformed YAML: nested too deeply"):
        load_judgments(path)


DUPLICATE = "---\nid: belangrijkste-regel-zakelijke-relaties\ntitle: Kopie\n---\nEen kopie over klanten en trouw.\n"


async def test_a_new_file_with_an_existing_id_never_takes_the_served_articles_place(live: LiveCorpus) -> None:
    copy = live.corpus_dir / "aaa-kopie.md"  # sorts before the original
    copy.write_text(DUPLICATE, encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and _serving(live)
    assert live.holder.get().articles["belangrijkste-regel-zakelijke-relaties"].title != "Kopie"
    blamed = [p for p in report.problems if "duplicate id" in p.message]
    assert [p.path for p in blamed] == [str(copy)]
    assert "belangrijkste-regel-zakelijke-relaties.md, which keeps it" in blamed[0].message


def test_without_a_served_version_the_older_file_keeps_the_id(tmp_path: Path) -> None:
    from bot.search.articles import load_articles

    shutil.copytree(CORPUS, tmp_path / "corpus")
    original = tmp_path / "corpus" / "belangrijkste-regel-zakelijke-relaties.md"
    os.utime(original, (1_000_000_000, 1_000_000_000))
    (tmp_path / "corpus" / "aaa-kopie.md").write_text(DUPLICATE, encoding="utf-8")
    articles, problems = load_articles(tmp_path / "corpus")
    assert {a.id: a.title for a in articles}["belangrijkste-regel-zakelijke-relaties"] != "Kopie"
    assert [p.path for p in problems if "duplicate id" in p.message] == [str(tmp_path / "corpus" / "aaa-kopie.md")]


def test_a_utf16_file_is_read_with_its_mark_and_named_without_it(tmp_path: Path) -> None:
    from bot.search.settings import load_search_settings, load_synonyms

    (tmp_path / "synonyms.yaml").write_bytes("synonyms:\n  - [klant, afnemer]\n".encode("utf-16"))  # with its mark
    synonyms, problems = load_synonyms(tmp_path)
    assert synonyms.groups == (("klant", "afnemer"),) and not problems
    (tmp_path / "search.yaml").write_bytes("answer:\n  max_results: 3\n".encode("utf-16-le"))
    _, problems = load_search_settings(tmp_path)
    assert "UTF-16 text without a byte-order mark; save it as UTF-8" in problems[0].message


def test_an_exponent_yaml_reads_as_text_gets_a_hint() -> None:
    from bot.yamlfile import check_keys, is_number

    _, problems = check_keys({"duplicate_similarity": "1e-9"}, {"duplicate_similarity": (is_number, "a number")},
                             "search.yaml", "answer")
    assert "write 1.0e-9" in problems[0].message
