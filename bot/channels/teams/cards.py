"""How one Baliegids reply looks in Teams: a single Adaptive Card sent as a reply to the clerk's message. An answer
is rendered from the contract's structured payload (title, sections, sources as links); any other reply from its
text; the buttons become card actions."""
import re
from typing import List

from bot.contract import ANSWER

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# In a TextBlock Teams keeps a single line break only between list items; elsewhere a new line needs an empty line.
LONE_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n|- |\d+\. )")


def teams_markdown(text: str) -> str:
    return LONE_LINE_BREAK.sub("\n\n", text)


def text_block(text: str, **style) -> dict:
    return {"type": "TextBlock", "text": teams_markdown(text), "wrap": True, **style}


def answer_blocks(custom: dict) -> List[dict]:
    """The title, the open sections, and the sources (a seed document without a url keeps its plain title)."""
    blocks = [text_block(custom.get("heading") or custom["title"], weight="Bolder", size="Medium")]
    for section in custom["sections"]:
        if not section["open"]:
            continue
        if section["title"]:
            blocks.append(text_block(section["title"], weight="Bolder"))
        blocks.append(text_block(section["text"] or "\n".join(
            (f"{number}. " if section["numbered"] else "- ") + item
            for number, item in enumerate(section["items"], start=1))))
    if custom["sources"]:
        blocks.append(text_block("Bronnen", weight="Bolder"))
        blocks.append(text_block("\n".join(
            f"[{source['number']}] " + (f"[{source['title']}]({source['url']})" if source["url"] else source["title"])
            for source in custom["sources"])))
    blocks.append(text_block(f"Laatst gecontroleerd: {custom['last_verified']}", isSubtle=True, size="Small"))
    return blocks


def action(button: dict) -> dict:
    """messageBack: a click sends the payload to the bot as message text and shows the button title in the chat."""
    return {"type": "Action.Submit", "title": button["title"],
            "data": {"msteams": {"type": "messageBack", "text": button["payload"], "displayText": button["title"]}}}


def render_activity(message: dict, incoming: dict) -> dict:
    """The reply activity for one bot message (text, buttons, custom) to the message activity `incoming`."""
    custom = message.get("custom") or {}
    if custom.get("type") == ANSWER:
        body = answer_blocks(custom)
    else:
        body = [text_block(message["text"])] if message.get("text") else []
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body, "actions": [action(button) for button in message.get("buttons") or []]}
    activity = {"type": "message", "from": incoming["recipient"], "recipient": incoming["from"],
                "conversation": incoming["conversation"], "replyToId": incoming["id"],
                "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}]}
    if incoming.get("locale"):
        activity["locale"] = incoming["locale"]
    return activity
