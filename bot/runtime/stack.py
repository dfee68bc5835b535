"""The servers of one Baliegids machine composed in one place: the Rasa server, the action server and the web server,
with one environment and one credentials file, started, awaited and stopped together. `make run`, the tests and
the benchmark all build their servers here (a test may start or stop one server of a stack on its own)."""

import os
import subprocess
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional

from bot import settings
from bot.runtime.credentials import write_credentials
from bot.runtime.processes import start, stop, wait_until_up

ACTIONS, RASA, WEB = "acties", "rasa", "web"
SERVICES = (ACTIONS, RASA, WEB)
MODEL_SERVER_PATH = "/review/rasa-model"


class Stack:
    def __init__(
        self,
        model: Path,
        var_dir: Path,
        *,
        token: str,
        host: str = None,
        ports: Mapping[str, int] = None,
        tracker_db: Path = None,
        app_db: Path = None,
        env: Mapping[str, str] = None,
        cors: Iterable[str] = None,
        logs: bool = True,
        services: Iterable[str] = SERVICES,
    ):
        """`ports` by service name (default: settings); `env` adds or overrides variables of every server; `logs`:
        each server's output in `var_dir/<name>.log`, else in this terminal; `services`: what `with` starts."""
        self.model, self.var_dir, self.token = model, var_dir, token
        self.host = host or settings.HOST
        self.ports = {RASA: settings.RASA_PORT, ACTIONS: settings.ACTIONS_PORT, WEB: settings.WEB_PORT, **(ports or {})}
        self.services = tuple(services)
        self.cors = list(settings.CORS_ORIGINS if cors is None else cors)
        self.logs = logs
        var_dir.mkdir(parents=True, exist_ok=True)
        self.env = {**self._environment(tracker_db or settings.TRACKER_DB, app_db or settings.APP_DB), **(env or {})}
        self.credentials = var_dir / "credentials.yml"
        self.channel_status = write_credentials(self.credentials, self.env)
        self.processes: Dict[str, subprocess.Popen] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.ports[RASA]}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.ports[WEB]}"

    def _environment(self, tracker_db: Path, app_db: Path) -> dict:
        """The variables endpoints.yml and bot/settings.py read in the servers. The stores are the SQLite files
        `tracker_db` and `app_db` unless BALIEGIDS_TRACKER_DB_URL / BALIEGIDS_APP_DB_URL name a database server."""
        host, actions_port = self.host, self.ports[ACTIONS]
        return {
            **os.environ,
            "BALIEGIDS_HOST": host,
            "RASA_PORT": str(self.ports[RASA]),
            "ACTIONS_PORT": str(actions_port),
            "WEB_PORT": str(self.ports[WEB]),
            "BALIEGIDS_PUBLIC_RASA_URL": os.environ.get("BALIEGIDS_PUBLIC_RASA_URL") or self.rasa_url,
            "BALIEGIDS_PUBLIC_WEB_URL": os.environ.get("BALIEGIDS_PUBLIC_WEB_URL") or self.web_url,
            "BALIEGIDS_CORS_ORIGINS": " ".join(self.cors),  # the REST channel's origin check, as Rasa's --cors
            "BALIEGIDS_ACTIONS_URL": os.environ.get("BALIEGIDS_ACTIONS_URL") or f"http://{host}:{actions_port}/webhook",
            "BALIEGIDS_TRACKER_DB": str(tracker_db),
            "BALIEGIDS_TRACKER_DB_URL": os.environ.get("BALIEGIDS_TRACKER_DB_URL", ""),  # empty: the SQLite file
            "BALIEGIDS_APP_DB": str(app_db),
            # For the review page's retraining: the model the servers started with, and the Rasa server it checks
            # after a deployment (BALIEGIDS_RASA_URLS lists several, space separated).
            "BALIEGIDS_MODEL": str(Path(self.model).resolve()),
            "BALIEGIDS_RASA_URL": self.rasa_url,
            "BALIEGIDS_RASA_TOKEN": self.token,
            "BALIEGIDS_LOCK_STORE": settings.LOCK_STORE,
            "BALIEGIDS_REDIS_HOST": settings.REDIS_HOST,
            "BALIEGIDS_REDIS_PORT": str(settings.REDIS_PORT),
            "BALIEGIDS_REDIS_PASSWORD": settings.REDIS_PASSWORD,
            "BALIEGIDS_REDIS_DB": str(settings.REDIS_DB),
            "SANIC_WORKERS": settings.RASA_WORKERS,
            "SANIC_HOST": host,  # the action server's listening address
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
        }

    def model_server(self, starting: Iterable[str] = ()) -> Optional[str]:
        """Where the Rasa server fetches the model in use (deployed from the review page, else the model file):
        BALIEGIDS_MODEL_SERVER_URL ("uit": nowhere, only --model), else this stack's own web server when it runs
        one. A stack without its web server loads --model only."""
        configured = self.env.get("BALIEGIDS_MODEL_SERVER_URL", "").strip()
        if configured:
            return None if configured == "uit" else configured
        runs_web = WEB in self.services and (WEB in starting or WEB in self.processes)
        return f"{self.web_url}{MODEL_SERVER_PATH}" if runs_web else None

    def endpoints(self, starting: Iterable[str] = ()) -> str:
        """endpoints.yml, with Rasa's model server added (in var_dir) when the Rasa server fetches its model."""
        url = self.model_server(starting)
        if url is None:
            return "endpoints.yml"
        self.env["BALIEGIDS_MODEL_SERVER_URL"] = url
        path = self.var_dir / "endpoints.yml"
        path.write_text(
            (settings.ROOT / "endpoints.yml").read_text()
            + "\n# Added by bot/runtime/stack.py: the model in use, from the web server (bot/training/models.py).\n"
            + "models:\n  url: ${BALIEGIDS_MODEL_SERVER_URL}\n  token: ${BALIEGIDS_RASA_TOKEN}\n"
            + f"  wait_time_between_pulls: {settings.MODEL_PULL_SECONDS}\n"
        )
        return str(path)

    def command(self, name: str, starting: Iterable[str] = ()) -> List[str]:
        if name == RASA:
            command = [
                settings.PYTHON,
                "-m",
                "bot.runtime.rasa_server",
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                self.endpoints(starting),
                "--credentials",
                str(self.credentials),
                "--interface",
                self.host,
                "--port",
                str(self.ports[RASA]),
                "--enable-api",
                "--auth-token",
                self.token,
            ]
            jwt_secret = self.env.get("BALIEGIDS_RASA_JWT_SECRET")
            if jwt_secret:  # Rasa's own header authentication: Authorization: Bearer <JWT>
                command += ["--jwt-secret", jwt_secret, "--jwt-method", "HS256"]
            return command + (["--cors", *self.cors] if self.cors else [])
        if name == ACTIONS:
            # The SDK's own command, not `rasa run actions`, which imports all of Rasa first (70 MB more PSS).
            return [settings.PYTHON, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.ports[ACTIONS])]
        return [settings.PYTHON, "-m", "bot.runtime.web"]

    def health_url(self, name: str) -> str:
        return {
            RASA: f"{self.rasa_url}/status?token={self.token}",  # answers once a worker has loaded the model
            ACTIONS: f"http://{self.host}:{self.ports[ACTIONS]}/health",
            WEB: f"{self.web_url}/",
        }[name]

    def log(self, name: str) -> Optional[Path]:
        return self.var_dir / f"{name}.log" if self.logs else None

    def start(self, *names: str) -> None:
        for name in names:
            self.processes[name] = start(self.command(name, names), self.env, self.log(name))

    def wait(self, *names: str, seconds: float = 180) -> None:
        for name in names:
            wait_until_up(self.health_url(name), self.processes[name], self.log(name), seconds)

    def stop(self, *names: str, seconds: float = 10) -> None:
        """The servers named, or all that were started."""
        stop([self.processes.pop(name) for name in (names or list(self.processes)) if name in self.processes], seconds)

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)
        self.wait(name)

    def stopped(self) -> List[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def __enter__(self) -> "Stack":
        self.start(*self.services)
        try:
            self.wait(*self.services)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_) -> None:
        self.stop()
