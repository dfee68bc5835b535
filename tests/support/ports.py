"""Free ports for the servers a test starts, and the credentials the tests use (Rasa API token, trainer account)."""

import socket

TOKEN = "test-token"
JWT_SECRET = "test-jwt-secret"  # for a JWT in the Authorization header of Rasa's HTTP API
TRAINER, TRAINER_PASSWORD = "kim", "correct-paard-batterij"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
