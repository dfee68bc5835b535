"""`make run`: has the start checks done (bot/runtime/start_checks.py), then runs the Rasa server, the action
server and the web server until Ctrl-C (SIGINT) or SIGTERM stops them all. A server that stops on its own is started
again, after a wait that grows with each failure in a row, while the others keep serving."""

import os
import secrets
import signal
import subprocess
import sys
import time

from bot import settings
from bot.runtime.stack import ACTIONS, RASA, WEB, Stack


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


def private_files() -> None:
    """What the servers write (databases with conversations, password hashes, sessions; logs; the lock file) is
    readable by this user only: the servers inherit the umask, and files made by an earlier version are closed."""
    os.umask(0o077)
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    settings.VAR_DIR.chmod(0o700)
    for path in settings.VAR_DIR.iterdir():
        if path.is_file():
            path.chmod(0o600)


def main() -> int:
    private_files()
    checks = subprocess.run([settings.PYTHON, "-m", "bot.runtime.start_checks"], cwd=settings.ROOT)
    if checks.returncode != 0:
        return 1
    model = settings.MODEL_DIR / f"{settings.MODEL_NAME}.tar.gz"
    stopping = []  # set by Ctrl-C (SIGINT) or SIGTERM, also when the shell started us with SIGINT ignored
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopping.append(True))
    stack = Stack(model, settings.VAR_DIR, token=api_token(), logs=False)
    for line in stack.channel_status:
        print(f"Kanaal {line}")
    stack.start(*stack.services)
    print(
        f"Baliegids start: Rasa op {stack.rasa_url}, acties op poort {settings.ACTIONS_PORT}, webpagina op "
        f"{stack.web_url}/ . Stoppen: Ctrl-C.",
        flush=True,
    )

    supervise(stack, stopping)
    print("\nBaliegids stopt ...")
    stack.stop(seconds=15)
    return 0


LABELS = {ACTIONS: "de actieserver", RASA: "de Rasa-server", WEB: "de webserver"}
RESTART_WAITS = (1, 2, 5, 10, 30, 60)  # seconds before the 1st, 2nd, ... restart in a row; then every minute
STABLE_SECONDS = 300  # up this long: a later stop counts as the first again


def supervise(stack: Stack, stopping: list) -> None:
    """Until `stopping`: restart every server that stopped, with back-off, and say so in Dutch."""
    failures = {name: 0 for name in stack.services}
    started = {name: time.monotonic() for name in stack.services}
    due = {}  # server -> when it is started again
    while not stopping:
        now = time.monotonic()
        for name in stack.stopped():
            if name in due:
                continue
            if now - started[name] > STABLE_SECONDS:
                failures[name] = 0
            wait = RESTART_WAITS[min(failures[name], len(RESTART_WAITS) - 1)]
            failures[name] += 1
            due[name] = now + wait
            print(
                f"FOUT: {LABELS[name]} is gestopt (exitcode {stack.processes[name].returncode}); Baliegids start "
                f"hem over {wait} s opnieuw (poging {failures[name]}). De andere servers werken door.",
                file=sys.stderr,
                flush=True,
            )
        for name, when in list(due.items()):
            if now >= when:
                stack.start(name)
                started[name] = now
                del due[name]
                print(f"Herstart: {LABELS[name]} wordt gestart.", flush=True)
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
