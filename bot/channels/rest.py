"""Rasa's REST channel (same URL, same reply shape) with the guards an intranet needs: JSON only and only from the
intranet's own pages (so no other web page a clerk visits can write into a conversation), a clear 4xx for malformed
or oversized requests, a Dutch reply for empty or too long messages and for a flood from one sender, and a Dutch
"tijdelijk niet beschikbaar" when the action server is down or too slow (Rasa itself would fall back to "not
understood", which misleads the clerk, or wait minutes) or a turn produced no reply at all. Metadata a client sends
along is not used or stored. Its health check fails while conversations cannot be stored."""

import asyncio
import logging
from collections import Counter
from typing import Awaitable, Callable, List

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import settings
from bot.channels import MAX_CHARACTERS
from bot.contract import NO_ANSWER
from bot.privacy.tracker_store import failure as store_failure
from bot.privacy.tracker_store import unwritable as store_unwritable

logger = logging.getLogger(__name__)

MAX_SENDER = 128
MAX_BODY_BYTES = 16 * 1024  # a message of MAX_CHARACTERS and its sender, with room to spare
# A turn takes well under a second; one that takes longer is stuck (an action server that hangs): the clerk hears so
# in Dutch instead of waiting (Rasa's own wait for an action is minutes).
TURN_SECONDS = 4.5
# A person waits for each reply; more messages of one sender at the same time (they queue behind the conversation's
# lock) are a runaway script or a stuck client. A fast sequential client, such as a load test, is never limited.
MAX_AT_ONCE = 5
UNAVAILABLE = "Baliegids is tijdelijk niet beschikbaar. Probeer het over een minuut opnieuw, of vraag een collega."
NOT_STORED = (
    "Baliegids kan het gesprek nu niet bewaren en geeft daarom geen antwoord. Probeer het over een paar "
    "minuten opnieuw, of vraag een collega; de beheerder ziet de fout."
)


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
            reason = await asyncio.get_running_loop().run_in_executor(None, store_unwritable)
            if reason:
                return response.json({"status": "fout", "reden": reason}, status=503)
            return response.json({"status": "ok"})

        @webhook.post("/webhook")
        async def receive(request: Request):
            origin = request.headers.get("origin")
            if origin and origin not in settings.CORS_ORIGINS:
                return error("Ongeldig verzoek: deze pagina mag Baliegids niet aanspreken.", 403)
            if (request.content_type or "").split(";")[0].strip() != "application/json":
                return error("Ongeldig verzoek: stuur JSON (Content-Type: application/json).", 415)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return error(f"Ongeldig verzoek: meer dan {MAX_BODY_BYTES // 1024} kB.", 413)
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
                await asyncio.wait_for(
                    on_new_message(UserMessage(text, collector, sender, input_channel=self.name())), TURN_SECONDS
                )
            except asyncio.TimeoutError:
                logger.error(
                    "Bericht van %s niet binnen %s s beantwoord (actieserver traag of vastgelopen).",
                    sender,
                    TURN_SECONDS,
                )
                return reply(sender, UNAVAILABLE, 503)
            except Exception:
                logger.exception("Bericht van %s kon niet worden verwerkt.", sender)
            finally:
                self.in_progress[sender] -= 1
                if not self.in_progress[sender]:
                    del self.in_progress[sender]
            if store_failure():
                return reply(sender, NOT_STORED, 503)
            messages: List[dict] = collector.messages
            kinds = [message["custom"].get("type") for message in messages if "custom" in message]
            if not kinds or (kinds == [NO_ANSWER] and not await self.actions_up(request)):
                return reply(sender, UNAVAILABLE)
            return response.json(messages)

        return webhook
