"""One trained model and one stack of real servers (Rasa, action server, web server) per test session, the local
stand-ins for Slack and the Bot Framework, and Debian's Chromium."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from benchmarks.chat import Chat
from bot import settings
from bot.knowledge.store import Store
from bot.review.accounts import Accounts
from bot.runtime.stack import Stack
from bot.training.train import train
from tests.support.fake_bot_framework import FakeBotFramework
from tests.support.fake_slack import FakeSlack
from tests.support.ports import JWT_SECRET, TOKEN, TRAINER, TRAINER_PASSWORD, free_port


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
def fake_slack():
    """A local stand-in for Slack's Web API (tests/support/fake_slack.py)."""
    slack = FakeSlack(free_port(), token="xoxb-test-bot-token")
    yield slack
    slack.stop()


@pytest.fixture(scope="session")
def slack_env(fake_slack) -> dict:
    """The Slack channel's variables, pointing at a local stand-in for Slack's Web API."""
    return {
        "SLACK_BOT_TOKEN": fake_slack.token,
        "SLACK_SIGNING_SECRET": "test-signing-secret",
        "SLACK_API_URL": fake_slack.url,
    }


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
def stack(model, app_db, slack_env, teams_env, tmp_path_factory):
    """Real Rasa, action and web servers on free ports with an SQLite tracker store, the Slack and Teams channels
    switched on against local stand-ins; the trainer's exports go to a copy of data/nlu."""
    workdir = tmp_path_factory.mktemp("servers")
    nlu_dir = workdir / "nlu"
    shutil.copytree(settings.ROOT / "data" / "nlu", nlu_dir)
    ports = {name: free_port() for name in ("rasa", "acties", "web")}
    with Stack(
        model,
        workdir,
        token=TOKEN,
        host="127.0.0.1",
        ports=ports,
        tracker_db=workdir / "conversations.db",
        app_db=app_db,
        cors=[f"http://127.0.0.1:{ports['web']}"],
        env={
            **slack_env,
            **teams_env,
            "BALIEGIDS_NLU_DIR": str(nlu_dir),
            "BALIEGIDS_RASA_JWT_SECRET": JWT_SECRET,
            "SANIC_WORKERS": "2",  # two workers, so the tests also cover what they share (locks, channel tokens)
        },
    ) as servers:
        yield servers


@pytest.fixture(scope="session")
def servers(stack, app_db):
    """What most tests need of the stack."""
    return {
        "rasa": stack.rasa_url,
        "tracker_db": stack.var_dir / "conversations.db",
        "app_db": app_db,
        "env": stack.env,
        "credentials": stack.credentials,
        "stack": stack,
    }


@pytest.fixture(scope="session")
def web(stack):
    """The web server: the demo page with the widget and the trainer review."""
    return {"url": stack.web_url, "env": stack.env, "nlu_dir": Path(stack.env["BALIEGIDS_NLU_DIR"])}


@pytest.fixture
def chat(servers, request):
    return Chat(servers["rasa"], sender=f"test-{request.node.name}-{time.monotonic_ns()}")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download); flags for a machine without network."""
    arguments = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
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


@pytest.fixture(scope="session")
def trainer(servers):
    Accounts(Store(servers["app_db"])).set_password(TRAINER, TRAINER_PASSWORD)
    return TRAINER


@pytest.fixture
def trainer_login(web, trainer):
    """A browserless session logged in on /review, as the login form does it (CSRF cookie and field)."""
    session = requests.Session()
    form = session.get(f"{web['url']}/review/login", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    reply = session.post(
        f"{web['url']}/review/login", timeout=10, data={"csrf": csrf, "name": trainer, "password": TRAINER_PASSWORD}
    )
    assert reply.url.endswith("/review"), reply.text[:500]
    return session
