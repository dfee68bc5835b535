"""Removes client data from text before it is stored: BSN (11-proef), IBAN (mod-97), phone numbers, e-mail
addresses, postcode with house number, and dates of birth. Replacements keep the question readable ("[BSN]")."""

import re
from typing import List, Tuple

MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
DATE = rf"\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}}"
BIRTH_CUE = r"(?:geboren|geb\.?|geboortedatum|geb\.?\s*datum|gebdatum|dob)\s*(?:op|:)?\s*"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w€.,/-])(?:\+31|0031|0)(?:[\s-]?\d){9}(?!\d|[,.]\d)")
BSN = re.compile(r"(?<![\w€.,/-])\d(?:[\s.]?\d){8}(?!\w|[,.-]\d)")
ADDRESS = re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b(?:\s*,?\s*\d{1,5}\s?[a-zA-Z]?\b)?")
BIRTH_DATE = re.compile(rf"(\b{BIRTH_CUE})({DATE})", re.IGNORECASE)
OLD_NUMERIC_DATE = re.compile(r"(?<![\w.-])\d{1,2}[-/]\d{1,2}[-/](19\d\d|200\d|201[01])\b")


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


def redact(text: str) -> Tuple[str, List[str]]:
    """The text with client data replaced, and the kinds found (e.g. ["BSN", "E-MAIL"])."""
    found = []

    def replace(pattern, label, check=lambda value: True, group=0):
        nonlocal text

        def substitute(match):
            if not check(match.group(group)):
                return match.group(0)
            found.append(label)
            return match.group(0).replace(match.group(group), f"[{label}]") if group else f"[{label}]"

        text = pattern.sub(substitute, text)

    replace(EMAIL, "E-MAIL")
    replace(IBAN, "IBAN", is_iban)
    replace(BIRTH_DATE, "GEBOORTEDATUM", group=2)
    replace(OLD_NUMERIC_DATE, "GEBOORTEDATUM")
    replace(BSN, "BSN", is_bsn)
    replace(PHONE, "TELEFOON")
    replace(ADDRESS, "ADRES")
    return text, found
