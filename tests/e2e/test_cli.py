"""The command line as operators type it: options before or after the command, and folders that are not there."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from engine_support import CONFIG, JUDGMENTS, ROOT

from bot.cli import main

ARTICLE = ("---\nid: zeilen\ntitle: Zeilen\n---\n"
           "Zeilboten en regattas zijn een uitje voor klanten die van water houden.\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "zeilen.md").write_text(ARTICLE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("where", ["before", "after"])
def test_corpus_option_works_before_and_after_the_command(where: str, corpus: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    options = ["--corpus", str(corpus), "--config", str(CONFIG)]
    argv = [*options, "ask", "--json", "zeilboten regattas"] if where == "before" else \
        ["ask", *options, "--json", "zeilboten regattas"]
    assert main(argv) == 0
    answer = json.loads(capsys.readouterr().out.splitlines()[0])
    assert [r["article"] for r in answer["results"]] == ["zeilen"]  # before: it used to ask corpus/ instead


@pytest.mark.parametrize("command", [["ask", "Hoe houd ik klanten trouw?"], ["eval", str(JUDGMENTS / "seeds.yaml")],
                                     ["chat"]])
@pytest.mark.parametrize("missing", ["--corpus", "--config"])
def test_a_folder_that_is_not_there_is_an_error_not_an_empty_corpus(command: list[str], missing: str, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    absent = tmp_path / "nergens"
    assert main([*command, missing, str(absent)]) == 2
    err = capsys.readouterr().err
    assert f"{missing.strip('-')} folder {absent} does not exist" in err


def test_ask_points_to_the_other_passages_in_a_way_that_works_there(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "opportunist"]) == 0
    out = capsys.readouterr().out
    assert "andere passage(s): in 'python -m bot chat' met 'meer'" in out
    assert "typ 'meer'" not in out  # there is no 'meer' after a one-shot ask


def test_chat_help_is_a_command_not_a_question(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("help\nstop\n"))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert out.count("'meer' toont de volgende passage") == 2  # the greeting and the answer to "help"
    assert "“" not in out  # nothing quoted: "help" used to find a passage with "helpt"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    """`python -m bot corpus import --dry-run ... | head`: the pipe closes before the report is printed."""
    seed = ROOT / "seeds" / "000_763e993bd8cb6f40.txt"
    child = subprocess.Popen([sys.executable, "-m", "bot", "corpus", "import", "--dry-run", "--corpus",
                              str(tmp_path / "out"), str(seed), str(seed)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.read(10)
    child.stdout.close()  # the reader goes away: the rest of the report meets a broken pipe
    errors = child.stderr.read().decode()
    assert child.wait(timeout=60) != 0
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
