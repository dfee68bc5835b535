"""Checks the token the Bot Connector service signs every request to the bot with: signature against the keys in the
OpenID metadata's key set, issuer from that metadata, audience the bot's app id, and the validity period."""

import asyncio
import time
from typing import Dict, List, Optional

import aiohttp
import jwt

OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
CLOCK_SKEW = 300  # seconds; the Bot Framework documentation calls 5 minutes the industry standard
KEYS_MAX_AGE = 24 * 3600  # the documentation asks to refresh the key set at least once every 24 hours
# Anyone can send a token with a made-up key id; such tokens make a fresh fetch at most once per this many seconds.
UNKNOWN_KEY_REFETCH_AFTER = 60
TIMEOUT = aiohttp.ClientTimeout(total=10)


class TokenVerifier:
    def __init__(self, app_id: str, metadata_url: str = OPENID_METADATA_URL):
        self.app_id = app_id
        self.metadata_url = metadata_url
        self.issuer: Optional[str] = None
        self.algorithms: List[str] = []
        self.keys: Dict[str, jwt.PyJWK] = {}
        self.fetched_at = float("-inf")
        self.lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Fetches the metadata and its key set (aiohttp: the event loop keeps serving meanwhile)."""
        async with aiohttp.ClientSession(timeout=TIMEOUT, raise_for_status=True) as session:
            async with session.get(self.metadata_url) as reply:
                metadata = await reply.json(content_type=None)
            async with session.get(metadata["jwks_uri"]) as reply:
                key_set = await reply.json(content_type=None)
        self.issuer = metadata["issuer"]
        self.algorithms = metadata.get("id_token_signing_alg_values_supported", ["RS256"])
        self.keys = {key.key_id: key for key in jwt.PyJWKSet.from_dict(key_set).keys}
        self.fetched_at = time.monotonic()

    async def key(self, key_id: str) -> jwt.PyJWK:
        """The signing key; an unknown key id makes a fresh fetch (Microsoft may have added a key), unless the last
        fetch was less than a minute ago."""
        async with self.lock:
            age = time.monotonic() - self.fetched_at
            if age > KEYS_MAX_AGE or (key_id not in self.keys and age > UNKNOWN_KEY_REFETCH_AFTER):
                await self.refresh()
        if key_id not in self.keys:
            raise jwt.InvalidKeyError(f"onbekende sleutel {key_id!r}")
        return self.keys[key_id]

    async def claims(self, token: str) -> dict:
        """The token's claims once it checks out; raises jwt.PyJWTError otherwise, or aiohttp.ClientError (and
        friends) when the keys cannot be fetched."""
        key = await self.key(jwt.get_unverified_header(token).get("kid"))
        return jwt.decode(
            token,
            key.key,
            algorithms=self.algorithms,
            audience=self.app_id,
            issuer=self.issuer,
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iss", "aud", "serviceUrl"]},
        )
