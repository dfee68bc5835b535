"""Shared fixtures: one trained model and one pair of real servers (Rasa + action server) per test session."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bot import settings
from bot.store import Store, load
from bot.train import train

BIN = Path(sys.executable).parent
TOKEN = "test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: proces gestopt; log:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} kwam niet op binnen {seconds} s; log:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def model(tmp_path_factory) -> Path:
    """Trained once per session; BALIEGIDS_TEST_MODEL names an existing model instead (for quick local runs)."""
    if os.environ.get("BALIEGIDS_TEST_MODEL"):
        return Path(os.environ["BALIEGIDS_TEST_MODEL"])
    directory = tmp_path_factory.mktemp("model")
    with (directory / "train.log").open("w") as log:
        try:
            return train(directory, log=log)
        except subprocess.CalledProcessError:
            pytest.fail(f"training mislukt; zie {directory / 'train.log'}")


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("app") / "baliegids.db"
    load(path)
    return path


@pytest.fixture(scope="session")
def servers(model, app_db, tmp_path_factory):
    """A real Rasa server and a real action server on free ports, with an SQLite tracker store."""
    workdir = tmp_path_factory.mktemp("servers")
    rasa_port, actions_port = free_port(), free_port()
    env = {
        **os.environ,
        "BALIEGIDS_HOST": "127.0.0.1",
        "ACTIONS_PORT": str(actions_port),
        "BALIEGIDS_TRACKER_DB": str(workdir / "conversations.db"),
        "BALIEGIDS_APP_DB": str(app_db),
        "SANIC_HOST": "127.0.0.1",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    commands = {
        "actions": [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        "rasa": [
            str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(rasa_port),
            "--enable-api", "--auth-token", TOKEN,
        ],
    }
    processes = []
    for name, command in commands.items():
        log = workdir / f"{name}.log"
        process = subprocess.Popen(
            command, cwd=settings.ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        processes.append((process, log))
    try:
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", *processes[0])
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={TOKEN}", *processes[1])
        yield {"rasa": f"http://127.0.0.1:{rasa_port}", "tracker_db": workdir / "conversations.db", "app_db": app_db}
    finally:
        for process, _ in processes:
            process.terminate()
        for process, _ in processes:
            process.wait(timeout=30)


class Chat:
    """One conversation over the REST channel, as the widget and the acceptance checks talk to the assistant."""

    def __init__(self, base_url: str, sender: str):
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.sender = sender

    def send(self, message: str) -> list:
        reply = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def ask(self, message: str) -> dict:
        """The reply's single `custom` object, with the text of the reply added as `_text`."""
        messages = self.send(message)
        customs = [item["custom"] for item in messages if "custom" in item]
        assert len(customs) == 1, f"verwacht precies één custom-bericht, kreeg {messages}"
        return {**customs[0], "_text": "\n".join(item.get("text", "") for item in messages)}


@pytest.fixture
def chat(servers, request):
    return Chat(servers["rasa"], sender=f"test-{request.node.name}-{time.monotonic_ns()}")


@pytest.fixture(scope="session")
def store(app_db) -> Store:
    return Store(app_db)
