"""The custom actions on their own, with a real store: what the clerk gets back for each kind of turn."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import shared
from actions.answers import ActionAnswer, ActionClarify, ActionShowDomain
from actions.feedback import ActionFeedback
from actions.followups import ActionContact, ActionShorter, ActionSource, ActionSteps
from actions.handoff import ActionHandoff
from bot import settings


@pytest.fixture(autouse=True)
def test_store(app_db, monkeypatch):
    monkeypatch.setattr(settings, "APP_DB_URL", settings.database_url(app_db))
    shared.replies.cache_clear()
    yield
    shared.replies.cache_clear()


def tracker(intent="", confidence=1.0, ranking=(), slots=None, events=(), text="vraag"):
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "intent_ranking": [{"name": name, "confidence": value} for name, value in ranking]}
    return Tracker("clerk-1", slots or {}, latest, list(events), False, None, {}, "action_listen")


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    # One message: either a domain response (which carries its own `custom`) or text with one `custom` payload.
    assert len(dispatcher.messages) == 1
    assert dispatcher.messages[0].get("response") or dispatcher.messages[0].get("custom")
    return dispatcher.messages[0], events


def test_answer_gives_the_article_short_answer_first_with_sources_and_buttons():
    message, events = run(ActionAnswer(), tracker("brp_briefadres_opvang", 0.91))
    custom = message["custom"]
    assert custom["type"] == "answer" and custom["article"] == "brp_briefadres_opvang"
    assert custom["confidence"] == 0.91 and custom["sources"] and custom["last_verified"]
    assert message["text"].split("\n\n")[1].startswith(("Ja", "Nee"))
    titles = [button["title"] for button in message["buttons"]]
    assert titles[0] == "Keuzehulp: welke route?" and titles[-2:] == ["👍", "👎"]
    assert 1 <= len(titles[1:-2]) <= 3  # the related articles
    assert events == [{"event": "slot", "timestamp": None, "name": "article", "value": "brp_briefadres_opvang"}]


def test_clarify_offers_the_close_articles_and_none_of_these():
    ranking = [("nlu_fallback", 0.5), ("wonen_urgentie_geen_binding", 0.45), ("wonen_urgentie_voorwaarden", 0.4),
               ("greet", 0.1), ("kvk_adres_afschermen", 0.01)]
    message, _ = run(ActionClarify(), tracker("nlu_fallback", 0.5, ranking))
    assert message["custom"] == {"type": "clarify",
                                 "candidates": ["wonen_urgentie_geen_binding", "wonen_urgentie_voorwaarden"]}
    assert [button["payload"] for button in message["buttons"]] == [
        "/wonen_urgentie_geen_binding", "/wonen_urgentie_voorwaarden", "/none_of_these"]


def test_clarify_declines_when_out_of_scope_is_the_best_guess():
    ranking = [("nlu_fallback", 0.5), ("out_of_scope", 0.45), ("wi_voorschot", 0.4)]
    message, _ = run(ActionClarify(), tracker("nlu_fallback", 0.5, ranking))
    assert message["response"] == "utter_out_of_scope"


@pytest.mark.parametrize("action, marker", [
    (ActionSource(), "wetten.overheid.nl"), (ActionSteps(), "1. "), (ActionShorter(), "[1]"),
    (ActionContact(), "Vakspecialist BRP"),
])
def test_follow_ups_answer_from_the_last_article(action, marker):
    message, _ = run(action, tracker("ask", slots={"article": "brp_briefadres_opvang"}))
    assert message["custom"]["type"] == "answer" and message["custom"]["article"] == "brp_briefadres_opvang"
    assert marker in message["text"]


def test_a_follow_up_without_a_topic_asks_for_the_question():
    message, _ = run(ActionSource(), tracker("ask_source"))
    assert message["response"] == "utter_no_topic_yet"


def test_handoff_refers_to_the_contact_for_the_articles_audience():
    message, _ = run(ActionHandoff(), tracker("request_human", slots={"article": "wi_voorschot"}))
    assert message["custom"]["type"] == "handoff"
    assert message["custom"]["contact"]["audience"] == "werk_inkomen"
    assert "Participatiewet" in message["text"]


def test_domain_menu_lists_that_domains_articles():
    message, _ = run(ActionShowDomain(), tracker("choose_domain", slots={"domain": "wonen"}))
    payloads = [button["payload"] for button in message["buttons"]]
    assert "/wonen_urgentie_geen_binding" in payloads and "/brp_briefadres_opvang" not in payloads


def test_thumbs_down_is_stored_with_question_and_answer(app_db):
    events = [
        {"event": "user", "text": "mag ik een briefadres weigeren?"},
        {"event": "bot", "text": "Nee ...", "data": {"custom": {"type": "answer", "article": "brp_briefadres_opvang"}}},
        {"event": "user", "text": "/feedback_down"},
    ]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFeedback().run(dispatcher, tracker("feedback_down", events=events), {}))
    stored = shared.replies().store.feedback()[-1]
    assert (stored.rating, stored.article_id, stored.question, stored.answer) == (
        "down", "brp_briefadres_opvang", "mag ik een briefadres weigeren?", "Nee ...")


def test_client_data_in_a_question_gets_one_reminder_per_conversation():
    dispatcher = CollectingDispatcher()
    first = tracker("brp_briefadres_opvang", text="bsn 111222333, mag ze een briefadres?")
    events = asyncio.run(ActionAnswer().run(dispatcher, first, {}))
    assert dispatcher.messages[0]["text"].startswith("Let op: typ geen gegevens van cliënten")
    assert dispatcher.messages[1]["custom"]["type"] == "answer"
    assert {"event": "slot", "timestamp": None, "name": "privacy_reminded", "value": True} in events
    dispatcher = CollectingDispatcher()
    again = tracker("brp_briefadres_opvang", text="bsn 111222333 nog een keer", slots={"privacy_reminded": True})
    asyncio.run(ActionAnswer().run(dispatcher, again, {}))
    assert len(dispatcher.messages) == 1
