"""`make check-law`: which cited law articles are no longer the version in force, asked of the official source.

For each regulation the articles cite (BWB id), KOOP's BWB repository publishes a manifest of all its consolidated
versions ("toestanden"), each with its validity (datum_inwerkingtreding - einddatum) and its knowledge window
(zichtdatum; a later correction makes a new toestand for the same validity). The version in force today is the one
whose validity holds today, at current knowledge (zichtdatum_eind 9999-12-31). In that version's XML every article
carries `inwerking`, the day its current text took effect: a cited article is stale when that day is after the
version the knowledge base cites. The result is printed, kept in the app database (an answer from a stale article
says so; the trainer's inbox lists it) and sets the exit code, so a municipality can run it nightly.
"""

import argparse
import datetime
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

import requests

from bot import settings
from bot.knowledge.articles import Article, KnowledgeError, LegalBasis, load_articles
from bot.knowledge.store import LawStatusRow, Store

OPEN_END = datetime.date(9999, 12, 31)
TIMEOUT_SECONDS = 30
VERIFY_AT_LEAST_EVERY = datetime.timedelta(days=365)

CURRENT, STALE, UNCHECKABLE, HISTORICAL = "actueel", "verouderd", "niet te controleren", "historisch"


class ServiceUnreachable(Exception):
    """The repository does not answer at all; the message says where and why, in Dutch."""


@dataclass(frozen=True)
class Toestand:
    label: str  # "2026-10-01_0": the version's start and its knowledge generation
    start: datetime.date
    end: datetime.date
    seen_until: datetime.date


@dataclass
class Finding:
    article_id: str
    key: str
    citation: str  # "Wet basisregistratie personen, art. 2.40 lid 4"
    cited: datetime.date
    status: str
    current: Optional[datetime.date] = None  # start of the version in force today
    changed_on: Optional[datetime.date] = None  # when the cited article got the text now in force
    note: str = ""


def _date(text: Optional[str]) -> datetime.date:
    return datetime.date.fromisoformat(text.strip()[:10]) if text and text.strip() else OPEN_END


def parse_manifest(content: bytes) -> List[Toestand]:
    root = ElementTree.fromstring(content)
    toestanden = []
    for expression in root.iter("expression"):
        meta = expression.find("metadata")
        if meta is None or meta.findtext("datum_inwerkingtreding") is None:
            continue
        toestanden.append(
            Toestand(
                expression.get("label"),
                _date(meta.findtext("datum_inwerkingtreding")),
                _date(meta.findtext("einddatum")),
                _date(meta.findtext("zichtdatum_eind")),
            )
        )
    return toestanden


def in_force(toestanden: Iterable[Toestand], day: datetime.date) -> Optional[Toestand]:
    """The version valid on `day` as it is known now (the latest knowledge generation)."""
    valid = [item for item in toestanden if item.start <= day <= item.end and item.seen_until == OPEN_END]
    return max(valid, key=lambda item: item.start, default=None)


def article_in_force_since(content: bytes, number: str) -> Optional[datetime.date]:
    """The `inwerking` of article `number` in a toestand's XML, or None when the version has no such article."""
    for article in ElementTree.fromstring(content).iter("artikel"):
        label = article.get("label") or ""
        if label.split()[-1:] == [number] or article.findtext("kop/nr", "").strip() == number:
            return _date(article.get("inwerking")) if article.get("inwerking") else None
    return None


class Repository:
    """KOOP's BWB repository (or a stand-in in the same shape, for the tests)."""

    def __init__(self, base_url: str = None):
        self.base_url = (base_url or settings.BWB_REPOSITORY_URL).rstrip("/")
        self.session = requests.Session()
        self._cache: Dict[str, Optional[bytes]] = {}

    def _get(self, url: str) -> Optional[bytes]:
        """The document, None when the repository says it has none (404); unreachable raises."""
        if url not in self._cache:
            try:
                reply = self.session.get(url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/xml"})
            except requests.RequestException as error:
                raise ServiceUnreachable(f"de wettenbank op {self.base_url} is niet bereikbaar ({error})") from error
            if reply.status_code == 404:
                self._cache[url] = None
            elif reply.status_code != 200:
                raise ServiceUnreachable(f"de wettenbank op {self.base_url} antwoordt met HTTP {reply.status_code}")
            else:
                self._cache[url] = reply.content
        return self._cache[url]

    def manifest(self, bwb: str) -> Optional[List[Toestand]]:
        content = self._get(f"{self.base_url}/{bwb}/manifest.xml")
        return None if content is None else parse_manifest(content)

    def toestand(self, bwb: str, label: str) -> Optional[bytes]:
        return self._get(f"{self.base_url}/{bwb}/{label}/xml/{bwb}_{label}.xml")


def check_basis(article_id: str, basis: LegalBasis, repository: Repository, today: datetime.date) -> Finding:
    finding = Finding(article_id, basis.key, f"{basis.law}, {basis.article}", basis.version_date, UNCHECKABLE)
    if basis.historical:
        finding.status, finding.note = HISTORICAL, basis.historical
        return finding
    toestanden = repository.manifest(basis.bwb)
    if toestanden is None:
        finding.note = f"regeling {basis.bwb} niet gevonden in de wettenbank"
        return finding
    current = in_force(toestanden, today)
    if current is None:
        finding.note = f"geen versie van {basis.bwb} geldig op {today.isoformat()}"
        return finding
    finding.current = current.start
    coming = sorted({item.start for item in toestanden if item.start > today})
    if coming:
        finding.note = f"nieuwe versie aangekondigd per {coming[0].isoformat()}"
    content = repository.toestand(basis.bwb, current.label)
    since = article_in_force_since(content, basis.article_number) if content else None
    if since is None:
        finding.note = f"art. {basis.article_number} niet gevonden in de versie van {current.start.isoformat()}"
        return finding
    finding.changed_on = since
    finding.status = STALE if since > basis.version_date else CURRENT
    return finding


def check(articles: List[Article], repository: Repository, today: datetime.date) -> List[Finding]:
    return [check_basis(article.id, basis, repository, today) for article in articles for basis in article.legal_basis]


def overdue(articles: List[Article], today: datetime.date) -> List[Article]:
    """Articles whose content was last checked against their sources more than a year ago."""
    return [article for article in articles if today - article.last_verified > VERIFY_AT_LEAST_EVERY]


def report(findings: List[Finding], late: List[Article]) -> List[str]:
    lines = [f"{'artikel':38} {'wetsartikel':48} {'geciteerd':10} {'geldend':10} status"]
    for item in findings:
        status = item.status
        if item.status == STALE:
            status = f"{STALE}: nieuwere tekst sinds {item.changed_on.isoformat()}"
        lines.append(
            f"{item.article_id:38} {item.citation[:48]:48} {item.cited.isoformat():10} "
            f"{item.current.isoformat() if item.current else '-':10} {status}"
            + (f" ({item.note})" if item.note else "")
        )
    for article in late:
        lines.append(f"{article.id:38} last_verified {article.last_verified.isoformat()} is ouder dan 12 maanden")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="make check-law", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--datum",
        type=datetime.date.fromisoformat,
        default=datetime.date.today(),
        help="de dag waarop de geldende versie wordt bepaald (standaard vandaag)",
    )
    args = parser.parse_args(argv)
    try:
        articles = load_articles()
        findings = check(articles, Repository(), args.datum)
    except KnowledgeError as error:
        print(f"FOUT: {error}", file=sys.stderr)
        return 2
    except ServiceUnreachable as error:
        print(f"FOUT: {error}. Niets gecontroleerd; probeer het later opnieuw.", file=sys.stderr)
        return 2
    late = overdue(articles, args.datum)
    print("\n".join(report(findings, late)))
    Store().replace_law_status(
        [
            LawStatusRow(
                article_id=item.article_id,
                key=item.key,
                citation=item.citation,
                cited=item.cited,
                current=item.current,
                changed_on=item.changed_on,
                status=item.status,
                note=item.note,
            )
            for item in findings
        ]
    )
    stale = [item for item in findings if item.status in (STALE, UNCHECKABLE)]
    print(
        f"\n{len(findings)} wetsverwijzingen gecontroleerd op {args.datum.isoformat()}: "
        f"{sum(item.status == STALE for item in findings)} verouderd, "
        f"{sum(item.status == UNCHECKABLE for item in findings)} niet te controleren, "
        f"{len(late)} artikelen langer dan 12 maanden niet nagekeken."
    )
    return 1 if stale or late else 0


if __name__ == "__main__":
    sys.exit(main())
