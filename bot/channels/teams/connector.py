"""Replies to the Bot Connector service of a conversation, with the bot's own access token from its Microsoft Entra
tenant (client-credentials grant; a single-tenant bot gets it from its own tenant, not from botframework.com)."""

import asyncio
import logging
import time
from typing import Optional
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)

LOGIN_URL = "https://login.microsoftonline.com"
SCOPE = "https://api.botframework.com/.default"
RENEW_BEFORE_EXPIRY = 300  # seconds
TIMEOUT = aiohttp.ClientTimeout(total=10)


class Connector:
    def __init__(self, app_id: str, password: str, tenant_id: str, login_url: str = LOGIN_URL):
        self.token_url = f"{login_url.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self.form = {"grant_type": "client_credentials", "client_id": app_id, "client_secret": password, "scope": SCOPE}
        self.token: Optional[str] = None
        self.renew_at = float("-inf")
        self.lock = asyncio.Lock()

    async def access_token(self, session: aiohttp.ClientSession) -> str:
        """Cached until shortly before it expires."""
        async with self.lock:
            if time.monotonic() >= self.renew_at:
                async with session.post(self.token_url, data=self.form) as reply:
                    body = await reply.json(content_type=None)
                self.token = body["access_token"]
                self.renew_at = time.monotonic() + int(body["expires_in"]) - RENEW_BEFORE_EXPIRY
            return self.token

    async def reply(self, service_url: str, activity: dict) -> None:
        """Posts `activity` as a reply to the message `activity["replyToId"]` in its conversation."""
        url = (
            f"{service_url.rstrip('/')}/v3/conversations/{quote(activity['conversation']['id'], safe='')}"
            f"/activities/{quote(activity['replyToId'], safe='')}"
        )
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT, raise_for_status=True) as session:
                headers = {"Authorization": f"Bearer {await self.access_token(session)}"}
                async with session.post(url, json=activity, headers=headers) as posted:
                    logger.debug("Teams: antwoord verstuurd naar %s (%s)", url, posted.status)
        except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, ValueError) as error:
            logger.error("Teams: antwoord niet verstuurd naar %s: %r", url, error)
