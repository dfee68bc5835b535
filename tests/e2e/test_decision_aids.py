"""The three decision aids over the REST channel: each branch ends in advice from its article; a clerk can stop,
answer "weet ik niet", or ask something else halfway."""

import pytest


def walk(chat, start: str, answers: list) -> dict:
    reply = chat.ask(start)
    for answer in answers:
        assert reply["type"] == "smalltalk", reply["_text"][:300]  # a form question
        reply = chat.ask(answer)
    return reply


@pytest.mark.parametrize(
    "answers, route",
    [
        (["/affirm", "/affirm", "/affirm"], "Route art. 2.40"),  # in opvang, aangewezen, briefadresgever
        (["/affirm", "/deny", "/affirm", "/deny"], "Route art. 2.41"),  # opvang niet aangewezen, veiligheid
        (["/deny", "/deny", "/deny"], "Route art. 2.23"),  # geen opvang, geen veiligheidsrisico
    ],
)
def test_briefadres_aid_gives_the_route_that_fits(chat, answers, route):
    reply = walk(chat, "/start_briefadres_hulp", answers)
    assert (reply["type"], reply["article"]) == ("answer", "brp_briefadres_opvang")
    assert route in reply["_text"] and "Weigeren mag niet" in reply["_text"]


def test_urgentie_aid_names_article_14_lid_6_and_the_woningmarktregio(chat):
    reply = walk(chat, "keuzehulp urgentie", ["/affirm", "/affirm", "/affirm", "/deny", "/deny"])
    assert (reply["type"], reply["article"]) == ("answer", "wonen_urgentie_geen_binding")
    assert "art. 16" in reply["_text"] and "art. 14 lid 6" in reply["_text"] and "woningmarktregio" in reply["_text"]
    assert reply["sources"] and reply["last_verified"]  # the outcome shows its sources and when it was checked


def test_kvk_aid_with_dont_know_says_what_to_find_out(chat):
    reply = walk(chat, "/start_kvk_hulp", ["/affirm", "/dont_know", "/dont_know"])
    assert (reply["type"], reply["article"]) == ("answer", "kvk_adres_afschermen")
    assert "Nog uitzoeken" in reply["_text"] and "art. 51 lid 7" in reply["_text"]


def test_stop_leaves_the_aid_and_the_next_question_is_answered(chat):
    assert chat.ask("/start_kvk_hulp")["type"] == "smalltalk"
    assert "stop" in chat.ask("/stop")["_text"]
    assert chat.ask("/wi_voorschot")["article"] == "wi_voorschot"


def test_another_question_halfway_leaves_the_aid(chat):
    chat.ask("/start_urgentie_hulp")
    chat.ask("/affirm")
    reply = chat.ask("/kvk_adres_afschermen")
    assert (reply["type"], reply["article"]) == ("answer", "kvk_adres_afschermen")
    assert chat.ask("waar staat dat?")["article"] == "kvk_adres_afschermen"
