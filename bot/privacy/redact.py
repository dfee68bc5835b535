"""Removes client data from a chat message before it is stored, shown or exported, and keeps what the question needs.

Masked, each with a readable label in square brackets: e-mail addresses, IBANs (also with a wrong check digit),
licence plates, dates of birth (with a cue such as "geb." or, without one, a full date of at least 14 years ago),
phone numbers, every 8-10 digit number ([BSN] when the 11-check holds or "bsn" precedes it, else [NUMMER]), street
addresses (street + house number with place and postcode, or postcode with place) and person names (after a title,
a kinship or naming word, initials, a known first name followed by a surname, or a name with an age in brackets; then
every other occurrence of the name's words in the message).
Kept: article numbers, amounts, law dates and other dates, years, public service numbers (0800/0900, 112, 14 0xx),
kenmerken, kamerstukken, ECLI, municipality and organisation names.

Street, place and name lists are read from the deduce package's lookup lists at the first call (bot.privacy.lookup).
"""

import logging
import re
from bisect import bisect_left, bisect_right
from datetime import date
from functools import lru_cache
from typing import Callable, Iterable, List, Optional, Tuple

from bot.privacy.lookup import Lookup, lookup

log = logging.getLogger(__name__)

Span = Tuple[int, int, str]  # start, end, label

# ------------------------------------------------------------------------------------------------- e-mail, IBAN
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN_NL = re.compile(r"(?<![\w])NL\s?\d{2}\s?[A-Z]{4}(?:\s?\d){10}(?!\w)", re.IGNORECASE)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b", re.IGNORECASE)

# ------------------------------------------------------------------------------------------------- licence plates
# The RDW's side codes 1-14 (L a letter, D a digit).
_SIDECODES = "LL-DD-DD DD-DD-LL DD-LL-DD LL-DD-LL LL-LL-DD DD-LL-LL DD-LLL-D D-LLL-DD LL-DDD-L L-DDD-LL LLL-DD-L"
_SIDECODES += " L-DD-LLL D-LL-DDD DDD-LL-D"


def _plate(code: str, dash: str) -> str:
    return dash.join("".join(r"[A-Z]" if c == "L" else r"\d" for c in group) for group in code.split("-"))


PLATE_DASHED = re.compile(
    r"(?<![\w-])(?:" + "|".join(_plate(code, "-") for code in _SIDECODES.split()) + r")(?![\w-])", re.IGNORECASE
)
# Without dashes, 99-99-XX reads as a postcode (3511AB): that one is left to the address rule.
PLATE_COMPACT = re.compile("|".join(_plate(code, "") for code in _SIDECODES.split() if code != "DD-DD-LL"))
SIX = re.compile(r"\b(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]{6}\b")  # six capitals and digits, both: a plate to check

# ------------------------------------------------------------------------------------------------- dates
MONTH_WORDS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|febr|feb|mrt|apr|jun|jul|aug|sept|sep|okt|nov|dec"
)
NUMERIC_DATE = re.compile(r"(?<![\w.,:/-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|'\d{2}|\d{2})(?![\w'])(?![-/.,:]\d)")
ISO_DATE = re.compile(r"(?<![\w.,:/-])(\d{4})-(\d{1,2})-(\d{1,2})(?!\w)(?![-/.,:]\d)")
TEXT_DATE = re.compile(rf"(?<![\w.,])(\d{{1,2}})\s+({MONTH_WORDS})\.?\s+(\d{{4}}|'\d{{2}})(?!\w)", re.IGNORECASE)
BIRTH_CUE = re.compile(
    r"\b(?:geboren|geboorte(?:datum|dag)|geb(?:\.|\b)\s*(?:datum\b)?|gebdatum|dob|date of birth)", re.IGNORECASE
)
OPEN_BRACKET = re.compile(r"[ \t]*\([ \t]*")
BIRTH_CUE_AFTER = re.compile(r"\s*\)?\s*,?\s*(?:geboren|geb\b)", re.IGNORECASE)
CLAUSE_END = re.compile(r"[!?;]|\.\s+(?=[A-Z])")
NOT_BIRTH_BEFORE = re.compile(r"\b(?:sinds|per|vanaf|tot|t/m|m\.i\.v\.|d\.d\.)\s*$", re.IGNORECASE)
LAW_CONTEXT = re.compile(
    r"\b(?:sinds|vanaf|ingang|versie|wet|wetten|circulaire|besluit|regeling|uitspraak|arrest|vonnis|brief|kamerbrief"
    r"|staatscourant|stb|stcrt|beroep|rechtbank|afspraak|gesprek|termijn)\b",
    re.IGNORECASE,
)

# ------------------------------------------------------------------------------------------------- phone numbers
PHONE = re.compile(
    r"(?<![\w€.,/-])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?|0)(?:(?:\s?-\s?|[\s.])?\d){9}(?!\d|[,.]\d)"
    r"|(?<![\w€.,/-])\+(?!31)\d{2,3}(?:[\s.-]?\d){7,11}(?!\d|[,.]\d)"
    r"|(?<![\w€.,/-])\(0\d{1,3}\)\s?(?:[\s.-]?\d){6,8}(?!\d|[,.]\d)"  # (020) 123 45 67
)

# ------------------------------------------------------------------------------------------------- numbers
DIGIT_RUN = re.compile(r"\d+(?:[ .]\d+)*")
AFTER_RUN_KEEP = re.compile(r",(?:\d|-)|-\d|:\d")
GROUP_SEPARATOR = re.compile(r"[ .]")
NON_DIGIT = re.compile(r"\D")
DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}$")
PUBLIC_PREFIXES = ("0800", "0900", "0906", "0909")  # free and paid service numbers: 0800-2000, 0900-8844
COMPANY_PHONE = re.compile(r"(?:\+31|0031|0)[\s.-]?(?:\(0\)[\s.-]?)?88")  # 088: organisations only (UWV 088-...)
NUMBER_KEEP_CONTEXT = re.compile(
    r"(?:kenmerk|kamerstuk(?:ken)?|ecli|stb|stcrt|staatscourant|trb)\W{0,3}$|\becli\b[\w: ]{0,12}$", re.IGNORECASE
)
# A client's case or client number with its cue word, also shorter or with letters: dossier BZ-2026-118734, klantnr.
# 40-77123, zaak W&I-2026-31870, leerlingnr. 88213. Plain "nr." or "nummer" is no cue (Staatscourant 2023, nr. 12345).
CASE_NUMBER = re.compile(
    r"\b(?:(?:klant|cliënt|client|dossier|zaak|relatie|inschrijf|huur|leerling|registratie|burger|v-|ob)"
    r"(?:nummer|nr\.?)|dossier|zaak|v-nr\.?)(?:[ \t]*[:#]|[ \t]+is)?[ \t]*"
    r"([A-Za-z0-9&][A-Za-z0-9&./-]*\d[A-Za-z0-9&./-]*(?<![./-]))",
    re.IGNORECASE,
)
BSN_CUE = re.compile(r"(?:bsn|burgerservicenummer|sofinummer|sofi-nummer)", re.IGNORECASE)

# ------------------------------------------------------------------------------------------------- addresses
POSTCODE = r"[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}(?![A-Za-z])"
HOUSE_NUMBER = re.compile(
    r"(?<![\w.,:/(€-])[1-9]\d{0,4}"
    r"(?:\s?-\s?(?:bis|hs|h|[IVXivx]{1,4}|[A-Za-z]|\d{1,4})(?![\w'])|\s(?:bis|hs)\b|\s+bus\s+\d{1,4}\b|[a-zA-Z]{1,2}\b"
    r"|\s[A-Z](?![\w'’.-]))?"  # 12 A
    r"(?:\s+\d{1,2}(?:-|\s)?(?:hoog|hg)\b|\s+\d{1,2}e\s+verdieping\b)?"  # 3-hoog, 2e verdieping
    r"(?![\w])(?![.,:/-]\d)"
)
POSTCODE_ALONE = re.compile(rf"(?<![\w-]){POSTCODE}(?:\s*,?\s*\d{{1,5}}\s?[a-zA-Z]?\b(?![.,:/-]\d))?")
AFTER_NUMBER_POSTCODE = re.compile(rf"\s*,?\s*{POSTCODE}")
AFTER_NUMBER_IN = re.compile(r"\s*,?\s+(?:in|te)\s+")
COMMA_SPACE = re.compile(r"\s*,?\s*")
AFTER_NUMBER_PLACE = re.compile(r"\s*,\s*|\s+")
PLACE_TOKEN = re.compile(r"['’]?[^\W\d_][\w'’-]*")
# Endings that make a word a street by themselves. Weaker ones (hof, pad, park, markt, ring: Gerechtshof,
# Inburgering, Arbeidsmarkt) count only through the street list, and as a single word only with a cue or a place.
STREET_SUFFIX = re.compile(
    r"(?:straat|str\.|laan|weg|plein|kade|gracht|singel|dijk|dreef|steeg|plantsoen|schans|boulevard|allee)$",
    re.IGNORECASE,
)
# Listed as streets somewhere, but ordinary words in a question: taken only with a cue or a place.
GENERIC_STREET_WORDS = set(
    """deel nummer punt lijn bus hal blok toren poort haven markt plein park dijk veld tuin hof kade vak kamer opvang
    gerechtshof rechtbank centrum noord zuid oost west kerk school molen brug sluis dam wijk""".split()
)
ADDRESS_CUE = re.compile(
    r"\b(?:op|aan|woont|wonen|woonde|adres|adres:|naar|verhuisd|ingeschreven|is|was|wordt)[ \t]+$", re.IGNORECASE
)
LAST_TOKEN = re.compile(r"([\w'’.-]+)[ \t]+$")
STREET_TOKEN = re.compile(r"[\w'’.-]+|[^\w\s]")
STREET_INTERFIX = {"de", "van", "der", "den", "'t", "het", "la", "le", "du", "aan", "op", "ter", "ten", "te"}
ORDINAL = re.compile(r"\d{1,2}(?:e|ste|de)$")
ABBREVIATION = re.compile(r"[A-Z][a-z]{0,4}\.$")

# ------------------------------------------------------------------------------------------------- names
WORD = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"
CAP_WORD = re.compile(WORD)
INTERFIX = re.compile(
    r"(?:van\s+der|van\s+den|van\s+de|van\s+het|van\s+'t|van\s+t|in\s+'t|in\s+het|op\s+de|op\s+den|op\s+'t|uit\s+de"
    r"|de\s+la|van|von|de|den|der|ter|ten|te|el|al|da|dos|du|di|del|le|la|'t|d')[ \t]+(?=[^\W\d_])",
    re.IGNORECASE,
)
GLUED_INTERFIX = re.compile(r"-(?:van|de|den|der|ter|ten|el|al)$", re.IGNORECASE)
INITIALS = re.compile(r"(?:[A-Z]\.[ \t]?){1,4}")
SPACES = re.compile(r"[ \t]+")
MAX_NAME_WORDS = 6  # Ricardo Mendes da Silva; and no runaway over a line of capitals
TITLE = re.compile(
    r"\b(?:mevrouw|mevr\.?|mw\.?|mvr\.?|mej\.?|juffrouw|meneer|mijnheer|mnr\.?|dhr\.?|de\s+heer|mrs\.?|mr\.?|ms\.?"
    r"|drs\.?|dr\.?|ir\.|prof\.?)(?=[\s.(]|(?-i:[A-Z])|$)[ \t]*",
    re.IGNORECASE,
)
KIN_WORDS = (
    r"(?:ex-?)?partner|ex-?(?:man|vrouw|echtgeno(?:ot|te))|ex|man|vrouw|echtgeno(?:ot|te)|zoon(?:tje)?"
    r"|dochter(?:tje)?|kind(?:je)?|broer(?:tje)?|zus(?:je)?|moeder|vader|oma|opa|tante|oom|neef|nicht|vriend(?:in)?"
    r"|cliënte?|cliente?|klant|huurder|(?:voor|achter)naam|naam(?:[ \t]+van)?|heet|heten|beste|lieve|hoi|hallo"
)
KIN_CUE = re.compile(
    rf"\b(?:{KIN_WORDS})(?:[ \t]*[:,]|[ \t]+is|[ \t]+heet)?[ \t]*\(?[ \t]*",
    re.IGNORECASE,
)
PLURAL_CUE = re.compile(
    r"\b(?:kinderen|kids|zoons|zonen|dochters|kleinkinderen)(?:[ \t]+(?:heten|zijn))?(?:[ \t]*:)?[ \t]*", re.IGNORECASE
)
LIST_DETAIL = re.compile(r"[ \t]*\([^()\n]{0,40}\)|[ \t]*,?[ \t]*(?:geboren|geb\.?)(?:[ \t]+op)?[ \t]*", re.IGNORECASE)
RIGHT_CUE = re.compile(
    r"[ \t]*(?:,|\()[ \t]*(?:geb\.|geb\b|geboren|geboortedatum|bsn|tel\.|tel\b|telefoon|v-nummer|klantnummer|klantnr)",
    re.IGNORECASE,
)
AGE = re.compile(r"[ \t]*\([ \t]*\d{1,2}[ \t]*(?:jaar|jr\.?|j\.?)?[ \t]*\)")
LIST_JOIN = re.compile(r"[ \t]*(?:,|&|\ben\b)[ \t]*")
ORG_WORDS = set(
    """veilig thuis blijf lijf valente fier svb duo ind kadera moviera arosa kompaan bocht juridisch loket
    slachtofferhulp kindertelefoon belastingdienst burgerzaken digid rdw kvk brp uwv politie gemeente centrumgemeente
    regio werk inkomen wmo awb awir participatiewet jeugdwet huisvestingswet sterk raad beroep centrale kadaster ggd
    cjib cak leerplicht whatsapp facebook instagram google outlook teams slack baliegids mijn toeslagen dienst ecli
    bw pw""".split()
)


# Countries and the like that start with a first name from the list (a first name and a surname to the rule).
NOT_NAMES = {"sierra leone", "costa rica", "san marino", "el salvador", "sint maarten", "santa cruz"}


class _Finder:
    """Collects the spans of one message, kept sorted and apart; an earlier (more certain) kind wins where they
    would overlap."""

    def __init__(self, text: str, lists: Lookup):
        self.text = text
        self.lists = lists
        self.spans: List[Span] = []
        self.starts: List[int] = []
        self.words = list(CAP_WORD.finditer(text))  # every word (letters), to look up cue words in
        self.word_ends = [word.end() for word in self.words]

    def add(self, start: int, end: int, label: str) -> bool:
        while end > start and self.text[end - 1].isspace():
            end -= 1
        index = bisect_left(self.starts, start)
        if end <= start or (index and self.spans[index - 1][1] > start):
            return False
        if index < len(self.spans) and self.spans[index][0] < end:
            return False
        self.starts.insert(index, start)
        self.spans.insert(index, (start, end, label))
        return True

    def span_at(self, start: int) -> Optional[Span]:
        index = bisect_left(self.starts, start)
        return self.spans[index] if index < len(self.starts) and self.starts[index] == start else None

    def each(self, pattern: re.Pattern, label: str, check: Callable[[re.Match], Optional[str]] = None):
        for match in pattern.finditer(self.text):
            found = check(match) if check else label
            if found:
                self.add(match.start(), match.end(), found)


# ------------------------------------------------------------------------------------------------- checks


def is_bsn(candidate: str) -> bool:
    digits = [int(c) for c in candidate if c.isdigit()]
    if len(digits) != 9 or not any(digits):
        return False
    return sum(d * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=False)) % 11 == 0


def is_iban(candidate: str) -> bool:
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _full_year(year: str) -> int:
    if year.startswith("'") or len(year) == 2:
        short = int(year.strip("'"))
        return 2000 + short if short <= date.today().year % 100 else 1900 + short
    return int(year)


def is_birth_date(text: str, start: int, end: int, year: int, apostrophe: bool) -> bool:
    before = text[max(0, start - 50) : start]
    if NOT_BIRTH_BEFORE.search(before):
        return False
    cues = list(BIRTH_CUE.finditer(before))
    if cues and not CLAUSE_END.search(before, cues[-1].end()):
        return True
    if BIRTH_CUE_AFTER.match(text, end):
        return True
    if apostrophe:
        return True
    old = year <= date.today().year - 14
    return old and not LAW_CONTEXT.search(before[-30:])


def _date_check(day: int, month: int) -> bool:
    return 0 <= day <= 31 and 0 <= month <= 12


# ------------------------------------------------------------------------------------------------- detectors


def _dates(finder: _Finder):
    text = finder.text
    for match in NUMERIC_DATE.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if _date_check(day, month) and is_birth_date(
            text, match.start(), match.end(), _full_year(year), year.startswith("'")
        ):
            finder.add(match.start(), match.end(), "GEBOORTEDATUM")
    for match in ISO_DATE.finditer(text):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if 1900 <= year and _date_check(day, month) and is_birth_date(text, match.start(), match.end(), year, False):
            finder.add(match.start(), match.end(), "GEBOORTEDATUM")
    for match in TEXT_DATE.finditer(text):
        year = match.group(3)
        if int(match.group(1)) <= 31 and is_birth_date(
            text, match.start(), match.end(), _full_year(year), year.startswith("'")
        ):
            finder.add(match.start(), match.end(), "GEBOORTEDATUM")


def _phone(match: re.Match) -> Optional[str]:
    return None if COMPANY_PHONE.match(match.group(0)) else "TELEFOON"


def _dates_after_names(finder: _Finder):
    """A date in brackets right after a name is hers: Kinderen: Tim (12-05-2017) en Mila (30-09-2020)."""
    text = finder.text
    for _, end, label in list(finder.spans):
        bracket = OPEN_BRACKET.match(text, end) if label == "NAAM" else None
        if bracket:
            for pattern in (NUMERIC_DATE, ISO_DATE, TEXT_DATE):
                match = pattern.match(text, bracket.end())
                if match:
                    finder.add(match.start(), match.end(), "GEBOORTEDATUM")
                    break


def _iban(match: re.Match) -> Optional[str]:
    return "IBAN" if is_iban(match.group(0)) else None


def _numbers(finder: _Finder):
    text = finder.text
    for run in DIGIT_RUN.finditer(text):
        start, end = run.start(), run.end()
        before = text[:start]
        stripped = before.rstrip()
        if stripped.endswith("€") or before.endswith(("EUR ", "eur ")):
            continue
        if before[-1:] in (".", ",", "/", ":", "-") and before[-2:-1].isdigit():  # 1.234, 2021:1234, 2016-000..
            continue
        if AFTER_RUN_KEEP.match(text, end):  # an amount (8.500,-), a range, a reference
            continue
        if NUMBER_KEEP_CONTEXT.search(stripped[-20:]):
            continue
        groups = GROUP_SEPARATOR.split(run.group(0))
        pieces: List[Tuple[int, int]] = []
        if any(len(group) >= 8 for group in groups):
            offset = start
            for group in groups:
                pieces.append((offset, offset + len(group)))
                offset += len(group) + 1
        else:
            pieces.append((start, end))
        for piece_start, piece_end in pieces:
            value = text[piece_start:piece_end]
            digits = NON_DIGIT.sub("", value)
            if len(digits) < 8 or DOTTED_DATE.match(value):
                continue
            if digits.startswith(PUBLIC_PREFIXES) and len(digits) <= 11:
                continue
            if digits.startswith("088") and len(digits) == 10:
                continue
            cue = BSN_CUE.search(text[max(0, piece_start - 30) : piece_start])
            label = "BSN" if len(digits) == 9 and (is_bsn(digits) or cue) else "NUMMER"
            finder.add(piece_start, piece_end, label)


def _case_numbers(finder: _Finder):
    for match in CASE_NUMBER.finditer(finder.text):
        value = match.group(1)
        if sum(c.isdigit() for c in value) >= (5 if value.isdigit() else 4):  # not a year (zaak 2019)
            finder.add(match.start(1), match.end(1), "NUMMER")


def _place(text: str, pos: int, lists: Lookup, loose: bool) -> int:
    """The end of a place name at pos (longest match in the residence list; with loose, any capitalised words)."""
    tokens = []
    at = pos
    for _ in range(4):
        match = PLACE_TOKEN.match(text, at)
        if not match:
            break
        tokens.append(match)
        space = SPACES.match(text, match.end())
        if not space:
            break
        at = space.end()
    for count in range(len(tokens), 0, -1):
        phrase = " ".join(t.group(0) for t in tokens[:count]).lower()
        if phrase in lists.places:
            return tokens[count - 1].end()
    if loose and tokens:
        end = pos
        for token in tokens:
            word = token.group(0)
            if not word[0].isupper() or word.lower() in lists.stop:
                break
            end = token.end()
        return end
    return pos


def _address_tail(text: str, end: int, lists: Lookup) -> int:
    """Extends an address that ends at end by a postcode and/or place ("in Utrecht", ", 3512 PH Utrecht")."""
    match = AFTER_NUMBER_POSTCODE.match(text, end)
    if match:
        end = match.end()
        space = COMMA_SPACE.match(text, end)
        place = _place(text, space.end(), lists, loose=True)
        return place if place > space.end() else end
    match = AFTER_NUMBER_IN.match(text, end)
    if match:
        place = _place(text, match.end(), lists, loose=True)
        return place if place > match.end() else end
    match = AFTER_NUMBER_PLACE.match(text, end)
    if match:
        place = _place(text, match.end(), lists, loose=False)
        if place > match.end():
            return place
    return end


def _street_start(text: str, number_start: int, lists: Lookup) -> Tuple[Optional[int], bool]:
    """Where the street before a house number starts (None: no street), and whether it is a single listed word that
    is also an ordinary word ("Punt 3", "Deel 2", "Bus 12", "Opvang 3"), to be taken only with a place, a postcode
    or a cue before it ("op", "woont", "adres")."""
    before = text[max(0, number_start - 90) : number_start]
    offset = number_start - len(before)
    if not before.endswith((" ", "\t")):
        return None, False
    last = LAST_TOKEN.search(before, max(0, len(before) - 40))
    if not last or not (last.group(1)[0].isupper() or STREET_SUFFIX.search(last.group(1))):
        return None, False  # a number after a lower-case word (lid 4, van 5, week 3) or after punctuation
    chain = []
    for token in reversed(list(STREET_TOKEN.finditer(before))):
        word = token.group(0)
        gap = before[token.end() : chain[-1].start()] if chain else before[token.end() :]
        if not gap or gap.strip(" \t") or not (word[0].isalnum() or word[0] in "'’") or len(chain) == 6:
            break
        if word.endswith(".") and not ABBREVIATION.match(word) and not word.lower().endswith("str."):
            break
        chain.append(token)
    chain.reverse()
    if not chain:
        return None, False
    best, weak = None, False
    for count in range(len(chain), 0, -1):  # the longest known street ending just before the number
        words = [t.group(0) for t in chain[-count:]]
        phrase = " ".join(words).lower()
        first = words[0]
        if phrase in lists.streets and (first[0].isupper() or first[0].isdigit() or STREET_SUFFIX.search(phrase)):
            best = chain[-count].start()
            weak = count == 1 and (phrase in lists.common or phrase in GENERIC_STREET_WORDS)  # Punt 3, Opvang 3
            break
    last = chain[-1].group(0)
    if STREET_SUFFIX.search(last) and len(last) > 5 and (last[0].isupper() or best is not None):
        start_index = len(chain) - 1
        for index in range(len(chain) - 2, -1, -1):
            word = chain[index].group(0)
            if word.lower() in STREET_INTERFIX:
                continue
            capitalised = word[0].isupper() and word.lower() not in lists.stop
            if ORDINAL.match(word) or ABBREVIATION.match(word) or capitalised:
                start_index = index
                continue
            break
        suffix_start = chain[start_index].start()
        best, weak = (suffix_start if best is None else min(best, suffix_start)), False
    return (None if best is None else offset + best), weak


def _addresses(finder: _Finder):
    text, lists = finder.text, finder.lists
    for match in HOUSE_NUMBER.finditer(text):
        start, weak = _street_start(text, match.start(), lists)
        if start is None:
            continue
        end = _address_tail(text, match.end(), lists)
        if weak and end == match.end() and not ADDRESS_CUE.search(text, max(0, start - 25), start):
            continue
        finder.add(start, end, "ADRES")
    for match in POSTCODE_ALONE.finditer(text):
        space = COMMA_SPACE.match(text, match.end())
        place = _place(text, space.end(), lists, loose=True)
        end = place if place > space.end() else _address_tail(text, match.end(), lists)
        finder.add(match.start(), end, "ADRES")


def _name_word_ok(word: str, lists: Lookup, after_interfix: bool = False) -> bool:
    if len(word) < 2 or not word[0].isupper() or word.isupper():  # W&I, IND: no name
        return False
    lower = word.lower()
    if lower in ORG_WORDS or ("-" in lower and any(part in ORG_WORDS for part in lower.split("-"))):
        return False
    if after_interfix and word in lists.interfix_surnames:  # de Jong, van der Meer
        return True
    if lower in lists.stop:
        return False
    if lower in lists.common and word not in lists.surnames and word not in lists.first_names:
        return False
    return True


def _name_end(text: str, pos: int, lists: Lookup, initials: bool = True) -> Optional[int]:
    """The end of a name (initials, first names, interfixes, surnames) starting at pos, or None."""
    end = None
    at = pos
    if initials:
        match = INITIALS.match(text, at)
        if match:
            at = match.end()
    for _ in range(MAX_NAME_WORDS):
        interfix = INTERFIX.match(text, at)
        if interfix:
            word = CAP_WORD.match(text, interfix.end())
            if word and _name_word_ok(word.group(0), lists, after_interfix=True):
                end = word.end()
                space = SPACES.match(text, end)
                at = space.end() if space else end
                continue
        word = CAP_WORD.match(text, at)
        glued = end is not None and GLUED_INTERFIX.search(text, max(pos, end - 8), end)  # Bakker-de Groot
        if word and _name_word_ok(word.group(0), lists, after_interfix=bool(glued)):
            end = word.end()
            space = SPACES.match(text, end)
            if not space:
                break
            at = space.end()
            continue
        break
    return end


TITLE_HEAD = re.compile(r"mevrouw|mevr|mw|mvr|mej|juffrouw|meneer|mijnheer|mnr|dhr|de|mrs|mr|ms|dr|drs|ir|prof")
KIN_HEAD = re.compile(KIN_WORDS, re.IGNORECASE)
PLURAL_HEAD = re.compile(r"kinderen|kids|zoons|zonen|dochters|kleinkinderen")
INITIALS_ALONE = re.compile(r"(?<![\w.])" + INITIALS.pattern)
PREVIOUS_INTERFIX = {"van", "de", "der", "den", "ter", "ten", "el", "al", "da", "le", "la"}


TITLE_CUE, PLURAL, KIN = 1, 2, 4


@lru_cache(maxsize=4096)
def _cue(lower: str) -> int:
    """Which cues a word (lower case) can start: a title, a plural kinship word, another kinship or naming word."""
    return (
        (TITLE_CUE if TITLE_HEAD.fullmatch(lower) else 0)
        | (PLURAL if PLURAL_HEAD.fullmatch(lower) else 0)
        | (KIN if KIN_HEAD.fullmatch(lower) else 0)
    )


# Verb forms that follow "mevrouw" and are also surnames in the list (mevrouw belt terug, mevrouw ligt in bed).
VERBS_LIKE_SURNAMES = set("belt ligt leest wilde rijdt houdt bracht".split())


def _lower_surname_end(text: str, pos: int, lists: Lookup) -> Optional[int]:
    """After a title, a surname typed in lower case ("mw jansen", "dhr. van der berg"), or None."""
    interfix = INTERFIX.match(text, pos)
    word = CAP_WORD.match(text, interfix.end() if interfix else pos)
    if not word or not word.group(0).islower():
        return None
    lower = word.group(0)
    if lower in lists.stop or lower in ORG_WORDS or lower in VERBS_LIKE_SURNAMES:
        return None
    if lower in lists.common and not interfix:
        return None
    return word.end() if lower in lists.surnames_lower else None


def _names(finder: _Finder):
    text, lists, words = finder.text, finder.lists, finder.words
    for token in words:
        word = token.group(0)
        lower = word.lower()
        start = token.start()
        cue = _cue(lower)
        if cue & TITLE_CUE:
            match = TITLE.match(text, start)
            while match and TITLE.match(text, match.end()):  # mr. drs. Jansen
                match = TITLE.match(text, match.end())
            if match:
                end = _name_end(text, match.end(), lists) or _lower_surname_end(text, match.end(), lists)
                if end:
                    finder.add(match.end(), end, "NAAM")
        if cue & PLURAL:
            match = PLURAL_CUE.match(text, start)  # None inside a longer word: /brp_kinderen_inschrijven
            if match:
                _listed_names(finder, match.end())
        elif cue & KIN:
            match = KIN_CUE.match(text, start)
            if match:
                end = _name_end(text, match.end(), lists)
                if end:
                    finder.add(match.end(), end, "NAAM")
        if len(word) == 1 and word.isupper() and text[token.end() : token.end() + 1] == ".":
            match = INITIALS_ALONE.match(text, start)
            if match:
                end = _name_end(text, match.end(), lists, initials=False)
                if end:
                    finder.add(start, end, "NAAM")
        if word in lists.first_names and lower not in lists.common and not word.isupper():  # first name + surname
            space = SPACES.match(text, token.end())
            end = space and _name_end(text, space.end(), lists, initials=False)
            if end and text[start:end].lower() not in NOT_NAMES and not _street_like(text[start:end]):
                finder.add(start, end, "NAAM")
    if "(" in text:
        for match in AGE.finditer(text):  # Elif (9), Finn van Dam (5)
            index = _word_before(finder, match.start())
            if index is not None and _name_word_ok(words[index].group(0), lists):
                finder.add(_name_start(text, words, index, lists), words[index].end(), "NAAM")


def _listed_names(finder: _Finder, at: int) -> None:
    """Children's names in a list after "kinderen:": "Tim (9), Sara en Finn"."""
    while True:
        end = _name_end(finder.text, at, finder.lists, initials=False)
        if not end:
            return
        finder.add(at, end, "NAAM")
        join = LIST_JOIN.match(finder.text, _skip_details(finder, end))
        if not join:
            return
        at = join.end()


def _skip_details(finder: _Finder, at: int) -> int:
    """Past what follows a child's name in a list: "(9)", "(2018)", "(geb. 3-2-2019)", ", geboren 12-05-2017"."""
    while True:
        match = LIST_DETAIL.match(finder.text, at)
        if match and match.end() > at:
            at = match.end()
            continue
        covered = finder.span_at(at)  # a date masked already
        if covered is None:
            return at
        at = covered[1]


def _right_cued_names(finder: _Finder):
    """A name followed by what identifies her: "Gülsen Arslan, BSN ...", "Bakker (geb. ...)"."""
    text, lists, words = finder.text, finder.lists, finder.words
    for match in RIGHT_CUE.finditer(text):
        index = _word_before(finder, match.start())
        if index is None or not _name_word_ok(words[index].group(0), lists):
            continue
        start = _name_start(text, words, index, lists)
        if not _street_like(text[start : words[index].end()]):
            finder.add(start, words[index].end(), "NAAM")


def _street_like(name: str) -> bool:
    """Jan van Galenstraat, Willem de Zwijgerlaan: a street named after a person, not a person."""
    last = name.rsplit(None, 1)[-1]
    return len(last) > 5 and bool(STREET_SUFFIX.search(last))


def _word_before(finder: _Finder, end: int) -> Optional[int]:
    """The index of the word that ends at end (spaces aside), or None."""
    text = finder.text
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    index = bisect_right(finder.word_ends, end) - 1
    return index if index >= 0 and finder.word_ends[index] == end else None


def _name_start(text: str, words: List[re.Match], index: int, lists: Lookup) -> int:
    """Walks back from the last word of a name over the capitalised words and interfixes before it."""
    start, first = words[index].start(), index
    while index > 0 and first - index < MAX_NAME_WORDS:
        previous = words[index - 1]
        gap = text[previous.end() : start]
        if gap.strip(" \t") == "'":  # van 't Hof
            gap, word = " ", "'t"
        else:
            word = previous.group(0)
        if not gap or gap.strip(" \t"):
            break
        if _name_word_ok(word, lists):
            start, index = previous.start(), index - 1
            continue
        if word.lower() in PREVIOUS_INTERFIX and index > 1:
            earlier = words[index - 2]
            if not text[earlier.end() : previous.start()].strip(" \t") and _name_word_ok(earlier.group(0), lists):
                start, index = previous.start(), index - 1
                continue
        break
    return start


def _same_names(finder: _Finder):
    """Every other occurrence of a word of a name found in this message."""
    words = set()
    for start, end, label in finder.spans:
        if label == "NAAM":
            for match in CAP_WORD.finditer(finder.text, start, end):
                word = match.group(0)
                if len(word) > 1 and word[0].isupper() and word.lower() not in INTERFIX_WORDS:
                    words.add(word)
    if words:
        for token in finder.words:
            word = token.group(0)
            if word in words:
                finder.add(token.start(), token.end(), "NAAM")
            elif word[-2:] in ("'s", "’s") and word[:-2] in words:  # Lotte's
                finder.add(token.start(), token.end() - 2, "NAAM")


INTERFIX_WORDS = {"van", "de", "der", "den", "het", "ter", "ten", "te", "el", "al", "da", "dos", "du", "le", "la"}


def find_spans(text: str, lists: Optional[Lookup] = None) -> List[Span]:
    """The client data in text as (start, end, label), in text order."""
    finder = _Finder(text, lists or lookup())
    if "@" in text:
        finder.each(EMAIL, "E-MAIL")
    finder.each(IBAN_NL, "IBAN")
    finder.each(IBAN, "IBAN", _iban)
    if "-" in text:
        finder.each(PLATE_DASHED, "KENTEKEN")
    for match in SIX.finditer(text):
        if PLATE_COMPACT.fullmatch(match.group(0)):
            finder.add(match.start(), match.end(), "KENTEKEN")
    _dates(finder)
    finder.each(PHONE, "TELEFOON", _phone)
    _case_numbers(finder)
    _numbers(finder)
    _addresses(finder)
    _names(finder)
    _right_cued_names(finder)
    _same_names(finder)
    _dates_after_names(finder)
    return sorted(finder.spans)


def apply(text: str, spans: Iterable[Span]) -> Tuple[str, List[str]]:
    parts, found, at = [], [], 0
    for start, end, label in sorted(spans):
        parts.append(text[at:start])
        parts.append(f"[{label}]")
        found.append(label)
        at = end
    parts.append(text[at:])
    return "".join(parts), found


WITHHELD = "[BERICHT NIET BEWAARD: ANONIMISEREN MISLUKT]"


def redact(text: str) -> Tuple[str, List[str]]:
    """The text with client data replaced, and the kinds found in text order (e.g. ["NAAM", "BSN", "E-MAIL"]).
    Should the redaction itself fail, nothing of the text is passed on: a bug must not put client data on disk."""
    if not text:
        return text, []
    try:
        return apply(text, find_spans(text))
    except Exception:  # noqa: BLE001 - whatever went wrong, the text is withheld
        log.exception("redaction failed; the message is withheld (its text is not logged)")
        return WITHHELD, ["ONBEKEND"]
