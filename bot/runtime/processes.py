"""Starting and stopping one server process: its own process group, its output, and waiting until it answers."""

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterable, Optional

from bot import settings


def start(command: list, env: dict, log: Optional[Path] = None, cwd: Path = settings.ROOT) -> subprocess.Popen:
    """A server in its own process group, so that stop() reaches the Rasa server's worker processes too. Its output
    goes to `log`, or to this terminal."""
    output = {"stdout": log.open("a"), "stderr": subprocess.STDOUT} if log else {}
    return subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, **output)


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


def wait_until_up(url: str, process: subprocess.Popen, log: Optional[Path], seconds: float = 180) -> float:
    """Waits until `url` answers 200; returns the seconds it took. Fails with the log's tail when it does not."""
    import requests  # here: the launcher, which only starts and stops, needs no HTTP client

    def tail() -> str:
        return log.read_text()[-3000:] if log and log.is_file() else "(uitvoer in de terminal)"

    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: proces gestopt; log:\n{tail()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return time.monotonic() - started
        except (requests.ConnectionError, requests.Timeout):  # a Timeout: the port is open, no worker is ready yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} kwam niet op binnen {seconds} s; log:\n{tail()}")
