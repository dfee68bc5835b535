"""Shared fixtures: one trained model and one pair of real servers (Rasa + action server) per test session."""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from bot import settings
from bot.deployment import write_credentials
from bot.services import Chat, actions_command, environment, rasa_command, start, stop, wait_until_up, web_command
from bot.store import Store, load
from bot.train import train
from tests.fake_bot_framework import FakeBotFramework
from tests.fake_slack import FakeSlack

TOKEN = "test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
def fake_slack():
    """A local stand-in for Slack's Web API (tests/fake_slack.py)."""
    slack = FakeSlack(free_port(), token="xoxb-test-bot-token")
    yield slack
    slack.stop()


@pytest.fixture(scope="session")
def slack_env(fake_slack) -> dict:
    """The Slack channel's variables, pointing at a local stand-in for Slack's Web API."""
    return {"SLACK_BOT_TOKEN": fake_slack.token, "SLACK_SIGNING_SECRET": "test-signing-secret",
            "SLACK_API_URL": fake_slack.url}


@pytest.fixture(scope="session")
def servers(model, app_db, slack_env, teams_env, tmp_path_factory):
    """A real Rasa server and a real action server on free ports, with an SQLite tracker store, and the Slack and
    Teams channels switched on against local stand-ins."""
    workdir = tmp_path_factory.mktemp("servers")
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    env = {**environment("127.0.0.1", actions_port, workdir / "conversations.db", app_db), **slack_env, **teams_env}
    credentials = workdir / "credentials.yml"
    write_credentials(credentials, env)
    commands = {
        "actions": actions_command(actions_port),
        "rasa": rasa_command(model, "127.0.0.1", rasa_port, TOKEN, credentials, cors=[f"http://127.0.0.1:{web_port}"]),
    }
    processes = []
    for name, command in commands.items():
        log = workdir / f"{name}.log"
        processes.append((start(command, env, log), log))
    try:
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", *processes[0])
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={TOKEN}", *processes[1])
        yield {"rasa": f"http://127.0.0.1:{rasa_port}", "tracker_db": workdir / "conversations.db", "app_db": app_db,
               "web_port": web_port, "actions_port": actions_port, "env": env, "credentials": credentials}
    finally:
        stop(process for process, _ in processes)


@pytest.fixture(scope="session")
def web(servers, tmp_path_factory):
    """The web server (demo page with the widget, trainer review) on the test servers' data; the trainer's
    exports go to a copy of data/nlu."""
    workdir = tmp_path_factory.mktemp("web")
    nlu_dir = workdir / "nlu"
    shutil.copytree(settings.ROOT / "data" / "nlu", nlu_dir)
    env = {**os.environ, "WEB_PORT": str(servers["web_port"]), "BALIEGIDS_PUBLIC_RASA_URL": servers["rasa"],
           "BALIEGIDS_TRACKER_DB": str(servers["tracker_db"]), "BALIEGIDS_APP_DB": str(servers["app_db"]),
           "BALIEGIDS_NLU_DIR": str(nlu_dir)}
    log = workdir / "web.log"
    process = start(web_command(), env, log)
    url = f"http://127.0.0.1:{servers['web_port']}"
    wait_until_up(f"{url}/", process, log)
    yield {"url": url, "env": env, "nlu_dir": nlu_dir}
    stop([process])


@pytest.fixture
def chat(servers, request):
    return Chat(servers["rasa"], sender=f"test-{request.node.name}-{time.monotonic_ns()}")


@pytest.fixture(scope="session")
def bot_framework():
    """A local stand-in for the Bot Framework, the tenant's token endpoint and the Teams Connector service."""
    fake = FakeBotFramework()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def teams_env(bot_framework) -> dict:
    """The Teams channel's variables, pointing at a local stand-in for the Bot Framework."""
    return bot_framework.environment()


@pytest.fixture(scope="session")
def store(app_db) -> Store:
    return Store(app_db)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download); flags for a machine without network."""
    arguments = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=arguments)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
