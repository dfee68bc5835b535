"""Local additions without a model: what the kennisbeheerder may save, and how an addition sits in the answer."""

import pytest

from bot.knowledge.local import LocalAdditions, LocalError, local_places
from bot.knowledge.replies import Replies
from bot.knowledge.store import Store, load

ARTICLE = "brp_briefadres_opvang"
SOURCE = "https://lokaleregelgeving.overheid.nl/CVDR700001/1"
VALID = {
    "article_id": ARTICLE,
    "text": "Het Baken is aangewezen. De opvang meldt zich bij burgerzaken.",
    "source_title": "Aanwijzingsbesluit",
    "source_url": SOURCE,
    "version_date": "2024-03-01",
}


@pytest.fixture
def local(tmp_path):
    load(tmp_path / "app.db")
    return LocalAdditions(Store(tmp_path / "app.db"))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"article_id": "brp_onbekend"}, "'brp_onbekend' is geen artikel"),
        ({"source_url": "lokaleregelgeving"}, "'source_url': geen geldige URL"),
        ({"source_title": None}, "'source_title': ontbreekt"),
        ({"text": " "}, "text"),
        ({"stance": "anders"}, "kies uit aanvulling, strenger, ruimer"),
    ],
)
def test_an_invalid_addition_is_refused_in_dutch_and_nothing_is_saved(local, change, message):
    with pytest.raises(LocalError, match="niet opgeslagen") as refused:
        local.add("kb", **(VALID | change))
    assert message in str(refused.value) and local.all() == [] and local.history() == []


def test_the_answer_adds_the_first_sentence_citing_the_local_source_after_the_national_rule(local):
    local.add("kb", **VALID | {"stance": "strenger"})
    replies = Replies(local.store)
    answer = replies.default_answer(replies.articles[ARTICLE], 1.0)
    custom = answer["json_message"]
    keys = [part["key"] for part in custom["sections"]]
    assert keys[:2] == ["kort", "lokaal_kort"]  # the national rule first, then the local line
    line = custom["sections"][1]["text"]
    number = next(source["number"] for source in custom["sources"] if source["url"] == SOURCE)
    assert line == f"In onze gemeente: Strenger dan de landelijke regel: Het Baken is aangewezen. … [{number}]"
    assert local.history()[0].action == "toegevoegd" and local.history()[0].who == "kb"


def test_an_import_with_one_bad_addition_changes_nothing(local, tmp_path):
    local.add("kb", **VALID)
    good = tmp_path / "lokaal.yml"
    assert local.export(good) == 1
    bad = tmp_path / "fout.yml"
    bad.write_text(good.read_text() + "- article_id: brp_onbekend\n  text: x\n", encoding="utf-8")
    with pytest.raises(LocalError, match="aanvulling 2"):
        local.import_("kb", bad)
    assert [row.text for row in local.all()] == [VALID["text"] + " [lokaal]"]


def test_places_that_leave_room_for_local_policy_are_found_and_others_not(local):
    articles = Replies(local.store).articles
    assert any("lokale beleidsregels" in place for place in local_places(articles["wi_bijzondere_bijstand_inrichting"]))
    assert local_places(articles["kvk_adres_afschermen"]) == []
