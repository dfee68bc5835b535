"""Client data is redacted before anything is stored; near-misses (article numbers, law dates, amounts) stay."""

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(
    "text, expected, kind",
    [
        (
            "bsn van mevrouw is 111222333, mag ze een briefadres",
            "bsn van mevrouw is [BSN], mag ze een briefadres",
            "BSN",
        ),
        ("BSN 1112.22.333 staat niet in de brp", "BSN [BSN] staat niet in de brp", "BSN"),
        ("uitbetalen op NL91ABNA0417164300 kan dat", "uitbetalen op [IBAN] kan dat", "IBAN"),
        ("iban NL91 ABNA 0417 1643 00 graag", "iban [IBAN] graag", "IBAN"),
        ("bel haar op 06-12345678 of +31 6 1234 5678", "bel haar op [TELEFOON] of [TELEFOON]", "TELEFOON"),
        ("vaste lijn 020 123 4567", "vaste lijn [TELEFOON]", "TELEFOON"),
        ("mail naar j.jansen@example.nl aub", "mail naar [E-MAIL] aub", "E-MAIL"),
        ("ze woont op 1234 AB 56", "ze woont op [ADRES]", "ADRES"),
        ("adres 3511AB, 12a in utrecht", "adres [ADRES] in utrecht", "ADRES"),
        ("geboren op 12-03-1985 en nu in de opvang", "geboren op [GEBOORTEDATUM] en nu in de opvang", "GEBOORTEDATUM"),
        (
            "geboortedatum: 3 maart 2015, kind in de opvang",
            "geboortedatum: [GEBOORTEDATUM], kind in de opvang",
            "GEBOORTEDATUM",
        ),
        ("mevrouw (4-7-1990) vraagt bijstand", "mevrouw ([GEBOORTEDATUM]) vraagt bijstand", "GEBOORTEDATUM"),
    ],
)
def test_each_kind_of_client_data_is_redacted(text, expected, kind):
    assert redact(text) == (expected, [kind] * expected.count(f"[{kind}]"))


@pytest.mark.parametrize(
    "text",
    [
        "art. 2.40 lid 4 wet brp en art 2.41",
        "circulaire van 7 november 2016 en de wet sinds 1 januari 2022",
        "versie 01-07-2026 van de huisvestingswet",
        "de bijstandsnorm is € 1.234,56 per maand en het voorschot 95%",
        "kenmerk 2016-0000656211 van de circulaire",
        "123456789 is geen geldig bsn want de elfproef klopt niet",
        "bel Veilig Thuis op 0800-2000 of 112",
        "ECLI:NL:RBDHA:2019:2049 over huurtoeslag",
        "kamerstuk 32761 nr 298",
    ],
)
def test_near_misses_are_kept(text):
    assert redact(text) == (text, [])
