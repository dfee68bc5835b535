"""One whole (redacted) conversation as the kennisbeheerder reads it: per turn what the clerk asked or clicked, what
the assistant did in plain Dutch ("gaf artikel X", "vroeg welk onderwerp: A, B, C; gekozen: B", "verwees door"), how
sure it was, and the feedback given there."""

import datetime
import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from bot import settings
from bot.contract import (
    ANSWER,
    CLARIFY,
    FEEDBACK_DOWN,
    FEEDBACK_REASON,
    FEEDBACK_REASONS,
    FEEDBACK_UP,
    NLU_FALLBACK,
    NO_ANSWER,
    NONE_OF_THESE,
    SMALLTALK,
    is_payload,
)
from bot.review.inbox import Item, _events
from bot.review.words import INTENT_LABELS, did, feedback_text, topic


@dataclass
class Turn:
    id: int
    created: str
    text: str
    payload: bool
    intent: Optional[str]
    confidence: float
    asked: str = ""  # a button or a 👍/👎, in words
    kind: str = ""
    article: Optional[str] = None
    candidates: List[str] = field(default_factory=list)
    chosen: Optional[str] = None
    contact: str = ""
    declined_as: Optional[str] = None
    answer: str = ""
    feedback: str = ""
    item: Optional[Item] = None  # the review item of a typed question
    done: str = ""  # what the assistant did, in words (set by describe)


@dataclass
class Conversation:
    sender: str
    channel: str
    turns: List[Turn]

    @property
    def started(self) -> str:
        return self.turns[0].created if self.turns else ""

    @property
    def items(self) -> List[Item]:
        return [turn.item for turn in self.turns if turn.item is not None]

    @property
    def to_review(self) -> List[Item]:
        return [item for item in self.items if item.reason and not item.reviewed]

    @property
    def reviewed(self) -> bool:
        return all(item.reviewed for item in self.items)


def _entity(parse: dict, name: str) -> Optional[str]:
    return next((entity.get("value") for entity in parse.get("entities") or [] if entity.get("entity") == name), None)


def _asked(intent: Optional[str], parse: dict, titles: Dict[str, str]) -> str:
    """A button payload or a 👍/👎 in words."""
    if intent in titles:
        return f"koos het onderwerp {topic(intent, titles)}"
    if intent == NONE_OF_THESE:
        return "koos “Geen van deze”"
    if intent in (FEEDBACK_UP, FEEDBACK_DOWN):
        article = _entity(parse, "article")
        return f"gaf {INTENT_LABELS[intent]}" + (f" op {topic(article, titles)}" if article else "")
    if intent == FEEDBACK_REASON:
        reason = _entity(parse, "reason")
        return f"gaf als reden bij 👎: {FEEDBACK_REASONS.get(reason or '', reason or 'geen')}"
    if intent == "choose_domain":
        return f"koos het onderwerpgebied {_entity(parse, 'domain') or ''}".strip()
    return f"klikte: {INTENT_LABELS.get(intent or '', intent or 'onbekend')}"


def conversation(sender: str, items: List[Item], titles: Dict[str, str], tracker_db=None, feedback=()) -> Conversation:
    """The conversation of `sender` from Rasa's tracker store; `items`: the review items (typed questions) of that
    sender; `feedback`: the app database's feedback rows of that sender (their reasons and comments)."""
    url = settings.database_url(tracker_db or settings.TRACKER_DB_URL)
    engine = create_engine(url, poolclass=NullPool, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            select(_events.c.id, _events.c.type_name, _events.c.data)
            .where(_events.c.sender_id == sender)
            .where(_events.c.type_name.in_(["user", "bot"]))
            .order_by(_events.c.id)
        ).all()
    by_id = {item.id: item for item in items}
    turns: List[Turn] = []
    channel = ""
    for row in rows:
        data = json.loads(row.data)
        if row.type_name == "user":
            parse = data.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            text = data.get("text") or ""
            channel = channel or data.get("input_channel") or ""
            item = by_id.get(row.id)
            turn = Turn(
                id=row.id,
                created=datetime.datetime.fromtimestamp(data["timestamp"], datetime.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                text=text,
                payload=is_payload(text),
                intent=intent,
                confidence=item.confidence
                if item
                else round(float((parse.get("intent") or {}).get("confidence") or 0), 4),
                item=item,
            )
            if turn.payload:
                turn.asked = _asked(intent, parse, titles)
                previous = turns[-1] if turns else None
                if previous is not None and previous.kind == CLARIFY and previous.chosen is None:
                    previous.chosen = intent
                if intent in (FEEDBACK_UP, FEEDBACK_DOWN, FEEDBACK_REASON):
                    _mark_feedback(turns, intent, parse)
            turns.append(turn)
        elif turns:
            turn = turns[-1]
            custom = ((data.get("data") or {}).get("custom")) or {}
            if data.get("text"):
                turn.answer = (turn.answer + "\n\n" + data["text"]).strip()
            kind = custom.get("type")
            if kind:
                turn.kind = kind
                turn.article = custom.get("article") or turn.article
                turn.candidates = list(custom.get("candidates") or turn.candidates)
                turn.contact = (custom.get("contact") or {}).get("role") or turn.contact
    _stored_feedback(turns, feedback)
    for turn in turns:
        if turn.kind == NO_ANSWER:
            turn.declined_as = turn.item.declined_as if turn.item else None
        turn.done = describe(turn, titles)
    return Conversation(sender, channel, turns)


def _mark_feedback(turns: List[Turn], intent: str, parse: dict) -> None:
    """👍/👎 on the latest answer with the article its button names; a reason on the latest 👎."""
    if intent == FEEDBACK_REASON:
        target = next((turn for turn in reversed(turns) if turn.feedback.startswith("👎")), None)
        reason = _entity(parse, "reason")
        if target is not None and reason in FEEDBACK_REASONS:
            target.feedback = feedback_text("down", reason)
        return
    article = _entity(parse, "article")
    target = next(
        (
            turn
            for turn in reversed(turns)
            if not turn.payload and turn.kind == ANSWER and article in (None, turn.article)
        ),
        None,
    ) or next((turn for turn in reversed(turns) if turn.kind == ANSWER and article in (None, turn.article)), None)
    if target is not None:
        target.feedback = feedback_text("up" if intent == FEEDBACK_UP else "down", None)


def _stored_feedback(turns: List[Turn], feedback) -> None:
    """The app database's feedback rows (with a typed comment or a reason) on the question they were given on."""
    for row in feedback:
        target = next(
            (
                turn
                for turn in reversed(turns)
                if not turn.payload and turn.text == row.question and row.article_id in (None, turn.article)
            ),
            None,
        )
        if target is not None:
            target.feedback = feedback_text(row.rating, row.reason, row.comment)


def describe(turn: Turn, titles: Dict[str, str]) -> str:
    if turn.kind == SMALLTALK:
        if turn.intent == FEEDBACK_DOWN:
            return "vroeg wat er mis was met het antwoord"
        if turn.intent in (FEEDBACK_UP, FEEDBACK_REASON):
            return "bedankte voor de feedback"
    if not turn.kind and turn.intent == NLU_FALLBACK:
        return "gaf geen antwoord"
    return did(
        turn.kind,
        titles,
        article=turn.article,
        candidates=turn.candidates,
        chosen=turn.chosen,
        contact=turn.contact,
        intent=turn.intent,
        declined_as=turn.declined_as,
    )
