"""Title, author, date and language by evidence: what a line looks like, never what a page is expected to hold.

- dates: Dutch and English month names (full and short: "3 juni 2025", "Jan 22, 2019", "22nd January 2019") and the
  numeric forms (2019-01-22, 22-01-2019, 22/01/2019, 22.01.2019; day first as in Dutch and British use, month
  first only where the day cannot be a month: 01/22/2019);
- bylines: "Door Naam", "By Name", "Door <date>", "Name | date | ...", "Door: Naam, 24-08-2012, 10:44 uur";
- language: Dutch or English, from the words of the text (simplemma's dictionary-based detector, restricted to the
  two languages the bot serves); too little evidence gives None, so the importer asks instead of assuming;
- titles: a plausible title is one line, one sentence at most, of modest length, not a list item, script, banner,
  site name or generic section word. `title_problem` says why a line is not one.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "maart": 3, "march": 3, "mrt": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7,
    "jul": 7, "augustus": 8, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# A year ends where its digits do, or where a reading time the page glued to it begins ("26 mei 202515 min
# leestijd").
_YEAR = r"(?P<year>(?:19|20)\d{2})(?:(?!\d)|(?=\d{1,3}\s*min))"
_DATE_FORMS = [
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th|e|ste|de)?\s+" + _MONTH + r"\s?,?\s+" + _YEAR, re.IGNORECASE),
    # "4 min readJan 2, 2025": the page glued its reading time to the date. "June 16 , 2017": a template's space
    # before the comma.
    re.compile(r"(?:\b|(?<=read)(?=(?-i:[A-Z])))" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s?,?\s+" + _YEAR,
               re.IGNORECASE),
    re.compile(r"(?<![\d.-])" + _YEAR.replace("(?!\\d)", "") + r"-(?P<nmonth>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})[-/.](?P<nmonth>\d{1,2})[-/.]" + _YEAR),
]
_WEEKDAYS = (r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|"
             r"friday|saturday|sunday|ma|di|wo|do|vr|za|zo|mon|tue|wed|thu|fri|sat|sun)\.?,?")
_DATE_WORDS = (r"(?:gepubliceerd(?: op)?|geplaatst(?: op)?|bijgewerkt(?: op)?|laatst bijgewerkt|laatst gewijzigd"
               r"(?: op)?|gewijzigd(?: op)?|laatste update(?: op)?|geschreven(?: op)?|datum|published(?: on)?|"
               r"posted(?: on)?|updated(?: on)?|last updated|last update|written(?: on)?|last modified|"
               r"modified(?: on)?|date|op|on)\s*:?")
_TIME = r"(?:,?\s*(?:om\s+|at\s+)?\d{1,2}[:.]\d{2}(?:\s*(?:uur|u|h|am|pm))?)"
_READ_TIME = (r"(?:leestijd\s*:?\s*)?\b\d{1,3}(?:\s*[-–]\s*\d{1,3}|\+)?\s*min(?:uten|uut|utes|ute|s)?\.?"
              r"(?:\s*(?:leestijd|read|reading time|lezen|leesduur|to read))?")


_VIEWS = (r"(?:read|viewed|bekeken|gelezen)\s+[\d.,]+\s+(?:times|keer)(?:\s+since then)?\.?|"
          r"[\d.,]+\s+(?:views|weergaven|keer (?:gelezen|bekeken))\.?")


def find_date(text: str) -> tuple[str, re.Match[str]] | None:
    """The first calendar date written in `text`, as (YYYY-MM-DD, the match), or None."""
    found: list[tuple[int, str, re.Match[str]]] = []
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            iso = _iso(match)
            if iso:
                found.append((match.start(), iso, match))
                break
    if not found:
        return None
    _, iso, match = min(found, key=lambda item: item[0])
    return iso, match


def _iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year, day = int(groups["year"]), int(groups["day"])
    if groups.get("month"):
        month = _MONTHS[groups["month"].lower().rstrip(".")]
    else:
        month = int(groups["nmonth"])
        if month > 12 and day <= 12 and "-" not in match.group(0)[:5]:
            day, month = month, day  # 01/22/2019: the second number cannot be a month, so the first is
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """A date option or field in any of the forms above, as YYYY-MM-DD; None when it holds no calendar date."""
    found = find_date(text)
    return found[0] if found else None


_ICON_WORDS = r"\b(?:clock|klok|calendar|kalender|icon|icoon)\b"  # "29 mei 2024 Clock 12 min": an icon's label
# A person's name as a credit or a signature writes it: capitalised words and the particles of Dutch surnames.
_PERSON = r"[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|van|de|der|den|ter|ten)){0,4}"
_EDITED_BY = re.compile(r"^\s*,?\s*(?:by|door)\s+(?P<name>" + _PERSON + r")\s*$")


def is_date_line(line: str) -> bool:
    """A line that is only a date (with a weekday, a time or "Gepubliceerd op"/"Posted on" around it)."""
    found = find_date(line)
    if not found:
        return False
    tail = line[found[1].end():]
    second = find_date(tail)
    if second and not re.sub(r"\b" + _DATE_WORDS, " ", tail[: second[1].start()], flags=re.IGNORECASE).strip(" .,|·•"):
        # "25 maart 2020 10 december 2020", "Gepubliceerd op Dec 28, 2025. Laatst gewijzigd op Dec 28, 2025":
        # published and updated, with nothing or date words between; the first is the date. With a dash or "tot"
        # between, two dates are a period ("1 januari 2024 – 31 maart 2024").
        tail = tail[second[1].end():]
    rest = (line[: found[1].start()] + " " + tail).strip(" ,|·•-–—()[]").lower()
    rest = re.sub(_TIME, " ", rest, flags=re.IGNORECASE)
    rest = re.sub(_READ_TIME, " ", rest, flags=re.IGNORECASE)  # "22 mei 2025 5 minuten leestijd": one meta line
    rest = re.sub(_VIEWS, " ", rest, flags=re.IGNORECASE)  # "Written May 19, 2011, read 4876 times since then."
    rest = re.sub(r"\b" + _DATE_WORDS, " ", rest, flags=re.IGNORECASE)
    rest = re.sub(r"\b" + _WEEKDAYS + r"(?=\s|$)", " ", rest, flags=re.IGNORECASE)
    rest = re.sub(_ICON_WORDS, " ", rest, flags=re.IGNORECASE)
    return not rest.strip(" ,|·•-–—:()[]")


# --- bylines ----------------------------------------------------------------------------------------------------

_NAME = r"(?P<author>[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|van|de|der|den|het|ter|ten|von|da|le|la|'t)){0,4})"
_BYLINE_WORD = r"(?i:door|by|geschreven door|written by|posted by|auteur|author|tekst (?:en|&) (?:beeld|foto'?s)|tekst)"
_BYLINE_NAME = re.compile(r"^" + _BYLINE_WORD + r"\s*:?\s+" + _NAME +
                          r"\s*(?:(?:[,|·•–—-]|\b(?:on|op|am)\b)\s*(?P<rest>.*))?$")
_BYLINE_DATE = re.compile(r"^" + _BYLINE_WORD + r"\s*:?\s*(?=\d)(?P<rest>.*)$")
_PIPE_BYLINE = re.compile(r"^" + _NAME + r"\s*[|·•]\s*(?P<rest>.+)$")
_COLUMN = re.compile(r"^(?i:column(?:ist)?|columnist)\s*:?\s+" + _NAME + r"$")
# A byline after a few words of its own: the source and date before it ("De Krant, 23-09-2005, door Leen de Wit"),
# or an avatar's alt text ("leen de wit Published by Leen de Wit – 2 December 2022").
_LATE_BYLINE = re.compile(r"^(?P<head>[^.!?:;]{0,60}?)(?:\s*[,|·•–—-]\s*(?i:door|by)|\s+(?i:published by|posted by|"
                          r"written by|geschreven door|geplaatst door|gepubliceerd door))\s+" + _NAME +
                          r"\s*(?:[,|·•–—-]\s*(?P<rest>.*))?$")


# The photographer after the writer in a magazine's credit line ("Tekst Marieke Bos, foto's Ricardo van der Valk",
# "Tekst: Marieke Bos | Beeld: ANP"): the byline's name is the author, the rest is no sentence of hers.
_PICTURES_BY = re.compile(r"^(?i:foto'?s|foto|fotografie|beeld|illustraties?|photos?|photography|images?|"
                          r"illustrations?)\s*:?\s+" + _PERSON + r"\s*$")
# A news byline's note that agencies contributed ("By Yinka Kolawole, with agency report").
_WIRE_CREDIT = re.compile(r"^(?:with (?:agency reports?|additional reporting(?: by .{1,40})?|reporting by .{1,40}|"
                          r"wire reports?)|met (?:medewerking van|dank aan) .{1,40}|"
                          r"(?:en|and) (?:ANP|AP|AFP|Reuters|Belga))\.?$", re.IGNORECASE)
# Who signs for the site rather than a person: the editorial desk, a CMS account, "the team". A reader gains nothing
# from "door Redactie" under a quote, and an operator who knows the writer gives --author.
_DESK = re.compile(r"^(?:(?:de|the)\s+)?(?:(?:(?:web|eind)?redactie(?:team)?|team)(?:\s+\S+){0,3}|"
                   r"admin(?:istrator)?|editors?|editorial(?: team| staff| board)?|staff|gast(?:auteur|blogger)|"
                   r"guest(?: author| writer)?)$", re.IGNORECASE)


_DESK_BYLINE = re.compile(r"^" + _BYLINE_WORD + r"\s*:?\s+(?P<author>(?i:(?:de |the )?(?:redactie|admin|administrator|"
                          r"editor|editors|staff)))\s*(?:[,|·•–—-]\s*(?P<rest>.*))?$")


# Words a blog's category or topic ends in ("Customer Experience", "Klantenservice Tips"), never a surname one meets.
_CATEGORY_WORD = re.compile(r"\b(?:experience|tips|service|marketing|sales|news|nieuws|blog|business|management|"
                            r"strategie|strategy|advies|advice|finance|financi[eë]n|ondernemen|trends|insights|"
                            r"inspiratie|inspiration|updates?|klantenservice|support|guides?|gidsen|success|"
                            r"transformation|transformatie|development|ontwikkeling|leadership|leiderschap|growth|groei|"
                            r"innovation|innovatie|communications?|communicatie|technology|technologie|tech|design|"
                            r"operations|productivity|productiviteit|e-?commerce|retail|data|ai|digital|digitaal|"
                            r"hr|personeel|recruitment|werving)$", re.IGNORECASE)


def is_desk(name: str) -> bool:
    """An author field that names the site's desk or account ("Redactie", "admin", "Editorial Team"), no person."""
    return bool(_DESK.match(name.strip()))


def parse_byline(line: str) -> tuple[str | None, str | None] | None:
    """(author, date) when `line` is a byline, else None. Either part may be None ("Door 2 juni 2014")."""
    if len(line) > 120 or len(line.split()) > 16:
        return None
    match = _BYLINE_DATE.match(line)
    if match:
        date = parse_date(match.group("rest"))
        return (None, date) if date else None
    match = _DESK_BYLINE.match(line)
    if match and (not match.group("rest") or parse_date(match.group("rest"))):
        # "By admin": a byline, in lowercase as CMS accounts are; the importer drops the desk (is_desk). With
        # anything but a date after it, it is a sentence ("Door redactie, sales en marketing samen ...").
        return match.group("author"), parse_date(match.group("rest") or "")
    match = _BYLINE_NAME.match(line)
    if match:
        author = match.group("author").strip(" .,")
        # The name pattern takes capitalised words, so a sentence ("Door Het Weer Heen") could pass; a name has at
        # most five words and no function words at its start.
        if author.split()[0].lower() in {"het", "de", "een", "the", "a", "an", "deze", "dit", "this"}:
            return None
        rest = match.group("rest") or ""
        date = parse_date(rest) if rest else None
        if rest and not date and not is_job_line(rest) and not _job_sentence(rest) \
                and not _BARE_DATE_LABEL.match(rest) and not _PICTURES_BY.match(rest) and not _WIRE_CREDIT.match(rest):
            return None  # "Door Jan, die ..." is a sentence; a byline's tail is its date or the author's job
        return author, date
    match = _COLUMN.match(line)
    if match and looks_like_name(match.group("author")):
        return match.group("author"), None  # "Column Rutger Jansen": the columnist
    match = _LATE_BYLINE.match(line)
    if match and match.group("head").strip():
        # A dated line only: "door Jan" at the end of a sentence has no date beside it.
        head, rest = match.group("head"), match.group("rest") or ""
        date = parse_date(rest) or parse_date(head)
        head_found = find_date(head)
        source = head[: head_found[1].start()] + head[head_found[1].end():] if head_found else head
        if date and len(source.split()) <= 4 and (not rest or parse_date(rest)):
            return match.group("author").strip(" .,"), date
    match = _PIPE_BYLINE.match(line)
    if match:
        date = parse_date(match.group("rest"))
        if date:
            return match.group("author").strip(), date
    # "Posted on June 3, 2025 by Anna Bakker", "- Last Updated on July 19, 2023 by Hanson Cheng": date words, the
    # date, then the name.
    found = find_date(line)
    edited = _EDITED_BY.match(line[found[1].end():]) if found else None
    if found and edited and re.fullmatch(r"[\s\-–—•·*|]*(?:" + _DATE_WORDS + r"\s*)*", line[: found[1].start()],
                                         flags=re.IGNORECASE):
        return edited.group("name"), found[0]
    # "Dec 25, 2025Arnold L.": a date widget and the author's name, glued where the page set them side by side.
    end = found[1].end() if found else 0
    if found and found[1].start() == 0 and 0 < end < len(line) and line[end - 1].isdigit() and line[end].isupper():
        glued = re.fullmatch(_NAME, line[end:].strip())
        name = glued.group("author") if glued else ""
        if glued and len(name.split()) >= 2 and not _CATEGORY_WORD.search(name):
            # (a category glued the same way, "Mar 12, 2025Customer Experience", ends in a topic's word; names are
            # dictionary words too often, "Peter Bakker", to tell them apart by that)
            return name.strip(), found[0]
    # "Merlijn Ensing 13 februari 2014": a name and then a date, with nothing between or after them.
    if found and not line[found[1].end():].strip(" ,|·•–—-"):
        name = line[: found[1].start()].strip(" ,|·•–—-")
        if looks_like_name(name):
            return name, found[0]
    return None


def looks_like_name(line: str) -> bool:
    """Two to four capitalised words, as a signature or an author line: "Anna de Vries", "Jan Jansen"."""
    words = line.split()
    if not 2 <= len(words) <= 4 or re.search(r"[.!?:;,\d|@]", line):
        return False
    capitals = [w for w in words if w[:1].isupper()]
    return len(capitals) >= 2 and all(w[:1].isupper() or w in {"van", "de", "der", "den", "ter", "von", "da"}
                                      for w in words)


_ROLE = re.compile(r"\b(?:director|directeur|manager|ceo|cto|cfo|founder|co-founder|oprichter|medeoprichter|"
                   r"president|vice president|vp|chairman|voorzitter|"
                   r"eigenaar|owner|"
                   r"consultant|adviseur|advisor|partner|editor|redacteur|writer|schrijver|journalist|specialist|coach|"
                   r"trainer|strategist|strateeg|lead|head|hoofd|marketeer|accountmanager|analyst|analist|docent|"
                   r"lecturer|professor|hoogleraar|associate|researcher|onderzoeker|fellow|expert|ondernemer|"
                   r"entrepreneur|columnist|consulent)\b", re.IGNORECASE)


def name_with_role(line: str) -> str | None:
    """The name of an author line that gives the author's job after a comma or dash ("Peyton Crump, Former Design
    Director", "Karin Bos - adviseur klantrelaties"), else None. The job must name a role: "Jan Jansen, Utrecht"
    is no byline to go by."""
    parts = re.split(r"\s*(?:,|\s[-–—|]\s)\s*", line.strip(), maxsplit=1)
    if len(parts) != 2 or len(line.split()) > 10 or not looks_like_name(parts[0]):
        return None
    return parts[0] if _ROLE.search(parts[1]) and not re.search(r"[.!?]$", parts[1]) else None


def is_job_line(line: str) -> bool:
    """A short line that names a job ("President, RAIN Group", "Adviseur klantrelaties bij Klantwijs"), as under an
    author's name; not a sentence."""
    # The job first or after a comma, "at" or "bij": "Networking Opportunities That Lead to ..." is a headline.
    role = _ROLE.search(line)
    return (len(line.split()) <= 6 and role is not None and not re.search(r"[.!?:]$", line)
            and (role.start() == 0 or re.search(r",|\s(?:at|bij|@)\s", line) is not None))


def _job_sentence(tail: str) -> bool:
    """A byline's tail that says where the author works, written as a sentence ("senior research associate aan
    Vlerick Business School."): a job word, then "aan", "bij", "at" or "of" and a capitalised name, in a dozen words;
    "die het boek schreef" names no job, "manager die ..." no place."""
    words = tail.split()
    if not words or words[0].casefold() in _CLAUSE_START:
        return False  # "Door Piet Jansen, die jarenlang manager bij Philips was, leerde ik ..." is a sentence
    role = _ROLE.search(tail)
    return (role is not None and len(words) <= 12 and len(tail[: role.start()].split()) <= 3
            and _WORKS_AT.search(tail[role.end():]) is not None and not tail.rstrip(".").endswith(_VERB_ENDS))


_CLAUSE_START = frozenset("die dat wie wat waar toen als omdat want en maar who which that when as because and but"
                          .split())
_VERB_ENDS = (" was", " is", " werd", " sprak", " schreef", " zei", " said", " wrote", " worked", " werkte")
# A date's label the copy lost the date of: "Geschreven door Name | Bijgewerkt op:".
_BARE_DATE_LABEL = re.compile(r"^(?:bijgewerkt|gepubliceerd|geplaatst|laatst gewijzigd|updated|published|posted|"
                              r"last updated)(?: op| on)?\s*:?\s*$", re.IGNORECASE)
_WORKS_AT = re.compile(r"\s(?:aan|bij|at|of|van|voor|for)\s+(?:de |het |the )?[A-ZÀ-Þ]")


def role_and_date(line: str) -> str | None:
    """The date of a line that gives an author's job and the date, as under a name on its own line ("CEO & Founder,
    BizAI · January 29, 2026 at 3:04 AM EST"), else None."""
    if len(line.split()) > 16 or not _ROLE.search(line) or re.search(r"[.!?]$", line):
        return None
    return parse_date(line)


# --- language ---------------------------------------------------------------------------------------------------

LANGUAGES = ("nl", "en")


def detect_language(text: str) -> tuple[str | None, str]:
    """("nl" | "en" | None, the evidence). None when the text does not show one of the two clearly."""
    from simplemma import langdetect

    words = re.findall(r"[^\W\d_]+", text)
    if len(words) < 8:
        return None, f"only {len(words)} word(s) of text"
    scores = dict(langdetect(" ".join(words[:2000]), lang=LANGUAGES))
    nl, en = scores.get("nl", 0.0), scores.get("en", 0.0)
    evidence = f"share of known words: Dutch {nl:.0%}, English {en:.0%}"
    if max(nl, en) < 0.5 or abs(nl - en) < 0.25:
        return None, evidence
    return ("nl" if nl > en else "en"), evidence


# --- titles -----------------------------------------------------------------------------------------------------

MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 25
# Words that name a part of an article, never a whole one.
_SECTION_WORDS = re.compile(
    r"^(?:inleiding|introductie|intro|inhoud|inhoudsopgave|samenvatting|conclusie|tot slot|afsluiting|voorwoord|"
    r"introduction|contents|table of contents|summary|conclusion|overview|abstract|foreword|in short|in het kort)"
    r"\s*:?$", re.IGNORECASE)
# What only code has: braces, arrow functions, function definitions, variable declarations, markup tags.
_CODE = re.compile(r"[{}]|=>|\bfunction\s*\(|\bvar\s+\w+\s*=|</?[a-z][\w-]*(?:\s[^>]*)?>")
_BANNER = re.compile(r"\b(?:gratis verzending|free shipping|shop now|nu bestellen|bestel nu|koop nu|buy now|"
                     r"\d+\s*% (?:korting|off)|uitverkoop|sale|aanbieding|cookies?|newsletter|nieuwsbrief|"
                     r"ad-?block(?:er)?s?|overslaan naar|skip to)\b",
                     re.IGNORECASE)
_SITE = re.compile(r"^\S*\w\.(?:com|nl|org|net|be|eu|io|co|info|biz)\b\S*$", re.IGNORECASE)


def looks_like_code(line: str) -> bool:
    """A script or style line: braces and semicolons, function calls on window/document, tags."""
    marks = sum(line.count(ch) for ch in "{}();=<>")
    return bool(_CODE.search(line)) and marks >= 4


# Menu items a copy ran together ("PM Best PracticesStakeholder Management"): five lowercase letters, then a capitalised
# word of three or more, in a line of names only. Camel-case names have a shorter part on one side (LinkedIn,
# PowerPoint, HubSpot), and a title that names one (ActiveCampaign, FocusopBusiness) is a sentence with function words.
_DOMAIN = re.compile(r"\S+\.(?:com|nl|org|net|be|eu|io|co|info|biz)\b", re.IGNORECASE)  # "FocusopBusiness.nl"
_FUNCTION_WORDS = frozenset("de het een en van in op te voor met hoe wat waarom je jouw uw is zijn bij over naar om "
                            "the a an and of in on to for with how what why your you is are at by from its".split())
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?<!\d)(?:\+\d{2}\s?|0)\d{2,3}\s?[-–]?\s?\d{6,7}(?!\d)")
_RUN_TOGETHER = re.compile(r"[a-zà-ÿ]{5}[A-ZÀ-Þ][a-zà-ÿ]{2}")


def title_problem(line: str) -> str | None:
    """Why `line` is not a plausible title, or None when it is one."""
    text = line.strip()
    if not text:
        return "empty"
    if looks_like_code(text):
        return "a script or style line"
    if len(text) > MAX_TITLE_CHARS or len(text.split()) > MAX_TITLE_WORDS:
        return f"a paragraph ({len(text)} characters), not a title"
    breaks = re.findall(r"([.!?])\s+[A-ZÀ-Þ]", text.rstrip(".!?"))
    # A title may ask and answer ("Onderbeloven? Beloof precies"); two sentence breaks, or a full stop in a long
    # line, is running text.
    if len(breaks) >= 2 or (breaks and "." in breaks and len(text) > 60) \
            or (breaks and text.endswith(".") and len(text) > 80):
        # The last: a question the text then says it answers ("Hoe ...? Dit artikel presenteert een antwoord.").
        return "several sentences: the start of a paragraph"
    if re.match(r"^(?:[-*•·▪◦●]\s|\d+[.)]\s)", text):
        return "a list item"
    if _SECTION_WORDS.match(text):
        return "a section heading (names a part of an article, not a whole one)"
    # In capitals, a short line is a banner or a site name ("GRATIS VERZENDING", "KLANTWIJS ADVIES"); a headline of
    # five words or more is set in capitals by some sites ("10 VRAGEN OVER HET PROFESSIONEEL ZIJN VAN ...").
    if _BANNER.search(text) or (text.isupper() and 2 <= len(text.split()) < 5):
        return "a banner or widget line"
    if _SITE.match(text) or re.match(r"^https?://", text):
        return "a site name or address"
    if text.endswith((":", ",", ";")):
        return "an unfinished line (it ends in ':', ',' or ';')"
    if not re.search(r"[^\W\d_]{2}", text):
        return "no words"
    if re.match(r"(?:tussentitel|tussenkop|ondertitel|subtitle|subheading)\s*:", text, re.IGNORECASE):
        return "a subheading, by its label"
    if text.count(",") >= 2 and text == text.lower() and not re.search(r"[.!?]$", text):
        return "a list of tags or keywords"
    if _RUN_TOGETHER.search(_DOMAIN.sub(" ", text)) \
            and _FUNCTION_WORDS.isdisjoint(w.casefold() for w in re.findall(r"\w+", text)):
        return "words run together (a menu copied without spaces)"
    if _CONTACT.search(text):
        return "contact details (a phone number or e-mail address)"
    return None
