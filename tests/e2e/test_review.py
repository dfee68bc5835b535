"""Trainer review on the session's servers: misanswered questions reach the inbox, are labelled and exported, from
the command line and in the browser, grouped and in plain words, with a filter that stays and nothing lost on a
mistake; the pages pass axe-core and fit 768 pixels; nothing of it is visible without a login. The whole loop with
retraining and deployment is in test_review_loop.py (servers of its own)."""

import json
import subprocess
import sys

import requests
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from benchmarks.chat import Chat
from bot import settings
from bot.knowledge.store import Store
from bot.review.accounts import Accounts
from bot.review.inbox import Review
from tests.support.ports import TRAINER_PASSWORD


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
    pages = ("", "/insight", "/insight.svg", "/gesprekken", "/gesprek/1", "/model", "/lokaal", "/audit")
    for path in pages:
        reply = requests.get(web["url"] + "/review" + path, timeout=10)
        assert reply.url.endswith("/review/login") and "fiets" not in reply.text, path
    assert requests.get(web["url"] + "/review/model/status.json", timeout=10).status_code == 401
    assert requests.get(web["url"] + "/review/rasa-model", timeout=10).status_code == 401  # wants Rasa's token
    for path in ("/label", "/model/trainen", "/model/exporteren", "/model/in-gebruik"):
        reply = requests.post(web["url"] + "/review" + path, data={"item": "1", "label": "out_of_scope"}, timeout=10)
        assert reply.url.endswith("/review/login"), path
    forged = requests.post(web["url"] + "/review/login", data={"name": "kim", "password": TRAINER_PASSWORD}, timeout=10)
    assert forged.status_code == 403


def login(page, web, trainer, password=TRAINER_PASSWORD):
    page.goto(web["url"] + "/review")
    page.get_by_label("Naam").fill(trainer)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def no_accessibility_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def no_horizontal_scroll(page):
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= visible, f"de pagina schuift opzij: {width} px breed in {visible} px"


def test_login_annotate_and_export_in_the_browser(page, web, chat, trainer):
    question = "mijn printer op de tweede verdieping doet het niet"
    chat.ask(question)
    login(page, web, trainer, "fout-wachtwoord-123")
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    login(page, web, trainer)
    expect(page.get_by_role("heading", name="Inbox: vragen om te beoordelen")).to_be_visible()
    page.get_by_label(question).check()
    page.get_by_label("Juist artikel").select_option("out_of_scope")
    page.get_by_role("button", name="Opslaan en markeren als bekeken").click()
    expect(page.get_by_role("status").first).to_contain_text("gelabeld")
    page.get_by_role("link", name="Model trainen").click()
    page.get_by_role("button", name="Alleen in de trainingsdata zetten (zonder te trainen)").click()
    expect(page.get_by_role("status").first).to_contain_text("toegevoegd aan de trainingsdata")
    assert "make train" not in page.content()
    assert question in (web["nlu_dir"] / "out_of_scope.yml").read_text()
    page.goto(web["url"] + "/review/insight")
    expect(page.get_by_role("img")).to_be_visible()
    page.get_by_role("button", name="Uitloggen (kim)").click()
    page.goto(web["url"] + "/review")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_plain_words_groups_and_a_filter_that_stays(page, web, trainer, servers):
    question = "Kan ik bij jullie een parkeervergunning voor de raadszaal aanvragen?"
    for number in range(3):  # the same question three times, the first one with other capitals and no question mark
        Chat(servers["rasa"], f"groep-{number}").ask(question if number else question.lower().rstrip("?"))
    login(page, web, trainer)
    page.get_by_label("Zoeken").fill("parkeervergunning raadszaal")
    page.get_by_label("Reden", exact=True).select_option("no_answer")
    page.get_by_role("button", name="Filteren").click()
    row = page.locator("tbody tr", has_text="parkeervergunning")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3× gesteld")
    expect(row).to_contain_text("gaf geen antwoord")
    expect(row).to_contain_text("chatwidget")
    for developer_name in ("request_human", "smalltalk", "ask_steps", ">rest<"):
        assert developer_name not in page.content()
    # nothing lost on a mistake: no article chosen, the choice and the note stay
    page.get_by_label(question).check()
    page.get_by_label("Notitie").fill("vraag aan de balie van het stadhuis")
    page.get_by_role("button", name="Opslaan en markeren als bekeken").click()
    expect(page.get_by_role("alert")).to_contain_text("Kies eerst het juiste artikel")
    expect(page.get_by_label(question)).to_be_checked()
    expect(page.get_by_label("Notitie")).to_have_value("vraag aan de balie van het stadhuis")
    page.get_by_label("Tags").fill("Parkeren")
    page.get_by_role("button", name="Later bekijken").click()
    expect(page.get_by_role("status").first).to_contain_text("3 vraag/vragen bewaard onder 'Later bekijken'")
    expect(page.get_by_label("Zoeken")).to_have_value("parkeervergunning raadszaal")  # the filter stayed
    expect(page.get_by_label("Reden", exact=True)).to_have_value("no_answer")
    page.get_by_role("link", name="Later bekijken (").click()
    row = page.locator("tbody tr", has_text="parkeervergunning")
    expect(row).to_contain_text("parkeren")
    page.goto(web["url"] + "/review")  # a new visit: the last filter is still there
    expect(page.get_by_label("Zoeken")).to_have_value("parkeervergunning raadszaal")
    page.get_by_label(question).check()
    page.get_by_role("button", name="Afhandelen zonder label").click()
    expect(page.get_by_role("status").first).to_contain_text("3 vraag/vragen afgehandeld")
    page.get_by_role("link", name="Filters wissen").first.click()
    expect(page.get_by_label("Zoeken")).to_have_value("")
    actions = [row.action for row in Accounts(Store(servers["app_db"])).audit_trail(50)]
    assert "later" in actions and "afwijzen" in actions


def test_the_review_pages_are_accessible_and_fit_768_pixels(browser, web, trainer, chat, servers):
    chat.ask("mag ik een briefadres weigeren aan een vrouw uit de opvang?")
    chat.ask("waar staat dat?")
    chat.ask('/feedback_down{"article": "brp_briefadres_opvang"}')
    chat.ask('/feedback_reason{"reason": "onvolledig"}')
    context = browser.new_context(viewport={"width": 768, "height": 1000})
    page = context.new_page()
    try:
        login(page, web, trainer)
        page.goto(web["url"] + "/review?wis=1")
        for path in ("/review", "/review/gesprekken", "/review/insight", "/review/model"):
            page.goto(web["url"] + path)
            no_horizontal_scroll(page)
            no_accessibility_violations(page)
        mine = Review(servers["tracker_db"], servers["app_db"]).items(everything=True)
        item = next(item for item in mine if item.sender == chat.sender and item.text == "waar staat dat?")
        page.goto(f"{web['url']}/review/gesprek/{item.id}")
        expect(page.get_by_role("heading", name="Gesprek van")).to_be_visible()
        expect(page.locator(".turns")).to_contain_text("gaf de bronnen van artikel “Briefadres voor een vrouw")
        expect(page.locator(".turns")).to_contain_text("Feedback: 👎 onvolledig")
        no_horizontal_scroll(page)
        no_accessibility_violations(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(web["url"] + "/review")
        no_accessibility_violations(page)
    finally:
        context.close()
