"""A local stand-in for what a Teams bot talks to, on one real HTTP server with its own RSA key pair:
- the Bot Framework's identity provider: OpenID metadata and the key set its request tokens are signed with;
- the bot's Microsoft Entra tenant: the token endpoint of the client-credentials grant;
- the Bot Connector service of Teams: records every activity posted to a conversation and accepts only the access
  tokens it issued itself."""

import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List, Optional
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

SCOPE = "https://api.botframework.com/.default"
KEY_ID = "stand-in-key"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeBotFramework:
    def __init__(self):
        self.app_id = str(uuid.uuid4())
        self.password = secrets.token_urlsafe(24)
        self.tenant_id = str(uuid.uuid4())
        self.key = new_key()
        self.issued: List[str] = []  # access tokens handed out by the token endpoint
        self.posts: List[dict] = []  # every POST to the Connector service, accepted or not
        self.key_set_fetches = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/issuer"
        self.service_url = f"{self.url}/teams/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def environment(self) -> dict:
        """The Teams channel's variables, pointing here."""
        return {
            "TEAMS_APP_ID": self.app_id,
            "TEAMS_APP_PASSWORD": self.password,
            "TEAMS_TENANT_ID": self.tenant_id,
            "TEAMS_OPENID_METADATA_URL": f"{self.url}/v1/.well-known/openidconfiguration",
            "TEAMS_LOGIN_URL": self.url,
            "TEAMS_ALLOWED_SERVICE_HOSTS": f"http://127.0.0.1:{self.port}",
        }

    def token(
        self, service_url: Optional[str] = None, key: Optional[rsa.RSAPrivateKey] = None, key_id: str = KEY_ID, **claims
    ) -> str:
        """A request token as the Bot Connector service signs it; `claims` override the valid defaults."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.app_id,
            "serviceUrl": service_url or self.service_url,
            "nbf": now - 5,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": key_id})

    def posted_to(self, conversation_id: str) -> List[dict]:
        with self.lock:
            return [post for post in self.posts if post["conversation"] == conversation_id]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def do_GET(self):
                if self.path == "/v1/.well-known/openidconfiguration":
                    self.reply(
                        200,
                        {
                            "issuer": fake.issuer,
                            "jwks_uri": f"{fake.url}/v1/.well-known/keys",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                elif self.path == "/v1/.well-known/keys":
                    fake.key_set_fetches += 1
                    key = RSAAlgorithm.to_jwk(fake.key.public_key(), as_dict=True)
                    self.reply(200, {"keys": [{**key, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}]})
                else:
                    self.reply(404, {"error": "not found"})

            def do_POST(self):
                parts = [unquote(part) for part in self.path.split("/")]
                if parts[2:] == ["oauth2", "v2.0", "token"]:
                    self.token_endpoint(
                        parts[1], {name: values[0] for name, values in parse_qs(self.body().decode()).items()}
                    )
                elif parts[1:4] == ["teams", "v3", "conversations"] and parts[5:6] == ["activities"]:
                    self.conversation_endpoint(parts[4], parts[6] if len(parts) > 6 else None)
                else:
                    self.reply(404, {"error": "not found"})

            def token_endpoint(self, tenant: str, form: dict) -> None:
                expected = {
                    "client_id": fake.app_id,
                    "client_secret": fake.password,
                    "grant_type": "client_credentials",
                    "scope": SCOPE,
                }
                if tenant != fake.tenant_id:
                    self.reply(400, {"error": "invalid_request", "error_description": f"unknown tenant {tenant}"})
                elif form != expected:
                    self.reply(401, {"error": "invalid_client"})
                else:
                    token = secrets.token_urlsafe(32)
                    with fake.lock:
                        fake.issued.append(token)
                    self.reply(
                        200, {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": token}
                    )

            def conversation_endpoint(self, conversation: str, reply_to: Optional[str]) -> None:
                scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
                with fake.lock:
                    authorized = scheme == "Bearer" and token in fake.issued
                    fake.posts.append(
                        {
                            "conversation": conversation,
                            "reply_to": reply_to,
                            "authorized": authorized,
                            "host": self.headers.get("Host"),
                            "activity": json.loads(self.body()),
                        }
                    )
                if authorized:
                    self.reply(200, {"id": secrets.token_hex(8)})
                else:
                    self.reply(401, {"error": "Unauthorized"})

        return Handler
