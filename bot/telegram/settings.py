"""Telegram settings (`config/telegram.yaml`) and user-facing texts (`config/texts.yaml`), validated like search.yaml.

Secrets never live here: the token comes from TELEGRAM_BOT_TOKEN and the webhook secret from TELEGRAM_WEBHOOK_SECRET.
An invalid value names its key and the expected form and keeps the default; an unknown key is a warning.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.problems import Problem
from bot.yamlfile import Rules, check_keys, file_key_line, is_whole_number, load_mapping

TELEGRAM_FILE = "telegram.yaml"
TEXTS_FILE = "texts.yaml"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class WebhookSettings:
    listen: str = "0.0.0.0"
    port: int = 8443
    url: str = ""  # the public https address Telegram posts updates to
    path: str = "telegram"


@dataclass(frozen=True)
class TelegramSettings:
    mode: str = "polling"
    base_url: str = DEFAULT_BASE_URL
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    admins: frozenset[int] = frozenset()
    admin_chat: int | None = None
    group_answers_per_minute: int = 6  # per group chat; more is flooding for a team
    user_messages_per_minute: int = 20  # per user, any chat; beyond it the user is throttled
    results_per_question: int = 5  # how many passages "Meer" can page through
    inline_results: int = 5


_TOP_RULES: Rules = {
    "mode": (lambda v: v in ("polling", "webhook"), "polling or webhook"),
    "base_url": (lambda v: isinstance(v, str) and v.startswith(("http://", "https://")),
                 "an http(s) address such as https://api.telegram.org/bot"),
    "admins": (lambda v: isinstance(v, list) and all(is_whole_number(x) for x in v),
               "a list of Telegram user ids (numbers)"),
    "admin_chat": (lambda v: v is None or is_whole_number(v), "a chat id (a number) or empty"),
    "group_answers_per_minute": (lambda v: is_whole_number(v) and 1 <= v <= 60, "a whole number from 1 to 60"),
    "user_messages_per_minute": (lambda v: is_whole_number(v) and 1 <= v <= 600, "a whole number from 1 to 600"),
    "results_per_question": (lambda v: is_whole_number(v) and 1 <= v <= 20, "a whole number from 1 to 20"),
    "inline_results": (lambda v: is_whole_number(v) and 1 <= v <= 50, "a whole number from 1 to 50"),
}
_WEBHOOK_RULES: Rules = {
    "listen": (lambda v: isinstance(v, str) and bool(v), "an address to listen on, e.g. 0.0.0.0"),
    "port": (lambda v: is_whole_number(v) and 1 <= v <= 65535, "a port number from 1 to 65535"),
    "url": (lambda v: isinstance(v, str) and (v == "" or v.startswith("https://")), "an https:// address"),
    "path": (lambda v: isinstance(v, str) and v.strip("/") != "" and " " not in v, "a URL path such as telegram"),
}


def load_telegram_settings(config_dir: Path) -> tuple[TelegramSettings, list[Problem]]:
    path = config_dir / TELEGRAM_FILE
    if not path.exists():
        return TelegramSettings(), []
    data, problems = load_mapping(path)
    if data is None:
        return TelegramSettings(), problems
    where = str(path)
    values, found = check_keys(data, _TOP_RULES, path, skip=["webhook"])
    problems += found
    raw = data.get("webhook") or {}
    if not isinstance(raw, dict):
        problems.append(Problem(where, "'webhook' must be a mapping (listen, port, url, path)",
                                file_key_line(path, "webhook")))
        raw = {}
    webhook, found = check_keys(raw, _WEBHOOK_RULES, path, section="webhook")
    problems += found
    if "path" in webhook:
        webhook["path"] = webhook["path"].strip("/")
    if "admins" in values:
        values["admins"] = frozenset(values["admins"])
    settings = replace(TelegramSettings(**values), webhook=WebhookSettings(**webhook))
    if settings.mode == "webhook" and not settings.webhook.url:
        problems.append(Problem(where, "'webhook.url' is required when mode is webhook (the public https address)",
                                file_key_line(path, "mode")))
    return settings, problems


# --- texts --------------------------------------------------------------------------------------------------------

# The shipped config/texts.yaml holds the same texts (a test keeps them equal); these are the fallback for a key an
# operator deleted or broke, so a bad edit never leaves a user with an empty message.
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "welcome": "Welkom! Ik beantwoord vragen over zakelijke relaties met citaten uit {count} artikelen, "
                   "altijd met de bron erbij. Stel gewoon een vraag, bijvoorbeeld:",
        "example_1": "Hoe houd ik klanten trouw?",
        "example_2": "Wat is de belangrijkste regel in zakelijke relaties?",
        "example_3": "Wat ging er mis bij Aventeon?",
        "help": "Stel een vraag in uw eigen woorden. Ik zoek de best passende passage in de artikelen en citeer die "
                "letterlijk, met titel, auteur en bron. Ik verzin geen advies: staat het niet in de artikelen, dan "
                "zeg ik dat. In een groep antwoord ik alleen op /vraag, een vermelding van mij of een antwoord op "
                "mijn bericht. Met @{bot} in een willekeurige chat deelt u een citaat.\n\nDe artikelen:",
        "label_rule": "Regel",
        "label_case": "Casus",
        "label_passage": "Passage",
        "label_rebutted": "Opvatting die de auteur weerlegt, met het antwoord van de auteur",
        "by": "door",
        "source": "Bron",
        "read_in_bot": "Lees het hele artikel",
        "button_more": "Meer",
        "button_article": "Heel artikel",
        "smalltalk_greeting": "Hallo! Stel gerust een vraag over zakelijke relaties, bijvoorbeeld: "
                              "Hoe houd ik klanten trouw?",
        "smalltalk_thanks": "Graag gedaan! Heeft u nog een vraag, stel hem gerust.",
        "smalltalk_ack": "Prima. Stel gerust een volgende vraag over klanten, beloftes of samenwerking.",
        "smalltalk_bye": "Tot ziens! U kunt altijd een nieuwe vraag stellen.",
        "smalltalk_identity": "Ik ben een bot die vragen over zakelijke relaties beantwoordt met letterlijke citaten "
                              "uit {count} artikelen, met de bron erbij. Zelf verzin ik geen advies. Typ /help voor "
                              "de artikelen.",
        "no_answer": "Daar gaan mijn artikelen niet over, en ik citeer liever niets dan iets wat er niet bij past.",
        "rephrase": "Probeer het anders te formuleren, met andere woorden voor waar het u om gaat.",
        "topics": "Onderwerpen die wel aan bod komen:",
        "no_sure_answer": "Ik vind geen passage die uw vraag zeker beantwoordt, en ik citeer liever niets dan iets "
                          "wat er niet bij past.",
        "nearby": "Het dichtst bij uw vraag komen deze artikelen:",
        "no_more": "Er zijn geen andere passages voor deze vraag.",
        "expired": "Dit antwoord is verlopen; stel de vraag opnieuw.",
        "article_unknown": "Dat artikel ken ik (niet meer).",
        "feedback_up": "Dank u, fijn dat het hielp.",
        "feedback_down": "Dank u, dat nemen we mee.",
        "truncated": "Uw vraag was erg lang; ik heb alleen de eerste {limit} tekens gebruikt.",
        "ask_what": "Wat is uw vraag? Bijvoorbeeld: /vraag Hoe houd ik klanten trouw?",
        "group_throttled": "Even rustig aan: ik beantwoord in deze groep hooguit {limit} vragen per minuut.",
        "user_throttled": "U stelt veel vragen kort na elkaar; ik neem er even een pauze van.",
        "unknown_command": "Dat commando ken ik niet. Stel gewoon een vraag, of typ /help.",
        "error": "Sorry, er ging iets mis bij het beantwoorden. Probeer het zo nog eens.",
        "inline_hint": "Typ een vraag om een citaat te delen",
        "inline_none": "Geen passage gevonden",
        "open_private": "Open de bot",
        "article_part": "deel {part} van {total}",
    },
    "en": {
        "welcome": "Welcome! I answer questions about business relationships with quotes from {count} articles "
                   "(in Dutch), always with the source. Just ask, for example:",
        "example_1": "How do I keep customers loyal?",
        "example_2": "What is the most important rule in business relationships?",
        "example_3": "What went wrong at Aventeon?",
        "help": "Ask in your own words. I find the best matching passage in the articles and quote it verbatim, with "
                "title, author and source. I never invent advice: if the articles do not cover it, I say so. In a "
                "group I only answer /ask, a mention of me or a reply to my message. Type @{bot} in any chat to "
                "share a quote.\n\nThe articles:",
        "label_rule": "Rule",
        "label_case": "Case",
        "label_passage": "Passage",
        "label_rebutted": "A view the author rejects, with the author's answer",
        "by": "by",
        "source": "Source",
        "read_in_bot": "Read the whole article",
        "button_more": "More",
        "button_article": "Whole article",
        "smalltalk_greeting": "Hello! Ask me anything about business relationships, for example: How do I keep "
                              "customers loyal?",
        "smalltalk_thanks": "You're welcome! If you have another question, just ask.",
        "smalltalk_ack": "All right. Ask your next question about customers, promises or working together.",
        "smalltalk_bye": "Goodbye! You can ask a new question any time.",
        "smalltalk_identity": "I am a bot that answers questions about business relationships with verbatim quotes "
                              "from {count} articles (in Dutch), always with the source. I never invent advice. "
                              "Type /help for the articles.",
        "no_answer": "My articles do not cover that, and I would rather quote nothing than something that does "
                     "not fit.",
        "rephrase": "Try asking in other words, naming what matters to you.",
        "topics": "Topics the articles do cover:",
        "no_sure_answer": "I find no passage that surely answers your question, and I would rather quote nothing "
                          "than something that does not fit.",
        "nearby": "These articles come closest to your question:",
        "no_more": "There are no other passages for this question.",
        "expired": "This answer has expired; please ask again.",
        "article_unknown": "I do not know that article (any more).",
        "feedback_up": "Thank you, glad it helped.",
        "feedback_down": "Thank you, we will look into it.",
        "truncated": "Your question was very long; I only used its first {limit} characters.",
        "ask_what": "What is your question? For example: /ask How do I keep customers loyal?",
        "group_throttled": "Easy now: in this group I answer at most {limit} questions a minute.",
        "user_throttled": "You are asking a lot in a short time; I am taking a short break from your questions.",
        "unknown_command": "I do not know that command. Just ask a question, or type /help.",
        "error": "Sorry, something went wrong while answering. Please try again in a moment.",
        "inline_hint": "Type a question to share a quote",
        "inline_none": "No passage found",
        "open_private": "Open the bot",
        "article_part": "part {part} of {total}",
    },
}

# Placeholders each text may use; anything else would raise at send time, so it is refused at load time.
_PLACEHOLDERS: dict[str, set[str]] = {
    "welcome": {"count"}, "help": {"bot"}, "truncated": {"limit"}, "group_throttled": {"limit"},
    "article_part": {"part", "total"}, "smalltalk_identity": {"count"},
}


# Texts shown as a button's pop-up note (answerCallbackQuery), which Telegram limits to 200 characters.
_SHORT_TEXTS = {"expired", "no_more", "feedback_up", "feedback_down", "article_unknown", "error", "group_throttled"}
MAX_SHORT_TEXT = 200


@dataclass(frozen=True)
class Texts:
    by_language: dict[str, dict[str, str]] = field(default_factory=lambda: DEFAULT_TEXTS)

    def get(self, language: str, key: str, **values: object) -> str:
        """Plain text (the renderer escapes it) for a user's language, falling back to Dutch."""
        table = self.by_language.get(language) or self.by_language["nl"]
        return fill(table[key], values) if values else table[key]


def fill(template: str, values: dict[str, object]) -> str:
    """`template` with each {name} replaced by str(value). Not str.format: a format specification or conversion in
    an operator's text ({count:>99999999}) would run as code and build a 100 MB message. The loader refuses them;
    this applies none even if one got through."""
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(str(values[name]))
    return "".join(out)


def _fields(text: str) -> list[tuple[str, str, str | None]] | None:
    """(name, format spec, conversion) of each placeholder; None when the braces do not balance."""
    try:
        return [(name, spec or "", conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                if name is not None]
    except ValueError:
        return None


def load_texts(config_dir: Path, in_use: Texts | None = None) -> tuple[Texts, list[Problem]]:
    """Texts from texts.yaml; a text that is missing or refused is the built-in default, or with `in_use` (a reload)
    the text in use, so a bad edit never replaces an operator's good text with the shipped one."""
    path = config_dir / TEXTS_FILE
    if not path.exists():
        return Texts(), []
    data, problems = load_mapping(path)
    if data is None:
        return (in_use or Texts()), problems
    base = (in_use or Texts()).by_language
    kept = "(keeping the text in use)" if in_use is not None else "(using the default)"
    where = str(path)
    tables: dict[str, dict[str, str]] = {}
    for language in data:
        if language not in LANGUAGES:
            problems.append(Problem(where, f"unknown language '{language}' (known: {', '.join(LANGUAGES)})",
                                    file_key_line(path, str(language)), severity="warning"))
    for language in LANGUAGES:
        # A key left out is the default (taking it out is how an operator goes back to it); a refused one keeps
        # what it was.
        table = dict(DEFAULT_TEXTS[language])
        previous = base.get(language) or DEFAULT_TEXTS[language]
        raw = data.get(language) or {}
        if not isinstance(raw, dict):
            problems.append(Problem(where, f"'{language}' must be a mapping of text keys {kept}",
                                    file_key_line(path, language)))
            raw = {}
            table = dict(previous)
        for key, value in raw.items():
            if key not in table:
                problems.append(Problem(where, f"unknown text '{language}.{key}'",
                                        file_key_line(path, str(key), language), severity="warning"))
                continue
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(where, f"'{language}.{key}' must be non-empty text {kept}",
                                        file_key_line(path, key, language)))
                table[key] = previous.get(key, table[key])
                continue
            fields = _fields(value)
            if fields is None:
                problems.append(Problem(where, f"'{language}.{key}' has an unbalanced '{{' or '}}': placeholders are "
                                               "written {name}, a literal brace is doubled ({{ or }}) "
                                               f"{kept}", file_key_line(path, key, language)))
                table[key] = previous.get(key, table[key])
                continue
            if key in _SHORT_TEXTS and len(value) > MAX_SHORT_TEXT - 20:
                problems.append(Problem(where, f"'{language}.{key}' is {len(value)} characters; at most "
                                               f"{MAX_SHORT_TEXT - 20} fit in a button's pop-up {kept}",
                                        file_key_line(path, key, language)))
                table[key] = previous.get(key, table[key])
                continue
            fancy = [(n, spec, conv) for n, spec, conv in fields if spec or conv]
            if fancy:
                # {count:>5000} made /start too long to send, {count!r:^99999999} a 100 MB message: templates only.
                name, spec, conv = fancy[0]
                shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
                problems.append(Problem(where, f"'{language}.{key}' uses {shown}: only plain placeholders such as "
                                               f"{{{name}}} are allowed, without a format specification or "
                                               f"conversion {kept}", file_key_line(path, key, language)))
                table[key] = previous.get(key, table[key])
                continue
            found = {name for name, _, _ in fields}
            allowed = _PLACEHOLDERS.get(key, set())
            if not found <= allowed:
                extra = ", ".join("{" + name + "}" for name in sorted(found - allowed))
                hint = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
                problems.append(Problem(where, f"'{language}.{key}' uses {extra}; allowed placeholders: {hint} "
                                               f"{kept}", file_key_line(path, key, language)))
                table[key] = previous.get(key, table[key])
                continue
            table[key] = value
        tables[language] = table
    return Texts(tables), problems


def check_telegram_config(config_dir: Path) -> list[Problem]:
    """Problems in telegram.yaml and texts.yaml, for `corpus check` and for reloads."""
    return load_telegram_settings(config_dir)[1] + load_texts(config_dir)[1]
