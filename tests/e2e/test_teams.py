"""The Teams channel against the real Rasa and action servers, with a local stand-in for the Bot Framework
(tests/fake_bot_framework.py): answers arrive as cards in the right conversation, buttons and feedback work, and a
request whose token does not check out is refused without anything being sent. Also the Teams app package."""

import json
import os
import re
import subprocess
import time
import uuid
import zipfile

import pytest
import requests
from PIL import Image

from benchmarks.chat import Chat
from bot import settings
from bot.knowledge.store import Store
from tests.support.fake_bot_framework import new_key
from tests.support.ports import TOKEN
from tests.support.screenshots import screenshot, teams_preview

QUESTION = "mag ik een briefadres weigeren aan een vrouw uit de opvang?"
ARTICLE = "brp_briefadres_opvang"


def activity(bot_framework, text="", conversation=None, service_url=None, **fields) -> dict:
    """A message from a clerk as the Bot Connector service delivers it to the bot."""
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": "msteams",
        "text": text,
        "locale": "nl-NL",
        "serviceUrl": service_url or bot_framework.service_url,
        "from": {"id": f"29:{uuid.uuid4().hex}", "name": "Baliemedewerker"},
        "recipient": {"id": f"28:{bot_framework.app_id}", "name": "Baliegids"},
        "conversation": {"id": conversation or f"a:{uuid.uuid4().hex}"},
        **fields,
    }


def deliver(servers, message: dict, token) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{servers['rasa']}/webhooks/teams/webhook", json=message, headers=headers, timeout=30)


def ask(servers, bot_framework, message: dict) -> dict:
    """Delivers a genuine message and returns the bot's reply activity."""
    before = len(bot_framework.posted_to(message["conversation"]["id"]))
    assert deliver(servers, message, bot_framework.token(message["serviceUrl"])).status_code == 200
    return wait_for_posts(bot_framework, message["conversation"]["id"], before + 1)[-1]["activity"]


def wait_for_posts(bot_framework, conversation: str, count: int, seconds: float = 20) -> list:
    deadline = time.monotonic() + seconds
    while len(bot_framework.posted_to(conversation)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    posts = bot_framework.posted_to(conversation)
    assert len(posts) >= count, f"{len(posts)} van {count} antwoorden in {conversation}"
    return posts


def assert_nothing_posted(bot_framework, conversation: str) -> None:
    time.sleep(1)  # a reply would have been posted before the webhook answered; wait a little to be sure
    assert bot_framework.posted_to(conversation) == []


def card(reply: dict) -> dict:
    [attachment] = reply["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def card_text(reply: dict) -> str:
    """Every TextBlock of the card, also those in containers that a toggle shows."""

    def texts(items):
        for item in items:
            yield from texts(item["items"]) if item["type"] == "Container" else [item["text"]]

    return "\n".join(texts(card(reply)["body"]))


def click(bot_framework, reply: dict, title: str) -> dict:
    """What Teams sends when the clerk clicks the card button `title` (messageBack)."""
    [button] = [action for action in card(reply)["actions"] if action["title"] == title]
    back = button["data"]["msteams"]
    assert (button["type"], back["type"], back["displayText"]) == ("Action.Submit", "messageBack", title)
    return activity(bot_framework, back["text"], conversation=reply["conversation"]["id"], replyToId="card")


def test_a_question_gets_the_answer_card_with_sources_and_buttons_in_its_conversation(servers, bot_framework):
    question = activity(bot_framework, QUESTION)
    reply = ask(servers, bot_framework, question)

    [post] = bot_framework.posted_to(question["conversation"]["id"])
    assert post["authorized"] and post["reply_to"] == question["id"]
    assert (reply["replyToId"], reply["conversation"]) == (question["id"], question["conversation"])
    assert (reply["from"], reply["recipient"]) == (question["recipient"], question["from"])
    rest = next(
        message["custom"]
        for message in Chat(servers["rasa"], f"rest-{uuid.uuid4().hex}").send(QUESTION)
        if "custom" in message
    )
    text = card_text(reply)
    assert rest["title"] in text
    # every source a link (laws to their article, shipped documents to the cited lines), open or under "Alle bronnen"
    assert rest["sources"] and all(f"[{source['title']}]({source['url']})" in text for source in rest["sources"])
    assert any("/bronnen/" in source["url"] for source in rest["sources"])
    titles = [action["title"] for action in card(reply)["actions"]]
    assert titles[-2:] == ["👍", "👎"] and "Keuzehulp: welke route?" in titles


def test_a_channel_message_is_answered_without_the_bot_mention(servers, bot_framework):
    mention = "<at>Baliegids</at>"
    thread = f"19:{uuid.uuid4().hex}@thread.tacv2;messageid=1700000000000"
    question = activity(
        bot_framework,
        f"{mention} {QUESTION}",
        conversation=thread,
        entities=[
            {"type": "mention", "text": mention, "mentioned": {"id": f"28:{bot_framework.app_id}", "name": "Baliegids"}}
        ],
    )
    reply = ask(servers, bot_framework, question)
    assert reply["conversation"]["id"] == thread
    assert Store(servers["app_db"]).articles()[ARTICLE].title in card_text(reply)
    tracker = requests.get(
        f"{servers['rasa']}/conversations/{thread}/tracker", params={"token": TOKEN}, timeout=10
    ).json()
    assert tracker["latest_message"]["text"] == QUESTION  # what the trainer sees in the inbox, too


def test_a_button_click_gets_the_article_it_names(servers, bot_framework):
    answer = ask(servers, bot_framework, activity(bot_framework, QUESTION))
    related = Store(servers["app_db"]).articles()[ARTICLE].related[0]
    title = Store(servers["app_db"]).articles()[related].title
    reply = ask(servers, bot_framework, click(bot_framework, answer, title))
    assert reply["conversation"] == answer["conversation"]
    assert card_text(reply).startswith(title)


def test_feedback_click_is_acknowledged_and_stored(servers, bot_framework):
    answer = ask(servers, bot_framework, activity(bot_framework, QUESTION))
    reply = ask(servers, bot_framework, click(bot_framework, answer, "👍"))
    assert card_text(reply) == "Dank je voor je reactie."
    conversation = answer["conversation"]["id"]
    stored = [row for row in Store(servers["app_db"]).feedback() if row.sender_id == conversation]
    assert [(row.rating, row.article_id, row.question) for row in stored] == [("up", ARTICLE, QUESTION)]


def test_the_access_token_is_fetched_once_and_reused(servers, bot_framework):
    before = len(bot_framework.issued)
    for _ in range(6):
        ask(servers, bot_framework, activity(bot_framework, "goedemorgen"))
    # at most once per Rasa worker process (each keeps its own token until it nearly expires)
    assert len(bot_framework.issued) - before <= int(servers["env"]["SANIC_WORKERS"])
    assert all(post["authorized"] for post in bot_framework.posts)


FORGERIES = {
    "no token": (lambda fake: None, 401),
    "signed with a foreign key": (lambda fake: fake.token(key=new_key()), 403),
    "expired": (lambda fake: fake.token(nbf=int(time.time()) - 7200, exp=int(time.time()) - 3600), 403),
    "for another bot": (lambda fake: fake.token(aud=str(uuid.uuid4())), 403),
    "from another issuer": (lambda fake: fake.token(iss="https://api.botframework.com"), 403),
    "for another service url": (lambda fake: fake.token(service_url="https://smba.trafficmanager.net/teams/"), 403),
    "not a token": (lambda fake: "geen.geldig.token", 403),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_request_without_a_valid_token_is_refused_and_nothing_is_sent(servers, bot_framework, forgery):
    make_token, status = FORGERIES[forgery]
    message = activity(bot_framework, QUESTION)
    assert deliver(servers, message, make_token(bot_framework)).status_code == status
    assert_nothing_posted(bot_framework, message["conversation"]["id"])


def test_made_up_key_ids_do_not_make_the_bot_fetch_the_key_set_every_time(servers, bot_framework):
    before = bot_framework.key_set_fetches
    for number in range(6):
        message = activity(bot_framework, QUESTION)
        assert deliver(servers, message, bot_framework.token(key_id=f"verzonnen-{number}")).status_code == 403
        assert_nothing_posted(bot_framework, message["conversation"]["id"])
    # at most one fetch per Rasa worker process (each keeps its own key set), then none for a minute
    assert bot_framework.key_set_fetches - before <= int(servers["env"]["SANIC_WORKERS"])


def test_a_service_url_outside_the_allowed_hosts_gets_nothing(servers, bot_framework):
    elsewhere = f"http://localhost:{bot_framework.port}/teams/"  # same stand-in, a host that is not allowed
    message = activity(bot_framework, QUESTION, service_url=elsewhere)
    assert deliver(servers, message, bot_framework.token(elsewhere)).status_code == 403
    assert_nothing_posted(bot_framework, message["conversation"]["id"])


def test_a_conversation_update_is_accepted_without_a_reply(servers, bot_framework):
    update = activity(bot_framework, type="conversationUpdate", membersAdded=[{"id": f"28:{bot_framework.app_id}"}])
    assert deliver(servers, update, bot_framework.token()).status_code == 200
    assert_nothing_posted(bot_framework, update["conversation"]["id"])


def make_teams_app(tmp_path, app_id=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "BALIEGIDS_VAR_DIR": str(tmp_path)}
    env.pop("TEAMS_APP_ID", None)
    if app_id:
        env["TEAMS_APP_ID"] = app_id
    return subprocess.run(
        ["make", "--no-print-directory", "teams-app"],
        cwd=settings.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_teams_app_packages_the_manifest_with_the_app_id_and_the_icons(tmp_path):
    app_id = str(uuid.uuid4())
    done = make_teams_app(tmp_path, app_id)
    assert done.returncode == 0, done.stderr
    [path] = re.findall(r"Teams-app klaar: (\S+)", done.stdout)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        archive.extractall(tmp_path / "unpacked")
    assert manifest["id"] == app_id
    [bot] = manifest["bots"]
    assert bot["botId"] == app_id and set(bot["scopes"]) == {"personal", "team"}
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert Image.open(tmp_path / "unpacked" / "color.png").size == (192, 192)
    outline = Image.open(tmp_path / "unpacked" / "outline.png").convert("RGBA")
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    assert outline.size == (32, 32)
    assert any(alpha == 0 for *_, alpha in pixels), "de omtrek-icoon heeft geen transparante achtergrond"
    assert {pixel[:3] for pixel in pixels if pixel[3]} == {(255, 255, 255)}, "de omtrek-icoon is niet wit"


@pytest.mark.parametrize("app_id", [None, "niet-een-guid"])
def test_make_teams_app_without_a_valid_app_id_says_so_in_dutch(tmp_path, app_id):
    done = make_teams_app(tmp_path, app_id)
    assert done.returncode != 0 and "FOUT:" in done.stderr and "TEAMS_APP_ID" in done.stderr
    assert not (tmp_path / "baliegids-teams.zip").exists()


def test_an_answer_card_fits_teams_and_opens_its_sections_in_the_card(servers, bot_framework, page):
    reply = ask(servers, bot_framework, activity(bot_framework, QUESTION))
    content = card(reply)
    assert len(json.dumps(content).encode()) < 28 * 1024  # Teams' limit for a message
    hidden = {item["id"]: item for item in content["body"] if item["type"] == "Container"}
    toggles = {action["title"]: action for action in content["actions"] if action["type"] == "Action.ToggleVisibility"}
    # the briefadres article points to a local designation the municipality has not entered: a section says so
    assert set(toggles) == {"Uitleg", "Voorbehouden", "In onze gemeente: nog niet vastgelegd", "Alle bronnen"}
    assert all(not hidden[target]["isVisible"] for action in toggles.values() for target in action["targetElements"])
    back = [action["data"]["msteams"]["text"] for action in content["actions"] if action["type"] == "Action.Submit"]
    assert "/ask_explanation" not in back and any(text.startswith("/feedback_up") for text in back)
    assert "Aan de balie" in card_text(reply)
    page.set_content(teams_preview(content))
    page.screenshot(path=str(screenshot("teams.png")), full_page=True)


def test_the_same_activity_twice_is_answered_once(servers, bot_framework):
    message = activity(bot_framework, QUESTION)
    ask(servers, bot_framework, message)
    assert deliver(servers, message, bot_framework.token()).status_code == 200
    time.sleep(2)
    assert len(bot_framework.posted_to(message["conversation"]["id"])) == 1


@pytest.mark.parametrize("change", ["other port", "https instead of http"])
def test_the_allowed_service_address_is_compared_with_scheme_host_and_port(servers, bot_framework, change):
    elsewhere = {
        "other port": f"http://127.0.0.1:{bot_framework.port + 1}/teams/",
        "https instead of http": f"https://127.0.0.1:{bot_framework.port}/teams/",
    }[change]
    message = activity(bot_framework, QUESTION, service_url=elsewhere)
    assert deliver(servers, message, bot_framework.token(elsewhere)).status_code == 403
    assert_nothing_posted(bot_framework, message["conversation"]["id"])
