"""How one Baliegids reply looks in Teams: a single Adaptive Card with the text, links to the sources and the
buttons, sent as a reply to the clerk's message."""
import re
from typing import List

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# In a TextBlock Teams keeps a single line break only between list items; elsewhere a new line needs an empty line.
LONE_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n|- |\d+\. )")


def teams_markdown(text: str) -> str:
    return LONE_LINE_BREAK.sub("\n\n", text)


def with_source_links(text: str, sources: List[dict]) -> str:
    """The answer's source list ("[1] title: url") with each title as a link; a seed document has no url and
    keeps its plain title."""
    for source in sources:
        if source.get("url"):
            text = text.replace(f"{source['title']}: {source['url']}", f"[{source['title']}]({source['url']})")
    return text


def action(button: dict) -> dict:
    """messageBack: a click sends the payload to the bot as message text and shows the button title in the chat."""
    return {"type": "Action.Submit", "title": button["title"],
            "data": {"msteams": {"type": "messageBack", "text": button["payload"], "displayText": button["title"]}}}


def render_activity(message: dict, incoming: dict) -> dict:
    """The reply activity for one bot message (text, buttons, custom) to the message activity `incoming`."""
    body = []
    if message.get("text"):
        text = with_source_links(message["text"], (message.get("custom") or {}).get("sources") or [])
        body.append({"type": "TextBlock", "text": teams_markdown(text), "wrap": True})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body, "actions": [action(button) for button in message.get("buttons") or []]}
    activity = {"type": "message", "from": incoming["recipient"], "recipient": incoming["from"],
                "conversation": incoming["conversation"], "replyToId": incoming["id"],
                "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}]}
    if incoming.get("locale"):
        activity["locale"] = incoming["locale"]
    return activity
