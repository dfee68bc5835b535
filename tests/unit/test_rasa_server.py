"""The Rasa server's two changes: the action server's replies are checked against Rasa's schema with a validator
built once, and a reply that does not fit is still refused; every model gets the spaCy pipeline loaded before the
workers start."""

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


def test_every_model_the_server_loads_gets_the_one_spacy_pipeline_loaded_before_the_workers_start():
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.utils.io import read_config_file

    from bot import settings
    from bot.runtime.rasa_server import share_the_spacy_pipeline

    original = SpacyNLP.__dict__["load_model"]  # the staticmethod itself
    try:
        pipeline = read_config_file(settings.ROOT / "config.yml")["pipeline"]
        share_the_spacy_pipeline(pipeline)
        model = next(component["model"] for component in pipeline if component["name"] == "SpacyNLP")
        first, later = (
            SpacyNLP.create({"model": model}, None, None, None),
            SpacyNLP.create({"model": model}, None, None, None),
        )
        assert first.provide().model is later.provide().model
        assert first.provide().model("briefadressen")[0].lemma_ == "briefadres"
    finally:
        SpacyNLP.load_model = original
