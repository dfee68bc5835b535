"""The intranet chat widget in a real browser (Debian's Chromium through Playwright) against the real servers."""

import pytest
from playwright.sync_api import expect

from bot.knowledge.store import Store


@pytest.fixture(scope="module")
def demo_page(web):
    return web["url"] + "/"


def ask(page, text):
    page.get_by_label("Je vraag aan Baliegids").fill(text)
    page.get_by_label("Je vraag aan Baliegids").press("Enter")


def test_a_clerk_asks_a_headline_question_and_gives_feedback(page, demo_page, servers, tmp_path):
    page.goto(demo_page)
    page.get_by_role("button", name="Baliegids").click()
    ask(page, "Een vrouw uit de opvang wil een briefadres, mag ik dat weigeren?")
    card = page.locator(".bg-card").last
    expect(card).to_contain_text("Briefadres")
    expect(card.locator("footer a[href^='https://wetten.overheid.nl/']").first).to_be_visible()
    expect(card.locator("footer")).to_contain_text("Laatst gecontroleerd: 2026-")
    page.set_viewport_size({"width": 1000, "height": 800})
    card.evaluate("card => card.scrollIntoView()")
    page.screenshot(path=str(tmp_path / "widget.png"))  # docs/widget.png in the README is such a screenshot
    page.locator(".bg-buttons").last.locator("button").nth(1).click()  # the first related article
    expect(page.locator(".bg-card")).to_have_count(2)
    page.get_by_role("button", name="👎 Niet goed antwoord").last.click()
    expect(page.locator(".bg-log")).to_contain_text("Wat klopte er niet?")
    sender = page.evaluate("JSON.parse(sessionStorage.getItem('baliegids-gesprek')).sender")
    stored = [row for row in Store(servers["app_db"]).feedback() if row.sender_id == sender]
    assert [row.rating for row in stored] == ["down"]


def test_markup_in_a_message_shows_as_text(page, demo_page):
    page.goto(demo_page)
    page.get_by_role("button", name="Baliegids").click()
    attack = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>**vet**'
    ask(page, attack)
    expect(page.locator(".bg-user").last).to_have_text("Jij: " + attack)
    expect(page.locator(".bg-bot").last).to_be_visible()
    assert page.locator(".bg-log img, .bg-log script").count() == 0
    assert page.evaluate("window.pwned") is None


def test_keyboard_only(page, demo_page):
    page.goto(demo_page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Baliegids")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Je vraag aan Baliegids")).to_be_focused()
    page.keyboard.type("goedemorgen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Burgerzaken")).to_be_visible()
    page.get_by_role("button", name="Burgerzaken").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".bg-log")).to_contain_text("Over welk onderwerp gaat je vraag?")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Baliegids")).to_be_hidden()
    expect(page.get_by_role("button", name="Baliegids")).to_be_focused()


def test_narrow_screen_and_conversation_kept_in_the_tab(page, demo_page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(demo_page)
    page.get_by_role("button", name="Baliegids").click()
    ask(page, "goedemorgen")
    expect(page.locator(".bg-bot")).to_have_count(1)
    box = page.get_by_role("dialog", name="Baliegids").bounding_box()
    assert box["width"] <= 360
    page.reload()
    expect(page.locator(".bg-user")).to_have_text(["Jij: goedemorgen"])
    assert page.evaluate("window.localStorage.length") == 0


def test_an_unreachable_assistant_gives_a_dutch_message_and_a_retry(page, demo_page):
    page.route("**/webhooks/rest/webhook", lambda route: route.abort())
    page.goto(demo_page)
    page.get_by_role("button", name="Baliegids").click()
    ask(page, "mag ik een briefadres weigeren?")
    expect(page.get_by_role("alert")).to_contain_text("niet bereikbaar")
    page.unroute("**/webhooks/rest/webhook")
    page.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.locator(".bg-card")).to_have_count(1)
