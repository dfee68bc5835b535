"""The review's building blocks without servers or a model: a conversation in plain Dutch from Rasa's events, groups
of near-identical questions, the filter read from an address, the clerk-outcome rule of a retraining, one training
at a time, which model the Rasa servers get, and when a stack lets Rasa fetch its model from the web server."""

import datetime
import io
import json
import os
import tarfile
import time

import pytest
import yaml
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert

from bot import settings
from bot.review.conversation import conversation
from bot.review.filters import Filters
from bot.review.inbox import Review, grouped, questions
from bot.review.insight import pair_of
from bot.review.words import did, normalised
from bot.runtime.stack import RASA, WEB, Stack
from bot.training.models import Busy, Models, deployment
from bot.training.retrain import COMPONENTS, outcome

TITLES = {"wi_voorschot": "Voorschot op de bijstand", "wi_bijstand_aanvraag_opvang": "Bijstand aanvragen"}


class Events:
    """Rasa's events table with a conversation written by hand, as the tracker store keeps it."""

    def __init__(self, path):
        self.url = f"sqlite:///{path}"
        self.table = Table(
            "events",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("sender_id", String),
            Column("type_name", String),
            Column("timestamp", String),
            Column("intent_name", String),
            Column("action_name", String),
            Column("data", Text),
        )
        self.engine = create_engine(self.url, future=True)
        self.table.metadata.create_all(self.engine)
        self.clock = time.time()

    def user(self, sender, text, intent, confidence=1.0, ranking=(), entities=()):
        self.clock += 1
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": name, "confidence": value} for name, value in ranking],
            "entities": list(entities),
        }
        data = {"event": "user", "timestamp": self.clock, "text": text, "parse_data": parse, "input_channel": "rest"}
        return self._add(sender, "user", data)

    def bot(self, sender, custom, text="..."):
        self.clock += 1
        return self._add(
            sender, "bot", {"event": "bot", "timestamp": self.clock, "text": text, "data": {"custom": custom}}
        )

    def _add(self, sender, kind, data):
        with self.engine.begin() as connection:
            return connection.execute(
                insert(self.table).values(
                    sender_id=sender, type_name=kind, timestamp=str(data["timestamp"]), data=json.dumps(data)
                )
            ).inserted_primary_key[0]


@pytest.fixture
def events(tmp_path):
    talk = Events(tmp_path / "conversations.db")
    ranking = [("nlu_fallback", 0.45), ("wi_voorschot", 0.4), ("wi_bijstand_aanvraag_opvang", 0.35)]
    talk.user("a", "krijgt ze geld vooruit of moet ze eerst aanvragen?", "nlu_fallback", 0.45, ranking)
    talk.bot("a", {"type": "clarify", "candidates": ["wi_voorschot", "wi_bijstand_aanvraag_opvang"]})
    talk.user("a", "/wi_bijstand_aanvraag_opvang", "wi_bijstand_aanvraag_opvang")
    talk.bot("a", {"type": "answer", "article": "wi_bijstand_aanvraag_opvang", "confidence": 1.0})
    article = {"entity": "article", "value": "wi_bijstand_aanvraag_opvang"}
    talk.user("a", '/feedback_down{"article": "wi_bijstand_aanvraag_opvang"}', "feedback_down", entities=[article])
    talk.bot("a", {"type": "smalltalk"})
    talk.user("a", "ik wil een collega spreken", "request_human")
    talk.bot("a", {"type": "handoff", "contact": {"role": "Specialist Participatiewet"}})
    for sender in ("b", "c"):
        talk.user(sender, "Kan ik een hondenpenning bestellen?", "nlu_fallback", 0.4, [("out_of_scope", 0.4)])
        talk.bot(sender, {"type": "no_answer"})
    return talk


def test_a_conversation_says_what_the_assistant_did_at_each_turn(events):
    items = [item for item in questions(events.url) if item.sender == "a"]
    talk = conversation("a", items, TITLES, events.url)
    done = [turn.done for turn in talk.turns]
    assert done[0] == (
        "vroeg welk onderwerp: “Voorschot op de bijstand”, “Bijstand aanvragen”; gekozen: “Bijstand aanvragen”"
    )
    assert (
        done[1] == "gaf artikel “Bijstand aanvragen”"
        and talk.turns[1].asked == "koos het onderwerp “Bijstand aanvragen”"
    )
    assert talk.turns[1].feedback == "👎"
    assert talk.turns[2].asked == "gaf 👎 op “Bijstand aanvragen”"
    assert done[2] == "vroeg wat er mis was met het antwoord"
    assert done[3] == "verwees door naar Specialist Participatiewet"
    assert talk.channel == "rest" and [turn.item is not None for turn in talk.turns] == [True, False, False, True]


def test_an_inbox_item_of_a_clarify_reply_keeps_the_offer_and_the_pick(events):
    item = next(item for item in questions(events.url) if item.kind == "clarify")
    assert item.candidates == ["wi_voorschot", "wi_bijstand_aanvraag_opvang"]
    assert item.chosen == "wi_bijstand_aanvraag_opvang"
    assert pair_of(item, TITLES) == ("wi_bijstand_aanvraag_opvang", "wi_voorschot")


def test_near_identical_questions_are_one_group_labelled_in_one_action(events, app_db, tmp_path):
    review = Review(events.url, app_db=tmp_path / "app.db", nlu_dir=tmp_path)
    groups = grouped(review.items())
    dogs = next(group for group in groups if "hondenpenning" in group.first.text)
    assert dogs.count == 2 and normalised("Kan ik een hondenpenning bestellen?") == "kan ik een hondenpenning bestellen"
    assert did("no_answer", TITLES, declined_as=dogs.first.declined_as) == "gaf geen antwoord (buiten de kennisbank)"
    assert review.label(dogs.ids, "out_of_scope", by="kim", tags=["later kijken"]) == 2
    labelled = [item for item in review.items() if item.id in dogs.ids]
    assert all(item.label == "out_of_scope" and item.reviewed and item.reviewed_by == "kim" for item in labelled)
    assert labelled[0].tags == ["later kijken"]
    with pytest.raises(ValueError):  # nothing saved when one item is unknown
        review.update([dogs.ids[0], 999999], later=True)
    assert not any(item.later for item in review.items())


def test_the_filter_from_the_address_keeps_only_what_it_knows():
    chosen = Filters.parse(
        {"q": " hond ", "reason": "geen", "article": "wi_voorschot", "since": "gisteren", "status": "later"}, TITLES
    )
    assert (chosen.q, chosen.reason, chosen.article, chosen.since, chosen.status) == (
        "hond",
        "",
        "wi_voorschot",
        "",
        "later",
    )
    assert Filters.from_query(chosen.query(), TITLES) == chosen
    assert Filters.parse({"pair": "wi_voorschot+<script>"}, TITLES).pair == ""


@pytest.mark.parametrize(
    "intent, ranking, expected, result",
    [
        ("wi_voorschot", [], "wi_voorschot", "goed"),
        ("wi_voorschot", [], "wi_bijstand_aanvraag_opvang", "fout"),
        ("nlu_fallback", ["nlu_fallback", "wi_voorschot"], "wi_voorschot", "verduidelijking"),
        ("nlu_fallback", ["nlu_fallback", "out_of_scope"], "wi_voorschot", "geweigerd"),
        ("out_of_scope", [], "out_of_scope", "goed"),
        ("wi_voorschot", [], "out_of_scope", "fout"),
    ],
)
def test_the_clerk_outcome_of_a_question(intent, ranking, expected, result):
    parse = {"intent": {"name": intent}, "intent_ranking": [{"name": name} for name in ranking]}
    assert outcome(parse, expected, TITLES) == result


def test_the_progress_bar_names_every_trained_component_of_the_pipeline_in_plain_words():
    config = yaml.safe_load((settings.ROOT / "config.yml").read_text())
    untrained = {"SpacyNLP", "SpacyTokenizer", "FallbackClassifier"}  # Rasa logs no training step for these
    named = {step["name"].rsplit(".", 1)[-1] for step in config["pipeline"] + config["policies"]}
    assert named - untrained <= set(COMPONENTS), "update COMPONENTS in bot/training/retrain.py"


def archive(model_id: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = json.dumps({"model_id": model_id, "trained_at": "2026-12-01T10:00:00"}).encode()
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_one_training_at_a_time_and_a_stopped_one_is_released(app_db, tmp_path):
    models = Models(Review(app_db=tmp_path / "app.db").store)
    first = models.start_run("kim")
    with pytest.raises(Busy, match="Er loopt al een training door kim"):
        models.start_run("sam")
    models.report(first.id, heartbeat=datetime.datetime.utcnow() - datetime.timedelta(hours=1))
    second = models.start_run("sam")  # the first one stopped reporting: marked failed, the slot is free
    assert models.run(first.id).state == "mislukt" and models.run(second.id).state == "bezig"


def test_the_servers_get_the_deployed_model_unless_the_model_file_is_newer(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "RASA_WORKERS", "2")
    models = Models(Review(app_db=tmp_path / "app.db").store)
    model_file = tmp_path / "baliegids.tar.gz"
    model_file.write_bytes(archive("bestand"))
    monkeypatch.setenv("BALIEGIDS_MODEL", str(model_file))
    assert models.active().path == model_file and deployment(models).state == "bestand"
    row = models.add(archive("nieuw"), origin="training")
    assert row.model_id == "nieuw" and models.add(archive("nieuw"), origin="training").id == row.id
    old = time.time() - 3600
    os.utime(model_file, (old, old))
    models.deploy(row.id, "kim")
    assert models.active().row.id == row.id and deployment(models).state == "wordt geladen"
    for _ in range(2):
        models.downloaded(row.id)
    assert deployment(models).downloads == 2
    model_file.write_bytes(archive("make train"))  # a developer trains again: the new file takes over
    assert models.active().path == model_file


def endpoints_of(command):
    return command[command.index("--endpoints") + 1]


def test_rasa_fetches_its_model_from_the_web_server_only_when_the_stack_runs_one(tmp_path):
    stack = Stack(tmp_path / "m.tar.gz", tmp_path, token="geheim-token", ports={RASA: 1, WEB: 2}, logs=False)
    assert endpoints_of(stack.command(RASA, [RASA])) == "endpoints.yml"  # Rasa alone: --model only
    assert endpoints_of(stack.command(RASA, [RASA, WEB])) == str(tmp_path / "endpoints.yml")
    written = (tmp_path / "endpoints.yml").read_text()
    assert "models:" in written and "wait_time_between_pulls: 5" in written and "geheim-token" not in written
    assert stack.env["BALIEGIDS_MODEL_SERVER_URL"].endswith(":2/review/rasa-model")
    off = Stack(
        tmp_path / "m.tar.gz", tmp_path / "uit", token="t", env={"BALIEGIDS_MODEL_SERVER_URL": "uit"}, logs=False
    )
    assert endpoints_of(off.command(RASA, [RASA, WEB])) == "endpoints.yml"
