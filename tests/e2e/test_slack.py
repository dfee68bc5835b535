"""The Slack channel: requests signed like Slack signs them, sent to the real Rasa server, answered through a
stand-in for Slack's Web API (tests/fake_slack.py)."""

import hashlib
import hmac
import html
import json
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests

from bot.channels.slack import slack_message
from bot.knowledge.render import section, sources_shown
from bot.knowledge.store import Store
from tests.support.screenshots import screenshot, slack_preview

QUESTION = "mag ik een briefadres weigeren aan een vrouw uit de opvang?"
BOT_USER = "UBALIEGIDS"
QUIET_SECONDS = 3  # how long "nothing is posted" is watched; an answer takes well under a second here


def signed(secret: str, body: bytes, timestamp: int = None) -> dict:
    """The headers Slack adds: HMAC-SHA256 of `v0:{timestamp}:{body}` with the app's signing secret."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def sections(post: dict) -> str:
    return "\n\n".join(block["text"]["text"] for block in post["blocks"] if block["type"] == "section")


def buttons(post: dict) -> list:
    return [element for block in post["blocks"] if block["type"] == "actions" for element in block["elements"]]


class SlackUser:
    """A clerk writing to the app in a direct message, delivered to the request URL the way Slack delivers it."""

    def __init__(self, servers, slack_env, channel_type: str = "im"):
        self.url = f"{servers['rasa']}/webhooks/slack/webhook"
        self.secret = slack_env["SLACK_SIGNING_SECRET"]
        self.user = f"U{uuid.uuid4().hex[:10].upper()}"
        self.channel = ("D" if channel_type == "im" else "C") + uuid.uuid4().hex[:10].upper()
        self.channel_type = channel_type

    def deliver(self, body: bytes, content_type: str, headers: dict = None) -> requests.Response:
        headers = signed(self.secret, body) if headers is None else headers
        return requests.post(self.url, data=body, headers={"Content-Type": content_type, **headers}, timeout=10)

    def event(self, text: str, **fields) -> bytes:
        event = {
            "type": "message",
            "channel": self.channel,
            "user": self.user,
            "text": text,
            "ts": f"{time.time():.6f}",
            "channel_type": self.channel_type,
            **fields,
        }
        return json.dumps(
            {
                "token": "unused",
                "team_id": "TGEMEENTE",
                "api_app_id": "ABALIEGIDS",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:10]}",
                "event_time": int(time.time()),
                "event": event,
                "authorizations": [{"team_id": "TGEMEENTE", "user_id": BOT_USER, "is_bot": True}],
            }
        ).encode()

    def say(self, text: str, **fields) -> requests.Response:
        return self.deliver(self.event(text, **fields), "application/json")

    def click(self, post: dict, title: str) -> requests.Response:
        """A `block_actions` interaction for the button titled `title` in `post`."""
        element = next(element for element in buttons(post) if element["text"]["text"] == title)
        ts = f"{time.time():.6f}"
        payload = {
            "type": "block_actions",
            "api_app_id": "ABALIEGIDS",
            "token": "unused",
            "trigger_id": "1.2.3",
            "user": {"id": self.user, "username": "balie", "team_id": "TGEMEENTE"},
            "team": {"id": "TGEMEENTE", "domain": "gemeente"},
            "container": {"type": "message", "message_ts": ts, "channel_id": self.channel, "is_ephemeral": False},
            "channel": {"id": self.channel, "name": "directmessage"},
            "message": {"type": "message", "user": BOT_USER, "ts": ts, "text": post["text"], "blocks": post["blocks"]},
            "actions": [
                {
                    "type": "button",
                    "action_id": element["action_id"],
                    "block_id": "blok",
                    "text": element["text"],
                    "value": element["value"],
                    "action_ts": ts,
                }
            ],
        }
        return self.deliver(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")


@pytest.fixture
def clerk(servers, slack_env) -> SlackUser:
    return SlackUser(servers, slack_env)


def test_a_reply_becomes_one_message_with_mrkdwn_source_links_and_buttons():
    long_title = "Een artikel met een titel die langer is dan de vijfenzeventig tekens die Slack toestaat"
    message = slack_message(
        {
            "text": "dit tekstveld leest Slack niet voor een antwoord",
            "buttons": [
                {"title": long_title, "payload": "/brp_briefadresgever"},
                {"title": "👍", "payload": "/feedback_up"},
            ],
            "custom": {
                "type": "answer",
                "article": "x",
                "title": "Titel & kop",
                "last_verified": "2026-12-01",
                "sections": [
                    section("kort", text="Kort antwoord [1] [2]."),
                    section("stappen", items=["Doe <dit>.", "Dan dat."], numbered=True),
                    section("uitleg", text="Verborgen uitleg.", open_=False),
                ],
                "sources": [
                    {"number": 1, "title": "Wet <BRP>, art. 2.40", "url": "https://wetten.example/brp?a=1&b=2"},
                    {"number": 2, "title": "Ombudsman, rapport 2019", "url": None},
                ],
            },
        }
    )
    assert message["text"] == "*Titel &amp; kop*"
    assert message["blocks"][0] == {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": (
                "*Titel &amp; kop*\n\nKort antwoord [1] [2].\n\n*Aan de balie*\n1. Doe &lt;dit&gt;.\n2. Dan dat."
                "\n\n*Bronnen*\n[1] <https://wetten.example/brp?a=1&amp;b=2|Wet &lt;BRP&gt;, art. 2.40>\n"
                "[2] Ombudsman, rapport 2019\n\n"
                "Laatst gecontroleerd: 2026-12-01"
            ),
        },
    }
    actions = message["blocks"][1]
    assert actions["type"] == "actions" and len(message["blocks"]) == 2
    assert [(element["type"], element["value"]) for element in actions["elements"]] == [
        ("button", "/brp_briefadresgever"),
        ("button", "/feedback_up"),
    ]
    assert actions["elements"][0]["text"]["text"] == long_title[:74] + "…"
    assert actions["elements"][1]["text"] == {"type": "plain_text", "text": "👍", "emoji": True}


def test_a_long_answer_is_cut_into_sections_that_slack_accepts():
    text = "\n\n".join(["Kort antwoord.", "uitleg " * 400, "nog meer uitleg " * 300])
    texts = [block["text"]["text"] for block in slack_message({"text": text})["blocks"]]
    assert all(len(section) <= 3000 for section in texts)
    assert texts[0] == "Kort antwoord.\n\n" + ("uitleg " * 400).strip()
    assert " ".join(texts).split() == text.split()


def test_a_signed_question_gets_the_same_answer_as_over_rest(clerk, fake_slack, chat):
    rest = chat.send(QUESTION)
    answer = next(message["custom"] for message in rest if "custom" in message)
    assert answer["article"] == "brp_briefadres_opvang"

    assert clerk.say(QUESTION).status_code == 200
    [post] = fake_slack.wait_for_posts(clerk.channel, 1)
    text = sections(post)
    assert text.startswith(f"*{answer['title']}*")
    for source in sources_shown(answer):  # the rest is behind "Alle bronnen"
        title, url = html.escape(source["title"], quote=False), html.escape(source["url"] or "", quote=False)
        assert (f"<{url}|{title}>" if url else title) in text
    assert [(element["text"]["text"], element["value"]) for element in buttons(post)] == [
        (button["title"], button["payload"]) for message in rest for button in message.get("buttons", [])
    ]


def test_a_mention_in_a_channel_is_answered_in_that_channel(servers, slack_env, fake_slack):
    colleague = SlackUser(servers, slack_env, channel_type="channel")
    assert colleague.say(f"<@{BOT_USER}> {QUESTION}", type="app_mention").status_code == 200
    [post] = fake_slack.wait_for_posts(colleague.channel, 1)
    assert sections(post).startswith("*Briefadres voor een vrouw in de opvang")


def test_clicking_a_button_gives_the_article_of_that_button(clerk, fake_slack):
    clerk.say(QUESTION)
    [answer] = fake_slack.wait_for_posts(clerk.channel, 1)
    title = "Wie kan briefadresgever zijn voor een vrouw in de opvang?"
    assert clerk.click(answer, title).status_code == 200
    follow_up = fake_slack.wait_for_posts(clerk.channel, 2)[1]
    assert sections(follow_up).startswith(f"*{title}*")


def test_a_thumbs_up_click_is_acknowledged_and_stored(clerk, fake_slack, servers):
    clerk.say(QUESTION)
    [answer] = fake_slack.wait_for_posts(clerk.channel, 1)
    assert clerk.click(answer, "👍").status_code == 200
    thanks = fake_slack.wait_for_posts(clerk.channel, 2)[1]
    assert sections(thanks) == "Dank je voor je reactie."
    stored = [row for row in Store(servers["app_db"]).feedback() if row.sender_id == clerk.user]
    assert [(row.rating, row.article_id, row.question) for row in stored] == [("up", "brp_briefadres_opvang", QUESTION)]


@pytest.mark.parametrize("forgery", ["missing signature", "wrong signature", "six minutes old"])
def test_a_forged_request_is_rejected_and_nothing_is_posted(clerk, fake_slack, forgery):
    body = clerk.event(QUESTION)
    headers = {
        "missing signature": {},
        "wrong signature": signed("not-the-signing-secret", body),
        "six minutes old": signed(clerk.secret, body, timestamp=int(time.time()) - 6 * 60),
    }[forgery]
    reply = clerk.deliver(body, "application/json", headers)
    assert 400 <= reply.status_code < 500
    time.sleep(QUIET_SECONDS)
    assert fake_slack.posts(clerk.channel) == []


def test_the_bots_own_message_and_a_retry_after_a_timeout_are_not_answered(clerk, fake_slack):
    assert clerk.say("Dank je voor je reactie.", bot_id="BBALIEGIDS").status_code == 200
    body = clerk.event(QUESTION)
    clerk.deliver(body, "application/json")
    fake_slack.wait_for_posts(clerk.channel, 1)
    retry = {**signed(clerk.secret, body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert clerk.deliver(body, "application/json", retry).status_code < 300
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.posts(clerk.channel)) == 1


def test_url_verification_returns_the_challenge_only_when_signed(clerk):
    body = json.dumps({"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}).encode()
    reply = clerk.deliver(body, "application/json")
    assert reply.status_code == 200 and reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}
    assert clerk.deliver(body, "application/json", headers={}).status_code == 400


def test_an_answer_fits_block_kit_and_its_explanation_button_answers_in_the_thread(clerk, fake_slack, page):
    clerk.say(QUESTION)
    [answer] = fake_slack.wait_for_posts(clerk.channel, 1)
    assert len(answer["blocks"]) <= 50
    assert all(len(block["text"]["text"]) <= 3000 for block in answer["blocks"] if block["type"] == "section")
    assert "Aan de balie" in sections(answer) and "*Uitleg*" not in sections(answer)
    titles = [element["text"]["text"] for element in buttons(answer)]
    assert {"Uitleg", "Voorbehouden", "Alle bronnen"} <= set(titles)
    page.set_content(slack_preview(answer))
    page.screenshot(path=str(screenshot("slack.png")), full_page=True)
    assert clerk.click(answer, "Uitleg").status_code == 200
    explanation = fake_slack.wait_for_posts(clerk.channel, 2)[1]
    assert sections(explanation).startswith("*Uitleg: ")
    assert explanation.get("thread_ts")  # in the thread of the answer, not as a new message in the conversation


def test_a_retried_or_replayed_delivery_is_answered_once(clerk, fake_slack):
    body = clerk.event(QUESTION)
    assert clerk.deliver(body, "application/json").status_code == 200
    fake_slack.wait_for_posts(clerk.channel, 1)
    retry = {**signed(clerk.secret, body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    assert clerk.deliver(body, "application/json", retry).status_code == 200
    assert clerk.deliver(body, "application/json").status_code == 200  # the same request again, still signed
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.posts(clerk.channel)) == 1


def test_a_signed_but_malformed_request_gets_a_4xx_so_slack_does_not_retry_it(clerk, fake_slack):
    event = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": "geen object"}).encode()
    assert 400 <= clerk.deliver(event, "application/json").status_code < 500
    form = urlencode({"payload": "{kapot"}).encode()
    assert 400 <= clerk.deliver(form, "application/x-www-form-urlencoded").status_code < 500
    time.sleep(1)
    assert fake_slack.posts(clerk.channel) == []
