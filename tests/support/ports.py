"""Free ports for the servers a test starts, and the Rasa API token the tests use."""

import socket

TOKEN = "test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
