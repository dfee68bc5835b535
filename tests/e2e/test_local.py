"""A municipality's own rules beside the national answers: added by the kennisbeheerder in the browser (validated,
with a preview and a history), shown in the next answer over REST, Slack and Teams with their source, asked for with
"wat is ons lokale beleid?", and kept in YAML by the command-line twin."""

import json
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from benchmarks.chat import Chat
from bot import settings
from bot.knowledge.local import LocalAdditions
from bot.knowledge.store import Store
from tests.support.ports import TRAINER_PASSWORD

ARTICLE = "brp_briefadres_opvang"
TEXT = "In onze gemeente is de opvang Het Baken aangewezen als instelling voor het briefadres."
SOURCE = "https://lokaleregelgeving.overheid.nl/CVDR700001/1"


def cli(web, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.review", "local", *arguments],
        cwd=settings.ROOT,
        env=web["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def local(servers):
    additions = LocalAdditions(Store(servers["app_db"]))
    yield additions
    for row in additions.all():  # the other tests see the national answers only
        additions.remove("test", row.id)


def log_in(page, web, trainer):
    page.goto(web["url"] + "/review")
    page.get_by_label("Naam").fill(trainer)
    page.get_by_label("Wachtwoord").fill(TRAINER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Lokaal beleid").click()


def test_a_local_addition_made_in_the_browser_is_in_the_next_answer_everywhere(
    page, web, trainer, local, chat, servers, bot_framework
):
    log_in(page, web, trainer)
    page.get_by_role("link", name="Briefadres voor een vrouw in de opvang").click()
    expect(page.get_by_role("heading", name="Waar het landelijke antwoord naar lokaal beleid verwijst")).to_be_visible()
    page.get_by_label("Tekst").fill(TEXT)
    page.get_by_role("button", name="Opslaan").click()  # no source yet: refused in Dutch, nothing saved
    expect(page.get_by_role("alert")).to_contain_text("niet opgeslagen")
    assert local.all() == []
    page.get_by_label("Bron (titel").fill("Aanwijzingsbesluit briefadres vrouwenopvang")
    page.get_by_label("Adres van de bron").fill(SOURCE)
    page.get_by_label("Versiedatum van de bron").fill("2024-03-01")
    page.get_by_role("button", name="Voorbeeld").click()
    expect(page.get_by_role("region", name="Zo ziet de baliemedewerker het")).to_contain_text(
        "In onze gemeente: In onze gemeente is de opvang Het Baken"
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen")
    expect(page.locator("table").last).to_contain_text("toegevoegd")

    reply = chat.ask(f"/{ARTICLE}")
    line = next(part for part in reply["sections"] if part["key"] == "lokaal_kort")
    assert line["open"] and line["text"].startswith("In onze gemeente: In onze gemeente is de opvang Het Baken")
    assert any(source["url"] == SOURCE for source in reply["sources"])
    assert "In onze gemeente: In onze gemeente is de opvang" in reply["_text"]
    assert chat.ask("wat is ons lokale beleid?")["sections"][0]["items"][0].startswith(TEXT)

    from tests.e2e.test_teams import activity, ask, card_text  # the channels' own helpers

    assert "In onze gemeente: In onze gemeente is de opvang" in card_text(
        ask(
            servers,
            bot_framework,
            activity(bot_framework, "mag ik een briefadres weigeren aan een vrouw uit de opvang?"),
        )
    )

    page.get_by_role("link", name="Wijzig").click()
    page.get_by_label("Tekst").fill(TEXT + " De opvang geeft zelf het briefadres.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("table").last).to_contain_text("gewijzigd")


def test_the_local_addition_reaches_slack_with_its_source(local, fake_slack, servers, slack_env):
    from tests.e2e.test_slack import SlackUser, sections

    local.add(
        "test",
        article_id=ARTICLE,
        text=TEXT,
        source_title="Aanwijzingsbesluit",
        source_url=SOURCE,
        version_date="2024-03-01",
    )
    clerk = SlackUser(servers, slack_env)
    clerk.say("mag ik een briefadres weigeren aan een vrouw uit de opvang?")
    [post] = fake_slack.wait_for_posts(clerk.channel, 1)
    assert "In onze gemeente: In onze gemeente is de opvang" in sections(post) and SOURCE in sections(post)


def test_an_article_that_points_to_local_policy_without_an_addition_says_so(chat):
    reply = chat.ask("/wi_bijzondere_bijstand_inrichting")
    local = next(part for part in reply["sections"] if part["key"] == "lokaal")
    assert local["title"] == "In onze gemeente: nog niet vastgelegd" and "nog niet in Baliegids gezet" in local["text"]
    assert "/ask_local" in [
        button["payload"]
        for message in Chat(chat.url.rsplit("/webhooks", 1)[0], f"lokaal-{uuid.uuid4().hex}").send(
            "/wi_bijzondere_bijstand_inrichting"
        )
        for button in message.get("buttons", [])
    ]


def test_the_command_line_refuses_what_is_invalid_and_round_trips_yaml(web, local, tmp_path):
    unknown = cli(
        web,
        "add",
        "bestaat_niet",
        "--text",
        TEXT,
        "--source-title",
        "x",
        "--source-url",
        SOURCE,
        "--version-date",
        "2024-03-01",
    )
    assert unknown.returncode == 2 and "geen artikel van de kennisbank" in unknown.stderr
    assert (
        cli(
            web,
            "add",
            ARTICLE,
            "--text",
            TEXT,
            "--source-title",
            "Aanwijzingsbesluit",
            "--source-url",
            SOURCE,
            "--version-date",
            "2024-03-01",
            "--stance",
            "ruimer",
        ).returncode
        == 0
    )
    listed = json.loads(cli(web, "list", "--json").stdout)
    assert [(item["article_id"], item["stance"], item["text"]) for item in listed] == [
        (ARTICLE, "ruimer", TEXT + " [lokaal]")
    ]
    exported = tmp_path / "lokaal.yml"
    assert cli(web, "export", str(exported)).returncode == 0
    assert cli(web, "import", str(exported)).returncode == 0
    again = json.loads(cli(web, "list", "--json").stdout)
    assert [{key: value for key, value in item.items() if key != "id"} for item in again] == [
        {key: value for key, value in item.items() if key != "id"} for item in listed
    ]
    exported.write_text("local_additions:\n  - article_id: bestaat_niet\n")
    assert cli(web, "import", str(exported)).returncode == 2  # nothing changes on a bad file
    assert len(json.loads(cli(web, "list", "--json").stdout)) == 1
