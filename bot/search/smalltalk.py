"""Small talk: greetings, thanks, "ok", "wie ben jij?", "help", in Dutch and English.

Such a message is not a question about business relationships, and quoting a passage to it is the kind of wrong
answer people remember ("top, dank je!" answered with a rule about being liked). The engine recognises it before any
retrieval and answers with no passage and the intent "smalltalk"; the Telegram layer replies with a short friendly
text from `config/texts.yaml`.

Recognition is conservative on purpose: a message is small talk only when every word in it is small-talk vocabulary
(a core word such as "bedankt" plus fillers such as "heel", "je", "allemaal") or it is one of a few fixed questions
about the bot itself. "Hoi, hoe houd ik klanten trouw?" has words of its own and stays a question.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Intent = Literal["greeting", "thanks", "ack", "bye", "identity", "help"]

# Core words per kind, in the order a message with several is classified ("top, dank je!" is thanks, not ack).
_CORE: tuple[tuple[Intent, frozenset[str]], ...] = (
    ("thanks", frozenset("dank bedankt dankjewel dankuwel dankje thanks thank thx tnx ty merci cheers".split())),
    ("bye", frozenset("doei dag daag bye goodbye ciao tot ziens later groetjes doeg".split())),
    ("greeting", frozenset(
        "hallo hoi hey hi hello hee heey hai goedemorgen goedemiddag goedenavond goedenacht goeiemorgen goeiemiddag "
        "goeienavond goeiedag morgen middag avond "
        "yo hiya howdy greetings morning afternoon evening".split())),
    ("ack", frozenset(
        "ok oke oké okay okido prima top cool mooi fijn nice great perfect super helder duidelijk goed thumbs "
        "begrepen snap understood gotcha ja yes yep yup nee no nope".split())),
    ("help", frozenset("help hulp helpen".split())),
)
# Words that may stand beside a core word without making the message a question.
_FILLER = frozenset(
    "je jij u jou jullie wel heel erg zeer hartelijk veel vriendelijk you very so much a lot all allemaal iedereen "
    "everyone everybody there daar bot relatiebot good goede fijne nog nogmaals again and en hoor hè he maar even "
    "night day weer zo the de for it dat is het was voor je hulp your help antwoord "
    "answer info informatie oh ah nou well guys team folks mensen lieve beste dear sir ik i we".split())
# Questions about the bot itself, matched on the folded text; what is left must be filler.
_ABOUT_ME: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    ("greeting", re.compile(r"\bhoe gaat (?:het|ie)\b|\bhow are (?:you|u)\b|\bhow'?s it going\b|\balles goed\b")),
    # "ben jij een... of een bot?", "are you a real person or an AI": a few words may stand between (the span is
    # short, and every word outside it must still be filler, so "ben je een mens die altijd ja zegt" stays a question)
    ("identity", re.compile(r"\b(?:wie|wat) (?:ben|bent) (?:jij|je|u)\b|\bwho (?:are|r) (?:you|u)\b|"
                            r"\bwhat (?:are|r) (?:you|u)\b|"
                            r"\b(?:ben|bent) (?:jij|je|u)\b[^?!]{0,30}\b(?:bot|robot|chatbot|mens|ai|computer)\b|"
                            r"\b(?:are|r) (?:you|u)\b[^?!]{0,30}\b(?:bot|robot|chatbot|human|person|ai|computer)\b|"
                            r"\b(?:praat|chat|spreek) ik (?:met|tegen) een (?:bot|robot|chatbot|mens|computer)\b|"
                            r"\bam i (?:talking|chatting|speaking) (?:to|with) a (?:bot|robot|human|person)\b|"
                            r"\bwho (?:made|built|created) (?:you|u)\b|"
                            r"\bwie heeft (?:jou|je|u) (?:gemaakt|gebouwd)\b")),
    ("help", re.compile(r"\bwat (?:kan|kun|doe) (?:jij|je|u)(?: (?:allemaal|eigenlijk|doen))*\b|"
                        r"\bwhat (?:can|do) (?:you|u) do\b|\bwhat can (?:you|u) help (?:me )?with\b|"
                        r"\bhoe werkt (?:dit|het|deze bot|jij)(?: ding)?\b|"
                        r"\bhow (?:does|do) (?:this|it|you) work\b|\bwaar kan (?:ik )?(?:jij|je|u) (?:mee )?helpen\b|"
                        r"\bwhat do you know\b|\bwat weet (?:jij|je|u)\b")),
)
# Statements that a reply was useful ("dankjewel, hier kan ik wat mee"): taken out before the words are checked, so
# they may stand beside thanks or alone (then an "ok"). Word order matters: "kan ik hier wat mee?" stays a question.
_USEFUL = re.compile(r"\b(?:hier|daar|dit|dat) kan ik (?:wel |echt |zeker )?(?:wat|iets|veel) mee\b|"
                     r"\b(?:hier|daar) heb ik (?:wel |echt |zeker )?(?:wat|iets|veel) aan\b|"
                     r"\b(?:dat|dit) (?:helpt|hielp)\b|\b(?:that|this|it) (?:helps|helped)\b|"
                     r"\b(?:that's|that is|this is|very|really) helpful\b")
_WORD = re.compile(r"[^\W\d_]+")
_FRIENDLY_SYMBOLS = frozenset("👍🙏😊🙂😀😃😄👌✌👋🤝❤♥💪🎉😁☺")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def smalltalk(message: str) -> Intent | None:
    """The kind of small talk a message is, or None for anything that may be a question."""
    if len(message) > 80:  # nobody says thanks in a paragraph; a long message is a question
        return None
    folded = _fold(message)
    words = _WORD.findall(folded)
    if not words:
        return "ack" if any(c in _FRIENDLY_SYMBOLS for c in message) else None
    for intent, pattern in _ABOUT_ME:
        match = pattern.search(folded)
        if match:
            rest = _WORD.findall(folded[: match.start()] + " " + folded[match.end() :])
            extra = {"eigenlijk", "precies", "allemaal", "actually", "exactly", "for", "me", "mij", "voor", "dan",
                     "then", "wat", "what", "kan", "can", "doen", "do"}
            if all(w in _FILLER or w in extra or _is_core(w) for w in rest):
                return intent
    useful = _USEFUL.search(folded)
    if useful:
        words = _WORD.findall(_USEFUL.sub(" ", folded))
    kinds = [kind for kind, core in _CORE if any(w in core for w in words)]
    if not kinds:
        return "ack" if useful and all(w in _FILLER for w in words) else None
    if all(w in _FILLER or _is_core(w) for w in words):
        return kinds[0]
    return None


def _is_core(word: str) -> bool:
    return any(word in core for _, core in _CORE)
