"""A stand-in for KOOP's BWB repository in its documented shape: per regulation a manifest.xml listing the
consolidated versions (expression label, datum_inwerkingtreding, einddatum, zichtdatum_eind), and per version an
XML text whose articles carry `inwerking`. Regulations and articles come from the knowledge base's citations, each
current in the version it cites; a test changes one article (`amend`) or takes a regulation away (`missing`)."""

import datetime
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Set
from xml.sax.saxutils import quoteattr

OPEN = "9999-12-31"


class FakeBwbRepository:
    def __init__(self, port: int, articles):
        self.url = f"http://127.0.0.1:{port}/bwb"
        self.versions: Dict[str, List[dict]] = {}
        numbers: Dict[str, Set[str]] = defaultdict(set)
        cited: Dict[str, datetime.date] = {}
        for article in articles:
            for basis in article.legal_basis:
                numbers[basis.bwb].add(basis.article_number)
                if not basis.historical:
                    cited[basis.bwb] = max(cited.get(basis.bwb, basis.version_date), basis.version_date)
        for bwb, start in cited.items():
            self.versions[bwb] = [{"start": start, "end": None, "articles": dict.fromkeys(numbers[bwb], start)}]
        self.missing: Set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def amend(self, bwb: str, number: str, day: datetime.date) -> None:
        """A new version of the regulation from `day`, in which article `number` has a new text."""
        previous = self.versions[bwb][-1]
        previous["end"] = day - datetime.timedelta(days=1)
        self.versions[bwb].append({"start": day, "end": None, "articles": {**previous["articles"], number: day}})

    @staticmethod
    def label(version: dict) -> str:
        return f"{version['start'].isoformat()}_0"

    def manifest(self, bwb: str) -> str:
        expressions = "".join(
            f'<expression label="{self.label(version)}"><metadata>'
            f"<datum_inwerkingtreding>{version['start'].isoformat()}</datum_inwerkingtreding>"
            f"<einddatum>{version['end'].isoformat() if version['end'] else OPEN}</einddatum>"
            f"<zichtdatum_start>{version['start'].isoformat()}</zichtdatum_start><zichtdatum_eind>{OPEN}"
            f'</zichtdatum_eind></metadata><manifestation label="xml"><item label="{bwb}_{self.label(version)}.xml"/>'
            "</manifestation></expression>"
            for version in self.versions[bwb]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><work label="{bwb}">{expressions}</work>'

    def toestand(self, bwb: str, label: str) -> str:
        version = next(version for version in self.versions[bwb] if self.label(version) == label)
        articles = "".join(
            f'<artikel label={quoteattr("Artikel " + number)} inwerking="{since.isoformat()}">'
            f"<kop><label>Artikel</label><nr>{number}</nr></kop></artikel>"
            for number, since in sorted(version["articles"].items())
        )
        return f'<?xml version="1.0"?><toestand bwb-id="{bwb}"><wetgeving>{articles}</wetgeving></toestand>'

    def _handler(self):
        repository = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = self.path.strip("/").split("/")  # bwb/<id>/manifest.xml or bwb/<id>/<label>/xml/<file>
                bwb = parts[1] if len(parts) > 1 else ""
                if bwb not in repository.versions or bwb in repository.missing:
                    return self.answer(404, "<error>niet gevonden</error>")
                if parts[2:] == ["manifest.xml"]:
                    return self.answer(200, repository.manifest(bwb))
                return self.answer(200, repository.toestand(bwb, parts[2]))

            def answer(self, status: int, body: str):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
