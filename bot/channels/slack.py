"""Rasa's Slack channel with our replies rendered as one Block Kit message each.

Rasa's SlackInput does the rest and we rely on it: it checks the signature and rejects requests older than five
minutes (400), ignores the bot's own messages, answers Slack's retries after a timeout without handling the message
twice, answers right away and handles the message in the background, and turns a button click (`block_actions`)
into the button's payload. Its name stays "slack", so the webhook is /webhooks/slack/webhook."""

import copy
import html
import json
import re
import textwrap
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels import MAX_CHARACTERS
from bot.channels.deliveries import first_delivery
from bot.contract import ANSWER, payload
from bot.knowledge.render import FOLLOW_UPS, sources_shown

BOLD = re.compile(r"\*\*(.+?)\*\*")
SECTION_PAYLOADS = {payload(intent) for intent in FOLLOW_UPS.values()}
MAX_BODY_BYTES = 64 * 1024  # an event or an interaction with a long message; Slack sends far less


def _escaped(text: str) -> str:
    """Slack's mrkdwn needs &, < and > escaped (quotes may stay)."""
    return html.escape(text, quote=False)


def _sections(text: str) -> List[str]:
    """The text in pieces that fit a section block, cut between paragraphs (a paragraph that is too long on its
    own is cut between words)."""
    limit = SectionBlock.text_max_length
    paragraphs = [
        piece for paragraph in text.split("\n\n") for piece in textwrap.wrap(paragraph, limit, replace_whitespace=False)
    ]
    sections: List[str] = []
    for paragraph in paragraphs:
        if sections and len(sections[-1]) + 2 + len(paragraph) <= limit:
            sections[-1] += "\n\n" + paragraph
        else:
            sections.append(paragraph)
    return sections


def answer_mrkdwn(custom: Dict[str, Any]) -> str:
    """An answer from the contract's structured payload: the title, its open sections (the closed ones are the
    section buttons, whose replies go to the thread), and the sources as links."""
    parts = [f"*{_escaped(custom.get('heading') or custom['title'])}*"]
    for section in custom["sections"]:
        if not section["open"]:
            continue
        body = (
            _escaped(section["text"])
            if section["text"]
            else "\n".join(
                (f"{number}. " if section["numbered"] else "• ") + _escaped(item)
                for number, item in enumerate(section["items"], start=1)
            )
        )
        parts.append(f"*{_escaped(section['title'])}*\n{body}" if section["title"] else body)
    sources = sources_shown(custom)
    if sources:
        parts.append(
            "*Bronnen*\n"
            + "\n".join(
                f"[{source['number']}] "
                + (
                    f"<{_escaped(source['url'])}|{_escaped(source['title'])}>"
                    if source["url"]
                    else _escaped(source["title"])
                )
                for source in sources
            )
        )
    parts.append(f"Laatst gecontroleerd: {custom['last_verified']}")
    return "\n\n".join(parts)


def _button(index: int, button: Dict[str, str]) -> ButtonElement:
    title, limit = button["title"], ButtonElement.text_max_length
    if len(title) > limit:
        title = title[: limit - 1] + "…"
    return ButtonElement(
        text=PlainTextObject(text=title, emoji=True), value=button["payload"], action_id=f"knop_{index}"
    )


def slack_message(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """One reply from our actions (text, buttons, the contract's custom object) as chat.postMessage arguments: an
    answer rendered from its structured payload, any other reply from its text (in Slack's mrkdwn), the buttons as
    an actions block. None when there is nothing to show."""
    custom = message.get("custom") or {}
    if custom.get("type") == ANSWER:
        text = answer_mrkdwn(custom)
    else:
        text = BOLD.sub(r"*\1*", _escaped(message.get("text") or ""))
    blocks = [SectionBlock(text=MarkdownTextObject(text=section)) for section in _sections(text)]
    buttons = message.get("buttons") or []
    if buttons:
        blocks.append(ActionsBlock(elements=[_button(index, button) for index, button in enumerate(buttons)]))
    if not blocks:
        return None
    return {"text": text.split("\n\n", 1)[0], "blocks": [block.to_dict() for block in blocks]}


class BaliegidsSlackBot(SlackBot):
    """Posts each reply as one message (Rasa's SlackBot would post text, buttons and the custom object apart, and
    the custom object as chat.postMessage arguments), through the Web API at `api_url`."""

    def __init__(
        self,
        token: Text,
        api_url: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        arguments = slack_message(message)
        if arguments:
            await self._post_message(self.slack_channel or recipient_id, **arguments)


class BaliegidsSlackInput(SlackInput):
    """Set up from SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and the optional SLACK_API_URL (bot/runtime/credentials.py)."""

    api_url: Text = AsyncWebClient.BASE_URL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = super().from_credentials(
            {
                "slack_token": credentials.get("slack_bot_token"),
                "slack_signing_secret": credentials.get("slack_signing_secret", ""),
            }
        )
        if credentials.get("slack_api_url"):
            channel.api_url = credentials["slack_api_url"]
        return channel

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        """A section button under an answer ("Uitleg", ...) is answered in that answer's thread; everything else in
        the conversation itself (Rasa's SlackInput threads either all replies or none)."""
        if text in SECTION_PAYLOADS and (metadata or {}).get("thread_id"):
            threaded = copy.copy(self)
            threaded.use_threads = True
            return await SlackInput.process_message(threaded, request, on_new_message, text, sender_id, metadata)
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return BaliegidsSlackBot(self.slack_token, self.api_url, channel or self.slack_channel, thread_id, self.proxy)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.on_request
        async def guard(request: Request):
            """Before Rasa's handler: the size limit; then, for a genuine request only, the url_verification
            challenge (Rasa answers it as a bare JSON string; Slack documents plain text, a form or {"challenge":
            ...}), a delivery seen before (a retry or a replay within the signature's five minutes: acknowledged,
            not answered again) and a message that is too long."""
            if request.method != "POST":
                return None
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text("Verzoek te groot.", status=413)
            if not self.is_request_from_slack_authentic(request):
                return None  # Rasa refuses it (400)
            body = _body(request)
            if body is None:
                return response.text("Onvolledig of onleesbaar Slack-verzoek.", status=400)
            if body.get("type") == "url_verification":
                return response.json({"challenge": body.get("challenge")})
            key = _delivery_id(body)
            if key and not first_delivery(f"slack:{key}"):
                return response.text("Al ontvangen.", headers={"X-Slack-No-Retry": "1"})
            event = body.get("event") or {}
            if len(event.get("text") or "") > MAX_CHARACTERS:
                await self.get_output_channel(event.get("channel")).send_text_message(
                    event.get("user"),
                    f"Je bericht is te lang (meer dan {MAX_CHARACTERS} tekens). Stel je vraag korter.",
                )
                return response.text("Te lang.")
            return None

        @webhook.exception(KeyError, TypeError, ValueError, AttributeError, IndexError)
        async def malformed(request: Request, exception: Exception):
            """A signed request Rasa could not read: 400, so Slack does not keep retrying it (it would after 500)."""
            return response.text("Onvolledig Slack-verzoek.", status=400)

        return webhook


def _body(request: Request) -> Optional[Dict[str, Any]]:
    """An event (JSON) or an interaction (a form with a JSON payload), as an object; None when it is neither."""
    try:
        if request.content_type == "application/json":
            body = request.json
        else:
            body = json.loads(request.form.get("payload", ""))
    except Exception:  # Sanic raises for invalid JSON or UTF-8, json for a missing or broken payload
        return None
    return body if isinstance(body, dict) else None


def _delivery_id(body: Dict[str, Any]) -> Optional[str]:
    """What makes a delivery unique: the event id, or for a button click the clicked action's time."""
    if body.get("event_id"):
        return str(body["event_id"])
    actions = body.get("actions") or []
    if actions and isinstance(actions[0], dict) and actions[0].get("action_ts"):
        return f"{(body.get('user') or {}).get('id')}:{actions[0]['action_ts']}"
    return None
