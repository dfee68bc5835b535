"""A stack that heals, under `make run`'s launcher: a server that dies is started again while the others keep
serving and no conversation is lost; a frozen action server gets the clerk a Dutch reply within 5 seconds; a
conversation store that cannot be written is a loud error that clears when it can be written again."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from benchmarks.chat import Chat
from bot import settings
from bot.runtime.processes import wait_until_up
from tests.support.ports import free_port

QUESTION = "mag ik een briefadres weigeren aan een vrouw uit de opvang?"
TOKEN = "heal-token"


class Store:
    """The conversation database in a folder of its own that a test can make read-only: as root a small tmpfs
    mounted read-only (root may write any file, so only a read-only file system stops it), otherwise a folder whose
    write rights are taken away."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.root = os.geteuid() == 0
        folder.mkdir()
        if self.root:
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(folder)], check=True)

    def read_only(self, yes: bool) -> None:
        if self.root:
            subprocess.run(["mount", "-o", f"remount,{'ro' if yes else 'rw'}", str(self.folder)], check=True)
        else:
            for path in [self.folder, *self.folder.iterdir()]:
                path.chmod((0o500 if path.is_dir() else 0o400) if yes else (0o700 if path.is_dir() else 0o600))

    def remove(self) -> None:
        if self.root:
            subprocess.run(["umount", str(self.folder)], check=False)


@pytest.fixture(scope="module")
def running(model, tmp_path_factory):
    """`make run`'s launcher on free ports, var/ in a temporary folder, the conversations in a `Store` folder."""
    var = tmp_path_factory.mktemp("heal")
    store = Store(var / "gesprekken")
    ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(), "WEB_PORT": free_port()}
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "BALIEGIDS_VAR_DIR": str(var),
        "BALIEGIDS_MODEL_DIR": str(model.parent),
        "BALIEGIDS_RASA_TOKEN": TOKEN,
        "BALIEGIDS_TRACKER_DB": str(store.folder / "conversations.db"),
    }
    log = var / "run.log"
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime"],
        cwd=settings.ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    urls = {
        "rasa": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "web": f"http://127.0.0.1:{ports['WEB_PORT']}",
        "actions": f"http://127.0.0.1:{ports['ACTIONS_PORT']}",
    }
    try:
        wait_until_up(f"{urls['rasa']}/status?token={TOKEN}", launcher, log)
        wait_until_up(f"{urls['actions']}/health", launcher, log)
        wait_until_up(f"{urls['web']}/health", launcher, log)
        yield {"launcher": launcher, "urls": urls, "log": log, "var": var, "store": store}
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)
        store.remove()


def server(launcher: subprocess.Popen, marker: str) -> int:
    """The pid of the launcher's child whose command line contains `marker` (each leads its own process group)."""
    for child in Path(f"/proc/{launcher.pid}/task/{launcher.pid}/children").read_text().split():
        if marker in Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode():
            return int(child)
    raise AssertionError(f"geen server met {marker!r}")


class WebWatch(threading.Thread):
    """Asks the web server's page twice a second while a test breaks something else; counts what did not answer."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.failed, self.asked, self.done = url, 0, 0, threading.Event()

    def run(self):
        while not self.done.is_set():
            self.asked += 1
            try:
                self.failed += requests.get(self.url, timeout=5).status_code != 200
            except requests.RequestException:
                self.failed += 1
            time.sleep(0.5)


@pytest.mark.parametrize("marker, health", [("--enable-api", "rasa"), ("rasa_sdk", "actions")])
def test_a_server_that_dies_is_back_within_a_minute_and_nothing_else_stops(running, marker, health):
    chat = Chat(running["urls"]["rasa"], f"heal-{health}-{time.monotonic_ns()}")
    assert chat.ask(QUESTION)["article"] == "brp_briefadres_opvang"
    web_pid = server(running["launcher"], "bot.runtime.web")
    watch = WebWatch(running["urls"]["web"] + "/")
    watch.start()
    os.killpg(server(running["launcher"], marker), signal.SIGKILL)
    started = time.monotonic()
    url = (
        f"{running['urls']['rasa']}/status?token={TOKEN}"
        if health == "rasa"
        else f"{running['urls']['actions']}/health"
    )
    time.sleep(1)
    wait_until_up(url, running["launcher"], running["log"], seconds=60)
    back = chat.ask("waar staat dat?")  # the topic survived: the conversation was stored, not kept in memory
    watch.done.set()
    watch.join()
    assert time.monotonic() - started < 60
    assert (back["type"], back["article"]) == ("answer", "brp_briefadres_opvang")
    assert server(running["launcher"], "bot.runtime.web") == web_pid and watch.asked and watch.failed == 0
    assert "is gestopt" in running["log"].read_text() and "De andere servers werken door" in running["log"].read_text()


def test_a_frozen_action_server_gets_a_dutch_reply_within_five_seconds(running):
    actions = server(running["launcher"], "rasa_sdk")
    os.killpg(actions, signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = requests.post(
            f"{running['urls']['rasa']}/webhooks/rest/webhook",
            timeout=30,
            json={"sender": f"frozen-{time.monotonic_ns()}", "message": QUESTION},
        )
        waited = time.monotonic() - started
    finally:
        os.killpg(actions, signal.SIGCONT)
    assert waited < 5, waited
    assert reply.status_code == 503 and "tijdelijk niet beschikbaar" in reply.json()[0]["text"]


def test_a_store_that_cannot_be_written_is_a_loud_error_until_it_can_again(running):
    """While running, another program holds the database (as a backup or a stuck migration would). A read-only file
    system cannot be made while the server has the file open (the kernel refuses), and root ignores file modes."""
    chat = Chat(running["urls"]["rasa"], f"locked-{time.monotonic_ns()}")
    assert chat.ask(QUESTION)["article"] == "brp_briefadres_opvang"
    health = f"{running['urls']['rasa']}/webhooks/rest/"
    locker = sqlite3.connect(running["store"].folder / "conversations.db", isolation_level=None)
    locker.execute("begin exclusive")
    try:
        reply = requests.post(
            f"{running['urls']['rasa']}/webhooks/rest/webhook",
            timeout=30,
            json={"sender": chat.sender, "message": "wat moet ik doen?"},
        )
        assert reply.status_code == 503 and "kan het gesprek nu niet bewaren" in reply.json()[0]["text"]
        assert requests.get(health, timeout=5).status_code == 503  # a load balancer takes this machine out
    finally:
        locker.rollback()
        locker.close()
    again = chat.ask("waar staat dat?")  # writing resumes, and the topic was never lost to a memory store
    assert (again["type"], again["article"]) == ("answer", "brp_briefadres_opvang")
    assert requests.get(health, timeout=5).json() == {"status": "ok"}


def test_a_read_only_store_stops_the_start_with_a_clear_message(tmp_path):
    store = Store(tmp_path / "gesprekken")
    try:
        sqlite3.connect(store.folder / "conversations.db").close()
        store.read_only(True)
        env = {
            **os.environ,
            "BALIEGIDS_TRACKER_DB": str(store.folder / "conversations.db"),
            "BALIEGIDS_VAR_DIR": str(tmp_path),
        }
        result = subprocess.run(
            [sys.executable, "-m", "bot.runtime"],
            cwd=settings.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        store.read_only(False)
        store.remove()
    assert result.returncode == 1
    assert f"FOUT: database {store.folder / 'conversations.db'} is alleen-lezen" in result.stderr
