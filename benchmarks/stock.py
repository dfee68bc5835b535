"""The anchor: a stock assistant made by `rasa init` (Rasa's own starter project, trained as it comes), served
with the SQL tracker store on SQLite, measured in the same run and on the same machine as Baliegids."""

import os
import subprocess
import time
from pathlib import Path

from bot import settings
from bot.runtime.processes import start, stop, wait_until_up

ENDPOINTS = """tracker_store:
  type: SQL
  dialect: sqlite
  db: {db}
"""


class StockRasa:
    def __init__(self, directory: Path, port: int):
        self.directory, self.port = directory, port
        self.url = f"http://127.0.0.1:{port}"
        self.tracker_db = directory / "tracker.db"
        self.log = directory / "rasa.log"
        self.process = None
        self.startup_seconds = None

    def create(self) -> float:
        """`rasa init` with its defaults (it trains the starter model); returns the seconds it took."""
        started = time.monotonic()
        self.directory.mkdir(parents=True)
        with (self.directory.parent / "stock-init.log").open("w") as log:
            subprocess.run(
                [settings.RASA, "init", "--no-prompt", "--init-dir", str(self.directory)],
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment(),
            )
        (self.directory / "endpoints.yml").write_text(ENDPOINTS.format(db=self.tracker_db))
        return time.monotonic() - started

    def __enter__(self) -> "StockRasa":
        started = time.monotonic()
        command = [settings.RASA, "run", "--enable-api", "--port", str(self.port), "--endpoints", "endpoints.yml"]
        self.process = start(command, environment(), self.log, cwd=self.directory)
        wait_until_up(f"{self.url}/status", self.process, self.log, 180)
        self.startup_seconds = time.monotonic() - started
        return self

    def __exit__(self, *_) -> None:
        stop([self.process], 10)


def environment() -> dict:
    # As it comes: Rasa's default worker count (it refuses more than one with its in-memory lock store).
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "SANIC_WORKERS": "1"}
