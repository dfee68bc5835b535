"""`make run`'s launcher: loads the knowledge base, starts all three servers, answers, and stops them all on SIGTERM
(SIGINT behaves the same)."""

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from bot import settings
from bot.runtime.processes import wait_until_up
from tests.support.ports import free_port


def launch(model, tmp_path):
    """`make run`'s launcher on free ports, with var/ in `tmp_path` and its output in run.log there."""
    ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(), "WEB_PORT": free_port()}
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "BALIEGIDS_VAR_DIR": str(tmp_path),
        "BALIEGIDS_MODEL_DIR": str(model.parent),
        "BALIEGIDS_RASA_TOKEN": "launcher-token",
    }
    log = tmp_path / "run.log"
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime"],
        cwd=settings.ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return launcher, ports, log


def test_launcher_serves_all_three_and_stops_them_on_sigterm(model, tmp_path):
    launcher, ports, log = launch(model, tmp_path)
    try:
        wait_until_up(f"http://127.0.0.1:{ports['RASA_PORT']}/status?token=launcher-token", launcher, log)
        wait_until_up(f"http://127.0.0.1:{ports['WEB_PORT']}/", launcher, log)
        reply = requests.post(
            f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook",
            json={"sender": "launcher", "message": "mag ik een briefadres weigeren aan een vrouw uit blijf?"},
            timeout=30,
        ).json()
        assert any(message.get("custom", {}).get("type") == "answer" for message in reply)
        for name in ("conversations.db", "baliegids.db", "credentials.yml"):
            assert (tmp_path / name).stat().st_mode & 0o077 == 0, f"{name} is leesbaar voor anderen"
    finally:
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=60) == 0, log.read_text()[-2000:]
    for port in ports.values():
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"poort {port} luistert nog na het stoppen")
        except requests.ConnectionError:
            pass
    output = log.read_text()
    assert "spaCy-pipeline:" in output
    # knowledge/contacts.yml as shipped holds example values: the operator is told, the clerk never sees them
    assert "LET OP:" in output and "voorbeeldgegevens (tussen < >) voor: algemeen, burgerzaken" in output


def test_a_stop_while_the_rasa_workers_are_still_loading_leaves_nothing_running(model, tmp_path):
    """The Rasa server's workers ignore SIGTERM while they load the model (Sanic 21.12); the launcher must not leave
    them behind, serving on the port after `make run` has ended."""
    launcher, ports, log = launch(model, tmp_path)
    rasa_port = ports["RASA_PORT"]
    deadline = time.monotonic() + 120
    while True:  # the port opens when the workers start; they load the model for several seconds after that
        assert time.monotonic() < deadline and launcher.poll() is None, "de Rasa-server kwam niet op"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", rasa_port)) == 0:
                break
        time.sleep(0.1)
    launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=60)
    time.sleep(1)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", rasa_port)) != 0, "poort luistert nog na het stoppen"
    left = subprocess.run(["pgrep", "-f", f"--port {rasa_port}"], capture_output=True, text=True).stdout.split()
    assert not left, f"Rasa-processen draaien nog: {left}"


def test_a_broken_article_stops_the_start_with_file_and_field(tmp_path):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "kapot.yml").write_text("id: kapot\ntitle: Kapot\n")
    env = {**os.environ, "BALIEGIDS_KNOWLEDGE_DIR": str(knowledge), "BALIEGIDS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime"], cwd=settings.ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "kapot.yml" in result.stderr and "veld 'audience': ontbreekt" in result.stderr
