"""How the three services are started and stopped (commands, environment, process groups, readiness), for
`make run`, the tests and the benchmark alike."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

import requests

from bot import settings

BIN = Path(sys.executable).parent


def environment(host: str, actions_port: int, tracker_db: Path, app_db: Path) -> dict:
    """The variables endpoints.yml and bot/settings.py read in the child processes. The stores are the SQLite files
    `tracker_db` and `app_db` unless BALIEGIDS_TRACKER_DB_URL / BALIEGIDS_APP_DB_URL name a database server."""
    return {
        **os.environ,
        "BALIEGIDS_HOST": host,
        "ACTIONS_PORT": str(actions_port),
        "BALIEGIDS_ACTIONS_URL": os.environ.get("BALIEGIDS_ACTIONS_URL") or f"http://{host}:{actions_port}/webhook",
        "BALIEGIDS_TRACKER_DB": str(tracker_db),
        "BALIEGIDS_TRACKER_DB_URL": os.environ.get("BALIEGIDS_TRACKER_DB_URL", ""),  # empty: the SQLite file
        "BALIEGIDS_APP_DB": str(app_db),
        "BALIEGIDS_LOCK_STORE": settings.LOCK_STORE,
        "BALIEGIDS_REDIS_HOST": settings.REDIS_HOST,
        "BALIEGIDS_REDIS_PORT": str(settings.REDIS_PORT),
        "BALIEGIDS_REDIS_PASSWORD": settings.REDIS_PASSWORD,
        "BALIEGIDS_REDIS_DB": str(settings.REDIS_DB),
        # Worker processes of each Rasa server: one per core (rasa_sdk's action server reads another variable).
        "SANIC_WORKERS": os.environ.get("SANIC_WORKERS", "2"),
        "SANIC_HOST": host,  # the action server's listening address
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
    }


def rasa_command(model: Path, host: str, port: int, token: str, credentials: Path, cors: List[str] = ()) -> List[str]:
    """`credentials` is the file bot/deployment.py wrote for the channels that are switched on."""
    command = [
        str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", "endpoints.yml",
        "--credentials", str(credentials), "--interface", host, "--port", str(port),
        "--enable-api", "--auth-token", token,
    ]
    return command + (["--cors", *cors] if cors else [])


def actions_command(port: int) -> List[str]:
    return [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]


def web_command() -> List[str]:
    return [sys.executable, "-m", "bot.web"]


def start(command: List[str], env: dict, log: Optional[Path] = None) -> subprocess.Popen:
    """A server in its own process group, so that stop() reaches the Rasa server's worker processes too. Its output
    goes to `log`, or to this terminal."""
    output = {"stdout": log.open("w"), "stderr": subprocess.STDOUT} if log else {}
    return subprocess.Popen(command, cwd=settings.ROOT, env=env, start_new_session=True, **output)


def stop(processes: Iterable[subprocess.Popen], seconds: float = 10) -> None:
    """SIGTERM to each server's process group, then SIGKILL to whatever is left after `seconds`: a Rasa worker that
    is still loading the model ignores SIGTERM (Sanic 21.12), and would otherwise keep serving on the port."""
    processes = list(processes)
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen, signal_number: int) -> None:
    try:
        os.killpg(process.pid, signal_number)
    except ProcessLookupError:  # the whole group has ended
        pass


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 180) -> float:
    """Waits until `url` answers 200; returns the seconds it took. Fails with the log's tail when it does not."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: proces gestopt; log:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return time.monotonic() - started
        except (requests.ConnectionError, requests.Timeout):  # a Timeout: the port is open, no worker is ready yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} kwam niet op binnen {seconds} s; log:\n{log.read_text()[-3000:]}")


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
