"""The SQLAlchemy store the custom actions query: articles with their sources, and user feedback."""

import datetime
from pathlib import Path
from typing import Dict, List, Union

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import declarative_base, relationship, selectinload, sessionmaker

from bot import settings
from bot.knowledge.articles import Article, Document, load_articles, load_documents
from bot.knowledge.decision_aids import load_decision_aids

Base = declarative_base()


class StoreError(Exception):
    """The database cannot be opened or written; the message says which file."""


class ArticleRow(Base):
    __tablename__ = "articles"
    id = Column(String, primary_key=True)
    title = Column(String, nullable=False)
    audience = Column(String, nullable=False)
    domain = Column(String, nullable=False)
    short_answer = Column(Text, nullable=False)
    answer = Column(Text, nullable=False)
    steps = Column(JSON, nullable=False)
    caveats = Column(JSON, nullable=False)
    escalation = Column(Text, nullable=False)
    related = Column(JSON, nullable=False)
    last_verified = Column(Date, nullable=False)
    sources = relationship("SourceRow", order_by="SourceRow.position", cascade="all, delete-orphan")


class SourceRow(Base):
    __tablename__ = "sources"
    article_id = Column(String, ForeignKey("articles.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    key = Column(String, nullable=False)
    kind = Column(String, nullable=False)  # "wet" (legal basis) or "bron"
    title = Column(String, nullable=False)
    url = Column(String)  # a web page, or a document's address at its publisher (null for a shipped document)
    seed = Column(String)  # a shipped document (knowledge/seeds/) cited by `lines`
    lines = Column(String)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    sender_id = Column(String, nullable=False)
    article_id = Column(String)
    question = Column(Text)
    answer = Column(Text)
    rating = Column(String, nullable=False)  # "up" or "down"
    reason = Column(String)  # a key of bot.contract.FEEDBACK_REASONS, for a 👎
    comment = Column(Text)  # the clerk's own words instead of a reason button (redacted)
    last_verified = Column(Date)  # of the article when the feedback was given: "verouderd" may be about that check


class LawStatusRow(Base):
    """What `make check-law` found last for one law citation of an article (bot/knowledge/lawwatch.py)."""

    __tablename__ = "law_status"
    id = Column(Integer, primary_key=True)
    checked = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    article_id = Column(String, nullable=False)
    key = Column(String, nullable=False)
    citation = Column(String, nullable=False)
    cited = Column(Date, nullable=False)
    current = Column(Date)
    changed_on = Column(Date)  # the cited article's text in force since
    status = Column(String, nullable=False)  # actueel / verouderd / niet te controleren / historisch
    note = Column(Text)


class Store:
    def __init__(self, database: Union[Path, str] = None):
        """`database`: an SQLite file or an SQLAlchemy URL; by default the app database from bot/settings.py."""
        self.url = make_url(settings.database_url(database or settings.APP_DB_URL))
        self.engine = create_engine(self.url, future=True)
        self.session = sessionmaker(self.engine, future=True, expire_on_commit=False)

    def create(self) -> None:
        if self.url.get_backend_name() == "sqlite":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        try:
            Base.metadata.create_all(self.engine)
            self._add_missing_columns()
        except OperationalError as error:
            raise StoreError(
                f"database {settings.shown(self.url)} kan niet worden geopend of aangemaakt: {error.orig}"
            ) from error

    def _add_missing_columns(self) -> None:
        """A column added to a table since an older version made the database (always nullable) is added to it;
        what the rows held stays."""
        existing = inspect(self.engine)
        with self.engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                present = {column["name"] for column in existing.get_columns(table.name)}
                for column in table.columns:
                    if column.name not in present:
                        kind = column.type.compile(dialect=self.engine.dialect)
                        connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))

    def replace_articles(self, articles: List[Article]) -> None:
        """Replaces all articles in one transaction; feedback stays. The two article tables only mirror knowledge/,
        so they are made anew each time (a new column needs no migration)."""
        self.create()
        documents = load_documents()
        with self.session.begin() as session:
            for table in (SourceRow.__table__, ArticleRow.__table__):
                table.drop(session.connection(), checkfirst=True)
            for table in (ArticleRow.__table__, SourceRow.__table__):
                table.create(session.connection())
            session.add_all(_row(article, documents) for article in articles)

    def articles(self) -> Dict[str, ArticleRow]:
        """All articles with their sources, by id, ordered by title (usable after the session closes)."""
        with self.session() as session:
            query = select(ArticleRow).options(selectinload(ArticleRow.sources)).order_by(ArticleRow.title)
            return {row.id: row for row in session.execute(query).scalars()}

    def titles(self) -> Dict[str, str]:
        """Article id -> title, ordered by title (without loading the articles)."""
        with self.session() as session:
            return dict(session.execute(select(ArticleRow.id, ArticleRow.title).order_by(ArticleRow.title)).all())

    def add_feedback(self, **fields) -> None:
        with self.session.begin() as session:
            session.add(FeedbackRow(**fields))

    def add_feedback_reason(self, sender_id: str, reason: str = None, comment: str = None) -> bool:
        """Adds why to the sender's latest feedback: a reason key or the clerk's own words; False when there is
        none."""
        with self.session.begin() as session:
            query = select(FeedbackRow).where(FeedbackRow.sender_id == sender_id).order_by(FeedbackRow.id.desc())
            row = session.execute(query.limit(1)).scalar_one_or_none()
            if row is not None:
                row.reason, row.comment = reason or row.reason, comment or row.comment
            return row is not None

    def replace_law_status(self, rows: List[LawStatusRow]) -> None:
        self.create()
        with self.session.begin() as session:
            session.execute(delete(LawStatusRow))
            session.add_all(rows)

    def stale_citations(self) -> Dict[str, List[LawStatusRow]]:
        """The citations the last law check found stale, by article (the table exists: `load` creates it)."""
        with self.session() as session:
            rows = session.execute(select(LawStatusRow).where(LawStatusRow.status == "verouderd")).scalars()
            stale: Dict[str, List[LawStatusRow]] = {}
            for row in rows:
                stale.setdefault(row.article_id, []).append(row)
            return stale

    def feedback(self) -> List[FeedbackRow]:
        with self.session() as session:
            return list(session.execute(select(FeedbackRow).order_by(FeedbackRow.id)).scalars())


def source_row(position: int, kind: str, item, documents: Dict[str, Document]) -> SourceRow:
    """A law article (kind "wet") or another source as the store keeps it."""
    if kind == "wet" or item.url:
        return SourceRow(position=position, key=item.key, kind=kind, title=item.title, url=str(item.url))
    document = documents[item.seed]
    if document.shipped:
        return SourceRow(position=position, key=item.key, kind=kind, title=item.title, seed=item.seed, lines=item.lines)
    return SourceRow(
        position=position, key=item.key, kind=kind, title=item.title, url=document.url and str(document.url)
    )


def _row(article: Article, documents: Dict[str, Document]) -> ArticleRow:
    sources = [
        source_row(position, kind, item, documents)
        for position, (kind, item) in enumerate(
            [("wet", basis) for basis in article.legal_basis] + [("bron", source) for source in article.sources]
        )
    ]
    return ArticleRow(
        id=article.id,
        title=article.title,
        audience=article.audience,
        domain=article.domain,
        short_answer=article.short_answer,
        answer=article.answer,
        steps=article.steps,
        caveats=article.caveats,
        escalation=article.escalation,
        related=article.related,
        last_verified=article.last_verified,
        sources=sources,
    )


def load(database: Union[Path, str] = None) -> int:
    """Validates knowledge/ (articles and decision aids) and loads the articles into the store; returns their
    number."""
    articles = load_articles()
    load_decision_aids({article.id: [source.key for source in article.all_sources()] for article in articles})
    Store(database).replace_articles(articles)
    return len(articles)
