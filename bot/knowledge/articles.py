"""Knowledge articles: the YAML format of knowledge/<id>.yml and its validation."""

import datetime
import re
from functools import partial
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml
from pydantic import BaseModel, Extra, HttpUrl, ValidationError, constr, root_validator, validator

from bot import settings

REFERENCE = re.compile(r"\[([a-z0-9][a-z0-9._-]*)\]")
AUDIENCES = {"burgerzaken", "werk_inkomen", "wonen", "kvk", "onderwijs", "jeugd", "wmo", "algemeen"}
DOMAINS = {"burgerzaken", "werk_inkomen", "wonen", "kvk", "kinderen", "algemeen"}
Text = constr(strip_whitespace=True, min_length=1)
Key = constr(regex=r"^[a-z0-9][a-z0-9._-]*$")


class KnowledgeError(Exception):
    """A malformed article; the message names the file and the field."""


class LegalBasis(BaseModel, extra=Extra.forbid):
    """A law article in one consolidated version of the Basiswettenbestand (wetten.overheid.nl)."""

    key: Key
    law: Text
    bwb: constr(regex=r"^BWB[RV]\d{7}$")
    article: Text  # as the clerk reads it: "art. 2.40 lid 4"
    article_number: constr(regex=r"^\d+[a-z]*(\.\d+[a-z]*)*$")  # the article the link opens: "2.40"
    book: Optional[constr(regex=r"^\d+$")] = None  # Burgerlijk Wetboek: the book ("1" for art. 1:10)
    version_date: datetime.date
    # Why an older version than the one in force is cited on purpose ("de regel tot 1 januari 2026"); the law
    # watch (make check-law) does not call such a citation stale.
    historical: Optional[Text] = None

    @root_validator(skip_on_failure=True)
    def article_names_the_linked_number(cls, values):
        number = (f"{values['book']}:" if values.get("book") else "") + values["article_number"]
        if not re.search(rf"(?<![\d.:]){re.escape(number)}(?![\d.]|[a-z])", values["article"]):
            raise ValueError(f"'article' ({values['article']}) noemt het gelinkte artikel {number} niet")
        return values

    @property
    def url(self) -> str:
        """A Juriconnect reference to the article in the cited version, as wetten.overheid.nl resolves it."""
        book = f"&boek={self.book}" if self.book else ""
        date = self.version_date.isoformat()
        return (
            f"https://wetten.overheid.nl/jci1.3:c:{self.bwb}{book}&artikel={self.article_number}" f"&z={date}&g={date}"
        )

    @property
    def title(self) -> str:
        return f"{self.law}, {self.article} (versie {self.version_date.isoformat()})"


class Source(BaseModel, extra=Extra.forbid):
    """A web page (`url`), or a document of knowledge/documents.yml (`seed`): cited by `lines` when its text is
    shipped under knowledge/seeds/, by `page` (and `section`) of the publication when it is not."""

    key: Key
    title: Text
    url: Optional[HttpUrl] = None
    seed: Optional[Text] = None
    lines: Optional[constr(regex=r"^\d+(-\d+)?$")] = None
    page: Optional[int] = None
    section: Optional[Text] = None

    @root_validator(skip_on_failure=True)
    def url_or_document(cls, values):
        if (values.get("url") is None) == (values.get("seed") is None):
            raise ValueError("geef óf een 'url' (webpagina) óf 'seed' (document uit knowledge/documents.yml)")
        if values.get("seed") and not (values.get("lines") or values.get("page")):
            raise ValueError("bij 'seed' zijn 'lines' (meegeleverde tekst) of 'page' (niet meegeleverd) verplicht")
        return values

    @property
    def line_range(self) -> Tuple[int, int]:
        first, _, last = self.lines.partition("-")
        return int(first), int(last or first)


class Document(BaseModel, extra=Extra.forbid):
    """A document the articles cite by line or page (knowledge/documents.yml)."""

    file: Text
    title: Text
    url: Optional[HttpUrl]
    shipped: bool  # its text is in knowledge/seeds/ (made public by a public authority, Auteurswet art. 15b)
    why: Text


class Article(BaseModel, extra=Extra.forbid):
    id: Key
    title: Text
    audience: Text
    domain: Text
    short_answer: Text
    answer: Text
    steps: List[Text]
    caveats: List[Text]
    escalation: Text
    legal_basis: List[LegalBasis]
    sources: List[Source]
    related: List[Key]
    last_verified: datetime.date

    @validator("short_answer", "answer", "escalation")
    def one_line_per_paragraph(cls, value):
        """YAML block text keeps its line wraps; a reply should not (chat windows wrap themselves)."""
        return "\n\n".join(" ".join(part.split()) for part in value.split("\n\n") if part.strip())

    @validator("steps", "caveats", each_item=True)
    def one_line_per_item(cls, value):
        return " ".join(value.split())

    @validator("audience")
    def known_audience(cls, value):
        if value not in AUDIENCES:
            raise ValueError(f"onbekende doelgroep; kies uit {', '.join(sorted(AUDIENCES))}")
        return value

    @validator("domain")
    def known_domain(cls, value):
        if value not in DOMAINS:
            raise ValueError(f"onbekend domein; kies uit {', '.join(sorted(DOMAINS))}")
        return value

    @validator("steps")
    def has_steps(cls, value):
        if not value:
            raise ValueError("minstens één stap nodig")
        return value

    @validator("legal_basis")
    def has_legal_basis(cls, value):
        if not value:
            raise ValueError("minstens één wetsartikel nodig")
        return value

    @validator("related")
    def at_most_three(cls, value):
        if len(value) > 3:
            raise ValueError("hoogstens drie gerelateerde artikelen")
        return value

    @property
    def paragraphs(self) -> List[str]:
        return [part.strip() for part in self.answer.split("\n\n") if part.strip()]

    def cited_units(self) -> Iterable[tuple]:
        """Every unit of text that must cite a source, with the field it sits in."""
        yield "short_answer", self.short_answer
        for number, paragraph in enumerate(self.paragraphs):
            yield f"answer (alinea {number + 1})", paragraph
        for number, step in enumerate(self.steps):
            yield f"steps.{number}", step
        for number, caveat in enumerate(self.caveats):
            yield f"caveats.{number}", caveat
        yield "escalation", self.escalation

    def all_sources(self) -> list:
        return [*self.legal_basis, *self.sources]


def field_errors(error: ValidationError) -> str:
    return "; ".join(f"veld '{'.'.join(str(part) for part in item['loc'])}': {_dutch(item)}" for item in error.errors())


def _dutch(item: dict) -> str:
    messages = {
        "value_error.missing": "ontbreekt",
        "type_error.none.not_allowed": "ontbreekt",
        "value_error.extra": "onbekend veld",
        "value_error.date": "geen geldige datum (JJJJ-MM-DD)",
        "value_error.url.scheme": "geen geldige URL (https://...)",
        "value_error.any_str.min_length": "mag niet leeg zijn",
        "type_error.list": "moet een lijst zijn",
        "value_error.str.regex": "ongeldige waarde (alleen kleine letters, cijfers, '.', '_' en '-')",
    }
    return messages.get(item["type"], item["msg"])


def check_article(
    article: Article, source_file: Path, known_ids: set, documents: Dict[str, Document], seeds_dir: Path
) -> None:
    """Checks what a single field cannot: references, ids, seed files."""

    def fail(field: str, message: str):
        raise KnowledgeError(f"{source_file}: veld '{field}': {message}")

    if article.id != source_file.stem:
        fail("id", f"'{article.id}' moet gelijk zijn aan de bestandsnaam '{source_file.stem}'")
    keys = [source.key for source in article.all_sources()]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        fail("sources", f"sleutel dubbel gebruikt: {', '.join(duplicates)}")
    used = set()
    for field, text in article.cited_units():
        cited = set(REFERENCE.findall(text))
        if not cited:
            fail(field, "noemt geen bron; verwijs met [sleutel] naar legal_basis of sources")
        unknown = cited - set(keys)
        if unknown:
            fail(field, f"verwijst naar onbekende bron {', '.join(sorted(unknown))}")
        used |= cited
    unused = [key for key in keys if key not in used]
    if unused:
        fail("sources", f"bron niet gebruikt in de tekst: {', '.join(unused)}")
    for position, related in enumerate(article.related):
        if related == article.id or related not in known_ids:
            fail(f"related.{position}", f"'{related}' is geen ander bestaand artikel")
    for position, source in enumerate(article.sources):
        if source.seed:
            check_citation(source, documents, seeds_dir, partial(fail, f"sources.{position}"))


def check_citation(source: Source, documents: Dict[str, Document], seeds_dir: Path, fail) -> None:
    """A document citation: a known document, cited by existing lines if shipped, by page if not."""
    document = documents.get(source.seed)
    if document is None:
        fail(f"document '{source.seed}' staat niet in knowledge/documents.yml")
    elif not document.shipped:
        if source.lines or not source.page:
            fail(f"'{source.seed}' wordt niet meegeleverd: citeer met 'page' (en 'section'), niet met 'lines'")
    elif not source.lines:
        fail(f"'{source.seed}' wordt meegeleverd: citeer met 'lines'")
    else:
        path = seeds_dir / source.seed
        if not path.is_file():
            fail(f"de tekst van '{source.seed}' ontbreekt in {seeds_dir}")
        first, last = source.line_range
        count = len(path.read_text(encoding="utf-8").splitlines())
        if not 1 <= first <= last <= count:
            fail(f"regels {source.lines} liggen niet in '{source.seed}' ({count} regels)")


def read_yaml(text: str):
    """yaml.safe_load with libyaml's C parser: the knowledge base loads in a tenth of the time."""
    return yaml.load(text, Loader=yaml.CSafeLoader)


def parse_article(source_file: Path) -> Article:
    try:
        raw = read_yaml(source_file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise KnowledgeError(f"{source_file}: geen geldige YAML: {error}") from error
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{source_file}: het bestand moet een artikel (een YAML-object) bevatten")
    try:
        return Article(**raw)
    except ValidationError as error:
        raise KnowledgeError(f"{source_file}: {field_errors(error)}") from error


def load_documents(path: Path = None) -> Dict[str, Document]:
    path = path or settings.DOCUMENTS_FILE
    try:
        raw = read_yaml(path.read_text(encoding="utf-8"))
        return {document.file: document for document in (Document(**item) for item in raw["documents"])}
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise KnowledgeError(f"{path}: geen geldige documentenlijst: {error}") from error
    except ValidationError as error:
        raise KnowledgeError(f"{path}: {field_errors(error)}") from error


def load_articles(directory: Path = None, seeds_dir: Path = None) -> List[Article]:
    """Reads and validates every article; the first malformed one raises KnowledgeError."""
    directory = directory or settings.KNOWLEDGE_DIR
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise KnowledgeError(f"{directory}: geen artikelen gevonden (*.yml)")
    articles = [(path, parse_article(path)) for path in files]
    known_ids = {article.id for _, article in articles}
    documents = load_documents()
    for path, article in articles:
        check_article(article, path, known_ids, documents, seeds_dir or settings.SEEDS_DIR)
    return [article for _, article in articles]
