"""Chunks: bounded sizes, headings kept as context, kinds from the text's own structure, operator overrides."""

from engine_support import real_engine

from bot.search.chunking import MAX_WORDS, chunk_article, is_rule_paragraph, rule_statements
from bot.search.records import Article


def _article(body: str, **kw: object) -> Article:
    return Article(id="t", title="Titel", body=body, **kw)  # type: ignore[arg-type]


def test_seed_rules_and_case_are_labelled() -> None:
    by_text = {c.text: c for c in real_engine().chunks}
    rule_one = next(c for t, c in by_text.items() if "1. Doe wat u belooft." in t)
    main_rule = next(c for t, c in by_text.items() if "profijtelijk voor beide partijen" in t)
    case = next(c for t, c in by_text.items() if "Aventeon maakte software" in t)
    assert rule_one.kind == "rule"
    assert main_rule.kind == "rule"
    assert case.kind == "case" and case.section == "Casus Aventeon"
    # The rule keeps its explanation in the same chunk.
    assert "Dus zeker niet minder" in rule_one.text


def test_sizes_are_bounded_both_ways() -> None:
    long_paragraph = " ".join(f"Zin nummer {i} gaat over klanten." for i in range(200))
    chunks = chunk_article(_article(f"## Lang\n\n{long_paragraph}\n\n## Kort\n\nEen.\n\nTwee woorden hier."))
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert len([c for c in chunks if c.section == "Lang"]) >= 5
    # Short paragraphs of one section are merged, never split across sections.
    short = [c for c in chunks if c.section == "Kort"]
    assert len(short) == 1 and "Een." in short[0].text and "Twee woorden hier." in short[0].text
    # Every word survives chunking verbatim.
    assert " ".join(c.text for c in chunks if c.section == "Lang").split() == long_paragraph.split()


def test_rule_detection() -> None:
    assert is_rule_paragraph("1. Doe wat u belooft.")
    assert is_rule_paragraph("En dan de belangrijkste regel in zakelijke relaties: die behoren ...")
    assert not is_rule_paragraph("Er zijn twee redenen waarom mensen afhaken.")


def test_operator_overrides_kind_per_section_and_per_paragraph() -> None:
    body = ("## Verhaal\n\nWe verkochten veel software en het liep mis met de klanten, helaas voor iedereen "
            "die erbij was en voor ons.\n\n## Tips\n\n<!-- kind: rule -->\n\nBel uw klant elke maand even op "
            "om te horen hoe het gaat, ook als er niets te verkopen valt.")
    chunks = chunk_article(_article(body, section_kinds={"verhaal": "case"}))
    kinds = {c.section: c.kind for c in chunks}
    assert kinds == {"Verhaal": "case", "Tips": "rule"}
    assert all("<!--" not in c.text for c in chunks)


def test_a_numbered_rule_with_its_explanation_on_the_same_line_is_a_rule() -> None:
    explained = ("1. Maak duidelijke afspraken met elke leverancier. Bevestig ze schriftelijk en spreek af wat er "
                 "gebeurt als een levering te laat komt, zodat niemand achteraf hoeft te raden wat er bedoeld was.")
    assert len(explained.split()) > 25 and is_rule_paragraph(explained)
    assert rule_statements(explained) == ["Maak duidelijke afspraken met elke leverancier."]
    # A long first sentence is an explanation or a story, numbered or not.
    story = ("3. In het voorjaar van 2019 verloor het bedrijf binnen drie maanden zijn twee grootste klanten aan een "
             "concurrent die sneller leverde, goedkoper was en ook nog eens beter luisterde naar wat ze wilden.")
    assert not is_rule_paragraph(story) and rule_statements(story) == []
    short = "2. Doe wat u belooft. Altijd."
    assert rule_statements(short) == ["Doe wat u belooft. Altijd."]  # a short line is the statement, as before
