"""Trainer review: misanswered questions reach the inbox, are labelled and exported, from the command line and in
the browser; nothing of it is visible without a login."""

import json
import subprocess
import sys

import requests
import yaml
from playwright.sync_api import expect

from benchmarks.chat import Chat
from bot import settings
from bot.runtime.stack import RASA, Stack
from bot.training.train import train
from tests.support.ports import TOKEN, TRAINER_PASSWORD, free_port


def review_cli(web, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.review", *arguments],
        cwd=settings.ROOT,
        env=web["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def inbox(web, *flags) -> list:
    result = review_cli(web, "inbox", "--json", *flags)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_declined_and_disliked_questions_reach_the_inbox(chat, web):
    chat.ask("kan ik bij jullie een hondenpenning bestellen?")
    chat.ask("mag ik een briefadres weigeren aan een vrouw uit blijf?")
    chat.ask("/feedback_down")
    items = {item["text"]: item for item in inbox(web)}
    declined = items["kan ik bij jullie een hondenpenning bestellen?"]
    assert declined["reason"] == "no_answer" and set(declined) == {
        "id",
        "text",
        "predicted",
        "confidence",
        "reason",
        "created",
    }
    assert items["mag ik een briefadres weigeren aan een vrouw uit blijf?"]["reason"] == "feedback"
    everything = [item["text"] for item in inbox(web, "--all")]
    assert "mag ik een briefadres weigeren aan een vrouw uit blijf?" in everything


def test_label_and_export_from_the_command_line(chat, web):
    question = "ze zit in blijf, krijgt ze meteen een deel van haar uitkering vooruit?"
    chat.ask(question)
    item = next(item for item in inbox(web, "--all") if item["text"] == question)
    assert review_cli(web, "label", str(item["id"]), "bestaat_niet").returncode == 2
    assert review_cli(web, "label", str(item["id"]), "wi_voorschot").returncode == 0
    result = review_cli(web, "export")
    assert question in result.stdout
    target = web["nlu_dir"] / "articles" / "wi_voorschot.yml"
    examples = yaml.safe_load(target.read_text())["nlu"][0]["examples"]
    assert examples.count(question) == 1
    review_cli(web, "export")  # nothing new: no duplicate
    assert target.read_text().count(question) == 1
    assert item["id"] not in [open_item["id"] for open_item in inbox(web)]  # reviewed


def test_rasa_accepts_the_exported_training_data(web):
    result = subprocess.run(
        [
            settings.RASA,
            "data",
            "validate",
            "--fail-on-warnings",
            "--data",
            str(web["nlu_dir"]),
            str(settings.ROOT / "data" / "rules"),
            str(settings.ROOT / "data" / "stories"),
        ],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_nothing_is_visible_without_login(web, chat):
    chat.ask("waar kan ik mijn fiets parkeren bij het stadhuis?")
    for path in ("/review", "/review/insight", "/review/insight.svg"):
        reply = requests.get(web["url"] + path, timeout=10)
        assert reply.url.endswith("/review/login") and "fiets" not in reply.text
    forged = requests.post(web["url"] + "/review/login", data={"name": "kim", "password": TRAINER_PASSWORD}, timeout=10)
    assert forged.status_code == 403


def test_login_annotate_and_export_in_the_browser(page, web, chat, trainer):
    question = "mijn printer op de tweede verdieping doet het niet"
    chat.ask(question)
    page.goto(web["url"] + "/review")
    page.get_by_label("Naam").fill(trainer)
    page.get_by_label("Wachtwoord").fill("fout-wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    page.get_by_label("Naam").fill(trainer)
    page.get_by_label("Wachtwoord").fill(TRAINER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Inbox: vragen om te beoordelen")).to_be_visible()
    page.get_by_label(question).check()
    page.get_by_label("Juist artikel").select_option("out_of_scope")
    page.get_by_role("button", name="Opslaan en markeren als bekeken").click()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    page.get_by_role("button", name="Gelabelde vragen exporteren naar data/nlu").click()
    expect(page.get_by_role("status")).to_contain_text("geëxporteerd")
    assert question in (web["nlu_dir"] / "out_of_scope.yml").read_text()
    page.goto(web["url"] + "/review/insight")
    expect(page.get_by_role("img")).to_be_visible()
    page.get_by_role("button", name="Uitloggen (kim)").click()
    page.goto(web["url"] + "/review")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_full_loop_an_unknown_question_is_answered_after_labelling_and_retraining(chat, web, servers, tmp_path):
    question = "collega vraagt naar de qwerty-verklaring voor een mevrouw die net uit de opvang komt"
    assert chat.ask(question).get("article") != "clientondersteuning"
    item = next(item for item in inbox(web, "--all") if item["text"] == question)
    assert review_cli(web, "label", str(item["id"]), "clientondersteuning").returncode == 0
    assert question in review_cli(web, "export").stdout
    with (tmp_path / "train.log").open("w") as log:
        model = train(
            tmp_path / "model",
            log=log,
            data=[web["nlu_dir"], settings.ROOT / "data" / "rules", settings.ROOT / "data" / "stories"],
        )
    # the session's action server and stores, a Rasa server of its own on the retrained model
    with Stack(
        model,
        tmp_path,
        token=TOKEN,
        host="127.0.0.1",
        ports={RASA: free_port()},
        app_db=servers["app_db"],
        tracker_db=servers["tracker_db"],
        services=[RASA],
        env={"BALIEGIDS_ACTIONS_URL": servers["env"]["BALIEGIDS_ACTIONS_URL"]},
    ) as retrained:
        reply = Chat(retrained.rasa_url, "loop-after-retraining").ask(question)
        assert (reply["type"], reply["article"]) == ("answer", "clientondersteuning")
