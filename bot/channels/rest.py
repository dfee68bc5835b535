"""Rasa's REST channel (same URL, same reply shape) with the guards an intranet needs: a clear 4xx for malformed
requests, a Dutch reply for empty or too long messages and for a flood from one sender, and a Dutch "tijdelijk
niet beschikbaar" when the action server is down (Rasa itself would fall back to "not understood", which misleads
the clerk) or a turn produced no reply at all."""

import logging
from collections import Counter
from typing import Awaitable, Callable, List

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.contract import NO_ANSWER

logger = logging.getLogger(__name__)

MAX_CHARACTERS = 2000
MAX_SENDER = 128
# A person waits for each reply; more messages of one sender at the same time (they queue behind the conversation's
# lock) are a runaway script or a stuck client. A fast sequential client, such as a load test, is never limited.
MAX_AT_ONCE = 5
UNAVAILABLE = "Baliegids is tijdelijk niet beschikbaar. Probeer het over een minuut opnieuw, of vraag een collega."


def reply(sender: str, text: str, status: int = 200):
    return response.json([{"recipient_id": sender, "text": text, "custom": {"type": NO_ANSWER}}], status=status)


def error(text: str, status: int = 400):
    return response.json({"error": text}, status=status)


class BaliegidsRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        self.in_progress: Counter = Counter()  # messages per sender that this worker is handling now

    @staticmethod
    async def actions_up(request: Request) -> bool:
        endpoint = request.app.ctx.agent.action_endpoint
        if endpoint is None:
            return True
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
                async with session.get(endpoint.url.rsplit("/", 1)[0] + "/health") as health:
                    return health.status == 200
        except (aiohttp.ClientError, OSError, TimeoutError):
            return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("baliegids_rest", __name__)

        @webhook.get("/")
        async def health(request: Request):
            return response.json({"status": "ok"})

        @webhook.post("/webhook")
        async def receive(request: Request):
            try:
                body = request.json
            except Exception:  # Sanic raises for invalid JSON and for invalid UTF-8 alike
                return error("Ongeldig verzoek: de inhoud is geen geldige JSON in UTF-8.")
            if not isinstance(body, dict):
                return error("Ongeldig verzoek: verwacht een JSON-object met 'sender' en 'message'.")
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
                return error(f"Ongeldig verzoek: 'sender' moet tekst zijn van 1 tot {MAX_SENDER} tekens.")
            if not isinstance(text, str):
                return error("Ongeldig verzoek: 'message' moet tekst zijn.")
            if self.in_progress[sender] >= MAX_AT_ONCE:
                return reply(
                    sender, "Je stuurt veel berichten tegelijk. Wacht op het antwoord en probeer het opnieuw.", 429
                )
            if not text.strip():
                return reply(sender, "Typ eerst je vraag.")
            if len(text) > MAX_CHARACTERS:
                return reply(sender, f"Je bericht is te lang (meer dan {MAX_CHARACTERS} tekens). Stel je vraag korter.")
            collector = CollectingOutputChannel()
            self.in_progress[sender] += 1
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=self.get_metadata(request))
                )
            except Exception:
                logger.exception("Bericht van %s kon niet worden verwerkt.", sender)
            finally:
                self.in_progress[sender] -= 1
                if not self.in_progress[sender]:
                    del self.in_progress[sender]
            messages: List[dict] = collector.messages
            kinds = [message["custom"].get("type") for message in messages if "custom" in message]
            if not kinds or (kinds == [NO_ANSWER] and not await self.actions_up(request)):
                return reply(sender, UNAVAILABLE)
            return response.json(messages)

        return webhook
