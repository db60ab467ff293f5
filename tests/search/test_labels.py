"""A case or rule from a named section carries the section's name: "Casus Aventeon", not just "Casus"."""

from __future__ import annotations

from engine_support import real_engine

from bot.telegram.render import answer_html
from bot.telegram.settings import Texts


def test_the_aventeon_case_is_labelled_with_its_section_in_json_terminal_and_telegram() -> None:
    result = real_engine().ask("Wat ging er mis bij Aventeon?").results[0]
    assert result.kind == "case" and result.section == "Casus Aventeon"
    assert result.as_json()["section"] == "Casus Aventeon"
    assert result.label("Casus") == "Casus Aventeon" and result.label("Case") == "Casus Aventeon"
    html = answer_html(result, Texts(), "nl", "relatiebot")
    assert html.startswith("<b>Casus Aventeon</b>")


def test_a_rule_in_a_named_section_names_it_and_a_rule_without_one_stays_plain() -> None:
    from dataclasses import replace

    rule = real_engine().ask("Wat willen klanten eigenlijk van mij?").results[0]
    assert rule.kind == "rule" and rule.section == rule.title  # the first article has no headings
    assert rule.label("Regel") == "Regel"
    named = replace(rule, section="Onbalans in waarde-uitwisseling")
    assert named.label("Regel") == "Regel: Onbalans in waarde-uitwisseling"
    assert replace(rule, kind="passage", section="Opportunisten").label("Passage") == "Passage"
