"""Clean a page's text into title, metadata and a Markdown body, reporting every line it removed and why.

The rules describe how web pages are built, not particular pages:
- site chrome has recognisable shapes: scripts and style lines, login and account lines, back links and other
  navigation ("Terug naar overzicht", "Home > Blog"), runs of three or more short link-like items (menus), rows of
  social networks, reading times ("4 minutes read", "5-7 minuten leestijd"), lone dates, category and tag lines,
  photo credits and the caption or alt text beside them, image file names, donation buttons, widget rows
  ("Posted | Comment | Print"), teasers ending in ">>", a component's error message, table-of-contents labels,
  template labels ("sub-header"), a download form's and a link's button text ("Download Now: ...", "Lees artikel"),
  a wiki's edit links, publication notes and "back to top" links; above the article, cookie notices and
  announcement banners; a paragraph copied twice is kept once;
- the title is chosen by evidence among the lines before the first paragraph: the line right after the site's
  navigation, right above a byline or date, the first line of the page, a line whose words recur in the text. A
  line that cannot be a title (a script, a paragraph, a list item, a banner, a section word such as "Inleiding")
  never is; with no plausible line the import is refused and `--title` asked for. Everything before the title is
  the site's header;
- a byline ("Door: Naam, 24-08-2012", "By Name", "Door 2 juni 2014", "Name | 3 juni 2025 | ..."; also split over
  two lines, with the job under it, or the name alone above the date) or a lone date near the title becomes author
  and date; a signature at the end (a name, then a job line) becomes the author;
- the article ends at the first footer marker: share/comment widgets ("Doorsturen", "Reageer"), an author bio
  ("Over de auteur:", "About the Author"), "Laatste weblogs", related articles, comment sections;
- structure: chrome is never made a heading; a short standalone line without final punctuation becomes a "## "
  heading (also a lowercase one: nothing is deleted for being lowercase); a paragraph the page broke in
  mid-sentence (no final punctuation, then a line starting in lowercase) is joined again;
- repairs: a missing space after a sentence end before a capital ("opportunist.De"), a heading glued to its
  paragraph ("OnkostenVermeld kort ..."), no-break spaces, bullets "•" as
  Markdown "- ", a title whose last word lost its last letter when the body has exactly one word that is that
  word plus one letter (never a plural "s" on a whole word), a title's label, marker or site name, and the title
  run into the first paragraph.
Every other word stays verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate

from bot.ingest.metadata import (
    find_date,
    is_date_line,
    is_desk,
    is_job_line,
    looks_like_code,
    looks_like_name,
    name_with_role,
    parse_byline,
    parse_date,
    role_and_date,
    title_problem,
)

# Lines that open the article's footer: everything from here on is site chrome.
FOOTER_MARKERS = [
    # "Reageer" and "Doorsturen" as the widget's label, alone or with its count or a share row ("Doorsturen |
    # Printen"); "Reageer binnen een dag op elke klacht." is a tip, and ended the article when any line starting
    # with the word did.
    r"about the author", r"over de auteur:?", r"doorsturen(?:\s*[|·•].*)?",
    r"reageer(?:\s+(?:op (?:dit|het|deze) (?:artikel|bericht|blog|column)|hier|nu))?(?:\s*[(\[]?\d+[)\]]?)?:?"
    r"(?:\s*[|·•].*)?",
    r"reageren", r"reacties",
    r"laatste (weblogs|artikelen|berichten|nieuws)", r"lees ook:?", r"gerelateerde artikelen",
    r"comments?", r"\{\s*\d+\s+(?:comments?|reacties?)\s*\}",  # "{ 3 comments }": a blog's comment count
    r"leave a (reply|comment)", r"tags?:.*", r"related (articles|posts|stories)",
    r"meer (artikelen|blogs|lezen)", r"you (may|might) also like:?", r"dit vind je misschien ook leuk:?",
    # A feedback widget under the article: "Was this article helpful?", "Vond je het een goed artikel? ..."
    r"was this (?:article|page|post) helpful\??", r"(?:vond je|vond u) (?:dit|het)(?: een)? (?:goed |nuttig )?"
    r"artikel(?: nuttig| goed)?\?.{0,120}", r"heeft dit artikel (?:je|u) geholpen\??",
    r"heeft deze (?:pagina|informatie) (?:je|u) geholpen(?: bij (?:je|uw) vraag)?\??",
    r"(?:was|is) deze (?:pagina|informatie) (?:nuttig|duidelijk)\??", r"was this (?:information|answer) helpful\??",
]
# Navigation and widget lines, wherever they stand.
NAVIGATION = [
    r"terug naar (het )?overzicht", r"zoeken( nieuwsbrief)?", r"nieuwsbrief", r"home", r"menu", r"inloggen",
    r"(?:(?:linkedin|twitter|facebook|instagram|youtube|x|rss|e-?mail|whatsapp|pinterest|xing)\s*)+",
    r"weblog", r"blog", r"nieuws", r"artikel", r"column", r"opinie",
    r"home\s*[>»/›].*", r"skip to (main )?content",
    r"selecteer een pagina", r"select a page", r"kies een pagina",  # a theme's mobile menu label
    # A back link names where it goes (an overview, the blog, the top); "Terug naar de basis" is a heading.
    r"(?:.{0,30}\s)?(?:terug naar|back to)\s+(?:het |de |the |all |alle )?(?:overzicht|overview|blogs?|nieuws|news|"
    r"artikelen|articles|posts|home|homepage|startpagina|vorige pagina|previous page|boven|top|zoekresultaten|"
    r"search results|kennisbank|categorie|category)\b.{0,30}",
    r"[←‹«]\s*\S+(?:\s+\S+){0,4}", r"(?:↑\s*)?(?:terug )?naar boven", r"↑.*",
    r"(?:ga|spring|overslaan|doorgaan) naar (?:de )?(?:belangrijkste |hoofd)?(?:inhoud|content|navigatie|menu)",
    r"skip to (?:the )?(?:main )?(?:content|navigation|menu)",
    r"(?:u bent hier|je bent hier|you are here)\s*:.*",  # a breadcrumb trail
    r"(?:vorige|volgende|previous|next)(?: (?:artikel|bericht|post))?",
    r"lees (meer|verder)", r"read more",
    # A share row, with the networks it names. It ends nothing: sites put it under the title as often as at the end,
    # and as a footer marker it cut every paragraph after a share row under the first one.
    r"(?:deel|delen|share)(?: (?:dit|this)(?: \w+)?| (?:op|on) \w+| (?:article|artikel|post|bericht))?:?"
    r"(?:\s+(?:linkedin|twitter|facebook|x|e-?mail|mail|share|app|pin|copy link|kopieer link|link kopiëren|"
    r"whatsapp|pinterest|instagram|xing|print|telegram|reddit|threads|bluesky|mastodon|messenger|sms))*",
    # A teaser link inside the article ("Lees ook: Zo houd je klanten tevreden"); a bare "Lees ook" opens the footer.
    r"(?:lees ook|zie ook|read also|see also)\s*:\s*\S.{0,120}",
    # The same with the link's title in quotes ("Tip. Lees ook het artikel “Pas op voor ...”").
    r"(?:tip\.?\s*)?(?:lees ook|zie ook|read also|see also)(?: (?:het|ons|dit|the|our) (?:artikel|article|blog))?"
    r"\s*:?\s*[“\"'‘„].{3,120}[”\"'’]\.?",
    # Share buttons copied without spaces ("Share on LinkedInShare on TwitterShare on Facebook").
    r"(?:(?:share|deel|delen) (?:on|op|via) [a-z]+\s*){2,}",
]
_FOOTER = re.compile(r"^(?:" + "|".join(FOOTER_MARKERS) + r")$", re.IGNORECASE)
_NAV = re.compile(r"^(?:" + "|".join(NAVIGATION) + r")$", re.IGNORECASE)
_READING_TIME = re.compile(
    r"^(?:(?:artikel|article|blog|nieuws|news|column|opinie|achtergrond)\s*[·|•–-]?\s*)?"  # "Artikel 16 min read"
    r"(?:(?:leestijd|reading time|read time|tijd om te lezen)\s*:?\s*)?(?:ca\.?\s*|±\s*|about\s+)?"
    r"\d+(?:\s*[-–]\s*\d+)?\s*(?:min(?:uten|uut|utes|ute|s)?\.?)"
    r"(?:\s*(?:read|reading|leestijd|lezen|leesduur|to read))?$",
    re.IGNORECASE)
# A reading-time widget whose number the copy lost ("- minute read"): only in this exact form, never a sentence.
_READING_TIME_NO_NUMBER = re.compile(r"^(?:[-•·*]\s*)?(?:minutes?|minuten|minuut|min\.?)\s+(?:read|to read|leestijd|"
                                     r"lezen)$", re.IGNORECASE)
_LOGIN = re.compile(
    r"\b(?:log(?:\s+hier)?\s+in|inloggen|uitloggen|log\s*out|login|sign\s+(?:in|up|out)|registreer|registreren|"
    r"account aanmaken|create (?:an )?account|wachtwoord vergeten|forgot (?:your )?password|mijn account|"
    r"my account|winkelwagen|shopping (?:cart|bag))\b", re.IGNORECASE)
_ACCOUNT_AREA = re.compile(r"^(?:mijn|my)\s+\S+$", re.IGNORECASE)  # "Mijn Passie", "My Account": the account link
# Stock photo agencies, as a credit names them in brackets or alone.
_AGENCY = r"(?:getty ?images|shutterstock|istock(?:photo)?|unsplash|pexels|pixabay|adobe stock)"
_PHOTO_CREDIT = re.compile(
    r"^(?:(?:(?:featured|header-?|hero|cover|uitgelichte)\s+)?"
    r"(?:photo|foto|fotografie|image|beeld|afbeelding|illustratie|illustration|credit|bron|source)\s*(?:\(cc\))?\s*"
    r"(?:[:©]|by\b|door\b|credits?\b|van\b)|.*©|.*\b(?:via|on|op|from|van)\s+(?:flickr|unsplash|pexels|"
    r"shutterstock|getty ?images|istock|pixabay|adobe stock)\b|"
    # a short caption with its credit in brackets: "Keep your business relationships strong. (Image: Getty Images)"
    r".{0,100}(?:\((?:photo|foto|image|beeld|afbeelding|credit)s?\s*:[^)]*\)|"
    r"[(\[]" + _AGENCY + r"[^)\]]{0,40}[)\]])$|"
    # the agency's name alone, where the credit stood under the photo ("••• Getty Images")
    r"[\W\d_]*" + _AGENCY + r"\W*$|"
    # a Dutch paper's credit without a colon, naming an agency, maybe after an image's missing alt text: "Beeld ANP",
    # "null Beeld ANP", "null Beeld" ("## Beeld", "Foto Vermeulen" may be headings)
    r"(?:null\s+)?(?:beeld|foto)\s+(?-i:ANP|AFP|EPA|AP|Reuters|Belga|dpa|Getty Images|Hollandse Hoogte|HH|"
    r"Shutterstock|iStock)\b.{0,40}$|null\s+(?:beeld|foto|image|afbeelding)\b.{0,60}$)",
    re.IGNORECASE)
# The alt text of a page's lead image, copied with the page ("business relationships - featured image").
_IMAGE_ALT = re.compile(r"^(?:.{0,80}\b(?:featured image|uitgelichte afbeelding|header image|hero image)|"
                        # an image's description copied as a line: "illustration of ... ideas", "book image" (in
                        # lowercase only: "Brand image" may head a section), an avatar's label ("blog author")
                        r"(?:an? )?(?:illustration|photo|photograph|image|picture|foto|afbeelding|illustratie) "
                        r"(?:of|van) [^.!?]{3,80}|(?-i:[a-z]+ (?:image|afbeelding|avatar|author|auteur)))$",
                        re.IGNORECASE)
# A line of only separators ("|", "·"), left where a row of links or labels stood.
_SEPARATOR = re.compile(r"^(?:[|¦•·\s]+|[-–—])$")  # "|" rows; a lone dash is an empty list item, "---" a rule
# An image's file name, also without its extension but with its size ("advocatenhub.nl-1000x700px").
# (also what a Markdown image leaves when its start was lost: ".jpg)", the extension alone)
_IMAGE_FILE = re.compile(r"^(?:\S+(?:\.(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?)|[-_]\d{2,4}x\d{2,4}(?:px)?)|"
                         r"\.(?:jpe?g|png|gif|webp|svg|avif)\))$", re.IGNORECASE)
_CATEGORY = re.compile(
    r"^(?:(?:article|post|blog|artikel)\s+)?"
    r"(?:categorie(?:ën|en)?|category|categories|tags?|rubrieke?n?|labels?|onderwerpen|topics|filed under|"
    r"geplaatst in|posted in|thema'?s?|kennisbank|sector)\s*:", re.IGNORECASE)
# Icon labels a text copy of a page keeps above the article: the search and close buttons. Only there: in the text,
# "Close" and "Sluiten" are headings too (a sales stage).
_ICON_LABEL = re.compile(r"^(?:(?:magnifying glass|search icon|zoekicoon|zoek-?icoon)(?:\s+(?:close|sluiten))?|"
                         r"close|sluiten)$", re.IGNORECASE)
# A category label standing alone above its links (the links themselves are a menu run); only above the article,
# where a heading "Onderwerpen" over a list of training topics would be the article's own.
_CATEGORY_WORD = re.compile(r"^(?:categorie(?:ën|en)|categories|tags|rubrieken|onderwerpen|topics)$", re.IGNORECASE)
# An image with no description, copied as its kind ("Image", "Person", "Icon"), at the top of the page (a long
# banner sentence can count as the first paragraph, so not only "above it"); further down such a word may head a
# section ("Image" in an article on brand identity).
_PLACEHOLDER_ALT = re.compile(r"^(?:image|img|person|icon|icoon|picture|afbeelding)$", re.IGNORECASE)
# A countdown above the page ("Peppol deadline: 01-01-2026" / "00" / "Dagen"): its digits and its units.
_COUNTDOWN_UNIT = re.compile(r"^(?:dagen|uren|minuten|seconden|days|hours|minutes|seconds|mins|secs)$", re.IGNORECASE)
# A link back to the overview ("< Back", "← Terug naar overzicht").
_BACK_LINK = re.compile(r"^(?:[<←‹«]\s*(?:back|terug|vorige|previous|all posts|alle berichten)\b.{0,30}|"
                        r"(?:terug naar (?:het )?overzicht|back to (?:all )?(?:posts|articles|blog|overview)))$",
                        re.IGNORECASE)
# The label of a row of social links above the text ("Connect", "Volg ons", "Share this").
_SOCIAL_LABEL = re.compile(r"^(?:follow us|volg ons|share(?: this(?: article| post)?)?|deel (?:dit|deze pagina)|"
                           r"delen|(?:would love for you to|please) share this\.?|deel dit (?:artikel|bericht)\.?)$",
                           re.IGNORECASE)
# The author's photo by its label, above the text ("auteursafbeelding", "profile picture"); in the text "Profielfoto"
# may head a section of an article about LinkedIn.
_AUTHOR_PHOTO = re.compile(r"^(?:auteurs?afbeelding|auteursfoto|profielfoto|profielafbeelding|author (?:image|photo|"
                           r"avatar)|profile (?:picture|photo|image)|avatar)$", re.IGNORECASE)
# The kind of piece, labelled above the text ("Longreads", "Achtergrond", "Opinie"): the site's shelf, no heading of
# the author's. Only above the first paragraph: in the text "Interview" may head a section.
_CONTENT_TYPE = re.compile(r"^(?:longreads?|achtergrond|interview|opinie|column|analyse|reportage|podcast|essay|"
                           r"recensie|opinion|analysis|explainer|feature)$", re.IGNORECASE)
# An ad-blocker notice before the article: its heading and its plea are the site's, never the author's.
_ADBLOCK = re.compile(r"\bad-?block(?:er|ers|ing)?\b", re.IGNORECASE)
# A donation or subscription button copied as a line ("STEUN RO", "Doneer nu", "Word lid", "Support us"): the verb
# and one or two words more, never a sentence. A lone "Support" or "Steun" stays: it may be a section heading.
_BUTTON = re.compile(r"^(?:steun|doneer|donate|support|abonneer(?: je| u)?|subscribe|word(?: nu)?|become an?)"
                     r"\s+\S+(?:\s+\S+)?\s*!?$", re.IGNORECASE)
_BUTTON_OBJECT = re.compile(r"\s(?:nu|now|ons|us|vandaag|today|lid|member|donateur|abonnee|supporter|patron)\b",
                            re.IGNORECASE)
_TOC = re.compile(r"^(?:inhoud|inhoudsopgave|table of contents|contents|in dit artikel|in this article|in this post|"
                  r"op deze pagina|on this page|jump (?:straight )?to|spring (?:direct )?naar|ga direct naar)\s*:?$",
                  re.IGNORECASE)
# Above the article: the site's cookie notice and an announcement banner that ends in its link ("Our new features are
# here! Learn more."). Both are sentences, and taken for the first paragraph they hid the title below them.
_COOKIES = re.compile(r"\b(?:website|site|we|wij|deze site)\s+(?:uses|use|gebruikt|gebruiken|maakt gebruik van|plaatst|"
                      r"plaatsen)\s+(?:\S+\s+){0,3}cookies\b|\bcookie(?:beleid|verklaring|instellingen|-instellingen| "
                      r"policy| settings)\b|\baccept(?:eer|eren)?\s+(?:alle\s+|all\s+)?cookies\b", re.IGNORECASE)
_ANNOUNCEMENT = re.compile(r"(?:learn more|find out more|read more|lees meer|meer info(?:rmatie)?|ontdek meer|"
                           r"bekijk (?:ze|het) hier)\s*[.!>»→]*$", re.IGNORECASE)
# A banner that asks the reader to sign up after a dash ("Lancering binnenkort — Meld je aan voor vroege toegang!").
_SIGN_UP_BANNER = re.compile(r"\s[—–|-]\s+(?:meld je (?:nu )?aan|schrijf je (?:nu )?in|registreer|sign up|join|"
                             r"probeer|try|download|bestel|claim|reserveer|get)\b[^.?]{0,60}!$", re.IGNORECASE)
# Where a news item first appeared, before its date: "MKB Servicedesk in het Brabants Dagblad van 8 mei 2009".
_APPEARED_IN = re.compile(r"^[^.!?]{2,60}\s(?:in|op)\s(?:het|de|the)\s(?-i:[A-ZÀ-Þ][\w'’-]*)(?:\s[A-ZÀ-Þ][\w'’-]*){0,3}"
                          r"\s(?:van|of|d\.d\.)\s(?P<date>.{6,30})$")
# A paywall's label before a rubric or teaser, often glued to it: "PREMIUMLekker mopperen" ("PLUS" is also a
# supermarket chain: not a label).
_PAYWALL_LABEL = re.compile(r"^(?:PREMIUM|ABONNEES?|EXCLUSIEF|SUBSCRIBERS?)(?=[A-ZÀ-Þ][a-zà-ÿ])")  # glued to the rubric
_PAYWALL_SPACED = re.compile(r"^(?:PREMIUM|ABONNEES?|EXCLUSIEF|SUBSCRIBERS?)\s+[A-ZÀ-Þ]")  # above the title only
# An embedded widget that did not load in the copy ("Deze content kan niet worden weergegeven vanwege ... cookies").
_CONTENT_BLOCKED = re.compile(r"^(?:deze (?:content|inhoud) kan niet worden (?:weergegeven|getoond)|this content "
                              r"(?:cannot|can't|could not) be (?:displayed|shown|loaded))\b", re.IGNORECASE)
# A component's error message copied with the page ("Er is een fout opgetreden in dit component.").
_PAGE_ERROR = re.compile(r"^(?:er is een fout opgetreden|er ging iets mis|an error (?:has )?occurred|"
                         r"something went wrong)\b", re.IGNORECASE)
# A date's label left alone when the date itself was another line or an image ("Posted on", "Geplaatst op:").
_DATE_LABEL = re.compile(r"^(?:posted|published|updated|written|geplaatst|gepubliceerd|bijgewerkt|geschreven)"
                         r"(?: on| op)?\s*:?$", re.IGNORECASE)
# A date the page gives relative to the day it was copied ("Updated: 4 days ago", "2 weken geleden"): no date to
# keep, but the article's metadata line all the same.
_RELATIVE_DATE = re.compile(
    r"^(?:(?:updated|posted|published|bijgewerkt|geplaatst|gepubliceerd)(?: on| op)?\s*:?\s*)?"
    r"(?:\d{1,3}|een|a|an)\s+(?:seconds?|minutes?|mins?|hours?|days?|weeks?|months?|years?|seconden?|minuten|minuut|"
    r"uur|uren|dagen|dag|weken|week|maanden|maand|jaren|jaar)\s+(?:ago|geleden)$", re.IGNORECASE)
# Where the article appeared first, in a note of its own ("(Verschenen in KMO-Insider, november 2006)").
_PUBLISHED_IN = re.compile(r"^\(?(?:eerder |oorspronkelijk |first |originally )?(?:verschenen in|gepubliceerd in|"
                           r"published in|appeared in)\b[^.!?]{2,80}\)?\.?$", re.IGNORECASE)
# Where a column first appeared, under its title: "Column Hans Biesheuvel, Zoetermeerse Zaken. Nummer 2018 – 40, p. 13."
# (the issue's number is required: "Columnist Jan de Vries, die al jaren ..., ziet het anders." is a sentence)
_COLUMN_CREDIT = re.compile(r"^(?:column|columnist)\s+[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|van|de|der|den|ter))"
                            r"{1,4},\s+[^.!?]{2,60}[.,]?\s+(?:nummer|nr\.?|editie|jaargang|issue|no\.?)\s[^!?]{1,40}$",
                            re.IGNORECASE)
# An image's placeholder or its file-like label ("fallback", "image-strategic analysis").
_IMAGE_LABEL = re.compile(r"^(?-i:fallback|placeholder|(?:image|picture|img|foto|afbeelding)-[a-z0-9 -]+)$")
# A teaser for another post: a short line that ends in the link's arrows ("See the detailed post on ... >>").
_TEASER = re.compile(r"^[^«]*\s(?:>>|»)$")  # never a quotation in guillemets («Doe wat u belooft»)
_WIDGET_WORD = re.compile(r"\b(?:posted|comments?|recommend|e-?mail|print|share|tweet|like|save|reageer|reacties|"
                          r"aanbevelen|afdrukken|printen|delen|deel|opslaan|bewaar|mail)\b", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^(?:[-•·]\s*)?\d{1,2}:\d{2}$")  # a video's length ("4:28") beside its player
_PAGE_NUMBER = re.compile(r"^(?:(?:pagina|page|blz\.?|p\.)\s*)?\d{1,3}\s*(?:/|van|of)\s*\d{1,3}$", re.IGNORECASE)
_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)  # a printed page's header or footer
_TEMPLATE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")  # "sub-header", "main_content": a CSS class, not prose
_BACK_TO_TOP = re.compile(r"\s*(?:[↑⬆]\s*(?:terug\s+)?(?:naar boven|to top|top|back to top)|"
                          r"\s(?:terug naar boven|back to top))\s*$", re.IGNORECASE)
# A download form's or a link's button text copied as a line ("Download Now: Free Account Management Template",
# "Lees artikel", "Boek bekijken", "Loading your download form"): what a reader clicks, never what the author says.
_CALL_TO_ACTION = re.compile(
    r"^(?:(?:download|get|grab)\s+(?:now|nu|it now|(?:it|them|yours) (?:free|here))|"
    r"(?:free|gratis)\s+(?:access|download|resource|toegang|template|e-?book)s?(?:\s+\w+)?"
    r")\s*(?::\s*.{1,80})?$|"
    r"^(?:access now|learn more|lees (?:het )?artikel|artikel lezen|boek bekijken|bekijk (?:het )?boek|"
    r"bekijk (?:de )?video|watch (?:the )?video|play video|video icon|instagram viewer|"
    r"loading (?:your )?(?:download )?form|you(?:'|’)re all set!?|"
    r"click (?:this|the) link to (?:access|download) (?:this|the) (?:resource|template|guide).{0,30}|"
    r"fill out (?:the|this) form to (?:access|download|get) .{1,60}|"
    r"we(?:'|’)re committed to your privacy\..{0,300}|"
    # A teaser for the author's longer post: "Meer lezen over dit onderwerp? Lees hier mijn volledige blog "...":"
    r"meer lezen(?: over [^?]{1,40})?\?\s*lees (?:hier|ook|verder|dan)\b.{0,120}|"
    # A follow-and-subscribe line under the author's name: "Follow Bill on LinkedIn and subscribe to ...".
    # Only with "us", "me" or a name as what to follow: "Follow your prospects on LinkedIn ..." is advice.
    r"(?:follow|volg)\s+(?:us|ons|me|mij|(?-i:[A-Z][a-z]+))\s+(?:on|op)\s+(?:linkedin|twitter|x|facebook|instagram|"
    r"youtube|bluesky|mastodon)\b(?:\s*(?:and|en)\s+(?:subscribe|abonneer|schrijf)\b.{0,160})?|"
    # A product's trial offer: "Probeer Fiscaal Agent 5 dagen gratis — geen creditcard nodig."
    r"(?:probeer|try|start)\b.{0,60}\b(?:gratis|free)\b.{0,40}(?:geen creditcard nodig|no credit card required|"
    r"zonder creditcard|geen verplichtingen|no commitment)\W*)$", re.IGNORECASE)
# Where a news site put an advertisement in the text: "Lees verder onder de advertentie", "Advertentie",
# "Story continues below advertisement". The reader skips it; a quote must never contain it.
_AD_MARKER = re.compile(r"^(?:(?:lees|(?:het )?(?:artikel|verhaal|tekst) gaat) verder (?:onder|na) (?:de|deze) "
                        r"advertentie|advertentie|advertorial|advertisement|(?:the )?(?:story|article) continues "
                        r"(?:below|after)(?:\s+(?:the|this))?(?:\s+(?:advertisement|ad))?|continue reading below)\W*$",
                        re.IGNORECASE)
# The page's description for search engines, copied above the text: it ends in a call to click ("... je bedrijf
# te laten groeien. Leer meer nu!"), which an author's lead does not. Only that formula ("Ontdek hoe!", "Lees
# verder!" may end a lead), and only above the first paragraph.
_SEARCH_SNIPPET = re.compile(r"[.!?]\s+(?:(?:leer|lees|ontdek) (?:er )?meer (?:nu|vandaag)|"
                             r"(?:learn|read|discover|find out) more (?:now|today))\s*!$", re.IGNORECASE)
# A date line that says the page was changed then, not written then.
_UPDATED = re.compile(r"\b(?:bijgewerkt|gewijzigd|laatste update|updated|last update|last modified|modified)\b",
                      re.IGNORECASE)
# The publication in brackets before the first sentence, as a dateline: "(FORTUNE Small Business) – ", "(Reuters) - ".
# Capitalised words only, and a dash after the bracket: "(Zie ook hoofdstuk 2) De klant ..." is the author's.
_SOURCE_TAG = re.compile(r"^\((?:[A-Z][\w.&'’-]*)(?:\s+[A-Z][\w.&'’-]*){0,4}\)\s*[–—-]\s+(?=[A-ZÀ-Þ])")
# A note above the text that the piece appeared elsewhere first: "The following article was first published on X
# ...", "Dit artikel verscheen eerder in het FD." One sentence that says "first" or "eerder"; in the text, "Dit
# artikel is op basis van gesprekken ... geschreven" is the author's.
_REPUBLISHED = re.compile(r"^(?:(?:the following|this) (?:article|post|piece|column) (?:was|is) (?:first|originally) "
                          r"(?:published|posted|appeared) (?:on|in|by)\b|dit (?:artikel|stuk|blog) (?:verscheen "
                          r"(?:eerder|oorspronkelijk)|is (?:eerder|oorspronkelijk) (?:verschenen|gepubliceerd)) "
                          r"(?:op|in|bij)\b)[^.!?]*(?:\.(?:com|nl|be|org)\b[^.!?]*)*[.!]?$", re.IGNORECASE)
# A view counter: "2,K views", "1.204 weergaven".
_VIEW_COUNT = re.compile(r"^[\d.,]+\s*[KkMm]?\s*(?:views|weergaven|reads|keer (?:gelezen|bekeken))$", re.IGNORECASE)
# A month and a year alone above the text ("January 2021"): when, to the month; no day, so no date is kept. Not
# when the page has more such lines: then they head a monthly update's sections.
_MONTH_YEAR = re.compile(r"^(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                         r"december|january|february|march|may|june|july|august|october)\s+(?:19|20)\d{2}$",
                         re.IGNORECASE)
# A publisher's standing disclaimer above or under a contributor's piece: "Opinions expressed by Entrepreneur
# contributors are their own.", "De mening van de auteur is niet noodzakelijk die van de redactie."
_DISCLAIMER = re.compile(r"^(?:(?:the )?(?:opinions|views) expressed (?:by|in|here)\b.{0,60}\b(?:are|is) "
                         r"(?:their|his|her|the author'?s'?|those of the author)(?: own)?|"
                         r"de (?:mening|meningen|opvattingen) (?:van|in) (?:de |deze |dit )?(?:auteurs?|columnists?|"
                         r"gastauteurs?|schrijvers?|bijdrage|blog|column|artikel)\b"
                         r".{0,40}\b(?:is|zijn) (?:niet noodzakelijk|niet per se|voor rekening van)\b.{0,60})\.?$",
                         re.IGNORECASE)
# A wiki's edit link after each section heading ("Doel[bewerken]", "Goals [edit]").
_EDIT_LINK = re.compile(r"\s*\[(?:bewerken|bron bewerken|brontekst bewerken|wijzigen|edit|edit source)\]$",
                        re.IGNORECASE)
# The site's name or address after the title ("... klantenservice • gestiopolis", "... – FocusopBusiness.nl").
_SITE_SUFFIX = re.compile(r"^(.{10,}?)\s+(?:[•|·]\s+(\S+(?:\s+\S+)?)|[-–—]\s+(\S+\.(?:com|nl|org|net|be|eu|io|co)))$",
                          re.IGNORECASE)
# A news dateline before the first sentence: "AMSTERDAM - ", "DEN HAAG (ANP) - ", "Utrecht (ANP) – ",
# "Amsterdam, 12 maart 2024 – " (a press release). A place in capitals needs four letters and no label word ("CRM -
# Dit is ...", "LET OP - ..."), or a news agency in brackets (a known one: "Customer Success (CS) – " is a term), or
# a date; a place in normal case needs an agency or a date, since "Jan - " could be anyone.
_DATELINE = re.compile(
    r"^(?P<place>[A-Z'’][A-Z'’.\-]*(?: [A-Z'’][A-Z'’.\-]*){0,3}|[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+)?)"
    r"(?:\s*\((?P<agency>ANP|AP|AFP|Reuters|Belga|dpa|DPA|Novum|BNR|NU\.nl|EPA|Bloomberg|RTL Nieuws|NOS)\))?"
    r"(?:,\s*(?P<date>\d{1,2}\s+[a-z]+\s+\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}))?"
    r"\s*[-–—]\s+(?=[A-Z\"'‘“„])")
DATELINE_WORDS = 12  # the paragraph after a dateline is a news lead, never a short label
# The site's section glued to the first paragraph by a bar: "Nieuws|Ruim 60% van de klanten ...".
_SECTION_LABEL = re.compile(r"^(?:nieuws|news|blog|column|opinie|achtergrond|interview|analyse|nieuwsbericht|"
                            r"persbericht|update)\s*\|\s*(?=\S)", re.IGNORECASE)
# A column's series line: "De week van Jan Meerman | Week 22 | 2018" (bars, with a week number or a year).
_SERIES_LINE = re.compile(r"^[^|]{2,60}(?:\s\|\s[^|]{1,30}){1,3}$")
_SERIES_PART = re.compile(r"^(?:week|aflevering|deel|nr\.?|editie|episode|part)\s*\d{1,3}$|^(?:19|20)\d{2}$",
                          re.IGNORECASE)


# A label before the title ("Titel: Netwerken"); a marker after it ("... opdrachtgevers *") is stripped with it.
_TITLE_LABEL = re.compile(r"^(?:titel|title|column(?:\s+\d{1,4})?)\s*:\s*", re.IGNORECASE)
# The column's name and the paper after a title ("‘Klantenservice first’ – Column Hans Biesheuvel – Zoetermeerse
# Zaken"): the columnist is the author, the rest is the publication.
_COLUMN_SUFFIX = re.compile(r"^(.{5,}?)\s+[-–—|]\s+(?i:column|columnist|blog|opinie)\s+"
                            r"([A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|van|de|der|den|ter)){1,4}?)"
                            r"(?:\s+[-–—|]\s+.{2,60})?$")
# A sentence end glued to the next sentence: a word of 3+ lowercase letters (not an abbreviation such as "dr" or
# "prof"), then . ! or ?, then a capitalised word. URLs and numbers never match (no capital right after the dot).
_MISSING_SPACE = re.compile(
    r"(?<![./@\w])(?!(?:prof|bijv|drs|ing|mevr|dhr|etc|enz|www)[.!?])([a-zà-ÿ]{3,})([.!?])(?=[A-ZÀ-Þ][a-zà-ÿ])"
    r"(?![\w-]*\.(?:nl|be|com|org|net|eu|io|de)\b)"
)
_BULLET = re.compile(r"^\s*[•·▪◦●]\ufe0f?\s*")  # "▪️": the emoji form carries a variation selector
_SENTENCE_END = re.compile(r"[.!?:;…\"”’)]$")
_SLUG_STOP = frozenset(
    "de het een in op van en waarom hoe wat wie is zijn raakt raak voor met aan te om bij of dat die dit".split()
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
# A byline word on a line of its own, the name on the next line.
_BYLINE_LABEL = re.compile(r"^(?:by|door|written by|geschreven door|auteur|author)\s*:?$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{4,}")

# Reasons that mark the site's header (navigation, login, scripts): a line right after them starts the article.
SITE_CHROME = {"navigation", "navigation run (menu)", "login or account line", "script or style line",
               "share or social links", "page template label", "ad-blocker notice", "paywall label",
               "form field label"}

HEADER_LINES = 80  # non-blank lines searched for a title
# Words of running text after a footer marker above which the operator is asked to look: comments and teasers are
# short; two long paragraphs are more likely the article going on past a marker that was not its end.
FOOTER_TEXT_WORDS = 150
# Reasons that mark the article's own metadata block (between the title and the text).
ARTICLE_METADATA = {"date line", "reading time", "category line", "photo credit",
                    "image caption (above a photo credit)", "image file name", "image caption (alt text)",
                    "separator", "author's job (under the byline)", "publication note",
                    "relative date", "series line"}


@dataclass
class Removal:
    line: str
    reason: str


@dataclass
class Cleaned:
    title: str
    body: str
    author: str | None = None
    date: str | None = None
    removed: list[Removal] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    title_evidence: str = ""
    refusal: str | None = None  # why no title could be chosen; the importer then asks for --title
    attention: list[str] = field(default_factory=list)  # what an operator should look at before trusting the import

    @property
    def slug(self) -> str:
        return slugify(self.title)


def slugify(title: str, limit: int = 48) -> str:
    """A stable id from the title: ASCII, lowercase, Dutch function words dropped, at most `limit` characters.

    "De belangrijkste regel in zakelijke relaties" -> "belangrijkste-regel-zakelijke-relaties".
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_title) if w not in _SLUG_STOP] or ["artikel"]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or words[0][:limit]


def chrome_reason(line: str, *, header: bool = False) -> str | None:
    """Why a line is site chrome rather than article text, or None. `header`: the line stands before the article's
    first paragraph, where account links ("Mijn ...") are chrome; in the body such a line may be a heading."""
    text = line.strip()
    if not text:
        return None
    heading = _MD_HEADING.match(text)
    if heading:
        text = heading.group(2)
    words = len(text.split())
    if looks_like_code(text):
        return "script or style line"
    # An emoji or icon may stand before it ("⏰ Leestijd: 6-8 minuten"): symbols outside ASCII only ("- 5 minuten" is
    # a list item), and in the text only when the line says it is a reading time ("✅ 5 minuten" is a checked item).
    bare = re.sub(r"^[^\w\s\x00-\x7f]+\s*", "", text) \
        if header or re.search(r"(?i)leestijd|leesduur|\bread\b|\blezen\b", text) else text
    if _READING_TIME.match(bare) or _READING_TIME_NO_NUMBER.match(text):
        return "reading time"
    # A login line starts with its action ("Log hier in met je account", "Inloggen | Registreren"); a list item or
    # a sentence that mentions logging in is the article's.
    if words <= 8 and _LOGIN.match(text.lstrip("»›>|·•*-– ")) and not text.startswith("- ") \
            and not re.search(r"[.?]$", text):
        return "login or account line"
    if header and _ACCOUNT_AREA.match(text):
        return "login or account line"
    if words <= 15 and _PHOTO_CREDIT.match(text):
        return "photo credit"
    if _IMAGE_FILE.match(text):
        return "image file name"
    if _IMAGE_ALT.match(text) or _IMAGE_LABEL.match(text):
        return "image caption (alt text)"
    if _SEPARATOR.match(text):
        return "separator"
    if (words <= 12 and _CATEGORY.match(text)) or (header and _CATEGORY_WORD.match(text)):
        return "category line"
    if header and _CONTENT_TYPE.match(text):
        return "category line"
    if header and text == "0":
        return "counter (likes or comments)"  # a "0" above the text: no list starts at zero
    if header and not heading and _AUTHOR_PHOTO.match(text):
        return "image caption (alt text)"
    if header and _BACK_LINK.match(text):
        return "navigation"
    if header and _SOCIAL_LABEL.match(text):
        return "share or widget row"
    if header and _ICON_LABEL.match(text):
        return "navigation"
    if header and words <= 80 and _ADBLOCK.search(text):
        return "ad-blocker notice"
    if header and words <= 80 and _COOKIES.search(text):
        return "cookie notice"
    if header and words <= 40 and _SEARCH_SNIPPET.search(text):
        return "page description (a search snippet)"
    if header and words <= 25 and (_ANNOUNCEMENT.search(text) or _SIGN_UP_BANNER.search(text)):
        return "announcement banner"
    if words <= 6 and (_PAYWALL_LABEL.match(text) or (header and _PAYWALL_SPACED.match(text))):
        return "paywall label"
    if (words <= 12 and _PAGE_ERROR.match(text)) or (words <= 60 and _CONTENT_BLOCKED.match(text)):
        return "page error message"
    if _DATE_LABEL.match(text):
        return "date label"
    # Only above the text and without a final full stop: "De vestiging opent in de Kalverstraat van 1 maart 2024." is
    # a sentence of the article.
    appeared = _APPEARED_IN.match(text) if words <= 14 and header and not text.endswith(".") else None
    if header and _SERIES_LINE.match(text) and any(_SERIES_PART.match(part.strip()) for part in text.split("|")[1:]):
        return "series line"
    if _PUBLISHED_IN.match(text) or (words <= 20 and _COLUMN_CREDIT.match(text)) or (
            appeared and parse_date(appeared.group("date")) is not None):
        return "publication note"
    if _RELATIVE_DATE.match(text):
        return "relative date"
    if header and words <= 30 and _REPUBLISHED.match(text):
        return "publication note"
    if header and _VIEW_COUNT.match(text):
        return "view count"
    if words <= 25 and _TEASER.search(text):
        return "teaser link"
    cells = [cell.strip() for cell in text.split("|") if cell.strip()]
    if len(cells) >= 3 and all(len(c.split()) <= 3 for c in cells) \
            and 2 * sum(bool(_WIDGET_WORD.search(c)) for c in cells) >= len(cells) + 1:
        return "share or widget row"  # "Posted | Comment | Recommend E-mail | Print |"
    if _TIMESTAMP.match(text):
        return "video length"
    if words <= 3 and _BUTTON.match(text) and (text.isupper() or _BUTTON_OBJECT.search(text)):
        return "donation or subscription button"
    if words <= 60 and _CALL_TO_ACTION.match(text):
        return "button or form text (a call to action)"
    if _TOC.match(text):
        return "table of contents label"
    if _AD_MARKER.match(text):
        return "advertisement label"
    if words <= 20 and _DISCLAIMER.match(text):
        return "publisher's disclaimer"
    if words <= 20 and is_date_line(text):  # "Laatste update op maandag 7 juli 2020 om 12:57 uur"; two dates
        return "date line"
    if _PAGE_NUMBER.match(text):
        return "page number"
    if _ADDRESS.match(text):
        return "address line (a printed page's header or footer)"
    if _TEMPLATE.match(text) and re.search(r"[a-z]{2}", text):
        return "page template label"
    if _NAV.match(text):
        return "navigation"
    return None


def _tidy(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"[ \t]+", " ", line).strip()


def _is_paragraph(line: str) -> bool:
    """Running text, not a title or heading: long, or more than one sentence. A short question with its answer and
    no final full stop is a headline ("Online klagen? Dit zijn de regels")."""
    if len(line) <= 90 and len(line.split()) <= 12 and re.match(r"^[^.!?]{3,60}\?\s+[A-ZÀ-Þ][^.!?]*$", line):
        return False
    return len(line) > 150 or len(line.split()) > 25 or bool(re.search(r"[.!?]\s+[A-ZÀ-Þ]", line.rstrip(".!?")))


def _is_short_item(line: str) -> bool:
    text = _BULLET.sub("", line).removeprefix("- ").strip()
    return 0 < len(text.split()) <= 5 and not _SENTENCE_END.search(text)


def _is_heading(line: str, before_blank: bool, after_blank: bool) -> bool:
    words = line.split()
    return (
        before_blank and after_blank and 1 <= len(words) <= 8 and len(line) <= 60
        and (not _SENTENCE_END.search(line) or _title_case_question(words))
        and (line[0].isalpha() or (_COUNT_HEADING.match(line) is not None and find_date(line) is None))
        and not line.startswith(("- ", "* "))
    )


# "5 onderhandelingsstijlen uitgelegd", "10 tips voor de eerste week": a count, then a lowercase word, heads a section.
# "1 Doe het op het juiste moment" (a capital after the number) is a numbered tip, which stays text to be a rule, and
# a second number makes a counter ("5 keer bekeken 0 keer verkocht").
_COUNT_HEADING = re.compile(r"^\d{1,3}\s+[a-zà-ÿ][^\d]*$")


_QUESTION_HEADING = re.compile(r"^(?:wat|waarom|hoe|wanneer|wie|welke|waar|what|why|how|when|who|which|where)\b"
                               r"[^.!?]{5,75}\?$", re.IGNORECASE)


# A question that speaks to the reader or points back ("Wat doe je dan nu?", "Waarom is dat eigenlijk?") is a line of
# the text; a heading asks about a subject ("Wat is klantloyaliteit?").
_DEICTIC = frozenset("je jij jou jouw u uw ik we wij ons dat dit dan nu zo you your i we our that this it then now so"
                     .split())


def _is_question_heading(line: str) -> bool:
    """A short question that opens with a question word and asks about a subject ("Wat is klantloyaliteit?", "What
    does an account manager do?"): a section heading on pages that use them (see `_questions_are_headings`)."""
    words = re.findall(r"[^\W\d_]+", line.casefold())
    return (3 <= len(line.split()) <= 10 and _QUESTION_HEADING.match(line) is not None
            and _DEICTIC.isdisjoint(words))


def _text_follows(body: list[str], position: int) -> bool:
    """The next line with words after `position` is text, not another heading: a question right before a heading
    ("What's gone wrong?" closing an example) ends a section rather than opening one."""
    following = next((line for line in body[position + 1:] if line), None)
    return following is not None and not following.startswith("#") and not _is_heading(following, True, True) \
        and not _is_question_heading(following)


def _questions_are_headings(body: list[str]) -> bool:
    """Whether this page's standalone questions are its section headings: it has two or more of them, or one beside
    headings of the usual kind. A lone rhetorical question on a page without headings stays a line of the text."""
    standalone = [line for at, line in enumerate(body) if line and not line.startswith(("#", "- "))
                  and (at == 0 or not body[at - 1])]
    questions = sum(_is_question_heading(line) for line in standalone)
    return questions >= 2 or (questions == 1 and any(_is_heading(line, True, True) for line in standalone))


def _title_case_question(words: list[str]) -> bool:
    """"Why Do Business Relationships Collapse?": a question in title case is a heading; a question in sentence case
    ("Wat nu?", "Herkenbaar?") may be a one-line paragraph of the text and stays one."""
    long_words = [w for w in words if len(w.strip("?")) >= 4]
    return (words[-1].endswith("?") and len(words) >= 3 and len(long_words) >= 2
            and all(w[:1].isupper() for w in long_words))


def _repair_title(title: str, body: str) -> tuple[str, str | None]:
    """If the title's last word lost its last letter, the body has exactly one word that is it plus one letter."""
    words = title.split()
    if not words:
        return title, None
    last = words[-1]
    known = {w.lower() for w in re.findall(r"\w+", body)}
    if last.lower() in known or not last.isalpha():
        return title, None
    # The missing letter is a lowercase one: "RelationshipsA" in a body is a title run into the next heading.
    if re.search(r"\b" + re.escape(last) + r"[A-ZÀ-Þ]", body):
        return title, None
    longer = {w for w in known if len(w) == len(last) + 1 and w.startswith(last.lower())}
    if len(longer) == 1:
        fixed = longer.pop()
        if fixed.endswith("s") and any(_known_word(last.lower(), language) for language in ("nl", "en")):
            # A singular is a whole word: "... Contract Negotiation" with "negotiations" in the text is no cut word.
            return title, None
        repaired = " ".join([*words[:-1], last + fixed[-1]])
        return repaired, f"title: '{title}' -> '{repaired}' (the body uses '{fixed}')"
    return title, None


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"^#+\s*", "", text).split()).casefold()


def clean(raw: str, *, known_title: str | None = None, title_evidence: str = "",
          given_title: str | None = None) -> Cleaned:
    """Clean one page's text. `known_title`: the title the file's format states (HTML metadata, a DOCX heading);
    `given_title`: the operator's `--title`. Never changes a word of the body except the documented repairs."""
    raw = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_tidy(line) for line in raw.split("\n")]
    removed: list[Removal] = []
    repairs: list[str] = []
    attention: list[str] = []
    for index, line in enumerate(lines):
        stripped = _BACK_TO_TOP.sub("", line)
        if stripped != line and stripped:
            repairs.append(f"removed a 'back to top' link from {stripped!r}")
            lines[index] = stripped
    edited = [i for i, line in enumerate(lines) if _EDIT_LINK.search(line) and len(line.split()) <= 12]
    for index in edited:
        lines[index] = _EDIT_LINK.sub("", lines[index])
    if edited:
        repairs.append(f"removed {len(edited)} wiki edit link(s) after headings, as from {lines[edited[0]]!r}")

    # 1. The header: every line before the first paragraph, classified.
    first_paragraph = next((i for i, line in enumerate(lines) if line and _is_paragraph(line)
                            and not chrome_reason(line, header=True)), len(lines))
    reasons: dict[int, str] = {}
    for index, line in enumerate(lines):
        reason = chrome_reason(line, header=index < first_paragraph)
        if reason:
            reasons[index] = reason
    _mark_runs_and_captions(lines, reasons, first_paragraph)
    _mark_author_jobs(lines, reasons, first_paragraph)
    _mark_table_of_contents(lines, reasons)

    # 2. The title.
    title = ""
    start = 0  # the first line of the body
    author = date = None
    known_problem = title_problem(known_title) if known_title and not given_title else None
    if known_problem:
        attention.append(f"the file's own title {_short(known_title or '', 60)!r} is {known_problem}: chosen from "
                         "the text instead")
        known_title = None
    wanted = given_title or known_title
    if wanted:
        title = wanted
        title_evidence = "given with --title" if given_title else title_evidence
        match = next((i for i, line in enumerate(lines) if line and _norm(line) == _norm(wanted)), None)
        glued = None if match is not None else _glued_title(lines, wanted)
        if match is not None:
            start = match + 1
            removed.append(Removal(lines[match], "the title line"))
        elif glued is not None:
            # The page ran title, byline and text into one line ("Luisteren voor verkoopsucces Door: Michel
            # Hoetmer, 05-02-2021, 12:12 uur Men selecteert ..."): the title comes off its start, the byline after it.
            start, title_text, (author, date, byline_text, lines[start]) = glued
            removed += [Removal(title_text, "the title line"), Removal(byline_text, "byline (kept as author/date)")]
    else:
        choice = _choose_title(lines, reasons, first_paragraph)
        if isinstance(choice, str):
            return Cleaned(title="", body="", refusal=choice, attention=attention)
        start, title, title_evidence = choice[0] + 1, _MD_HEADING.sub(r"\2", lines[choice[0]]), choice[1]
        above = choice[0] - 1
        first_word = title.split()[0] if title.split() else ""
        if (first_word.isalpha() and first_word.islower() and above >= 0 and lines[above] and above not in reasons
                and len(lines[above].split()) >= 3 and lines[above][:1].isupper()
                and not _SENTENCE_END.search(lines[above])
                and len(f"{lines[above]} {title}".split()) <= 20):
            # A headline the copy broke over two lines ("Een goede verkoper houdt vooral" / "zijn mond dicht!"):
            # the second half alone starts with a lowercase word, which no headline does ("e-mailmarketing: ...",
            # "iPhone ..." do, and a one- or two-word line above is more often the site's name).
            repairs.append(f"joined the title broken over two lines: {lines[above]!r} + {title!r}")
            title = f"{lines[above]} {title}"
            removed.append(Removal(lines[above], "the title line"))
            lines[above] = ""
        dated = find_date(title)
        if dated and dated[1].start() == 0 and len(title[dated[1].end():].split()) >= 3:
            # "25-08-1998 Column 2: Klantenservice moet bereikbaar zijn": the date belongs in the date field.
            date = dated[0]
            repairs.append(f"took the date off the start of the title: {title!r}")
            title = title[dated[1].end():].strip(" -–—|:,")
        column = _COLUMN_SUFFIX.match(title)
        if column and looks_like_name(column.group(2)):
            repairs.append(f"took the column's name off the end of the title: {title!r}")
            title, author = column.group(1), column.group(2)

    # Header lines before the title: chrome by rule, or the site's header (tagline, site name) by position.
    for index in range(start - 1 if title and start else 0):
        line = lines[index]
        if not line:
            continue
        reason = reasons.get(index)
        byline = parse_byline(line) if reason is None else None
        if reason == "date line" or byline:
            found_author, found_date = byline if byline else (None, _date_of(line))
            date, author = date or found_date, author or found_author
            removed.append(Removal(line, "byline (kept as author/date)" if byline else "date line (kept as date)"))
            continue
        removed.append(Removal(line, reason or "site header before the title"))
        if reason is None and (_is_paragraph(line) or (_SENTENCE_END.search(line) and len(line.split()) >= 4)):
            attention.append(f"a sentence before the title was removed as site header: {_short(line)!r}")

    # 3. Body: bylines and dates near the title become metadata; chrome goes; the footer ends the article.
    body_lines: list[str] = []
    seen_text = False
    read_with: set[int] = set()  # lines already read as part of an earlier one (a byline's name)
    texts = 0  # non-blank lines in body_lines (counted as they come: recounting made a 30,000-paragraph page take
    # minutes)
    for position in range(start, len(lines)):
        line = lines[position]
        if not line:
            body_lines.append(line)
            continue
        heading = _MD_HEADING.match(line)
        plain = heading.group(2) if heading else line
        if _FOOTER.match(plain):
            rest = [later for later in lines[position:] if later]
            removed.extend(Removal(later, "footer (after '" + plain + "')") for later in rest)
            running = [later for later in rest if _is_paragraph(later)]
            if sum(len(later.split()) for later in running) >= FOOTER_TEXT_WORDS:
                attention.append(f"the article was ended at {_short(plain, 40)!r}; {len(running)} paragraph(s) of "
                                 f"running text after it were removed as footer (comments, related articles?): "
                                 f"check they are not the article's, e.g. {_short(running[0])!r}")
            break
        if position in read_with:
            continue
        byline = parse_byline(plain) if not heading else None
        split = _split_byline(lines, position) if not heading else None
        if split and author is None and (not seen_text or texts <= 2):
            name_line, (split_author, split_date) = split
            date, author = date or split_date, split_author
            removed += [Removal(line, "byline (kept as author/date)"),
                        Removal(lines[name_line], "byline (kept as author/date)")]
            read_with.add(name_line)
            continue
        if (author is None and not heading and not seen_text and position not in reasons
                and looks_like_name(plain) and position + 1 < len(lines) and _bio_of(plain, lines[position + 1])):
            # The author's box above the text: the name, and right under it a paragraph about that person ("Nicola
            # Thomas" / "Maak kennis met Nicola Thomas, een experte in ...").
            author = plain
            removed += [Removal(line, "author line (kept as author)"), Removal(lines[position + 1], "author's bio")]
            read_with.add(position + 1)
            continue
        if (author is None and not heading and not seen_text and position not in reasons
                and looks_like_name(plain) and not _all_dictionary_words(plain)):
            # The same name twice in a row above the text: an avatar's alt text and the author's name.
            following = _next_line(lines, position)
            if following is not None and lines[following] == line:
                author = plain
                removed += [Removal(line, "author line (kept as author)"), Removal(lines[following], "author line")]
                read_with.add(following)
                continue
        link = _AUTHOR_LINK.match(plain) if author is None and not heading and texts <= 2 else None
        if link and looks_like_name(link.group("name")):
            # "learn more about Jeremy Gin" / "By Jeremy Gin": the author box's link and the byline agree on the
            # name, which is then the author even when every word of it is also a dictionary word ("Gin").
            following = _next_line(lines, position)
            signed = parse_byline(lines[following]) if following is not None else None
            if following is not None and signed and signed[0] \
                    and signed[0].casefold() == link.group("name").casefold():
                date, author = date or signed[1], signed[0]
                removed += [Removal(line, "author link"), Removal(lines[following], "byline (kept as author/date)")]
                read_with.add(following)
                continue
        if (author is None and not heading and (not seen_text or texts <= 1) and position not in reasons
                and looks_like_name(plain) and _portrait_above(lines, reasons, position, plain)):
            # An avatar's alt text or initial and then the name it shows ("Picture of Bill Farquharson" / "Bill
            # Farquharson", "D" / "Daan Bakker"), also right under the lead paragraph.
            author = plain
            removed.append(Removal(line, "author line (kept as author)"))
            continue
        if (title and not seen_text and not heading and len(title.split()) >= 4
                and line.casefold().startswith(" ".join(title.split()).casefold() + " ")):
            # The title run into the first paragraph ("De rol van vertrouwen in ... Waar organisaties ..."), when
            # a capitalised word of the language starts the rest: a sentence that merely starts with the title's
            # words goes on in lowercase.
            after_title = line[len(" ".join(title.split())):].strip()
            first = after_title.split()[0] if after_title else ""
            if first[:1].isupper() and len(after_title.split()) >= 5 \
                    and any(_known_word(first.lower(), language) for language in ("nl", "en")):
                repairs.append(f"took the title off the start of the first paragraph: {_short(after_title, 50)!r}")
                line = plain = after_title
        label = _SECTION_LABEL.match(plain) if not (seen_text or heading) and position not in reasons else None
        if label and len(plain[label.end():].split()) >= DATELINE_WORDS:
            removed.append(Removal(label.group(0).strip(), "category line"))
            line = plain = plain[label.end():]
        dateline = _DATELINE.match(plain) if not (seen_text or heading) and position not in reasons else None
        if dateline and len(plain[dateline.end():].split()) >= DATELINE_WORDS and _is_dateline(dateline):
            # Where and when the news was written, not the author's words: a quote would start with "AMSTERDAM -".
            date = date or (_date_of(dateline.group("date")) if dateline.group("date") else None)
            removed.append(Removal(dateline.group(0).strip(), "dateline"))
            line = plain = plain[dateline.end():]
        tag = _SOURCE_TAG.match(plain) if not (seen_text or heading) and position not in reasons else None
        if tag and len(plain[tag.end():].split()) >= DATELINE_WORDS:
            # "(FORTUNE Small Business) – In other circumstances, ...": the publication, like a dateline
            removed.append(Removal(tag.group(0).strip(), "dateline"))
            line = plain = plain[tag.end():]
        if (author is None and not heading and position not in reasons and texts <= 2
                and looks_like_name(plain) and not _all_dictionary_words(plain)):
            # A name on its own with the author's job and the date on the next line ("Lucas Correia" / "CEO &
            # Founder, BizAI · January 29, 2026"): the line under it says it is a person.
            following = _next_line(lines, position)
            role_date = role_and_date(lines[following]) if following is not None else None
            if following is not None and role_date:
                date, author = date or role_date, plain
                removed += [Removal(line, "author line (kept as author)"),
                            Removal(lines[following], "byline (kept as author/date)")]
                read_with.add(following)
                continue
        if byline and (not seen_text or position < first_paragraph or (
                # A byline under the lead paragraph ("Door: Floor Bakhuys Roozeboom"), when it names a person.
                author is None and byline[0] and texts <= 2 and looks_like_name(byline[0])
                and not _all_dictionary_words(byline[0]))):
            date, author = date or byline[1], author or byline[0]
            removed.append(Removal(line, "byline (kept as author/date)"))
            continue
        reason = reasons.get(position)
        if (reason is None and not seen_text and not heading and len(plain.split()) == 1
                and not _SENTENCE_END.search(plain) and (following := _next_line(lines, position)) is not None
                and reasons.get(following) in ("reading time", "date line")):
            reason = "category line"  # "Handboek" over "4 minuten lezen": the section of the site, not a heading
        # A lone date near the top is the article's date, also when the page put it under the lead paragraph.
        if reason == "date line" and (not seen_text or (date is None and texts <= 2)):
            date = date or _date_of(plain)
            removed.append(Removal(line, "date line (kept as date)"))
            continue
        bare = _BULLET.sub("", plain)  # "• Robin Hogenkamp" under "• 30 september 2025": a metadata list
        if (not seen_text and not heading and reason is None and author is None and date is not None
                and position < first_paragraph and looks_like_name(bare) and not _all_dictionary_words(bare)):
            # A name on its own between the article's date and its first paragraph is its author ("19 mei 2025",
            # "Marloes Jacobs"); without the date beside it, or made of dictionary words only ("Goede
            # Voorbereiding"), a two-word line is as likely a heading, and a missed author costs less than a lost one.
            author = bare
            removed.append(Removal(line, "author line (kept as author)"))
            continue
        if author is None and not seen_text and not heading and _name_above_date(lines, reasons, position):
            author = plain
            removed.append(Removal(line, "author line (kept as author)"))
            continue
        role_name = name_with_role(plain) if not (seen_text or heading or reason or author) else None
        if role_name and position < first_paragraph:
            author = role_name
            removed.append(Removal(line, "author line (kept as author)"))
            continue
        if reason:
            if reason == "publication note" and not seen_text:
                date = date or _date_of(plain)  # "Verschenen in het Dagblad, 3 mei 2019": the article's date
            removed.append(Removal(line, reason))
            continue
        # Pages repeat their title near the top (a breadcrumb, a tag); further down the same words are a section
        # heading of the article's own, which keeps its place.
        # Right after the lead paragraph the exact title again is the page's second heading over the same text
        # ("Hoe test je klanttevredenheid?" after the lead), never a section of its own; after two paragraphs it
        # may be one.
        if title and (heading or not seen_text or texts <= 1) \
                and _repeats_title(plain, title, exact=seen_text):
            removed.append(Removal(line, "the title line" if heading else "the title, repeated"))
            continue
        seen_text = True
        body_lines.append(f"## {plain}" if heading else line)
        texts += 1
    while body_lines and not body_lines[-1]:
        body_lines.pop()
    body_lines = _drop_repeats(body_lines, title, removed)
    signature = _signature(body_lines)
    if signature:
        name, taken = signature
        removed.extend(Removal(line, "signature (kept as author)" if line == name else "signature")
                       for line in body_lines[len(body_lines) - taken:] if line)
        del body_lines[len(body_lines) - taken:]
        while body_lines and not body_lines[-1]:
            body_lines.pop()
        author = author or name
    body_lines = _join_broken(_split_line_paragraphs(body_lines, repairs), repairs)

    # 4. Repairs and Markdown structure, paragraph by paragraph.
    questions_head = _questions_are_headings(body_lines)
    out: list[str] = []
    for position, line in enumerate(body_lines):
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        if line.startswith("## "):
            if out and out[-1] != "":
                out.append("")
            out.extend([line, ""])
            continue
        split_off = _glued_heading(line, body_lines)
        if split_off:
            heading_text, line = split_off
            repairs.append(f"split a heading the page glued to its paragraph: {heading_text!r} | {_short(line, 40)!r}")
            if out and out[-1] != "":
                out.append("")
            out.extend([f"## {heading_text}", ""])
        fixed, count = _MISSING_SPACE.subn(r"\1\2 ", line)
        if count:
            repairs.append(f"inserted {count} missing space(s) after a full stop: {fixed[:70]!r}")
        line = fixed
        if _BULLET.match(line):
            line = _BULLET.sub("- ", line)
        # A list is its own Markdown block: blank lines around it, even where the page had none.
        is_item = line.startswith("- ")
        if out and out[-1] != "" and (is_item != out[-1].startswith("- ")):
            out.append("")
        before_blank = position == 0 or not body_lines[position - 1]
        after_blank = position + 1 >= len(body_lines) or not body_lines[position + 1]
        next_is_text = position + 1 < len(body_lines) and bool(body_lines[position + 1])
        if (_is_heading(line, before_blank, after_blank or next_is_text)
                or (questions_head and before_blank and _is_question_heading(line)
                    and _text_follows(body_lines, position))) \
                and (position > 0 or next_is_text or not after_blank):
            repairs.append(f"heading: {line!r}")
            if out and out[-1] != "":
                out.append("")
            out.extend([f"## {line}", ""])
            continue
        out.append(line)
    body = _paragraphs("\n".join(out))
    if not wanted:
        title, title_fix = _repair_title(title, body)
        if title_fix:
            repairs.append(title_fix)
        bare = _TITLE_LABEL.sub("", title).rstrip(" *")
        site = _SITE_SUFFIX.match(bare)
        # A site's address always goes; a name after a bullet only when the text never uses it.
        if site and (site.group(3) or not ({w.casefold() for w in _WORD.findall(site.group(2))}
                                           & {w.casefold() for w in _WORD.findall(body)})):
            bare = site.group(1)  # "7 geweldige mythes over klantenservice • gestiopolis": the site's name
        if bare != title and bare:
            repairs.append(f"title: {title!r} -> {bare!r} (a label or marker, not the title's words)")
            title = bare
    # The line the date was read from (a date line, or a byline that carries it), when it says "updated": the date
    # is the update's unless the line has a date on both sides of that word ("Gepubliceerd op 3 maart 2024,
    # bijgewerkt op 5 maart 2024" gives the first).
    source = next((r.line for r in removed if (r.reason.endswith("(kept as date)") or r.reason.startswith("byline"))
                   and _date_of(r.line) == date), None) if date else None
    updated = _UPDATED.search(source) if source else None
    if updated and source and not (find_date(source[: updated.start()]) and find_date(source[updated.end():])):
        attention.append(f"the date {date} is when the page was last updated ({_short(source, 50)!r}), which may be "
                         "later than when it was written: give --date if you know that")
    if author and is_desk(author):
        attention.append(f"the page is signed by {author!r}, the site's desk or account, not a person: no author "
                         "(give --author if you know the writer)")
        author = None
    return Cleaned(title=title, body=body, author=author, date=date, removed=removed, repairs=repairs,
                   title_evidence=title_evidence, attention=attention)


# Product names written in camel case whose halves are both dictionary words of five letters or more on the left
# ("Linked" + "In", "Power" + "Point"): nothing else tells them from a heading glued to its paragraph.
_CAMEL_CASE_NAMES = frozenset({"linkedin", "powerpoint", "sharepoint", "salesforce", "surveymonkey", "quickbooks",
                               "blackberry", "mastercard", "freshdesk", "servicenow", "clickup", "photoshop",
                               "playstation", "whatsapp", "youtube", "hubspot", "wordpress", "mailchimp"})
_GLUE = re.compile(r"([^\W\d_]{5,})([A-Z][a-z\u00df-\u00ff]+)$")  # "OnkostenVermeld": a word, then a capitalised one


def _glued_heading(line: str, body: list[str]) -> tuple[str, str] | None:
    """(heading, paragraph) when a copy ran a section heading into its paragraph with no space or line between
    ("OnkostenVermeld kort welke onkosten ...", "Goed verzorgdEen goede offerte ..."): in one of the first six
    words a lowercase letter meets a capital, both halves are words of the paragraph's language and the two together
    are not a word, nor a name the page uses again. Brand names in camel case ("LinkedIn", "YouTube", "HubSpot") fail
    one of these: a half that is no word of the text's language or shorter than five letters, a whole that is a word
    ("youtube"), or a name that recurs."""
    from simplemma import is_known  # imported here like the language detector: only imports need it

    words = line.split()
    if len(words) < 8 or not _SENTENCE_END.search(line) or line.startswith(("- ", "#")):
        return None
    language = max(("nl", "en"), key=lambda lang: sum(is_known(w.casefold(), lang=lang)
                                                       for w in re.findall(r"[^\W\d_]+", line)))
    for index, word in enumerate(words[:6]):
        match = _GLUE.fullmatch(word)
        if match is None:
            if _SENTENCE_END.search(word):
                return None  # the heading never holds a sentence end
            continue
        if word.strip(".,;:!?'\"()").casefold() in _CAMEL_CASE_NAMES:
            continue  # "Follow Bill on LinkedIn and ...": a name of two words the dictionary knows, not glue
        left, right = match.groups()
        before = words[:index]
        if not all(_known_word(w.casefold(), language) for w in (*before, left, right)):
            return None
        if is_known(word.casefold(), lang="nl") or is_known(word.casefold(), lang="en") \
                or sum(other.count(word) for other in body) > 1:
            return None
        return " ".join((*before, left)), " ".join((right, *words[index + 1:]))
    return None


def _known_word(word: str, language: str) -> bool:
    """A word of `language` in simplemma's dictionary, or a Dutch compound of two ("voorovereenkomst" = "voor" +
    "overeenkomst"): Dutch writes its compounds as one word and no dictionary lists them all."""
    from simplemma import is_known

    if is_known(word, lang=language):
        return True
    return language == "nl" and any(is_known(word[:i], lang="nl") and is_known(word[i:], lang="nl")
                                    for i in range(3, len(word) - 3))


def _repeats_title(line: str, title: str, *, exact: bool) -> bool:
    """The line is the title again: the same words, or (unless `exact`) the title with a label or the site's name of
    at most two words before or after it ("... mank loopt? Artikel", "Toolshero - Account management")."""
    mine, wanted = _norm(line), _norm(title)
    if _words(mine) == _words(wanted) and wanted:
        return True  # "‘Klantenservice-first’" under "‘Klantenservice first’": the same words, other marks
    if exact or not wanted:
        return False
    rest = mine.removeprefix(wanted) if mine.startswith(wanted) else mine.removesuffix(wanted) \
        if mine.endswith(wanted) else None
    if rest is not None and 1 <= len(rest.strip(" -|–—:·").split()) <= 2:
        return True
    # A breadcrumb trail that ends in the title ("Home Tips and Tricks Seven Best Practices for ...").
    return mine.endswith(wanted) and re.match(r"(?:home|start|homepage)\b", mine) is not None \
        and len(mine.split()) - len(wanted.split()) <= 6


REPEAT_WORDS = 8  # a sentence this long found twice verbatim is one text copied twice, not a refrain


def _drop_repeats(body: list[str], title: str, removed: list[Removal]) -> list[str]:
    """A page that holds its lead (or any paragraph) twice, as a teaser block and as the article, keeps the first
    copy; the title line right before a dropped copy goes with it. Quoted twice, the same words would fill two of
    the bot's answers."""
    out: list[str] = []
    seen: set[str] = set()
    for line in body:
        key = _norm(line)
        if len(line.split()) < REPEAT_WORDS or line.startswith("#") or not _SENTENCE_END.search(line):
            # Headings and list entries come back by design (a table of contents, a summary); text does not.
            out.append(line)
            continue
        if key not in seen:
            seen.add(key)
            out.append(line)
            continue
        removed.append(Removal(line, "repeated paragraph (kept once)"))
        while out and not out[-1]:
            out.pop()
        if out and title and _norm(out[-1]) == _norm(title):
            removed.append(Removal(out.pop(), "the title, repeated"))
        out.append("")
    return out


def _all_dictionary_words(line: str) -> bool:
    """Every word of `line` is a Dutch word, or every word an English one (simplemma's dictionaries): a heading,
    not a person's name. Some names are words too ("Karin Bos"); those stay headings rather than guessed authors."""
    from simplemma import is_known  # imported here like the language detector: only imports need it

    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", line)]
    return bool(words) and any(all(is_known(w, lang=lang) for w in words) for lang in ("nl", "en"))


def _glued_title(lines: list[str], title: str) -> tuple[int, str, tuple[str | None, str, str, str]] | None:
    """(line index, the title as the line writes it, `_glued_byline` of the rest) for the first line that starts
    with `title` and goes on with a dated byline. Only then: "Onderhandelen hoort bij het vak." starts with the title
    "Onderhandelen" and is a sentence."""
    wanted = " ".join(title.split()).casefold()
    for index, line in enumerate(lines):
        if line.casefold().startswith(wanted + " "):
            byline = _glued_byline(line[len(wanted):].strip())
            if byline is not None:
                return index, line[: len(wanted)], byline
    return None


def _glued_byline(line: str) -> tuple[str | None, str, str, str] | None:
    """(author, date, the byline, the rest) when `line` starts with a dated byline that runs into a sentence: the
    shortest run of words that reads as a byline with a date, followed by a capitalised word and more text."""
    words = line.split()
    for count in range(2, min(len(words) - 3, 16) + 1):
        found = parse_byline(" ".join(words[:count]))
        if found is not None and found[1] and words[count][:1].isupper():
            return found[0], found[1], " ".join(words[:count]), " ".join(words[count:])
    return None


def _is_dateline(match: re.Match[str]) -> bool:
    """A place in capitals of four letters or more that is no label, or any place with a news agency or a date."""
    place = match.group("place")
    if match.group("agency") or match.group("date"):
        return True
    return (place.isupper() and sum(c.isalpha() for c in place) >= 4
            and not any(word in _LABEL_WORDS for word in place.casefold().split()))


# Capitals before a dash that are a label, not a place: "LET OP - ", "UPDATE - ", "NIEUW - ".
_LABEL_WORDS = frozenset("let op nb ps update nieuw breaking live video opinie column interview advertentie exclusief "
                         "gesponsord sponsored tip tips uitgelicht nieuws news analyse achtergrond het de een the and "
                         "en of voor for met with".split())


def _date_of(line: str) -> str | None:
    found = find_date(line)
    return found[0] if found else None


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


_FORM_FIELD = frozenset("naam voornaam achternaam e-mail email e-mailadres emailadres telefoon telefoonnummer "
                        "organisatie bedrijf bedrijfsnaam functie sector branche land plaats woonplaats postcode "
                        "adres bericht opmerking sinds website name first last company organization organisation "
                        "phone country city message job title role industry".split())


def _mark_form_fields(lines: list[str], reasons: dict[int, str]) -> None:
    """A form's field labels copied as a list ("- Naam", "- Organisatie", "- Sector", "- Land"): three or more items
    in a row, each one of a form's usual fields, so never a list of the article's own ("- Naam" alone stays)."""
    run: list[int] = []
    for index in range(len(lines) + 1):
        label = _LIST_LINE.sub("", _BULLET.sub("", lines[index])).strip(" :*").casefold() if index < len(lines) else ""
        if index < len(lines) and label in _FORM_FIELD and index not in reasons:
            run.append(index)
            continue
        if len(run) >= 3:
            for item in run:
                reasons[item] = "form field label"
        run = []


def _mark_runs_and_captions(lines: list[str], reasons: dict[int, str], first_paragraph: int) -> None:
    """Context rules: a menu is a run of three or more short link-like lines before the article's first paragraph;
    a caption or alt text is the short line right beside a photo credit."""
    index = 0
    while index < first_paragraph:
        run = _menu_run(lines, reasons, index, first_paragraph)
        if len(run) >= 3:
            for item in run:
                reasons[item] = "navigation run (menu)"
        index = max([index + 1, *(i + 1 for i in run)])
    _mark_form_fields(lines, reasons)
    _mark_heading_captions(lines, reasons, first_paragraph)
    _mark_box_labels(lines, reasons, first_paragraph)
    # The caption or alt text stands right above the credit; the line below a credit is the article going on (a
    # heading after an image is common), so it is left alone.
    credits = [i for i, reason in reasons.items() if reason == "photo credit"]
    for credit in credits:
        near = credit - 1
        while near >= 0 and not lines[near]:
            near -= 1
        # Above the first paragraph, the line over a credit is the title when no line before it could be one: a
        # lead photo often stands between the title and the text.
        only_candidate = near < first_paragraph and not any(
            lines[i] and i not in reasons and not title_problem(lines[i]) for i in range(near))
        if near < 0 or near in reasons or only_candidate or _MD_HEADING.match(lines[near]):
            continue
        # A caption the credit line repeats ("Keep ... strong." / "Keep ... strong. (Image: ...)") may be a sentence.
        if (len(lines[near].split()) <= 10 and not _SENTENCE_END.search(lines[near])) \
                or lines[credit].startswith(lines[near].strip()):
            reasons[near] = "image caption (above a photo credit)"


def _mark_box_labels(lines: list[str], reasons: dict[int, str], first_paragraph: int) -> None:
    """Short lines (no sentence end, six words at most) that the lines around them show to belong to a widget, not
    the article: a month and year alone above the text, an image placeholder near the top ("Image"), a social row's
    label under chrome ("Connect"), an avatar's initial over the name ("D" / "Daan Bakker") or a drop cap, a blog
    platform's publication label ("Guild" / "Published in"), a countdown ("00" / "Dagen") and the date it counts to,
    the title of a promotion right above its button ("Spotlight: Roger Fisher" / "Boek bekijken"), and a widget's
    label whose content the copy lost ("Vandaag geopend:" / "-")."""
    # Non-blank lines before each index, counted once: "near the top" is asked of many lines, and a recount per line
    # made a 16 MB page quadratic once before.
    above_count = list(accumulate((bool(line) for line in lines), initial=0))
    later_months = sum(bool(_MONTH_YEAR.match(line)) for line in lines)
    for index, line in enumerate(lines):
        month = bool(line) and _MONTH_YEAR.match(line) is not None
        later_months -= month
        if not line or index in reasons or _SENTENCE_END.search(line.rstrip(":")) or len(line.split()) > 6 \
                or line.startswith(("- ", "* ")):
            continue
        following = _next_line(lines, index)
        below = reasons.get(following) if following is not None else None
        after = _next_line(lines, following) if following is not None else None
        previous = _previous_line(lines, index)
        if index < first_paragraph and month and not later_months:
            reasons[index] = "date line (month and year only)"
            continue
        if _PLACEHOLDER_ALT.match(line) and above_count[index] < 12:
            reasons[index] = "image caption (alt text)"  # "Image", "Person": an image with no description, by its kind
            continue
        if line.casefold() == "connect" and index < first_paragraph and previous in reasons:
            reasons[index] = "share or widget row"  # "Connect" under the date: the social row's label
            continue
        if re.fullmatch(r"[A-ZÀ-Þ]", line) and following is not None and lines[following].startswith(line):
            if looks_like_name(lines[following]) and after is not None and (
                    reasons.get(after) == "date line" or parse_byline(lines[after])):
                reasons[index] = "avatar initial"  # "D" / "Daan Bakker" / "26 mei 2025": the avatar's letter
            elif index < first_paragraph:
                reasons[index] = "drop cap"  # "W" over "WAT KUN JE DOEN ...": the headline's first letter, enlarged
        elif below is None and following is not None and after is not None and above_count[index] < 10 \
                and reasons.get(after) == "date line" and len(line.split()) <= 3 \
                and re.fullmatch(r"(?i:published in|gepubliceerd in)", lines[following]):
            # "Guild" / "Published in" / "2 min readSep 22, 2020": a blog platform's publication and its label, at
            # the top of the page (a long title line can count as the first paragraph, so not "above it")
            reasons[index] = reasons[following] = "publication label"
        elif index < first_paragraph and re.fullmatch(r"\d{1,3}", line) and following is not None \
                and _COUNTDOWN_UNIT.match(lines[following]):
            # "00" / "Dagen": a countdown's digits and unit, and the date it counts to right above them ("Peppol
            # deadline: 01-01-2026"); a list's bare item numbers have no unit under them
            reasons[index] = reasons[following] = "countdown widget"
            if previous is not None and previous not in reasons and len(lines[previous].split()) <= 8 \
                    and find_date(lines[previous]) is not None:
                reasons[previous] = "countdown widget"
        elif below == "button or form text (a call to action)" and following is not None \
                and len(lines[following].split()) <= 4:
            # (a button is a few words; a longer call to action, "Follow Anna on LinkedIn and subscribe ...", may
            # stand under the author's name, which is no promotion)
            reasons[index] = "promotion above its button"
        elif below == "separator" and line.endswith(":"):
            reasons[index] = "widget label (its content is not in the copy)"


# What a picture's label calls it: the words a caption adds to the heading it repeats.
_PICTURE_WORD = re.compile(r"\b(?:infographic|afbeelding|image|figuur|figure|fig\.|grafiek|graph|chart|diagram|"
                           r"illustratie|illustration|foto|photo|schema|tabel|table|framework|model|visual)\b",
                           re.IGNORECASE)


def _mark_heading_captions(lines: list[str], reasons: dict[int, str], first_paragraph: int) -> None:
    """A section's image copied under its heading as alt text or caption that repeats the heading with a word or
    four ("Framework infographic for <heading>", "Framework: <heading>"): the picture's label, not the author's
    text. The heading needs three words, so a one-word heading met again in a longer line is left alone; only below
    the first paragraph, where sections are (above it, the title's repeats have rules of their own)."""
    for index in range(first_paragraph + 1, len(lines)):
        line = lines[index]
        if not line or index in reasons or _SENTENCE_END.search(line) or not 3 <= len(line.split()) <= 15:
            continue
        heading = _norm(_MD_HEADING.sub(r"\2", line))
        following: int | None = index
        for _ in range(2):
            following = _next_line(lines, following) if following is not None else None
            if following is None or following in reasons:
                break
            below = lines[following]
            extra = len(below.split()) - len(line.split())
            if _SENTENCE_END.search(below) or not 1 <= extra <= 4 or heading not in _norm(below) \
                    or below.startswith(("#", "*", "- ")) or not _PICTURE_WORD.search(below.replace(line, " ")):
                break
            reasons[following] = "image caption (repeats the heading)"


_LIST_LINE = re.compile(r"^(?:[-*•·▪◦●]|\d{1,2}[.)])\s+")


_AUTHOR_LINK = re.compile(r"^(?:learn more about|read more about|more about|meer over|lees meer over)\s+(?P<name>.+)$",
                          re.IGNORECASE)
_PORTRAIT = re.compile(r"^(?:an? )?(?:picture|photo|photograph|image|portrait|avatar|foto|afbeelding|portret) "
                       r"(?:of|van) (?P<name>.+)$", re.IGNORECASE)


def _portrait_above(lines: list[str], reasons: dict[int, str], index: int, name: str) -> bool:
    """Whether the nearest non-blank line above `index` is an image's alt text naming `name` ("Picture of X") or
    the initial an avatar shows for it ("D" over "Daan Bakker", marked by `_mark_box_labels`)."""
    above = _previous_line(lines, index)
    if above is not None and reasons.get(above) == "avatar initial":
        return True
    found = _PORTRAIT.match(lines[above]) if above is not None else None
    return found is not None and found.group("name").strip(" .").casefold() == name.casefold()


def _next_line(lines: list[str], index: int, end: int | None = None) -> int | None:
    """The index of the first non-blank line after `index` (before `end`), or None."""
    return next((i for i in range(index + 1, len(lines) if end is None else end) if lines[i]), None)


def _previous_line(lines: list[str], index: int) -> int | None:
    """The index of the last non-blank line before `index`, or None."""
    return next((i for i in range(index - 1, -1, -1) if lines[i]), None)


def _split_byline(lines: list[str], index: int) -> tuple[int, tuple[str, str | None]] | None:
    """"By" on a line of its own and the name on the next ("By" / "Nelson Uzenabor"): (the name's line, (author,
    date)) of the byline they make together, else None."""
    if not _BYLINE_LABEL.match(lines[index]):
        return None
    following = _next_line(lines, index)
    if following is None:
        return None
    joined = parse_byline(f"{lines[index].rstrip(': ')} {lines[following]}")
    if joined is None or not joined[0] or not looks_like_name(joined[0]):
        return None
    return following, (joined[0], joined[1])


_BIO_OPENING = re.compile(r"^(?:maak kennis met|ontmoet|meet|over|about)\s+", re.IGNORECASE)


def _bio_of(name: str, text: str) -> bool:
    """`text`, right under the line `name`, introduces that person as an author box does: "Maak kennis met Nicola
    Thomas, een experte in ...", "Over Nicola Thomas: ...". A paragraph that starts with the name ("Jan Jansen begon
    zijn bedrijf in 1990", "Marieke de Boer is eigenaar van ...") is the article's own text, a profile's lead."""
    opening = _BIO_OPENING.match(text)
    return (opening is not None and 8 <= len(text.split()) <= 80
            and text[opening.end():].casefold().startswith(name.casefold()))


def _name_above_date(lines: list[str], reasons: dict[int, str], index: int) -> bool:
    """A person's name on its own right above the article's date line ("Mathew Jansen" / "March 3, 2024"): its
    author, not a title or heading. Not when its words are all dictionary words ("Goede Voorbereiding")."""
    if index in reasons or not looks_like_name(lines[index]):
        return False
    following = _next_line(lines, index)
    labels = 0
    while labels < 3 and following is not None and reasons.get(following) == "publication label":
        # over the labels of the same block ("Helen Wallace" / "Guild" / "Published in" / date): with them, the
        # block is a byline even when the name's words are dictionary words
        following = _next_line(lines, following)
        labels += 1
    return following is not None and reasons.get(following) == "date line" and (
        labels > 0 or not _all_dictionary_words(lines[index]))


def _mark_author_jobs(lines: list[str], reasons: dict[int, str], first_paragraph: int) -> None:
    """The author's job on the line under a byline ("Written by Mike Jansen" / "President, Klantwijs Group") is part
    of the byline: above the text it is neither the title nor a heading."""
    for index in range(min(first_paragraph, len(lines))):
        byline = parse_byline(lines[index]) if lines[index] and index not in reasons else None
        if not byline or not byline[0]:
            continue
        following = _next_line(lines, index, first_paragraph)
        if following is not None and following not in reasons and is_job_line(lines[following]):
            reasons[following] = "author's job (under the byline)"


def _mark_table_of_contents(lines: list[str], reasons: dict[int, str]) -> None:
    """An article's own table of contents, with or without an "Inhoud" label: a list of three or more short items
    of which at least four in five come back further down as lines of their own (the section headings). In the
    body it read as a passage of headings; the headings themselves stay."""
    # Where each line (not a list item) last stands: one pass, however many lists the page has.
    last = {_norm(line): at for at, line in enumerate(lines) if line and not _LIST_LINE.match(line)}
    index = 0
    while index < len(lines):
        run: list[int] = []
        probe = index
        while probe < len(lines) and (not lines[probe] or _LIST_LINE.match(lines[probe])):
            if lines[probe]:
                if len(lines[probe].split()) > 12:
                    break
                run.append(probe)
            probe += 1
        if len(run) >= 3 and not next((lines[i] for i in range(index - 1, -1, -1) if lines[i]), "").endswith(":"):
            # (a list after a lead-in ending in ":", "... drie dingen:", is the article's own)
            found = [i for i in run if last.get(_norm(_LIST_LINE.sub("", lines[i])), -1) > run[-1]]
            if len(found) * 5 >= len(run) * 4:
                for item in run:
                    reasons.setdefault(item, "table of contents")
        index = max(probe, index + 1)


def _bullet_led(line: str) -> bool:
    """A list item's marker: a bullet, a dash, or an icon (an emoji before each menu entry: "💰 Make Money Online")."""
    return bool(_BULLET.match(line) or line.startswith("- ")
                or (len(line) > 2 and unicodedata.category(line[0]) == "So" and line[0] not in "©®™"
                    and line[1:].lstrip(" \ufe0f") != line[1:]
                    and len(line.split()) >= 2))


def _menu_run(lines: list[str], reasons: dict[int, str], start: int, end: int) -> list[int]:
    """The indexes of a menu starting at `start`: bulleted short items (blank lines between allowed), or
    unbulleted items of at most three words on consecutive lines. An unbulleted last item that runs straight into
    the text or a byline is the title, not a menu entry."""
    in_menu = ("navigation", "login or account line")  # a "Home" or "Inloggen" entry is part of the menu around it
    if not lines[start] or reasons.get(start, "navigation") not in in_menu or not _is_short_item(lines[start]):
        return []
    bulleted = _bullet_led(lines[start])
    run: list[int] = []
    probe = start
    while probe < end:
        line = lines[probe]
        if not line:
            if not bulleted:
                break
            probe += 1
            continue
        is_bullet = _bullet_led(line)
        if reasons.get(probe, "navigation") not in in_menu or not _is_short_item(line) or is_bullet != bulleted or (
                not bulleted and len(line.split()) > 3):
            break
        run.append(probe)
        probe += 1
    if run and not bulleted:
        following = _next_line(lines, run[-1])
        if following is not None and (_is_paragraph(lines[following]) or parse_byline(lines[following])):
            run.pop()
    return run


def _fuller_headline(lines: list[str], reasons: dict[int, str], index: int) -> int | None:
    """The next line or the one after it when it holds all of `lines[index]` after words of its own, and could
    itself be a title: the headline in full, under a shortened copy of it."""
    line = _norm(lines[index].replace("’", "'"))
    if len(line.split()) < 3 or _MD_HEADING.match(lines[index]):
        return None  # "Klantbehoud" over "Klantbehoud: zo doe je dat" is a category, which other rules weigh
    following: int | None = index
    for _ in range(2):
        following = _next_line(lines, following) if following is not None else None
        if following is None or following in reasons:
            return None
        below = _norm(lines[following].replace("’", "'"))
        # words before it, not after: "<title> Artikel", "<title> | Site" are the title again with a label; and
        # no sentence: "Het is een bekend gezegde: klanten houden loont." is the text's first line
        if below.find(line) > 0 and not title_problem(lines[following]) \
                and not re.search(r"[.!?]['’”\"]?$", lines[following]):
            return following
    return None


def _numbered_item(lines: list[str], reasons: dict[int, str], index: int) -> str | None:
    """"an item of a numbered list" when `lines[index]` is one of three or more lines of text in a row numbered one
    after another ("1 Zitten dezelfde ...?" / "2 Lopen ..." / "3 Zou ..."): a copy that lost the list's full stops.
    A title such as "10 tips voor ..." has no "11" and "12" under it; a date ("11 januari 2025") or a reading time
    between is metadata, not an item, and is skipped."""
    def number(at: int) -> int | None:
        found = re.match(r"^(\d{1,2})[.)]?\s+\S", lines[at])
        return int(found.group(1)) if found else None

    own = number(index)
    if own is None:
        return None
    text = [i for i in range(max(0, index - 30), min(len(lines), index + 30)) if lines[i] and i not in reasons]
    at = text.index(index) if index in text else -1
    if at < 0:
        return None
    run = 1
    for direction in (-1, 1):
        step = 1
        while 0 <= at + direction * step < len(text) and number(text[at + direction * step]) == own + direction * step:
            step += 1
        run += step - 1
    return "an item of a numbered list" if run >= 3 else None


def _choose_title(lines: list[str], reasons: dict[int, str], first_paragraph: int) -> tuple[int, str] | str:
    """(index of the title line, the evidence) or, when no line before the first paragraph can be a title, the
    refusal that says what the first lines are."""
    body_words = {w.casefold() for w in _WORD.findall(" ".join(lines[first_paragraph:first_paragraph + 60]))}
    best: tuple[int, int, str] | None = None
    rejected: list[str] = []
    previous_reason: str | None = None  # the nearest non-blank line above, when it is chrome
    after_site_chrome: str | None = None
    first_content = True
    # A title is near the top: a page with no paragraph in its first 80 lines gets no title by guessing (and the
    # search stays linear on a huge file).
    nonblank = [i for i in range(min(first_paragraph + 1, len(lines))) if lines[i]][:HEADER_LINES]
    candidates: list[int] = []  # lines that were weighed as titles so far
    for index in nonblank:
        line = lines[index]
        if not line:
            continue
        reason = reasons.get(index)
        if reason:
            if reason in SITE_CHROME:
                after_site_chrome = line
            previous_reason = reason
            continue
        if parse_byline(line) or _name_above_date(lines, reasons, index):
            previous_reason = "byline"
            continue
        problem = title_problem(_MD_HEADING.sub(r"\2", line)) or _numbered_item(lines, reasons, index)
        line_words = {w.casefold() for w in _WORD.findall(line)}
        longer = _fuller_headline(lines, reasons, index) if not problem else None
        if longer is not None:
            # "3 Things I've Learned from Freelancing" over "One Year In: 3 Things I’ve Learned from Freelancing":
            # a shortened copy (a breadcrumb, a card's title) above the headline in full
            problem = f"a shorter copy of the headline below it ({_short(lines[longer], 40)!r})"
        if not problem and len(line.split()) == 1 and not _MD_HEADING.match(line) \
                and not any(w.startswith(word) for w in body_words for word in line_words):
            # "Prijselasticiteit" right above the text, a word the text never uses, not even as the start of a
            # longer one ("Klantbehoud" over "klantbehoudstrategie", "Groei" over "groeien"): a section or a label
            problem = "a single word the text never uses (a section or label)"
        if not problem and line == line.lower() and line_words and any(
                line_words < {w.casefold() for w in _WORD.findall(lines[earlier])}
                and (lines[earlier].isupper() or _norm(line) not in _norm(lines[earlier])) for earlier in candidates):
            # "WAT KUN JE DOEN ALS EEN KLANT NIET BETAALD?" / "klant niet betaald": the headline's image, by its alt
            # text: the headline's key words in lowercase, with words left out ("klant weigert factuur te betalen"
            # under "Klant weigert de factuur te betalen: wat kun je doen?") or under a headline in capitals. A run of
            # the headline's own words under a headline in normal case may be a subtitle ("waarom klanten blijven"),
            # and stays.
            problem = "the words of the line above in lowercase (an image's alt text)"
            reasons[index] = "image caption (alt text)"
        candidates.append(index)
        if (not problem and previous_reason == "byline" and len(line.split()) <= 4 and not _MD_HEADING.match(line)
                and all(w[:1].isupper() or w in ("&", "en", "and", "van", "of", "de", "the") for w in line.split())
                and not line_words & body_words):
            # "Door Rens Tanis" / "Netwerkgids Nederland": a short line of capitalised words under the byline, none of
            # which the text uses, is the author's organisation, not a headline (a headline names what the text is
            # about, and is rarely all proper nouns).
            problem = "right under the byline, the author's organisation or job"
            previous_reason = "byline"
        if problem:
            if len(rejected) < 3:
                rejected.append(f"{_short(line, 60)!r} is {problem}")
            first_content = False
            after_site_chrome = None
            continue
        score, why = 0, []
        if after_site_chrome is not None:
            score += 3
            why.append(f"the first line after the site's navigation ({_short(after_site_chrome, 40)!r})")
        following = _next_line(lines, index)
        if following is not None and (parse_byline(lines[following]) or reasons.get(following) in ARTICLE_METADATA
                                      or _name_above_date(lines, reasons, following)
                                      or _split_byline(lines, following) is not None):
            score += 3
            why.append("right above the byline, date or category line")
        if first_content and previous_reason is None:
            score += 2
            why.append("the first line of the page")
        if first_paragraph < len(lines) and all(not lines[i] or reasons.get(i) in ARTICLE_METADATA
                                                or parse_byline(lines[i]) for i in range(index + 1, first_paragraph)):
            score += 2
            why.append("right above the first paragraph")
        if len(line.split()) == 1:
            score -= 1  # a lone word is more often a site or section name than an article's title
        elif line.isupper():
            score -= 1  # so is a line in capitals (a tagline); a headline set in capitals wins when nothing else can
        elif len(line.split()) <= 4 and line == line.lower():
            score -= 1  # so is a short line in lowercase only ("vraag & antwoord", "blog author"): a label
        if _MD_HEADING.match(line):
            score += 3
            why.append("marked as a heading")
        title_words = {w.casefold() for w in _WORD.findall(line)}
        recurring = title_words & body_words
        if recurring:
            # A title names what the text is about: when most of its words come back, that counts as much as its
            # place ("Our friend and supporter" right above the text lost to the headline two lines up). Not for a
            # line ending in a full stop, which is more often the text's first sentence than a headline.
            strong = len(recurring) >= 3 and 2 * len(recurring) >= len(title_words) and not line.endswith(".")
            score += 2 if strong else 1
            why.append("its words recur in the text")
        if best is None or score > best[0]:
            best = (score, index, "; ".join(why) or "the only line before the first paragraph that can be a title")
        first_content = False
        after_site_chrome = None
        previous_reason = None
    if best is None:
        skipped = sorted({reasons[i] for i in range(min(first_paragraph, len(lines))) if i in reasons})
        if skipped:
            rejected.insert(0, f"the lines above are site chrome ({', '.join(skipped)})")
        shown = "; ".join(rejected) if rejected else "the text starts with a paragraph"
        return f"no line is a plausible title ({shown}): give the title with --title"
    return best[1], best[2]


_ARTICLES = frozenset("de het een the a an deze dit die this these".split())
_CLOSING = re.compile(r"^(?:(?:met )?(?:vriendelijke |hartelijke |warme |veel )?groet(?:en)?|(?:kind |best |warm )?"
                      r"regards|cheers|(?:yours )?sincerely|tot (?:de )?volgende keer)\s*[,!.]?$", re.IGNORECASE)


_LETTER_SIGNATURE = re.compile(r"^(?P<name>(?:[A-Z]\.\s?){1,4}(?:(?:van|de|der|den|ter|ten|'t)\s)*[A-Z][\w'’-]+"
                               r"(?:-[A-Z][\w'’-]+)?),\s*(?!.*\b(?:University|Universiteit|Hogeschool|College|BV|NV|"
                               r"Ltd|Inc)\b)(?P<town>(?:'s-)?[A-Z][\w'’-]+(?:\s+(?:(?:op|aan|den|de|der|bij|in|upon|on)\s+)"
                               r"{0,2}[A-Z][\w'’-]+){0,3})$")


# A company's or a job's word after a signature's comma: "Jansen Installatietechniek Den Bosch", "Directeur
# Klantenservice Benelux" are no town.
_COMPANY_WORD = re.compile(r"(?i)\b(?:\w*(?:techniek|service|advies|groep|group|holding|bedrijf|bureau|diensten|"
                           r"installatie|consultancy|solutions|benelux|nederland|international))\b")


def _signature(body: list[str]) -> tuple[str, int] | None:
    """(name, number of lines) when the body ends in a signature: an optional closing ("Met vriendelijke groet,"),
    a name line, then at most three short lines (job, company) and nothing else, after the last paragraph."""
    content = [i for i, line in enumerate(body) if line]
    letter = _LETTER_SIGNATURE.match(body[content[-1]]) if len(content) >= 2 else None
    # A reader's letter signed with initials and a town ("K.D. Rico, Amersfoort"): the writer is the author. Not
    # after a closing quotation mark (the line is whom the text quotes), nor for a company's legal form, a job or a
    # company after the comma.
    if letter and re.search(r"[.!?]$", body[content[-2]]) and body[content[-1] - 1] == "" \
            and not re.match(r"(?:B\.V\.|N\.V\.|V\.O\.F\.)", letter.group("name")) \
            and not is_job_line(letter.group("town")) and not _COMPANY_WORD.search(letter.group("town")):
        return letter.group("name"), len(body) - content[-1]
    for back in range(1, min(4, len(content)) + 1):
        first = content[-back]
        tail = content[len(content) - back + 1:]
        # A signature starts with a given name; an article first ("De Net Promoter", a copy cut off mid-sentence)
        # starts a sentence.
        if not looks_like_name(body[first]) or body[first].split()[0].lower() in _ARTICLES or not all(
                len(body[i].split()) <= 8 and not _SENTENCE_END.search(body[i]) for i in tail):
            continue
        before = [i for i in content if i < first]
        start = first
        if before and _CLOSING.match(body[before[-1]]):
            start = before.pop()
        separated = start == 0 or body[start - 1] == "" or start != first
        if before and separated and _SENTENCE_END.search(body[before[-1]]):
            return body[first], len(body) - start
    return None


def _split_line_paragraphs(body: list[str], repairs: list[str]) -> list[str]:
    """Pages copied as one paragraph per line, with no blank line between: in Markdown those lines would run together
    into one paragraph, headings included ("... tijd. Waarom vertrouwen telt Vertrouwen is ..."). A line break
    between a finished sentence or a heading-like line and a capital, where one of the two lines is longer than any
    hard-wrapped line (150 characters), is a paragraph break. Wrapped text (a plain-text mail, a PDF copy) never has
    such long lines, so its paragraphs stay as they are."""
    out: list[str] = []
    split = 0
    for position, line in enumerate(body):
        previous = body[position - 1] if position else ""
        if (line and previous and (len(line) > 150 or len(previous) > 150) and line[:1].isupper()
                and not previous.startswith(("- ", "#")) and not _BULLET.match(line)
                and (_SENTENCE_END.search(previous) or _is_heading(previous, True, True)
                     or _is_heading(line, True, True))):
            out.append("")
            split += 1
        out.append(line)
    if split:
        repairs.append(f"{split} line break(s) between paragraphs made paragraph breaks (one paragraph per line)")
    return out


def _join_broken(body: list[str], repairs: list[str]) -> list[str]:
    """Join a paragraph the page broke in mid-sentence: a line of running text without final punctuation, then
    (after blank lines or not) a line that starts in lowercase (a new paragraph never does)."""
    out: list[list[str]] = []  # each output line as its parts, joined once at the end (no quadratic concatenation)
    pending_blanks = 0
    for line in body:
        if not line:
            pending_blanks += 1
            continue
        parts = out[-1] if out else []
        previous = parts[-1] if parts else ""
        if (previous and (len(parts) > 1 or len(previous.split()) >= 6) and not previous.startswith("#")
                and line[:1].islower() and not _SENTENCE_END.search(previous) and not _BULLET.match(line)):
            parts.append(line)
            if len(repairs) < 200:  # the report stays readable on a pathological page
                where = _short(previous[-30:] + " " + line, 70)
                repairs.append(f"joined a paragraph the page broke mid-sentence: {where!r}")
        else:
            out.extend([""] for _ in range(pending_blanks))
            out.append([line])
        pending_blanks = 0
    return [" ".join(parts) for parts in out]


def _paragraphs(text: str) -> str:
    """Exactly one blank line between blocks; consecutive list items stay together."""
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n"
