"""Dates, bylines, language and title plausibility on lines written for the test."""

from __future__ import annotations

import pytest

from bot.ingest.metadata import detect_language, is_date_line, parse_byline, parse_date, title_problem


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("3 juni 2025", "2025-06-03"), ("8 juli 2025", "2025-07-08"), ("Jan 22, 2019", "2019-01-22"),
        ("January 22nd, 2019", "2019-01-22"), ("22 Jan 2019", "2019-01-22"), ("1 mrt. 2024", "2024-03-01"),
        ("2019-01-22", "2019-01-22"), ("22-01-2019", "2019-01-22"), ("22/01/2019", "2019-01-22"),
        ("22.01.2019", "2019-01-22"), ("01/22/2019", "2019-01-22"), ("3-6-2025", "2025-06-03"),
        ("Door 2 juni 2014kennisbank", "2014-06-02"), ("op 12 oktober 2021 om 10:15", "2021-10-12"),
        ("Published on December 1, 2020", "2020-12-01"), ("June 16 , 2017", "2017-06-16"),
        ("16 juni , 2017", "2017-06-16"),
    ],
)
def test_dates_in_dutch_english_and_numeric_forms(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["31 februari 2020", "3.5 procent", "versie 2.0.1", "in 2019 groeiden we",
                                  "13/13/2020", "telefoon 020-1234567"])
def test_no_date_is_invented(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(("line", "lone"), [("Jan 22, 2019", True), ("Dinsdag 3 juni 2025, 14:05 uur", True),
                                            ("Gepubliceerd op: 22-01-2019", True),
                                            ("Op 3 juni 2025 spraken we de klant.", False),
                                            # a name after the date makes it a byline (below)
                                            ("Last Updated on July 19, 2023 by Anna de Vries", False)])
def test_lone_date_lines(line: str, lone: bool) -> None:
    assert is_date_line(line) is lone


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Door de crisis kochten klanten minder.", None),
        ("By the way, this is a sentence.", None),
        ("Door Jan, die al jaren klanten helpt", None),
        ("Door Anna de Vries", ("Anna de Vries", None)),
        ("By Peter van Dam | 3 juni 2025", ("Peter van Dam", "2025-06-03")),
        ("Column Lotte Smit", ("Lotte Smit", None)),
        ("Author: Lotte Smit, Chairman and Founder", ("Lotte Smit", None)),  # the job after the name
        ("Column Klantrelaties", None),  # a column's subject, not a person
        # The source and date before the name, or an avatar's alt text before "Published by".
        ("Het Dagblad, 23-09-2005, door Lotte Smit", ("Lotte Smit", "2005-09-23")),
        ("lotte smit Published by Lotte Smit – 2 December 2022", ("Lotte Smit", "2022-12-02")),
        ("Klantwijs | 3 mei 2020 | by Lotte Smit", ("Lotte Smit", "2020-05-03")),
        # A sentence that ends in "door" and a name, with or without a date, is no byline.
        ("Op 3 mei 2020 getekend door Lotte Smit", None),
        ("Het boek is geschreven door Lotte Smit", None),
        # The photographer after the writer: the writer is the author.
        ("Tekst Lotte Smit, foto's Pieter Bakker", ("Lotte Smit", None)),
        ("Door Lotte Smit, die al jaren klanten helpt", None),
        ("Posted on June 3, 2025 by Anna Bakker", ("Anna Bakker", "2025-06-03")),
        ("Gepubliceerd op 3 juni 2025 door Jan Smit", ("Jan Smit", "2025-06-03")),
        ("- Last Updated on July 19, 2023 by Anna de Vries", ("Anna de Vries", "2023-07-19")),
        # sentences shaped like a credit or a desk's byline
        ("Door Google, foto's en reviews goed in te richten, vinden klanten je sneller.", None),
        ("Door redactie, sales en marketing samen te laten werken, ontstaat betere content.", None),
        ("By staff, we mean everyone on the payroll.", None),
        ("By admin", ("admin", None)),
    ],
)
def test_bylines_and_sentences_that_start_like_them(line: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_byline(line) == expected


def test_language_is_detected_never_assumed() -> None:
    dutch = ("Een goede relatie met een klant bouw je niet in één gesprek op. Het vraagt tijd, aandacht en vooral "
             "dat je doet wat je hebt beloofd.")
    english = ("A good relationship with a customer is not built in a single meeting. It takes time, attention and "
               "above all doing what you promised.")
    assert detect_language(dutch)[0] == "nl"
    assert detect_language(english)[0] == "en"
    assert detect_language("Loyalty Klant")[0] is None  # too little text: the importer asks for --language


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        ("Wie zijn je beste klanten?", None),
        ("Onderbeloven? Beloof liever precies", None),
        ("Accountmanagement deel 2: de eerste afspraak", None),
        ("window.dataLayer = window.dataLayer || []; function gtag(){}", "script"),
        ("Een " + "heel " * 40 + "lange regel.", "paragraph"),
        ("Dit is de eerste zin. Dit is de tweede zin van een alinea die doorloopt.", "several sentences"),
        # A question the text then says it answers is the lead paragraph, not a headline that asks and answers.
        ("Hoe houden bedrijven hun klanten vast? Dit artikel geeft een antwoord op deze vraag.", "several sentences"),
        ("Onderbeloven? Beloof liever precies wat je kunt.", None),
        ("• Nieuwe klanten", "list item"),
        ("klanten behouden, klachten behandelen, klantcontact", "tags"),
        ("Inleiding", "section heading"),
        ("GRATIS VERZENDING VANAF 20 EURO", "banner"),
        ("klantwijs.nl", "site name"),
        ("Dit zijn de redenen:", "unfinished"),
    ],
)
def test_title_plausibility(title: str, problem: str | None) -> None:
    found = title_problem(title)
    assert (found is None) if problem is None else (found is not None and problem in found), found
