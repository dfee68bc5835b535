"""A municipality's own rules beside the national answers ("In onze gemeente"): a few sentences per article, each
with its own source (a local regulation on lokaleregelgeving.overheid.nl / CVDR with its version date, a council
decision, an intranet page). A local addition never replaces a national rule; it adds to it, and says so when local
policy is stricter or looser. Kept in the app database with a history of who changed what; exported to and imported
from YAML, so a municipality can keep them in its own repository."""

import datetime
import re
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import BaseModel, Extra, ValidationError, constr, validator
from sqlalchemy import Column, Date, DateTime, Integer, String, Text, delete, select

from bot.knowledge.articles import field_errors, read_yaml
from bot.knowledge.store import Base, Store

CITATION = "[lokaal]"
STANCES = {
    "aanvulling": "",
    "strenger": "Strenger dan de landelijke regel: ",
    "ruimer": "Ruimer dan de landelijke regel: ",
}
MAX_CHARACTERS = 800
# Where a national article leaves room for local policy: the municipality's own regulation, rules or decision.
POINTS_TO_LOCAL = re.compile(
    r"\b((jullie|je|jouw|onze|de lokale|loka(al|le)|gemeentelijke?)\s+(huisvestings)?(verordening|beleidsregels?|"
    r"regels|beleid|aanwijzingsbesluit|besluit)|huisvestingsverordening)\b",
    re.IGNORECASE,
)
CONTEXT_WORDS = 7  # words shown on each side of such a place


class LocalError(ValueError):
    """An addition that cannot be saved; the message is for the kennisbeheerder, in Dutch."""


class LocalAddition(BaseModel, extra=Extra.forbid):
    article_id: constr(strip_whitespace=True, min_length=1)
    text: constr(strip_whitespace=True, min_length=1, max_length=MAX_CHARACTERS)
    source_title: constr(strip_whitespace=True, min_length=1)
    source_url: constr(strip_whitespace=True)
    version_date: datetime.date
    stance: str = "aanvulling"
    last_verified: datetime.date = None

    @validator("text")
    def cites_its_source(cls, value):
        """The text cites its own source: the command adds the citation where the writer left it out."""
        value = " ".join(value.split())
        return value if CITATION in value else f"{value} {CITATION}"

    @validator("source_url")
    def is_a_web_address(cls, value):
        if not re.fullmatch(r"https?://\S+", value):
            raise ValueError("geen geldige URL (https://...)")
        return value

    @validator("stance")
    def known_stance(cls, value):
        if value not in STANCES:
            raise ValueError(f"kies uit {', '.join(STANCES)}")
        return value

    @validator("last_verified", always=True)
    def verified_today_by_default(cls, value):
        return value or datetime.date.today()


class LocalRow(Base):
    __tablename__ = "local_additions"
    id = Column(Integer, primary_key=True)
    article_id = Column(String, nullable=False)
    text = Column(Text, nullable=False)
    source_title = Column(String, nullable=False)
    source_url = Column(String, nullable=False)
    version_date = Column(Date, nullable=False)
    stance = Column(String, nullable=False)
    last_verified = Column(Date, nullable=False)
    changed = Column(DateTime, nullable=False)
    changed_by = Column(String, nullable=False)


class LocalHistoryRow(Base):
    __tablename__ = "local_history"
    id = Column(Integer, primary_key=True)
    when = Column(DateTime, nullable=False)
    who = Column(String, nullable=False)
    action = Column(String, nullable=False)  # toegevoegd, gewijzigd, verwijderd, geïmporteerd
    article_id = Column(String, nullable=False)
    text = Column(Text)


FIELDS = ("article_id", "text", "source_title", "source_url", "version_date", "stance", "last_verified")


def as_dict(row: LocalRow) -> dict:
    return {"id": row.id, **{field: getattr(row, field) for field in FIELDS}}


def local_places(article) -> List[str]:
    """Where a national article points to local policy (what a local addition can fill in), each with a few words
    around it."""
    places = []
    for text in [article.short_answer, article.answer, *article.steps, *article.caveats, article.escalation]:
        text = " ".join(re.sub(r"\[[a-z0-9][a-z0-9._-]*\]", "", text).split())
        for match in POINTS_TO_LOCAL.finditer(text):
            before = text[: match.start()].split()[-CONTEXT_WORDS:]
            after = text[match.end() :].split()[:CONTEXT_WORDS]
            places.append(re.sub(r"\s+([.,;:)])", r"\1", " ".join([*before, match.group(0), *after])))
    return list(dict.fromkeys(places))


class LocalAdditions:
    def __init__(self, store: Store = None, article_ids=None):
        self.store = store or Store()
        self.store.create()
        self.article_ids = set(article_ids if article_ids is not None else self.store.articles())

    def validated(self, **fields) -> LocalAddition:
        try:
            addition = LocalAddition(**fields)
        except ValidationError as error:
            raise LocalError(f"niet opgeslagen: {field_errors(error)}") from error
        if addition.article_id not in self.article_ids:
            raise LocalError(f"niet opgeslagen: '{addition.article_id}' is geen artikel van de kennisbank")
        return addition

    def add(self, who: str, **fields) -> int:
        addition = self.validated(**fields)
        with self.store.session.begin() as session:
            row = LocalRow(**addition.dict(), changed=datetime.datetime.utcnow(), changed_by=who)
            session.add(row)
            session.flush()
            self._history(session, who, "toegevoegd", addition)
            return row.id

    def change(self, who: str, addition_id: int, **fields) -> None:
        addition = self.validated(**fields)
        with self.store.session.begin() as session:
            row = session.get(LocalRow, addition_id)
            if row is None:
                raise LocalError(f"lokale aanvulling {addition_id} bestaat niet")
            for field, value in addition.dict().items():
                setattr(row, field, value)
            row.changed, row.changed_by = datetime.datetime.utcnow(), who
            self._history(session, who, "gewijzigd", addition)

    def remove(self, who: str, addition_id: int) -> None:
        with self.store.session.begin() as session:
            row = session.get(LocalRow, addition_id)
            if row is not None:
                session.delete(row)
                session.add(
                    LocalHistoryRow(
                        when=datetime.datetime.utcnow(),
                        who=who,
                        action="verwijderd",
                        article_id=row.article_id,
                        text=row.text,
                    )
                )

    @staticmethod
    def _history(session, who: str, action: str, addition: LocalAddition) -> None:
        session.add(
            LocalHistoryRow(
                when=datetime.datetime.utcnow(),
                who=who,
                action=action,
                article_id=addition.article_id,
                text=addition.text,
            )
        )

    def all(self) -> List[LocalRow]:
        with self.store.session() as session:
            return list(session.execute(select(LocalRow).order_by(LocalRow.article_id, LocalRow.id)).scalars())

    def by_article(self) -> Dict[str, List[LocalRow]]:
        grouped: Dict[str, List[LocalRow]] = {}
        for row in self.all():
            grouped.setdefault(row.article_id, []).append(row)
        return grouped

    def history(self, article_id: Optional[str] = None) -> List[LocalHistoryRow]:
        query = select(LocalHistoryRow).order_by(LocalHistoryRow.id.desc())
        if article_id:
            query = query.where(LocalHistoryRow.article_id == article_id)
        with self.store.session() as session:
            return list(session.execute(query).scalars())

    def export(self, path: Path) -> int:
        rows = [
            {
                field: value.isoformat() if isinstance(value, datetime.date) else value
                for field, value in as_dict(row).items()
                if field != "id"
            }
            for row in self.all()
        ]
        path.write_text(
            "# Lokale aanvullingen van Baliegids (python -m bot.review local export)\n"
            + yaml.safe_dump({"local_additions": rows}, allow_unicode=True, sort_keys=False, width=110),
            encoding="utf-8",
        )
        return len(rows)

    def import_(self, who: str, path: Path) -> int:
        """Replaces all local additions by the file's, in one transaction: all of them valid, or nothing changes."""
        try:
            items = (read_yaml(path.read_text(encoding="utf-8")) or {}).get("local_additions")
        except (OSError, yaml.YAMLError, AttributeError) as error:
            raise LocalError(f"{path}: geen geldig bestand met lokale aanvullingen ({error})") from error
        if not isinstance(items, list):
            raise LocalError(f"{path}: verwacht een lijst onder 'local_additions'")
        additions = []
        for number, item in enumerate(items, start=1):
            try:
                additions.append(self.validated(**item))
            except (LocalError, TypeError) as error:
                raise LocalError(f"{path}, aanvulling {number}: {error}") from error
        with self.store.session.begin() as session:
            session.execute(delete(LocalRow))
            for addition in additions:
                session.add(LocalRow(**addition.dict(), changed=datetime.datetime.utcnow(), changed_by=who))
                self._history(session, who, "geïmporteerd", addition)
        return len(additions)
