"""The decision aids as content: every aid validates against its article, matches its form in domain.yml, and gives
the advice that fits the answers; a malformed aid stops the load naming file and field."""

import shutil

import pytest
import yaml

from bot import settings
from bot.knowledge.articles import KnowledgeError, load_articles
from bot.knowledge.decision_aids import advice, applicable, load_decision_aids, still_to_find_out


def article_sources():
    return {article.id: [source.key for source in article.all_sources()] for article in load_articles()}


@pytest.fixture(scope="module")
def aids():
    return load_decision_aids(article_sources())


def test_every_aid_has_its_form_actions_and_start_intent_in_the_domain(aids):
    domain = yaml.safe_load((settings.ROOT / "domain.yml").read_text())
    assert set(domain["forms"]) == {aid.form for aid in aids.values()}
    for aid in aids.values():
        assert domain["forms"][aid.form]["required_slots"] == aid.slots
        assert {f"validate_{aid.id}_form", f"action_{aid.id}_advies"} <= set(domain["actions"])
        assert aid.start_intent in domain["intents"]


@pytest.mark.parametrize(
    "answers, route",
    [
        ({"in_opvang": "ja", "opvang_aangewezen": "ja", "briefadresgever": "ja"}, "Route art. 2.40"),
        (
            {"in_opvang": "ja", "opvang_aangewezen": "nee", "veiligheid": "ja", "briefadresgever": "nee"},
            "Route art. 2.41",
        ),
        ({"in_opvang": "nee", "veiligheid": "nee", "briefadresgever": "nee"}, "Route art. 2.23"),
    ],
)
def test_the_briefadres_aid_gives_the_route_that_fits(aids, answers, route):
    texts = advice(aids["briefadres"], answers)
    assert route in texts[0] and "Weigeren mag niet" in texts[-1]


def test_questions_that_no_longer_apply_are_skipped(aids):
    assert applicable(aids["briefadres"], {"in_opvang": "nee"}) == ["in_opvang", "veiligheid", "briefadresgever"]
    assert applicable(aids["urgentie"], {"uit_opvang": "nee"}) == ["uit_opvang"]
    assert applicable(aids["kvk"], {"eenmanszaak": "ja", "postadres": "ja"}) == ["eenmanszaak", "postadres"]


def test_a_final_advice_ends_the_outcome_and_unknown_answers_are_named(aids):
    assert len(advice(aids["urgentie"], {"uit_opvang": "nee"})) == 1
    note = still_to_find_out(aids["kvk"], {"eenmanszaak": "ja", "postadres": "onbekend", "dreiging": "onbekend"})
    assert note.startswith("Nog uitzoeken: kan zij een openbaar postadres opgeven; is er een concrete dreiging")


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda aid: aid["advice"].append({"text": "Een advies zonder bron."}), "advice"),
        (
            lambda aid: aid["advice"].append({"when": {"bestaat_niet": ["ja"]}, "text": "Iets [wbrp-2.41]."}),
            "when/ask_if",
        ),
        (lambda aid: aid.update(article="bestaat_niet"), "article"),
        (lambda aid: aid["advice"].append({"text": "Tekst [nergens]."}), "advice"),
        (lambda aid: aid["questions"][0].pop("text"), "questions.0.text"),
    ],
)
def test_a_malformed_aid_stops_the_load_naming_file_and_field(tmp_path, change, field):
    directory = tmp_path / "decision_aids"
    shutil.copytree(settings.DECISION_AIDS_DIR, directory)
    path = directory / "briefadres.yml"
    aid = yaml.safe_load(path.read_text())
    change(aid)
    path.write_text(yaml.safe_dump(aid, allow_unicode=True))
    with pytest.raises(KnowledgeError) as error:
        load_decision_aids(article_sources(), directory)
    assert str(path) in str(error.value) and f"veld '{field}" in str(error.value)
