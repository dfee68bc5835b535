"""Whole conversations over the REST channel against the real Rasa and action servers."""

import requests

from bot.knowledge.store import Store
from tests.support.ports import TOKEN

HEADLINE_QUESTIONS = {
    "brp_briefadres_opvang": "Mevrouw zit in de vrouwenopvang en wil een briefadres, mag ik dat weigeren?",
    "kvk_adres_afschermen": "Een zzp'er in de opvang wil niet dat haar adres in het handelsregister van de KvK staat",
    "wonen_urgentie_geen_binding": "mogen we regiobinding eisen voor een urgentieverklaring als ze uit de opvang komt?",
}


def test_the_three_headline_questions_get_their_articles(chat):
    for article_id, question in HEADLINE_QUESTIONS.items():
        reply = chat.ask(question)
        assert (reply["type"], reply["article"]) == ("answer", article_id), reply["_text"][:300]
        assert reply["sources"] and reply["last_verified"] and 0 < reply["confidence"] <= 1


def test_greeting_says_what_baliegids_does_with_a_button_per_domain(chat):
    messages = chat.send("goedemorgen")
    assert messages[-1]["custom"]["type"] == "smalltalk"
    buttons = [button for message in messages for button in message.get("buttons", [])]
    assert [button["title"] for button in buttons] == ["Burgerzaken", "Werk & Inkomen", "Wonen", "KvK", "Kinderen"]
    assert buttons[2]["payload"] == '/choose_domain{"domain": "wonen"}'
    housing = [
        button["title"].lower() for message in chat.send(buttons[2]["payload"]) for button in message.get("buttons", [])
    ]
    assert any("urgentie" in title for title in housing)


def test_follow_ups_stay_with_the_last_article(chat):
    assert chat.ask(HEADLINE_QUESTIONS["kvk_adres_afschermen"])["article"] == "kvk_adres_afschermen"
    source = chat.ask("waar staat dat?")
    assert (source["type"], source["article"]) == ("answer", "kvk_adres_afschermen")
    assert "Handelsregisterbesluit" in source["_text"]
    steps = chat.ask("wat moet ik doen?")
    assert (steps["type"], steps["article"]) == ("answer", "kvk_adres_afschermen")


def test_a_long_conversation_keeps_its_topic_and_all_of_its_history(chat, servers):
    """A turn reads only the latest events and the latest slot values; the topic set long before still counts."""
    chat.ask("/brp_geheimhouding")
    for number in range(15):  # far more events than a turn reads
        chat.ask(("goedemorgen", "bedankt")[number % 2])
    source = chat.ask("waar staat dat?")
    assert (source["type"], source["article"]) == ("answer", "brp_geheimhouding")
    history = requests.get(
        f"{servers['rasa']}/conversations/{chat.sender}/tracker", params={"token": TOKEN}, timeout=10
    ).json()
    assert len([event for event in history["events"] if event["event"] == "user"]) == 17  # nothing was deleted


def test_asking_for_a_specialist_hands_over_to_the_configured_contact(chat):
    chat.ask(HEADLINE_QUESTIONS["brp_briefadres_opvang"])
    reply = chat.ask("ik wil een specialist spreken")
    assert reply["type"] == "handoff" and reply["contact"]["audience"] == "burgerzaken"


def test_out_of_scope_is_declined_politely(chat):
    reply = chat.ask("hoe vraag ik een nieuw paspoort aan?")
    assert reply["type"] == "no_answer" and "niet" in reply["_text"]


def test_choosing_a_button_gives_that_article(chat):
    reply = chat.ask("/wonen_urgentie_voorwaarden")
    assert (reply["type"], reply["article"]) == ("answer", "wonen_urgentie_voorwaarden")


def buttons_of(messages: list) -> dict:
    return {button["title"]: button["payload"] for message in messages for button in message.get("buttons", [])}


def test_thumbs_down_with_a_reason_on_an_earlier_answer_is_stored_for_that_answer(chat, servers):
    question = HEADLINE_QUESTIONS["wonen_urgentie_geen_binding"]
    earlier = buttons_of(chat.send(question))
    chat.ask(HEADLINE_QUESTIONS["kvk_adres_afschermen"])  # a later answer about another article
    messages = chat.send(earlier["👎"])
    assert "Wat was er mis?" in " ".join(message.get("text", "") for message in messages)
    assert chat.ask(buttons_of(messages)["Verouderd"])["type"] == "smalltalk"
    stored = [row for row in Store(servers["app_db"]).feedback() if row.sender_id == chat.sender]
    article = Store(servers["app_db"]).articles()["wonen_urgentie_geen_binding"]
    assert [(row.rating, row.article_id, row.question, row.reason, row.last_verified) for row in stored] == [
        ("down", "wonen_urgentie_geen_binding", question, "verouderd", article.last_verified)
    ]


def test_every_default_answer_fits_the_counter_and_the_rest_is_one_follow_up_away(chat, store):
    for article_id in store.articles():
        reply = chat.ask(f"/{article_id}")
        assert (reply["type"], reply["article"]) == ("answer", article_id)
        assert len(reply["_text"].split()) <= 150, (article_id, len(reply["_text"].split()))
    chat.ask("/brp_briefadres_opvang")
    closed = {
        section["key"]: section for section in chat.ask("/brp_briefadres_opvang")["sections"] if not section["open"]
    }
    for follow_up, key in (("meer uitleg", "uitleg"), ("waar moet ik op letten?", "voorbehouden")):
        reply = chat.ask(follow_up)
        assert (reply["type"], reply["article"]) == ("answer", "brp_briefadres_opvang"), follow_up
        assert (
            reply["sections"][0]["text" if key == "uitleg" else "items"]
            == (closed[key]["text" if key == "uitleg" else "items"])
        )
    sources = chat.ask("waar staat dat?")
    assert sources["article"] == "brp_briefadres_opvang" and len(sources["sources"]) == len(closed["bronnen"]["cites"])
    assert chat.ask("kun je dat korter zeggen?")["sections"][0]["key"] == "kort"


def test_restart_answers_in_dutch_and_forgets_the_topic(chat):
    chat.ask(HEADLINE_QUESTIONS["kvk_adres_afschermen"])
    assert "opnieuw" in chat.ask("opnieuw beginnen")["_text"]
    assert chat.ask("waar staat dat?")["type"] == "smalltalk"  # no topic any more: asks for the question
    assert "opnieuw" in chat.ask("/restart")["_text"]


def test_the_http_api_refuses_requests_without_the_token(servers):
    assert requests.get(f"{servers['rasa']}/status", timeout=5).status_code == 401
    assert requests.get(f"{servers['rasa']}/status?token={TOKEN}", timeout=5).status_code == 200


def test_client_data_in_an_out_of_scope_question_also_gets_the_reminder_once(chat):
    first = chat.send("mevrouw de vries, tel 06-12345678, vraagt hoe ze een nieuw paspoort aanvraagt")
    texts = [message.get("text", "") for message in first]
    assert texts[0].startswith("Let op: typ geen gegevens van cliënten")
    assert [message["custom"]["type"] for message in first if "custom" in message] == ["no_answer"]
    again = chat.send("en als ze 06-87654321 heeft, wat kost een paspoort?")
    assert not any(message.get("text", "").startswith("Let op") for message in again)


def test_client_data_typed_in_the_chat_is_not_stored(chat, servers, web):
    from tests.e2e.test_review import inbox

    question = (
        "mevrouw met bsn 111222333, tel 06-12345678, mail j.jansen@example.nl zit in de opvang en wil een "
        "briefadres, mag ik dat weigeren?"
    )
    case = (
        "Mevrouw Fatma Yilmaz (geb. 12-03-1988), Kerkstraat 12, 3511 AB Utrecht, V-nummer 1234567890, IBAN "
        "NL91ABNA0417164300, kenteken 12-ABC-3, zit met haar zoon Ilias (2019) in de opvang. Krijgt ze een voorschot?"
    )
    secrets = [
        "111222333", "06-12345678", "j.jansen@example.nl", "Yilmaz", "12-03-1988", "Kerkstraat", "3511 AB",
        "1234567890", "NL91ABNA0417164300", "12-ABC-3", "Ilias",
    ]  # fmt: skip
    assert chat.ask(question)["article"] == "brp_briefadres_opvang"
    chat.ask("/feedback_down")
    chat.ask(case)
    # Every file the servers wrote: the databases with their write-ahead logs, and the server logs.
    files = {
        path: path.read_bytes()
        for folder in (servers["tracker_db"].parent, servers["app_db"].parent)
        for path in folder.iterdir()
        if path.is_file()
    }
    assert any(
        b"[BSN]" in content and b"[TELEFOON]" in content and b"[E-MAIL]" in content for content in files.values()
    )
    assert any(b"[NAAM]" in content and b"[ADRES]" in content for content in files.values())
    for path, content in files.items():
        for secret in secrets:
            assert secret.encode() not in content, (path.name, secret)
    # What the kennisbeheerder sees of every stored question.
    stored = "\n".join(item["text"] for item in inbox(web, "--all"))
    assert "[GEBOORTEDATUM]" in stored and "[IBAN]" in stored and "[KENTEKEN]" in stored
    assert not [secret for secret in secrets if secret in stored]
