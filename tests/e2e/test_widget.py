"""The intranet chat widget in a real browser (Debian's Chromium through Playwright) against the real servers."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bot.knowledge.store import Store
from tests.support.screenshots import screenshot

QUESTION = "Een vrouw uit de opvang wil een briefadres, mag ik dat weigeren?"


@pytest.fixture(scope="module")
def demo_page(web):
    return web["url"] + "/"


def ask(page, text):
    page.get_by_label("Je vraag aan Baliegids").fill(text)
    page.get_by_label("Je vraag aan Baliegids").press("Enter")


def open_widget(page, demo_page):
    page.goto(demo_page)
    page.get_by_role("button", name="Baliegids").click()


def no_accessibility_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_clerk_gets_the_rule_and_the_steps_and_opens_the_rest_in_place(page, demo_page, tmp_path):
    open_widget(page, demo_page)
    expect(page.locator(".bg-welcome")).to_contain_text("voorbeeld")
    ask(page, QUESTION)
    card = page.locator(".bg-card").last
    expect(card).to_contain_text("Aan de balie")
    expect(card.locator("footer a[href*='jci1.3:c:BWBR0033715']").first).to_be_visible()
    expect(card.locator("footer")).to_contain_text("Laatst gecontroleerd: 2026-")
    # the reply opens at its first line, with the keyboard focus there
    reply = page.locator(".bg-reply").last
    expect(reply).to_be_focused()
    assert abs(reply.evaluate("r => r.getBoundingClientRect().top - r.parentNode.getBoundingClientRect().top")) < 5
    page.screenshot(path=str(screenshot("widget.png")))  # the README's picture (make screenshots copies it)
    explanation = card.locator("details", has_text="Uitleg")
    expect(explanation.locator("p").first).to_be_hidden()
    explanation.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(explanation.locator("p").first).to_be_visible()
    # a marker opens its source: [1] points to the first source under the card
    marker = card.locator("a.bg-marker").first
    target = marker.get_attribute("href")[1:]
    expect(card.locator(f"[id='{target}']")).to_have_count(1)
    no_accessibility_violations(page)


def test_feedback_on_an_earlier_answer_is_stored_for_that_answer(page, demo_page, servers):
    open_widget(page, demo_page)
    ask(page, QUESTION)
    expect(page.locator(".bg-card")).to_have_count(1)
    ask(page, "geldt de kostendelersnorm in de opvang?")
    expect(page.locator(".bg-card")).to_have_count(2)
    page.locator(".bg-reply").nth(0).get_by_role("button", name="👎 Niet goed antwoord").click()
    expect(page.locator(".bg-log")).to_contain_text("Wat was er mis?")
    page.get_by_role("button", name="Onjuist").last.click()
    expect(page.locator(".bg-log")).to_contain_text("de kennisbeheerder kijkt ernaar")
    sender = page.evaluate("JSON.parse(sessionStorage.getItem('baliegids-gesprek')).sender")
    stored = [row for row in Store(servers["app_db"]).feedback() if row.sender_id == sender]
    assert [(row.rating, row.article_id, row.reason) for row in stored] == [
        ("down", "brp_briefadres_opvang", "onjuist")
    ]


def test_markup_in_a_message_shows_as_text(page, demo_page):
    open_widget(page, demo_page)
    attack = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>**vet**'
    ask(page, attack)
    expect(page.locator(".bg-user").last).to_have_text("Jij: " + attack)
    expect(page.locator(".bg-reply").last).to_be_visible()
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
    expect(page.locator(".bg-reply").last).to_be_focused()  # focus follows the new reply, not the old button
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Baliegids")).to_be_hidden()
    expect(page.get_by_role("button", name="Baliegids")).to_be_focused()


def test_a_reload_keeps_the_conversation_with_working_buttons_and_the_position(page, demo_page):
    page.set_viewport_size({"width": 360, "height": 640})
    open_widget(page, demo_page)
    ask(page, QUESTION)
    expect(page.locator(".bg-card")).to_have_count(1)
    box = page.get_by_role("dialog", name="Baliegids").bounding_box()
    assert box["width"] <= 360
    page.locator(".bg-log").evaluate("log => { log.scrollTop = 120; log.dispatchEvent(new Event('scroll')); }")
    page.wait_for_timeout(400)
    page.reload()
    expect(page.locator(".bg-user")).to_have_text(["Jij: " + QUESTION])
    assert abs(page.locator(".bg-log").evaluate("log => log.scrollTop") - 120) < 5
    assert page.evaluate("window.localStorage.length") == 0
    related = page.locator(".bg-reply").last.locator(".bg-buttons button").nth(1)
    expect(related).to_be_enabled()
    related.click()
    expect(page.locator(".bg-card")).to_have_count(2)


def test_starting_over_asks_first(page, demo_page):
    open_widget(page, demo_page)
    ask(page, "goedemorgen")
    expect(page.locator(".bg-user")).to_have_count(1)
    page.get_by_role("button", name="Opnieuw").click()
    page.get_by_role("button", name="Nee").click()
    expect(page.locator(".bg-user")).to_have_count(1)
    page.get_by_role("button", name="Opnieuw").click()
    page.get_by_role("button", name="Ja, wissen").click()
    expect(page.locator(".bg-user")).to_have_count(0)
    expect(page.locator(".bg-log")).to_contain_text("Het gesprek begint opnieuw")


def test_an_unreachable_assistant_gives_a_dutch_message_and_a_retry(page, demo_page):
    page.route("**/webhooks/rest/webhook", lambda route: route.abort())
    open_widget(page, demo_page)
    ask(page, "mag ik een briefadres weigeren?")
    expect(page.get_by_role("alert")).to_contain_text("niet bereikbaar")
    page.unroute("**/webhooks/rest/webhook")
    page.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.locator(".bg-card")).to_have_count(1)


def test_a_reply_that_does_not_come_shows_progress_then_a_time_out_with_retry(page, demo_page):
    page.clock.install()
    page.route("**/webhooks/rest/webhook", lambda route: None)  # never answered
    open_widget(page, demo_page)
    ask(page, "mag ik een briefadres weigeren?")
    page.clock.run_for(3500)
    expect(page.get_by_role("status")).to_contain_text("nog even geduld")
    page.clock.run_for(20000)
    expect(page.get_by_role("alert")).to_contain_text("niet binnen 20 seconden")
    expect(page.get_by_role("button", name="Opnieuw proberen")).to_be_visible()
