"""English questions against Dutch articles: a built-in lexicon of ordinary business words.

The articles are Dutch; English questions share almost no words with them (only names and loanwords). Operators add
words in `config/synonyms.yaml` (`translations:`), which wins over this table. This table holds the everyday
business vocabulary every corpus of this kind needs, so an English question does not depend on an operator having
foreseen "supplier" or "fair". Each English word maps to Dutch words as they appear in text; the analyzer reduces
both sides to the same terms. Words whose Dutch translation mostly appears in idioms are left out on purpose
("honest" -> "eerlijk" met "zeg nu eens eerlijk" in every trust question).
"""

from __future__ import annotations

TRANSLATIONS: dict[str, tuple[str, ...]] = {
    "supplier": ("leverancier",), "vendor": ("leverancier",), "suspicious": ("wantrouwig", "argwaan"),
    "distrust": ("wantrouwen",), "centre": ("centraal",), "center": ("centraal",), "central": ("centraal",),
    "book": ("boek",), "author": ("schrijver", "auteur"), "writer": ("schrijver", "auteur"),
    "negotiate": ("onderhandelen",), "negotiation": ("onderhandeling", "onderhandelen"),
    "equal": ("gelijk",), "equally": ("gelijk",), "treat": ("behandelen", "bedelen"), "fair": ("redelijk",),
    "reasonable": ("redelijk",), "charge": ("prijs", "rekenen"), "cheap": ("goedkoop",), "cheapest": ("goedkoop",),
    "expensive": ("duur",), "money": ("geld",), "pay": ("betalen",), "payment": ("betaling", "betalen"),
    "invoice": ("factuur",), "margin": ("marge",), "satisfied": ("tevreden",), "happy": ("tevreden", "blij"),
    "unhappy": ("ontevreden",), "complain": ("klagen", "klacht"), "call": ("bellen",), "phone": ("telefoon",),
    "meeting": ("afspraak", "gesprek"), "agreement": ("afspraak", "overeenkomst"), "mistake": ("fout", "vergissing"),
    "apologise": ("excuses",), "apologize": ("excuses",), "apology": ("excuses",),
    "referral": ("aanbeveling",), "recommend": ("aanbevelen", "aanbeveling"), "recommendation": ("aanbeveling",),
    "partner": ("partner",), "partnership": ("partnerschap", "samenwerking"), "cooperation": ("samenwerking",),
    "collaboration": ("samenwerking",), "cooperate": ("samenwerken",), "cancel": ("opzeggen",),
    "churn": ("opzeggen", "weglopen"), "colleague": ("collega",), "boss": ("baas",), "hire": ("aannemen",),
    "talk": ("praten", "praatje"), "talker": ("praatje",), "buy": ("kopen",), "purchase": ("aankoop", "kopen"),
    "order": ("bestelling", "order"), "product": ("product",), "service": ("service", "dienst"),
    "quality": ("kwaliteit",), "speed": ("snelheid", "snel"), "slow": ("traag", "langzaam"),
    "strategy": ("strategie",), "goal": ("doel",), "growth": ("groei",), "grow": ("groeien",),
    "revenue": ("omzet",), "turnover": ("omzet",), "reputation": ("reputatie", "naam"), "respect": ("respect",),
    "transparent": ("transparant", "open"), "expect": ("verwachten",), "expectation": ("verwachting",),
    "belong": ("horen",), "motivate": ("motiveren",), "motivation": ("motivatie",), "bonus": ("bonus",),
    "both": ("beide",), "side": ("partij", "kant"), "party": ("partij",), "parties": ("partij",),
    "objection": ("tegenwerping", "bezwaar"), "hesitation": ("aarzeling",), "close": ("sluiten",),
    "convince": ("overtuigen",), "persuade": ("overtuigen",), "detail": ("detail",), "forget": ("vergeten",),
    "brochure": ("folder",), "leaflet": ("folder",), "flyer": ("folder",), "fuel": ("brandstof",),
    "mother": ("moeder",), "car": ("auto",), "team": ("team",), "manager": ("manager",), "account": ("account",),
    "feedback": ("feedback",), "new": ("nieuw",), "first": ("eerste",), "week": ("week",), "month": ("maand",),
    "year": ("jaar",), "day": ("dag",), "time": ("tijd",), "deadline": ("deadline",),
    "advice": ("advies",), "tip": ("tip",), "tips": ("tip",), "generous": ("gul",),
    "attention": ("aandacht",), "care": ("zorg", "aandacht"), "angry": ("boos",), "disappoint": ("teleurstellen",),
    "overpromise": ("beloven",), "underpromise": ("beloven",), "overdeliver": ("leveren",),
    "relations": ("relatie",), "networking": ("netwerk",), "network": ("netwerk",), "win": ("win",),
    "partnerships": ("partnerschap",), "onboarding": ("onboarding",), "follow": ("opvolgen",),
    "followup": ("opvolgen",), "refuse": ("weigeren", "nee"), "decline": ("weigeren",),
}

