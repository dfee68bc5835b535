"""The custom actions on their own, with a real store and the real domain: what the clerk gets back for each kind of
turn."""

import asyncio
import inspect
import re

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import shared
from actions.answers import ActionAnswer, ActionClarify, ActionShowDomain
from actions.feedback import ActionFeedback
from actions.followups import ActionCaveats, ActionContact, ActionExplanation, ActionShorter, ActionSource, ActionSteps
from actions.handoff import ActionHandoff
from bot import settings

DOMAIN = yaml.safe_load((settings.ROOT / "domain.yml").read_text(encoding="utf-8"))
WORDS_AT_MOST = 150  # the default answer, as a clerk at the counter reads it


@pytest.fixture(autouse=True)
def test_store(app_db, monkeypatch):
    monkeypatch.setattr(settings, "APP_DB_URL", settings.database_url(app_db))
    shared.replies.cache_clear()
    yield
    shared.replies.cache_clear()


def tracker(intent="", confidence=1.0, ranking=(), slots=None, events=(), text="vraag"):
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": name, "confidence": value} for name, value in ranking],
    }
    return Tracker("clerk-1", slots or {}, latest, list(events), False, None, {}, "action_listen")


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    # One message: either a domain response (which carries its own `custom`) or text with one `custom` payload.
    assert len(dispatcher.messages) == 1
    assert dispatcher.messages[0].get("response") or dispatcher.messages[0].get("custom")
    return dispatcher.messages[0], events


def test_answer_gives_the_rule_and_the_steps_with_the_rest_one_click_away():
    message, events = run(ActionAnswer(), tracker("brp_briefadres_opvang", 0.91))
    custom = message["custom"]
    assert custom["type"] == "answer" and custom["article"] == "brp_briefadres_opvang"
    assert custom["confidence"] == 0.91 and custom["sources"] and custom["last_verified"]
    sections = {section["key"]: section for section in custom["sections"]}
    assert [key for key, section in sections.items() if section["open"]] == ["kort", "stappen", "opschalen"]
    assert {key: section["payload"] for key, section in sections.items() if not section["open"]} == {
        "uitleg": "/ask_explanation",
        "voorbehouden": "/ask_caveats",
        "lokaal": "/ask_local",  # the article points to a local designation this municipality has not filled in
        "bronnen": "/ask_source",
    }
    assert sections["lokaal"]["title"] == "In onze gemeente: nog niet vastgelegd"
    assert message["text"].split("\n\n")[1] == sections["kort"]["text"]  # the rule first, then the steps
    assert sections["uitleg"]["text"] not in message["text"]
    titles = [button["title"] for button in message["buttons"]]
    assert titles[:5] == [
        "Keuzehulp: welke route?",
        "Uitleg",
        "Voorbehouden",
        "In onze gemeente: nog niet vastgelegd",
        "Alle bronnen",
    ]
    assert titles[-2:] == ["👍", "👎"] and 1 <= len(titles[5:-2]) <= 3  # then the related articles
    assert message["buttons"][-1]["payload"] == '/feedback_down{"article": "brp_briefadres_opvang"}'
    assert events == [{"event": "slot", "timestamp": None, "name": "article", "value": "brp_briefadres_opvang"}]


def test_every_default_answer_fits_the_counter(store):
    for article_id in store.articles():
        message, _ = run(ActionAnswer(), tracker(article_id, 1.0))
        short = message["text"].split("\n\n")[1]
        assert not re.match(r"(Ja|Nee)\b", short), (article_id, "een kaal ja of nee hangt af van de vraag")
        assert len(message["text"].split()) <= WORDS_AT_MOST, (article_id, len(message["text"].split()))


def test_clarify_offers_the_close_articles_and_none_of_these():
    ranking = [
        ("nlu_fallback", 0.5),
        ("wonen_urgentie_geen_binding", 0.45),
        ("wonen_urgentie_voorwaarden", 0.4),
        ("greet", 0.1),
        ("kvk_adres_afschermen", 0.01),
    ]
    message, _ = run(ActionClarify(), tracker("nlu_fallback", 0.5, ranking))
    assert message["custom"] == {
        "type": "clarify",
        "candidates": ["wonen_urgentie_geen_binding", "wonen_urgentie_voorwaarden"],
    }
    assert [button["payload"] for button in message["buttons"]] == [
        "/wonen_urgentie_geen_binding",
        "/wonen_urgentie_voorwaarden",
        "/none_of_these",
    ]


def test_clarify_declines_when_out_of_scope_is_the_best_guess():
    ranking = [("nlu_fallback", 0.5), ("out_of_scope", 0.45), ("wi_voorschot", 0.4)]
    message, _ = run(ActionClarify(), tracker("nlu_fallback", 0.5, ranking))
    assert message["response"] == "utter_out_of_scope"


@pytest.mark.parametrize(
    "action, section, marker",
    [
        (ActionSource(), None, "jci1.3:c:BWBR0033715"),
        (ActionSteps(), "stappen", "1. "),
        (ActionShorter(), "kort", "[1]"),
        (ActionContact(), "opschalen", "Vakspecialist BRP"),
        (ActionExplanation(), "uitleg", "Route 1, art. 2.40"),
        (ActionCaveats(), "voorbehouden", "- "),
    ],
)
def test_follow_ups_answer_from_the_last_article(action, section, marker):
    message, _ = run(action, tracker("ask", slots={"article": "brp_briefadres_opvang"}))
    custom = message["custom"]
    assert custom["type"] == "answer" and custom["article"] == "brp_briefadres_opvang"
    assert marker in message["text"]
    assert [part["key"] for part in custom["sections"]][:1] == ([section] if section else [])
    if section:  # a follow-up lists the sources it cites, not the whole list
        everything = len(
            run(ActionSource(), tracker("ask", slots={"article": "brp_briefadres_opvang"}))[0]["custom"]["sources"]
        )
        assert 0 < len(custom["sources"]) < everything


def test_a_follow_up_phrase_without_a_topic_answers_the_topic_it_names():
    ranking = [("ask_source", 0.6), ("wi_kostendelersnorm_opvang", 0.3), ("greet", 0.1)]
    message, events = run(
        ActionSource(),
        tracker("ask_source", 0.6, ranking, text="waar staat dat de kostendelersnorm niet geldt in de opvang?"),
    )
    assert message["custom"]["article"] == "wi_kostendelersnorm_opvang"
    assert {"event": "slot", "timestamp": None, "name": "article", "value": "wi_kostendelersnorm_opvang"} in events


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


def test_thumbs_down_is_stored_for_the_article_of_the_message_it_was_given_on(app_db):
    events = [
        {"event": "user", "text": "mag ik een briefadres weigeren?"},
        {
            "event": "bot",
            "text": "Briefadres ...",
            "data": {"custom": {"type": "answer", "article": "brp_briefadres_opvang"}},
        },
        {"event": "user", "text": "en urgentie met regiobinding?"},
        {
            "event": "bot",
            "text": "Regiobinding ...",
            "data": {"custom": {"type": "answer", "article": "wonen_urgentie_geen_binding"}},
        },
        {"event": "user", "text": '/feedback_down{"article": "brp_briefadres_opvang"}'},
    ]
    latest = tracker("feedback_down", events=events)
    latest.latest_message["entities"] = [{"entity": "article", "value": "brp_briefadres_opvang"}]
    asyncio.run(ActionFeedback().run(CollectingDispatcher(), latest, DOMAIN))
    stored = shared.replies().store.feedback()[-1]
    assert (stored.rating, stored.article_id, stored.question, stored.answer) == (
        "down",
        "brp_briefadres_opvang",
        "mag ik een briefadres weigeren?",
        "Briefadres ...",
    )
    assert stored.last_verified == shared.replies().article("brp_briefadres_opvang").last_verified


def test_every_response_an_action_names_exists_in_the_domain():
    import actions.answers
    import actions.decision_aids
    import actions.feedback
    import actions.followups
    import actions.handoff
    import actions.session

    named = set()
    for module in (
        actions.answers,
        actions.decision_aids,
        actions.feedback,
        actions.followups,
        actions.handoff,
        actions.session,
        shared,
    ):
        named |= set(re.findall(r'response="(utter_[a-z_]+)"', inspect.getsource(module)))
    assert named and named <= set(DOMAIN["responses"]), named - set(DOMAIN["responses"])
    registered = {cls().name() for cls in all_actions() if not inspect.isabstract(cls)}
    assert registered <= set(DOMAIN["actions"]) | {"action_restart"}, registered - set(DOMAIN["actions"])


def all_actions():
    found, todo = [], [Action]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [cls for cls in found if cls.__module__.startswith("actions.")]


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
