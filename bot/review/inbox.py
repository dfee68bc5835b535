"""The review inbox: user questions from Rasa's tracker store with what the assistant did with them, the
trainer's labels (kept in the app database), and the export of labelled questions to data/nlu/."""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Union

import yaml
from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.pool import NullPool

from bot import settings
from bot.contract import (
    ANSWER,
    CLARIFY,
    FEEDBACK_DOWN,
    FEEDBACK_REASONS,
    HANDOFF,
    KIND_LABELS,
    LOW_CONFIDENCE,
    NLU_FALLBACK,
    NO_ANSWER,
    OUT_OF_SCOPE,
    is_payload,
)
from bot.knowledge.articles import load_articles
from bot.knowledge.store import Base, Store
from bot.review.words import group_key, normalised

NEW_TOPIC = "nieuw_onderwerp"
FEEDBACK, LOW_CONFIDENCE_REASON = "feedback", "low_confidence"
# Why a question is in the inbox: what the assistant replied, or what the clerk or the confidence said of it.
REASONS = {
    **{kind: KIND_LABELS[kind] for kind in (CLARIFY, NO_ANSWER, HANDOFF)},
    FEEDBACK: "👎 gekregen",
    LOW_CONFIDENCE_REASON: "lage zekerheid",
}

# Rasa's own table in the tracker store database; read only.
_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String),
    Column("type_name", String),
    Column("timestamp", String),
    Column("data", Text),
)


class LabelRow(Base):
    __tablename__ = "review_labels"
    item_id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    label = Column(String)  # an article id, out_of_scope, or nieuw_onderwerp
    note = Column(Text)
    reviewed = Column(Boolean, nullable=False, default=False)
    labelled = Column(DateTime)
    exported = Column(DateTime)
    exported_to = Column(String)
    tags = Column(Text)  # the trainer's own tags, comma separated
    later = Column(Boolean)  # "later bekijken"
    reviewed_by = Column(String)
    reviewed_at = Column(DateTime)


@dataclass
class Item:
    id: int
    text: str
    predicted: Optional[str]
    confidence: float
    reason: Optional[str]
    created: str
    sender: str = ""
    channel: str = ""
    answer: str = ""
    feedback: str = ""
    kind: str = ""  # the contract type of the reply: answer, clarify, no_answer, handoff, smalltalk
    article: Optional[str] = None  # the article the reply gave
    label: Optional[str] = None
    note: Optional[str] = None
    reviewed: bool = False
    exported: Optional[str] = None
    intent: Optional[str] = None  # what the NLU made of it (nlu_fallback included)
    declined_as: Optional[str] = None  # the best guess besides nlu_fallback, when the reply was no answer
    candidates: List[str] = field(default_factory=list)  # the articles a clarify reply offered, best first
    chosen: Optional[str] = None  # what the clerk picked after a clarify reply: an article or none_of_these
    contact: str = ""  # whom a handoff referred to
    feedback_reason: Optional[str] = None  # the key of the 👎 reason
    tags: List[str] = field(default_factory=list)
    later: bool = False
    reviewed_by: Optional[str] = None

    @property
    def group(self) -> str:
        return group_key(self.text)

    def public(self) -> dict:
        """The contract's JSON shape for `inbox --json`."""
        return {key: getattr(self, key) for key in ("id", "text", "predicted", "confidence", "reason", "created")}


def _predicted(parse_data: dict):
    intent = parse_data.get("intent") or {}
    if intent.get("name") != NLU_FALLBACK:
        return intent.get("name"), float(intent.get("confidence") or 0)
    ranking = [item for item in parse_data.get("intent_ranking", []) if item["name"] != NLU_FALLBACK]
    return (ranking[0]["name"], float(ranking[0]["confidence"])) if ranking else (None, 0.0)


def _feedback_target(items: List["Item"], entities: List[dict]) -> Optional["Item"]:
    """The question whose answer a 👎 was given on: the latest one answered with the article its button names (older
    buttons name none: the latest question)."""
    article = next((entity.get("value") for entity in entities if entity.get("entity") == "article"), None)
    return next((item for item in reversed(items) if article in (None, item.article)), None)


def questions(tracker_db: Union[Path, str] = None) -> List[Item]:
    """Every typed user question (not button payloads), newest first, with why it needs review (or None).
    `tracker_db`: an SQLite file or an SQLAlchemy URL; by default Rasa's tracker store from bot/settings.py."""
    # No pool: a database server would otherwise keep a connection open for every call.
    url = settings.database_url(tracker_db or settings.TRACKER_DB_URL)
    engine = create_engine(url, poolclass=NullPool, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            select(_events.c.id, _events.c.sender_id, _events.c.type_name, _events.c.data)
            .where(_events.c.type_name.in_(["user", "bot"]))
            .order_by(_events.c.id)
        ).all()
    items, current, asked = [], {}, {}  # asked: each sender's items, to find the one a 👎 was given on
    for row in rows:
        data = json.loads(row.data)
        if row.type_name == "user":
            text = data.get("text") or ""
            parse = data.get("parse_data") or {}
            if (parse.get("intent") or {}).get("name") == FEEDBACK_DOWN:
                given_on = _feedback_target(asked.get(row.sender_id, []), parse.get("entities") or [])
                if given_on is not None:
                    given_on.reason = FEEDBACK
            if is_payload(text):
                previous = current.get(row.sender_id)
                if previous is not None and previous.kind == CLARIFY and previous.chosen is None:
                    previous.chosen = (parse.get("intent") or {}).get("name")
                current[row.sender_id] = None  # what follows a button belongs to no typed question
                continue
            predicted, confidence = _predicted(parse)
            item = Item(
                id=row.id,
                text=text,
                predicted=predicted,
                confidence=round(confidence, 4),
                reason=None,
                created=datetime.datetime.fromtimestamp(data["timestamp"], datetime.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                sender=row.sender_id,
                channel=data.get("input_channel") or "",
                intent=(parse.get("intent") or {}).get("name"),
            )
            items.append(item)
            current[row.sender_id] = item
            asked.setdefault(row.sender_id, []).append(item)
        elif current.get(row.sender_id) is not None:
            item = current[row.sender_id]
            custom = ((data.get("data") or {}).get("custom")) or {}
            if data.get("text"):
                item.answer = (item.answer + "\n\n" + data["text"]).strip()
            kind = custom.get("type")
            item.kind = kind or item.kind
            item.article = custom.get("article") or item.article
            item.candidates = list(custom.get("candidates") or item.candidates)
            if kind == HANDOFF:
                item.contact = (custom.get("contact") or {}).get("role") or ""
            if kind == NO_ANSWER:
                item.declined_as = item.predicted
            if kind in (CLARIFY, NO_ANSWER, HANDOFF) and item.reason != FEEDBACK:
                item.reason = kind
            elif kind == ANSWER and custom.get("confidence", 1) < LOW_CONFIDENCE and item.reason is None:
                item.reason = LOW_CONFIDENCE_REASON
    return sorted(items, key=lambda item: item.id, reverse=True)


def feedback_label(row) -> str:
    """👍, or 👎 with its reason and the clerk's own words, as the trainer reads it."""
    if row.rating == "up":
        return "👍"
    why = [FEEDBACK_REASONS.get(row.reason, row.reason or ""), row.comment or ""]
    return " ".join(["👎", *[part for part in why if part]])


class Review:
    """The inbox with the trainer's labels, and the export to the NLU training files."""

    def __init__(self, tracker_db: Union[Path, str] = None, app_db: Union[Path, str] = None, nlu_dir: Path = None):
        self.tracker_db = tracker_db or settings.TRACKER_DB_URL
        self.store = Store(app_db)
        self.store.create()
        self.nlu_dir = nlu_dir or settings.NLU_DIR

    def labels(self) -> Dict[int, LabelRow]:
        with self.store.session() as session:
            return {row.item_id: row for row in session.execute(select(LabelRow)).scalars()}

    def items(
        self,
        everything: bool = False,
        reason: str = None,
        article: str = None,
        since: datetime.date = None,
        until: datetime.date = None,
        open_only: bool = False,
    ) -> List[Item]:
        labels = self.labels()
        feedback = {(row.sender_id, row.question): row for row in self.store.feedback()}
        chosen = []
        for item in questions(self.tracker_db):
            given = feedback.get((item.sender, item.text))
            if given is not None:
                item.feedback = feedback_label(given)
                item.feedback_reason = given.reason if given.rating == "down" else None
            row = labels.get(item.id)
            if row is not None:
                item.label, item.note, item.reviewed = row.label, row.note, row.reviewed
                item.exported = row.exported and row.exported.isoformat(timespec="seconds")
                item.tags = split_tags(row.tags)
                item.later, item.reviewed_by = bool(row.later), row.reviewed_by
            if not everything and item.reason is None:
                continue
            if open_only and item.reviewed:
                continue
            if reason and item.reason != reason:
                continue
            if article and article not in (item.predicted, item.label):
                continue
            day = datetime.date.fromisoformat(item.created[:10])
            if (since and day < since) or (until and day > until):
                continue
            chosen.append(item)
        return chosen

    def allowed_labels(self) -> List[str]:
        return sorted(article.id for article in load_articles()) + [OUT_OF_SCOPE, NEW_TOPIC]

    def titles(self) -> Dict[str, str]:
        """Article id -> title, from the knowledge store (ordered by title)."""
        return self.store.titles()

    def label(
        self,
        item_ids: Iterable[int],
        label: Optional[str],
        note: str = None,
        reviewed: bool = True,
        by: str = None,
        tags: Iterable[str] = (),
    ) -> int:
        """Records the right article (or out_of_scope / nieuw_onderwerp) for items; returns how many. Nothing is
        saved when the label or an item is unknown."""
        item_ids = list(dict.fromkeys(item_ids))
        if label is not None and label not in self.allowed_labels():
            raise ValueError(f"onbekend label '{label}': kies een artikel-id, {OUT_OF_SCOPE} of {NEW_TOPIC}")
        known = self._known(item_ids)
        with self.store.session.begin() as session:
            for item_id in item_ids:
                row = self._row(session, item_id, known)
                if label is not None:
                    row.label, row.labelled, row.exported = label, datetime.datetime.utcnow(), None
                row.note = note if note is not None else row.note
                row.tags = join_tags(split_tags(row.tags) + list(tags))
                self._set_reviewed(row, reviewed, by)
                if reviewed:
                    row.later = False
                session.add(row)
        return len(item_ids)

    def update(
        self,
        item_ids: Iterable[int],
        *,
        reviewed: bool = None,
        later: bool = None,
        tags: Iterable[str] = (),
        remove_tag: str = None,
        by: str = None,
    ) -> int:
        """Marks items reviewed (or open again), for later, or adds tags; returns how many."""
        item_ids = list(dict.fromkeys(item_ids))
        known = self._known(item_ids)
        with self.store.session.begin() as session:
            for item_id in item_ids:
                row = self._row(session, item_id, known)
                if reviewed is not None:
                    self._set_reviewed(row, reviewed, by)
                if later is not None:
                    row.later = later
                row.tags = join_tags([tag for tag in split_tags(row.tags) + list(tags) if tag != remove_tag])
                session.add(row)
        return len(item_ids)

    def _known(self, item_ids: List[int]) -> Dict[int, Item]:
        known = {item.id: item for item in questions(self.tracker_db)}
        missing = [item_id for item_id in item_ids if item_id not in known]
        if missing:
            raise ValueError(f"onbekend item: {', '.join(map(str, missing))}")
        return known

    @staticmethod
    def _row(session, item_id: int, known: Dict[int, Item]) -> LabelRow:
        return session.get(LabelRow, item_id) or LabelRow(item_id=item_id, text=known[item_id].text, reviewed=False)

    @staticmethod
    def _set_reviewed(row: LabelRow, reviewed: bool, by: Optional[str]) -> None:
        row.reviewed = reviewed
        row.reviewed_by, row.reviewed_at = (by, datetime.datetime.utcnow()) if reviewed else (None, None)

    def pending_export(self) -> List[LabelRow]:
        """Labelled questions not yet written to data/nlu (the next export or training takes them)."""
        with self.store.session() as session:
            return list(
                session.execute(
                    select(LabelRow)
                    .where(LabelRow.exported.is_(None))
                    .where(LabelRow.label.is_not(None))
                    .where(LabelRow.label != NEW_TOPIC)
                ).scalars()
            )

    def export(self) -> List[dict]:
        """Appends labelled, not yet exported questions to data/nlu (skipping ones already there)."""
        existing = {
            line.strip()[2:].strip().lower()
            for path in self.nlu_dir.rglob("*.yml")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("- ")
        }
        written = []
        with self.store.session.begin() as session:
            rows = session.execute(
                select(LabelRow)
                .where(LabelRow.exported.is_(None))
                .where(LabelRow.label.is_not(None))
                .where(LabelRow.label != NEW_TOPIC)
            ).scalars()
            for row in rows:
                path = self._file_for(row.label)
                # One line, and no square or curly brackets: Rasa would read "[...](...)" as entity markup.
                text = " ".join(row.text.split()).translate(str.maketrans("[]{}", "()()"))
                if text.lower() not in existing:
                    _append_example(path, row.label, text)
                    existing.add(text.lower())
                    written.append({"text": text, "label": row.label, "file": str(path)})
                row.exported, row.exported_to = datetime.datetime.utcnow(), str(path)
        return written

    def _file_for(self, label: str) -> Path:
        return self.nlu_dir / ("out_of_scope.yml" if label == OUT_OF_SCOPE else f"articles/{label}.yml")


def _append_example(path: Path, intent: str, text: str) -> None:
    """Adds one example at the end of the file's single intent block, keeping the file valid Rasa YAML."""
    content = path.read_text(encoding="utf-8")
    data = yaml.safe_load(content)
    if [item["intent"] for item in data["nlu"]] != [intent]:
        raise ValueError(f"{path}: verwacht precies één intent '{intent}'")
    path.write_text(content.rstrip("\n") + f"\n    - {text}\n", encoding="utf-8")
    yaml.safe_load(path.read_text(encoding="utf-8"))


def as_json(items: List[Item]) -> str:
    return json.dumps([item.public() for item in items], ensure_ascii=False, indent=2)


MAX_TAG = 30


def split_tags(value: Optional[str]) -> List[str]:
    return [tag for tag in (value or "").split(",") if tag]


def clean_tags(text: str) -> List[str]:
    """A trainer's tags as typed ("later, Wet 2026"): lower case, at most 30 characters, no commas."""
    return [" ".join(tag.lower().split())[:MAX_TAG] for tag in (text or "").split(",") if tag.strip()]


def join_tags(tags: Iterable[str]) -> Optional[str]:
    unique = list(dict.fromkeys(tag for tag in tags if tag))
    return ",".join(unique) or None


@dataclass
class Group:
    """Near-identical questions (the same text after normalising), newest first; labelled in one action."""

    key: str
    items: List[Item]

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def ids(self) -> List[int]:
        return [item.id for item in self.items]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def reasons(self) -> List[str]:
        return list(dict.fromkeys(item.reason for item in self.items if item.reason))

    @property
    def channels(self) -> List[str]:
        return list(dict.fromkeys(item.channel for item in self.items))

    @property
    def tags(self) -> List[str]:
        return list(dict.fromkeys(tag for item in self.items for tag in item.tags))

    @property
    def labels(self) -> List[str]:
        return list(dict.fromkeys(item.label for item in self.items if item.label))

    @property
    def feedback(self) -> List[str]:
        return list(dict.fromkeys(item.feedback for item in self.items if item.feedback))

    @property
    def reviewed(self) -> bool:
        return all(item.reviewed for item in self.items)

    @property
    def later(self) -> bool:
        return any(item.later for item in self.items)


def grouped(items: List[Item]) -> List[Group]:
    """Items grouped by their normalised text, in the order of each group's newest item."""
    groups: Dict[str, Group] = {}
    for item in items:
        groups.setdefault(item.group, Group(item.group, [])).items.append(item)
    return list(groups.values())


def normalised_text(item: Item) -> str:
    return normalised(item.text)
