"""Reading KOOP's BWB repository: the version in force at current knowledge, and when an article got its text."""

import datetime

from bot.knowledge.lawwatch import article_in_force_since, in_force, parse_manifest

MANIFEST = b"""<work label="BWBR0011353" _latestItem="2026-01-01_1/xml/BWBR0011353_2026-01-01_1.xml">
  <expression label="2025-04-25_0"><metadata><datum_inwerkingtreding>2025-04-25</datum_inwerkingtreding>
    <einddatum>2025-12-31</einddatum><zichtdatum_start>2025-03-15</zichtdatum_start>
    <zichtdatum_eind>2025-07-18</zichtdatum_eind></metadata></expression>
  <expression label="2025-04-25_1"><metadata><datum_inwerkingtreding>2025-04-25</datum_inwerkingtreding>
    <einddatum>2025-12-31</einddatum><zichtdatum_start>2025-07-19</zichtdatum_start>
    <zichtdatum_eind>9999-12-31</zichtdatum_eind></metadata></expression>
  <expression label="2026-01-01_1"><metadata><datum_inwerkingtreding>2026-01-01</datum_inwerkingtreding>
    <einddatum>9999-12-31</einddatum><zichtdatum_start>2026-02-21</zichtdatum_start>
    <zichtdatum_eind>9999-12-31</zichtdatum_eind></metadata></expression>
</work>"""

TOESTAND = b"""<toestand><wetgeving><wet-besluit><wettekst><hoofdstuk>
  <artikel label="Artikel 2.10" inwerking="2025-01-01"><kop><label>Artikel</label><nr>2.10</nr></kop></artikel>
  <artikel label="Artikel 2.11" inwerking="2026-01-01"><kop><label>Artikel</label><nr>2.11</nr></kop></artikel>
</hoofdstuk></wettekst></wet-besluit></wetgeving></toestand>"""


def test_the_version_in_force_is_the_one_valid_today_at_current_knowledge():
    toestanden = parse_manifest(MANIFEST)
    assert in_force(toestanden, datetime.date(2025, 6, 30)).label == "2025-04-25_1"  # not the superseded _0
    assert in_force(toestanden, datetime.date(2026, 12, 1)).label == "2026-01-01_1"
    assert in_force(toestanden, datetime.date(2024, 1, 1)) is None


def test_an_article_says_since_when_its_text_is_in_force():
    assert article_in_force_since(TOESTAND, "2.10") == datetime.date(2025, 1, 1)
    assert article_in_force_since(TOESTAND, "2.11") == datetime.date(2026, 1, 1)
    assert article_in_force_since(TOESTAND, "2.1") is None  # not 2.10 or 2.11
