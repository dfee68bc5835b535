"""The names the outside contract (docs/contract.md), the conversation rules (domain.yml, data/rules/) and the code
share, defined once: reply kinds, the intents with a special meaning, button payloads, and their Dutch labels."""

import json

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

# An answer below this confidence tells the clerk it may not be her question, and goes to the trainer's inbox.
LOW_CONFIDENCE = 0.7

# Intents with a meaning of their own besides the article intents (whose names are the article ids).
OUT_OF_SCOPE = "out_of_scope"  # also the trainer's label for a question the assistant must decline
NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: not sure which intent
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
FEEDBACK_REASON = "feedback_reason"
NONE_OF_THESE = "none_of_these"
# Follow-ups about the article of the conversation.
ASK_SOURCE = "ask_source"
ASK_EXPLANATION = "ask_explanation"
ASK_CAVEATS = "ask_caveats"
ASK_STEPS = "ask_steps"
ASK_CONTACT = "ask_contact"
ASK_SHORTER = "ask_shorter"
ASK_LOCAL = "ask_local"

# Why a clerk gave 👎, one tap each (the reason buttons); "onjuist" and "verouderd" are content work for the
# kennisbeheerder, the other two are about understanding the question.
FEEDBACK_REASONS = {
    "onjuist": "klopt inhoudelijk niet",
    "verouderd": "verouderd",
    "onvolledig": "onvolledig",
    "niet_mijn_vraag": "niet mijn vraag",
}
CONTENT_REASONS = ("onjuist", "verouderd")


def payload(intent: str, **entities: str) -> str:
    """A button's payload: the intent (and entities) as Rasa reads them from a message that starts with a slash."""
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def is_payload(text: str) -> bool:
    return text.startswith("/")
