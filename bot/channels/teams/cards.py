"""How one Baliegids reply looks in Teams: a single Adaptive Card sent as a reply to the clerk's message. An answer
is rendered from the contract's structured payload: the title and open sections, the sources as links, and each
closed section (explanation, caveats, all sources) in the card itself, shown by its button (Action.ToggleVisibility).
Any other reply is rendered from its text; the other buttons become messageBack actions."""

import re
from typing import List

from bot.contract import ANSWER
from bot.knowledge.render import SOURCES, sources_shown

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# In a TextBlock Teams keeps a single line break only between list items; elsewhere a new line needs an empty line.
LONE_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n|- |\d+\. )")


def teams_markdown(text: str) -> str:
    return LONE_LINE_BREAK.sub("\n\n", text)


def text_block(text: str, **style) -> dict:
    return {"type": "TextBlock", "text": teams_markdown(text), "wrap": True, **style}


def source_lines(sources: List[dict]) -> str:
    """A seed document without a url keeps its plain title."""
    return "\n".join(
        f"[{source['number']}] " + (f"[{source['title']}]({source['url']})" if source["url"] else source["title"])
        for source in sources
    )


def section_blocks(section: dict, sources: List[dict]) -> List[dict]:
    if section["key"] == SOURCES:
        return [text_block(source_lines([source for source in sources if source["number"] in section["cites"]]))]
    blocks = [text_block(section["title"], weight="Bolder")] if section["title"] and section["open"] else []
    return blocks + [
        text_block(
            section["text"]
            or "\n".join(
                (f"{number}. " if section["numbered"] else "- ") + item
                for number, item in enumerate(section["items"], 1)
            )
        )
    ]


def answer_card(custom: dict) -> tuple:
    """The card's body and its toggle actions for the closed sections."""
    body = [text_block(custom.get("heading") or custom["title"], weight="Bolder", size="Medium")]
    toggles = []
    for number, section in enumerate(custom["sections"]):
        blocks = section_blocks(section, custom["sources"])
        if section["open"]:
            body += blocks
            continue
        container = f"sectie-{number}"
        body.append(
            {
                "type": "Container",
                "id": container,
                "isVisible": False,
                "separator": True,
                "items": [text_block(section["title"], weight="Bolder"), *blocks],
            }
        )
        toggles.append({"type": "Action.ToggleVisibility", "title": section["title"], "targetElements": [container]})
    shown = sources_shown(custom)
    if shown:
        body += [text_block("Bronnen", weight="Bolder"), text_block(source_lines(shown))]
    body.append(text_block(f"Laatst gecontroleerd: {custom['last_verified']}", isSubtle=True, size="Small"))
    return body, toggles


def action(button: dict) -> dict:
    """messageBack: a click sends the payload to the bot as message text and shows the button title in the chat."""
    return {
        "type": "Action.Submit",
        "title": button["title"],
        "data": {"msteams": {"type": "messageBack", "text": button["payload"], "displayText": button["title"]}},
    }


def render_activity(message: dict, incoming: dict) -> dict:
    """The reply activity for one bot message (text, buttons, custom) to the message activity `incoming`."""
    custom = message.get("custom") or {}
    buttons = message.get("buttons") or []
    if custom.get("type") == ANSWER:
        body, toggles = answer_card(custom)
        in_card = {section["payload"] for section in custom["sections"] if section["payload"]}
        actions = toggles + [action(button) for button in buttons if button["payload"] not in in_card]
    else:
        body = [text_block(message["text"])] if message.get("text") else []
        actions = [action(button) for button in buttons]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": actions,
    }
    activity = {
        "type": "message",
        "from": incoming["recipient"],
        "recipient": incoming["from"],
        "conversation": incoming["conversation"],
        "replyToId": incoming["id"],
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
    }
    if incoming.get("locale"):
        activity["locale"] = incoming["locale"]
    return activity
