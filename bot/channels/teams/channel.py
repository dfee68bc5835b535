"""The Teams webhook (/webhooks/teams/webhook): every request must carry a valid Bot Connector token whose
serviceUrl claim names the activity's service URL; replies go only to service hosts on the allowed list."""

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, Optional, Text, Tuple
from urllib.parse import urlparse

import aiohttp
import jwt
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import MAX_CHARACTERS
from bot.channels.deliveries import first_delivery
from bot.channels.teams.auth import OPENID_METADATA_URL, TokenVerifier
from bot.channels.teams.cards import render_activity
from bot.channels.teams.connector import LOGIN_URL, Connector

logger = logging.getLogger(__name__)

TEAMS_SERVICE_HOST = "smba.trafficmanager.net"


def refuse(reason: str, status: int):
    return response.json({"error": reason}, status=status)


def origin(address: str) -> tuple:
    """Scheme, host and port of an address; a bare host ("smba.trafficmanager.net") means https on port 443."""
    parsed = urlparse(address if "://" in address else f"https://{address}")
    try:
        port = parsed.port or {"https": 443, "http": 80}.get(parsed.scheme)
    except ValueError:  # a port that is not a number
        port = None
    return parsed.scheme, parsed.hostname, port


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def without_bot_mention(activity: dict) -> str:
    """In a channel the text starts with the bot's @mention (<at>Baliegids</at>); the entities say which part."""
    text = activity.get("text") or ""
    for entity in activity.get("entities") or []:
        if entity.get("type") == "mention" and entity.get("mentioned", {}).get("id") == activity["recipient"]["id"]:
            text = text.replace(entity.get("text") or "", "")
    return text.strip()


def answerable(message: dict) -> bool:
    """A message activity with everything a reply needs."""
    return (
        all(isinstance(message.get(field), str) for field in ("id", "serviceUrl"))
        and all(isinstance(message.get(field), dict) for field in ("from", "recipient", "conversation"))
        and isinstance(message["conversation"].get("id"), str)
        and isinstance(message["recipient"].get("id"), str)
    )


class TeamsOutput(OutputChannel):
    """Each bot message (text, buttons and its custom object together) becomes one reply activity."""

    @classmethod
    def name(cls) -> Text:
        return "teams"

    def __init__(self, incoming: dict, connector: Connector):
        self.incoming = incoming
        self.connector = connector

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.connector.reply(self.incoming["serviceUrl"], render_activity(message, self.incoming))


class TeamsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TeamsInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        app_id = credentials["teams_app_id"]
        return cls(
            TokenVerifier(app_id, credentials.get("teams_openid_metadata_url", OPENID_METADATA_URL)),
            Connector(
                app_id,
                credentials["teams_app_password"],
                credentials["teams_tenant_id"],
                credentials.get("teams_login_url", LOGIN_URL),
            ),
            credentials.get("teams_allowed_service_hosts", TEAMS_SERVICE_HOST).split(),
        )

    def __init__(self, verifier: TokenVerifier, connector: Connector, allowed_hosts: Iterable[str]):
        self.verifier = verifier
        self.connector = connector
        self.allowed_hosts = {origin(entry) for entry in allowed_hosts}

    async def authentic_activity(self, request: Request) -> Tuple[Optional[dict], Optional[HTTPResponse]]:
        """The request's activity, or the refusal when its token does not check out."""
        token = bearer_token(request.headers.get("Authorization"))
        if token is None:
            return None, refuse("Geen Bearer-token.", 401)
        try:
            claims = await self.verifier.claims(token)
        except jwt.PyJWTError as error:
            logger.warning("Teams: verzoek geweigerd, token ongeldig: %r", error)
            return None, refuse("Token ongeldig.", 403)
        except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, ValueError) as error:
            logger.error("Teams: sleutels van %s niet op te halen: %r", self.verifier.metadata_url, error)
            return None, refuse("Token nu niet te controleren.", 503)
        try:
            activity = request.json
        except Exception:  # Sanic raises for invalid JSON and invalid UTF-8 alike
            activity = None
        if not isinstance(activity, dict):
            return None, refuse("Verwacht een activiteit als JSON-object.", 400)
        if claims["serviceUrl"] != activity.get("serviceUrl"):
            logger.warning("Teams: verzoek geweigerd, serviceUrl in token en activiteit verschillen")
            return None, refuse("serviceUrl past niet bij het token.", 403)
        return activity, None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("baliegids_teams", __name__)

        @webhook.get("/")
        async def health(request: Request):
            return response.json({"status": "ok"})

        @webhook.post("/webhook")
        async def receive(request: Request):
            activity, refusal = await self.authentic_activity(request)
            if refusal:
                return refusal
            if activity.get("type") != "message":  # conversationUpdate and the like: nothing to answer
                return response.json({})
            if not answerable(activity):
                return refuse("Onvolledige activiteit.", 400)
            if origin(activity["serviceUrl"]) not in self.allowed_hosts:
                logger.warning(
                    "Teams: geen antwoord naar %s, want dat adres staat niet in TEAMS_ALLOWED_SERVICE_HOSTS",
                    activity["serviceUrl"],
                )
                return refuse("Deze serviceUrl is niet toegestaan.", 403)
            if not first_delivery(f"teams:{activity['id']}"):
                logger.info("Teams: activiteit %s kwam al eerder binnen; niet opnieuw beantwoord", activity["id"])
                return response.json({})
            if len(activity.get("text") or "") > MAX_CHARACTERS:
                await self.connector.reply(
                    activity["serviceUrl"],
                    render_activity(
                        {"text": f"Je bericht is te lang (meer dan {MAX_CHARACTERS} tekens). Stel je vraag korter."},
                        activity,
                    ),
                )
                return response.json({})
            text = without_bot_mention(activity)
            if text:
                # The conversation is the sender: a personal chat, or one thread in a channel, keeps its own topic.
                message = UserMessage(
                    text,
                    TeamsOutput(activity, self.connector),
                    activity["conversation"]["id"],
                    input_channel=self.name(),
                )
                try:
                    await on_new_message(message)
                except Exception:
                    logger.exception("Teams: bericht in %s kon niet worden verwerkt", activity["conversation"]["id"])
            return response.json({})

        return webhook
