"""Where the browser tests leave the pictures the README shows (`make screenshots` copies them to docs/), and a small
preview page that draws a Teams card or a Slack message from the payload the channel sends."""

import html
import json
import re
from pathlib import Path

from bot import settings


def screenshot(name: str) -> Path:
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


STYLE = """body { font: 14px/1.4 system-ui, sans-serif; background: #f5f5f5; margin: 0; padding: 16px; }
.card { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: 12px 16px; width: 520px; }
.bold { font-weight: 600; } .medium { font-size: 1.15em; } .subtle { color: #666; font-size: .85em; }
.actions button { margin: 6px 6px 0 0; padding: 4px 10px; border: 1px solid #5b5fc7; background: #fff; color: #5b5fc7;
  border-radius: 4px; } .hidden { display: none; } p { margin: 4px 0 8px; } a { color: #4f52b2; }
.slack { border-left: 4px solid #4a154b; } .slack .actions button { border-color: #1d1c1d; color: #1d1c1d; }"""


MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")  # Teams' [title](url)
SLACK_LINK = re.compile(r"&lt;(https?://[^|]+)\|([^&]+)&gt;")  # Slack's <url|title>, escaped once more here


def _text(value: str) -> str:
    escaped = html.escape(value)
    escaped = MARKDOWN_LINK.sub(r'<a href="\2">\1</a>', escaped)
    escaped = SLACK_LINK.sub(r'<a href="\1">\2</a>', escaped)
    return re.sub(r"\*([^*\n]+)\*", r"<b>\1</b>", escaped).replace("\n", "<br>")


def teams_preview(card: dict) -> str:
    """An Adaptive Card drawn as Teams shows it (TextBlocks, hidden containers, actions)."""

    def block(item: dict) -> str:
        if item["type"] == "Container":
            inner = "".join(block(child) for child in item["items"])
            return f'<div id="{item["id"]}" class="{"" if item.get("isVisible", True) else "hidden"}">{inner}</div>'
        classes = " ".join(
            name
            for name, on in (
                ("bold", item.get("weight") == "Bolder"),
                ("medium", item.get("size") == "Medium"),
                ("subtle", item.get("isSubtle")),
            )
            if on
        )
        return f'<p class="{classes}">{_text(item["text"])}</p>'

    body = "".join(block(item) for item in card["body"])
    actions = "".join(f"<button>{html.escape(action['title'])}</button>" for action in card["actions"])
    return _page(f'<div class="card">{body}<div class="actions">{actions}</div></div>', card)


def slack_preview(message: dict) -> str:
    """A Block Kit message drawn as Slack shows it (sections in mrkdwn, an actions block)."""
    parts = []
    for block in message["blocks"]:
        if block["type"] == "section":
            parts.append(f"<p>{_text(html.unescape(block['text']['text']))}</p>")
        elif block["type"] == "actions":
            buttons = "".join(f"<button>{html.escape(e['text']['text'])}</button>" for e in block["elements"])
            parts.append(f'<div class="actions">{buttons}</div>')
    return _page(f'<div class="card slack">{"".join(parts)}</div>', message)


def _page(body: str, payload: dict) -> str:
    return (
        f"<!doctype html><html lang='nl'><meta charset='utf-8'><style>{STYLE}</style><body>{body}"
        f"<script type='application/json'>{html.escape(json.dumps(payload))}</script></body></html>"
    )
