"""What the kennisbeheerder reads instead of the names developers use: the clerk's intents, the channels, what the
assistant did at a turn, and the normalised form of a question that groups near-identical ones."""

import hashlib
import re
import unicodedata
from typing import Dict, Iterable, Optional

from bot.contract import (
    ANSWER,
    ASK_CAVEATS,
    ASK_CONTACT,
    ASK_EXPLANATION,
    ASK_SHORTER,
    ASK_SOURCE,
    ASK_STEPS,
    CLARIFY,
    FEEDBACK_DOWN,
    FEEDBACK_REASON,
    FEEDBACK_REASONS,
    FEEDBACK_UP,
    HANDOFF,
    NLU_FALLBACK,
    NO_ANSWER,
    NONE_OF_THESE,
    OUT_OF_SCOPE,
    SMALLTALK,
)

# What the clerk asked for, by intent (the article intents are named by their article's title).
INTENT_LABELS = {
    OUT_OF_SCOPE: "buiten de kennisbank",
    NLU_FALLBACK: "niet zeker welk onderwerp",
    "greet": "groet",
    "goodbye": "afscheid",
    "thanks": "bedankje",
    "bot_challenge": "vraagt of dit een computer is",
    "capabilities": "vraagt wat Baliegids kan",
    "start_over": "begint opnieuw",
    ASK_SOURCE: "vervolgvraag: waar staat dat?",
    ASK_EXPLANATION: "vervolgvraag: meer uitleg",
    ASK_CAVEATS: "vervolgvraag: voorbehouden",
    ASK_STEPS: "vervolgvraag: wat moet ik doen?",
    ASK_CONTACT: "vervolgvraag: wie kan ik bellen?",
    ASK_SHORTER: "vervolgvraag: korter",
    "request_human": "vraagt om een collega",
    "affirm": "ja",
    "deny": "nee",
    "dont_know": "weet ik niet",
    "stop": "stop",
    NONE_OF_THESE: "geen van deze",
    "choose_domain": "kiest een onderwerpgebied",
    FEEDBACK_UP: "👍",
    FEEDBACK_DOWN: "👎",
    FEEDBACK_REASON: "reden bij 👎",
    "start_briefadres_hulp": "start de keuzehulp briefadres",
    "start_urgentie_hulp": "start de keuzehulp urgentie",
    "start_kvk_hulp": "start de keuzehulp KvK",
}

# What a follow-up gave of the article.
FOLLOW_UP_PARTS = {
    ASK_SOURCE: "de bronnen",
    ASK_EXPLANATION: "de uitleg",
    ASK_CAVEATS: "de voorbehouden",
    ASK_STEPS: "de stappen",
    ASK_CONTACT: "wie je kunt bellen",
    ASK_SHORTER: "het korte antwoord",
}

# Rasa's input channel names, as the kennisbeheerder knows them.
CHANNEL_LABELS = {"rest": "chatwidget", "slack": "Slack", "teams": "Teams", "": "onbekend"}

OUT_OF_SCOPE_LABEL = "Buiten de kennisbank (weigeren)"
NEW_TOPIC_LABEL = "Nieuw onderwerp (nog geen artikel)"


def channel_label(channel: Optional[str]) -> str:
    return CHANNEL_LABELS.get(channel or "", channel or "onbekend")


def topic(article_id: Optional[str], titles: Dict[str, str]) -> str:
    """An article as the trainer reads it: its title in quotes, or what the name stands for."""
    if not article_id:
        return "geen"
    if article_id in titles:
        return f"“{titles[article_id]}”"
    if article_id == OUT_OF_SCOPE:
        return "buiten de kennisbank"
    if article_id == NONE_OF_THESE:
        return "“Geen van deze”"
    return INTENT_LABELS.get(article_id, article_id)


def intent_label(intent: Optional[str], titles: Dict[str, str]) -> str:
    if intent in titles:
        return f"artikel “{titles[intent]}”"
    return INTENT_LABELS.get(intent or "", intent or "onbekend")


def listed(ids: Iterable[str], titles: Dict[str, str]) -> str:
    return ", ".join(topic(article_id, titles) for article_id in ids)


def did(
    kind: Optional[str],
    titles: Dict[str, str],
    *,
    article: str = None,
    candidates: Iterable[str] = (),
    chosen: str = None,
    contact: str = "",
    intent: str = None,
    declined_as: str = None,
) -> str:
    """What the assistant did at a turn, in plain Dutch: "gaf artikel X", "vroeg welk onderwerp: A, B; gekozen: B",
    "verwees door"."""
    if kind == ANSWER:
        part = FOLLOW_UP_PARTS.get(intent or "")
        return f"gaf {part} van artikel {topic(article, titles)}" if part else f"gaf artikel {topic(article, titles)}"
    if kind == CLARIFY:
        text = f"vroeg welk onderwerp: {listed(candidates, titles)}"
        if chosen:
            return f"{text}; gekozen: {topic(chosen, titles)}"
        return f"{text}; niets gekozen"
    if kind == NO_ANSWER:
        return "gaf geen antwoord" + (" (buiten de kennisbank)" if declined_as == OUT_OF_SCOPE else " (niet begrepen)")
    if kind == HANDOFF:
        return f"verwees door naar {contact}" if contact else "verwees door naar een collega"
    if kind == SMALLTALK:
        return "gaf een standaardantwoord (geen artikel)"
    return "gaf geen antwoord"


def feedback_text(rating: str, reason: Optional[str], comment: Optional[str] = None) -> str:
    if rating == "up":
        return "👍"
    parts = [FEEDBACK_REASONS.get(reason or "", reason or ""), comment or ""]
    return " ".join(["👎", *[part for part in parts if part]])


_PUNCTUATION = re.compile(r"[^\w\s\[\]]+")


def normalised(text: str) -> str:
    """Near-identical questions are the same text after this: lower case, no accents, no punctuation, one space."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(character for character in text if not unicodedata.combining(character))
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def group_key(text: str) -> str:
    """A short, stable name for a group of near-identical questions (used in addresses, never shown)."""
    return hashlib.sha1(normalised(text).encode("utf-8")).hexdigest()[:12]
