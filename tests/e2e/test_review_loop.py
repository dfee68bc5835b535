"""The whole kennisbeheer loop without a shell: a question the assistant does not know is opened as a group in the
inbox, read as a conversation, labelled by the title of its article, a new model is trained from the page while the
assistant keeps answering, the before/after figures are shown, the model is put in use, and the next REST question
gets the chosen article. The command-line twin (`retrain --deploy`) does the same.

Deploying replaces the model of the Rasa servers that fetch it, so this module runs a Rasa server and a web server
of its own (Stack with services=[RASA, WEB]): its own app database (where the deployed model lives), conversation
store and copy of data/nlu, on the session's action server. The session's Rasa server keeps the session model."""

import json
import shutil
import subprocess
import sys
import threading

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from benchmarks.chat import Chat
from bot import settings
from bot.knowledge.store import Store, load
from bot.review.accounts import Accounts
from bot.runtime.stack import RASA, WEB, Stack
from tests.support.ports import TOKEN, TRAINER, TRAINER_PASSWORD, free_port

UNKNOWN = "collega vraagt naar de qwerty-verklaring voor een mevrouw die net uit de opvang komt"
TITLE = "Onafhankelijke cliëntondersteuning voor vrouwen in de opvang"
KNOWN = "mag ik een briefadres weigeren aan een vrouw uit de opvang?"
TRAINING_SECONDS = 900  # training, two evaluations of 420 questions, on two shared cores


@pytest.fixture(scope="module")
def own(model, servers, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("kennisbeheer")
    app_db = workdir / "baliegids.db"
    load(app_db)
    Accounts(Store(app_db)).set_password(TRAINER, TRAINER_PASSWORD)
    nlu_dir = workdir / "nlu"
    shutil.copytree(settings.ROOT / "data" / "nlu", nlu_dir)
    ports = {RASA: free_port(), WEB: free_port()}
    with Stack(
        model,
        workdir,
        token=TOKEN,
        host="127.0.0.1",
        ports=ports,
        tracker_db=workdir / "conversations.db",
        app_db=app_db,
        cors=[f"http://127.0.0.1:{ports[WEB]}"],
        services=[RASA, WEB],
        env={
            "BALIEGIDS_ACTIONS_URL": servers["env"]["BALIEGIDS_ACTIONS_URL"],
            "BALIEGIDS_NLU_DIR": str(nlu_dir),
            "SANIC_WORKERS": "2",  # a deployment has to reach every worker
        },
    ) as stack:
        yield {"stack": stack, "app_db": app_db, "nlu_dir": nlu_dir}


class Asker(threading.Thread):
    """Asks the assistant a known question every two seconds; counts the answers that did not come."""

    def __init__(self, rasa_url: str):
        super().__init__(daemon=True)
        self.rasa_url, self.asked, self.failed, self.done = rasa_url, 0, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            self.asked += 1
            try:
                reply = Chat(self.rasa_url, f"tijdens-training-{self.asked}").ask(KNOWN)
                if reply.get("article") != "brp_briefadres_opvang":
                    self.failed.append(reply)
            except Exception as error:  # a refused connection, a time-out, no custom message
                self.failed.append(repr(error))
            self.done.wait(2)


def no_accessibility_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_kennisbeheerder_closes_the_loop_in_the_browser(own, page):
    stack = own["stack"]
    for number in range(3):
        assert Chat(stack.rasa_url, f"onbekend-{number}").ask(UNKNOWN).get("article") != "clientondersteuning"
    page.goto(stack.web_url + "/review")
    page.get_by_label("Naam").fill(TRAINER)
    page.get_by_label("Wachtwoord").fill(TRAINER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_label("Reden", exact=True).select_option("no_answer")
    page.get_by_role("button", name="Filteren").click()

    # one grouped item for the three questions; its conversation in plain Dutch
    row = page.locator("tbody tr", has_text="qwerty-verklaring")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3× gesteld")
    row.get_by_role("link", name="Gesprek bekijken").click()
    expect(page.get_by_role("heading", name="Gesprek van")).to_be_visible()
    expect(page.locator(".turns")).to_contain_text("Baliegids gaf geen antwoord")
    expect(page.locator(".turns")).to_contain_text(UNKNOWN)
    no_accessibility_violations(page)
    page.get_by_role("link", name="Terug naar de inbox").click()
    expect(page.get_by_label("Reden", exact=True)).to_have_value("no_answer")  # the filter is still there

    # labelled by the title of the article, the whole group at once
    page.get_by_label(UNKNOWN).check()
    page.get_by_label("Zoek artikel op titel").fill("clientondersteuning opvang")
    expect(page.get_by_label("Juist artikel")).to_have_value("clientondersteuning")
    page.get_by_role("button", name="Opslaan en markeren als bekeken").click()
    expect(page.get_by_role("status").first).to_contain_text("3 vraag/vragen gelabeld")
    expect(page.get_by_label("Reden", exact=True)).to_have_value("no_answer")

    # retrained from the page while the assistant keeps answering
    page.get_by_role("link", name="Model trainen").click()
    asker = Asker(stack.rasa_url)
    asker.start()
    try:
        page.get_by_role("button", name="Nieuw model trainen").click()
        expect(page.get_by_role("button", name="Nieuw model trainen")).to_be_disabled()
        expect(page.locator("#voortgang progress")).to_be_visible()
        expect(page.locator("#voortgang")).to_contain_text("Nieuw model trainen", timeout=60_000)
        expect(page.get_by_role("heading", name="Voor en na")).to_be_visible(timeout=TRAINING_SECONDS * 1000)
    finally:
        asker.done.set()
        asker.join()
    assert asker.asked >= 20 and asker.failed == [], asker.failed
    results = page.get_by_role("region", name="Voor en na")
    expect(results.locator("table").first).to_contain_text("goed")
    labelled = results.locator("table", has_text="Nieuw gelabelde vragen")
    expect(labelled).to_contain_text(UNKNOWN)
    expect(labelled.locator("tbody tr").first).to_contain_text(TITLE)
    expect(labelled.locator("tbody tr").first.locator("td").nth(3)).to_have_text("goed")
    expect(results).to_contain_text("Artikelen die beter of slechter gingen")
    no_accessibility_violations(page)

    # put in use on confirmation (with the warning when it scores worse), then the next question gets the article
    if page.get_by_role("alert").filter(has_text="scoort slechter").count():
        page.get_by_label("Ik wil dit slechtere model toch in gebruik nemen").check()
        page.get_by_role("button", name="Slechter model toch in gebruik nemen").click()
    else:
        page.get_by_role("button", name="Nieuw model in gebruik nemen").click()
    expect(page.locator("#inzet")).to_contain_text("Het model is in gebruik.", timeout=180_000)
    reply = Chat(stack.rasa_url, "na-het-hertrainen").ask(UNKNOWN)
    assert (reply["type"], reply["article"]) == ("answer", "clientondersteuning")
    assert UNKNOWN in (own["nlu_dir"] / "articles" / "clientondersteuning.yml").read_text()
    actions = [row.action for row in Accounts(Store(own["app_db"])).audit_trail(20)]
    assert {"labelen", "hertrainen gestart", "model in gebruik"} <= set(actions)


def test_the_model_server_wants_the_token_and_sends_a_model_only_when_it_changed(own):
    url = own["stack"].web_url + "/review/rasa-model"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "fout"}, timeout=10).status_code == 401
    model = requests.get(url, params={"token": TOKEN}, timeout=30)
    assert model.status_code == 200 and model.content[:2] == b"\x1f\x8b"  # a gzipped archive
    again = requests.get(url, params={"token": TOKEN}, headers={"If-None-Match": model.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


def test_the_command_line_retrains_and_deploys_with_a_progress_bar(own):
    stack = own["stack"]
    question = "mevrouw wil weten hoe het zit met het zxcv-loket"
    assert Chat(stack.rasa_url, "cli-voor").ask(question).get("article") != "wi_voorschot"

    def cli(*arguments, timeout=120):
        return subprocess.run(
            [sys.executable, "-m", "bot.review", *arguments],
            cwd=settings.ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    item = next(item for item in json.loads(cli("inbox", "--json", "--all").stdout) if item["text"] == question)
    assert cli("label", str(item["id"]), "wi_voorschot").returncode == 0
    done = cli("retrain", "--deploy", "--ook-als-slechter", timeout=TRAINING_SECONDS + 300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "%" in done.stderr and "[###" in done.stderr and "Nieuw model trainen" in done.stderr  # the progress bar
    assert "Testset (420 vragen)" in done.stdout and "Nieuw gelabelde vragen (1): goed 0 -> 1" in done.stdout
    assert "is in gebruik bij alle 2 werkprocessen" in done.stdout
    assert "processor.message.parse" not in done.stdout  # Rasa's debug log stays out of the trainer's terminal
    reply = Chat(stack.rasa_url, "cli-na").ask(question)
    assert (reply["type"], reply["article"]) == ("answer", "wi_voorschot")
