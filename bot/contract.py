"""The names the outside contract (docs/contract.md), the conversation rules (domain.yml, data/rules/) and the code
share, defined once: reply kinds, the intents with a special meaning, button payloads, and their Dutch labels."""

# custom.type of every reply (docs/contract.md, "Chat over the REST channel")
ANSWER = "answer"
CLARIFY = "clarify"
NO_ANSWER = "no_answer"
HANDOFF = "handoff"
SMALLTALK = "smalltalk"
REPLY_KINDS = (ANSWER, CLARIFY, NO_ANSWER, HANDOFF, SMALLTALK)
# What the trainer reads for each reply kind (review pages, insight).
KIND_LABELS = {
    ANSWER: "beantwoord",
    CLARIFY: "verduidelijking gevraagd",
    NO_ANSWER: "geweigerd",
    HANDOFF: "doorverwezen",
    SMALLTALK: "smalltalk",
}

# Intents with a meaning of their own besides the article intents (whose names are the article ids).
OUT_OF_SCOPE = "out_of_scope"  # also the trainer's label for a question the assistant must decline
NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: not sure which intent
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
NONE_OF_THESE = "none_of_these"


def payload(intent: str) -> str:
    """A button's payload: the intent as Rasa reads it from a message that starts with a slash."""
    return f"/{intent}"


def is_payload(text: str) -> bool:
    return text.startswith("/")
