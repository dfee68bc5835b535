"""`make run`: loads the knowledge base, then runs the Rasa server, the action server and the web server until
Ctrl-C (SIGINT) or SIGTERM stops them all."""
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot import settings
from bot.articles import KnowledgeError
from bot.spacy_pipeline import describe, installed_meta
from bot.store import StoreError, load
from bot.train import trained_with

BIN = Path(sys.executable).parent


def child_environment() -> dict:
    return {
        **os.environ,
        "BALIEGIDS_HOST": settings.HOST,
        "ACTIONS_PORT": str(settings.ACTIONS_PORT),
        "BALIEGIDS_TRACKER_DB": str(settings.TRACKER_DB),
        "BALIEGIDS_APP_DB": str(settings.APP_DB),
        "SANIC_HOST": settings.HOST,  # the action server's listening address
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


def api_token() -> str:
    """The token for Rasa's HTTP API: BALIEGIDS_RASA_TOKEN, or a new one per start kept in var/rasa-token."""
    token = os.environ.get("BALIEGIDS_RASA_TOKEN")
    if token:
        return token
    token = secrets.token_urlsafe(32)
    token_file = settings.VAR_DIR / "rasa-token"
    token_file.write_text(token)
    token_file.chmod(0o600)
    return token


def commands(model: Path, token: str) -> dict:
    return {
        "rasa": [
            str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml", "--interface", settings.HOST, "--port", str(settings.RASA_PORT),
            "--enable-api", "--auth-token", token, "--cors", *settings.CORS_ORIGINS,
        ],
        "acties": [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(settings.ACTIONS_PORT)],
        "web": [sys.executable, "-m", "bot.web"],
    }


def main() -> int:
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        count = load()
    except (KnowledgeError, StoreError) as error:
        print(f"FOUT in de kennisbank: {error}", file=sys.stderr)
        return 1
    model = settings.MODEL_DIR / f"{settings.MODEL_NAME}.tar.gz"
    print(f"Kennisbank: {count} artikelen geladen in {settings.APP_DB}")
    print(f"spaCy-pipeline: {describe(installed_meta())}; model getraind met: {trained_with()}")
    stopping = []  # set by Ctrl-C (SIGINT) or SIGTERM, also when the shell started us with SIGINT ignored
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopping.append(True))
    processes = {
        name: subprocess.Popen(command, cwd=settings.ROOT, env=child_environment())
        for name, command in commands(model, api_token()).items()
    }
    print(
        f"Baliegids start: Rasa op http://{settings.HOST}:{settings.RASA_PORT}, acties op poort "
        f"{settings.ACTIONS_PORT}, webpagina op http://{settings.HOST}:{settings.WEB_PORT}/ . Stoppen: Ctrl-C.",
        flush=True,
    )

    while not stopping and all(process.poll() is None for process in processes.values()):
        time.sleep(0.2)
    exit_code = 0
    if stopping:
        print("\nBaliegids stopt ...")
    else:
        stopped = [name for name, process in processes.items() if process.poll() is not None]
        print(f"FOUT: {', '.join(stopped)} is gestopt; de rest wordt ook gestopt.", file=sys.stderr)
        exit_code = 1
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
