"""The Rasa server's one change: the action server's replies are checked against Rasa's schema with a validator
built once, and a reply that does not fit is still refused."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.runtime.rasa_server import check_action_replies_with_one_validator


@pytest.fixture(scope="module")
def action():
    original = RemoteAction._validate_action_result
    check_action_replies_with_one_validator()
    yield RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook"))
    RemoteAction._validate_action_result = original


def test_a_reply_in_rasas_format_passes(action):
    reply = {
        "events": [{"event": "slot", "timestamp": None, "name": "article", "value": "wi_voorschot"}],
        "responses": [{"text": "Het voorschot ...", "custom": {"type": "answer"}, "buttons": []}],
    }
    assert action._validate_action_result(reply)


@pytest.mark.parametrize(
    "reply",
    [
        {"events": [{"event": "slot", "name": "article"}], "responses": "geen lijst"},
        {"events": [{"event": "bestaat_niet"}], "responses": []},
        {"events": "geen lijst"},
    ],
)
def test_a_reply_that_does_not_fit_is_refused(action, reply):
    with pytest.raises(ValidationError, match="does not have the format Rasa expects"):
        action._validate_action_result(reply)
