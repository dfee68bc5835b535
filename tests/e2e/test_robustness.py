"""Bad input, floods and faults: nothing crashes, nothing is lost, and the clerk always gets a Dutch reply."""

import os
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import yaml

from benchmarks.chat import Chat
from bot import settings
from bot.runtime.stack import ACTIONS, RASA, Stack
from tests.support.ports import TOKEN, free_port

CORPUS = yaml.safe_load((settings.ROOT / "tests" / "data" / "bad_inputs.yml").read_text(encoding="utf-8"))


def user_events(tracker_db, sender: str) -> int:
    with sqlite3.connect(tracker_db) as db:
        return db.execute(
            "select count(*) from events where sender_id = ? and type_name = 'user'", (sender,)
        ).fetchone()[0]


@pytest.mark.parametrize("case", CORPUS, ids=[case["name"] for case in CORPUS])
def test_bad_input_gets_a_clear_answer(servers, case):
    url = f"{servers['rasa']}/webhooks/rest/webhook"
    if "json" in case:
        reply = requests.post(url, json=case["json"], timeout=30)
    elif "long" in case:
        reply = requests.post(
            url, json={"sender": "bad-long", "message": "briefadres " * (case["long"] // 11)}, timeout=30
        )
    else:
        body = bytes.fromhex(case["hex"].replace(" ", "")) if "hex" in case else case["raw"].encode()
        reply = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert reply.status_code == case["status"], reply.text
    if case["status"] == 400:
        assert "Ongeldig verzoek" in reply.json()["error"]
        return
    messages = reply.json()
    assert len([message for message in messages if "custom" in message]) == 1, messages
    if "refusal" in case:
        assert case["refusal"] in messages[-1]["text"]
    else:  # a normal turn: the message is stored, and nothing the clerk typed is echoed as markup
        assert user_events(servers["tracker_db"], case["json"]["sender"]) == 1
        assert not any("<script>" in (message.get("text") or "") for message in messages)


def test_a_flood_from_one_sender_is_slowed_down_without_losing_what_was_accepted(servers):
    url = f"{servers['rasa']}/webhooks/rest/webhook"

    def send(_):
        question = "geldt de kostendelersnorm in de opvang?"  # answered by the action server: Rasa waits for it
        return requests.post(url, json={"sender": "flood", "message": question}, timeout=60).status_code

    with ThreadPoolExecutor(25) as pool:  # 25 at the same time: they queue behind the conversation's lock
        statuses = list(pool.map(send, range(25)))
    assert statuses.count(429) >= 1 and set(statuses) == {200, 429}
    assert user_events(servers["tracker_db"], "flood") == statuses.count(200)
    other = Chat(servers["rasa"], "not-flooding").ask("goedemorgen")
    assert other["type"] == "smalltalk"


def test_a_fast_client_that_waits_for_each_reply_is_never_slowed_down(servers):
    with requests.Session() as connection:  # one connection: one Rasa worker sees all of them
        statuses = [
            connection.post(
                f"{servers['rasa']}/webhooks/rest/webhook", timeout=30, json={"sender": "fast", "message": "hallo"}
            ).status_code
            for _ in range(40)
        ]
    assert statuses == [200] * 40


def test_action_server_down_then_back_and_a_restart_of_rasa_loses_nothing(model, servers, tmp_path):
    """Own servers: Rasa first without an action server, which then comes up; then Rasa restarts."""
    ports = {RASA: free_port(), ACTIONS: free_port()}
    stack = Stack(
        model,
        tmp_path,
        token=TOKEN,
        host="127.0.0.1",
        ports=ports,
        app_db=servers["app_db"],
        tracker_db=tmp_path / "conversations.db",
    )
    try:
        stack.start(RASA)
        stack.wait(RASA)
        chat = Chat(stack.rasa_url, "fault-tolerance")
        down = chat.ask("mag ik een briefadres weigeren aan een vrouw uit de opvang?")
        assert down["type"] == "no_answer" and "tijdelijk niet beschikbaar" in down["_text"]

        stack.start(ACTIONS)
        stack.wait(ACTIONS)
        back = chat.ask("mag ik een briefadres weigeren aan een vrouw uit de opvang?")
        assert (back["type"], back["article"]) == ("answer", "brp_briefadres_opvang")

        stack.restart(RASA)
        follow_up = chat.ask("waar staat dat?")
        assert (follow_up["type"], follow_up["article"]) == ("answer", "brp_briefadres_opvang")
    finally:
        stack.stop()


def test_a_locked_database_stops_the_start_with_a_clear_message(tmp_path):
    database = tmp_path / "baliegids.db"
    locker = sqlite3.connect(database, isolation_level=None)
    locker.execute("create table lock(x)")
    locker.execute("begin exclusive")
    env = {**os.environ, "BALIEGIDS_APP_DB": str(database), "BALIEGIDS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [settings.PYTHON, "-m", "bot.runtime"], cwd=settings.ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    locker.close()
    assert result.returncode == 1
    assert str(database) in result.stderr and "vergrendeld" in result.stderr


def test_a_database_in_a_missing_folder_stops_the_start_with_a_clear_message(tmp_path):
    env = {**os.environ, "BALIEGIDS_TRACKER_DB": "/bestaat/niet/conversations.db", "BALIEGIDS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [settings.PYTHON, "-m", "bot.runtime"], cwd=settings.ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "/bestaat/niet" in result.stderr and "map bestaat niet" in result.stderr
