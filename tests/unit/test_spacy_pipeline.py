"""Which Dutch spaCy pipeline the set-up chooses (the real package install is in tests/e2e/test_spacy_package.py)."""

import pytest
import spacy

from bot.training import spacy_pipeline
from bot.training.spacy_pipeline import FALLBACK_NAME, choose, prepare


def fails(*_):
    return False


def test_an_installed_package_is_used_without_installing_anything():
    installed = spacy.blank("nl")
    assert choose(wheel=None, install=pytest.fail, load=lambda: installed) is installed


def test_the_wheel_named_by_the_user_is_installed_first(tmp_path):
    wheel = tmp_path / "nl_core_news_sm-3.4.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    installed, pipeline = [], spacy.blank("nl")

    def install(source):
        installed.append(source)
        return True

    result = choose(str(wheel), install=install, load=lambda: pipeline if installed else None)
    assert result is pipeline and installed == [str(wheel)]


def test_a_named_wheel_that_does_not_exist_stops_with_a_clear_message(tmp_path):
    with pytest.raises(SystemExit, match="BALIEGIDS_NL_MODEL_WHEEL=.*bestaat niet"):
        choose(str(tmp_path / "weg.whl"), install=fails, load=lambda: None)


def test_the_official_release_is_tried_when_no_wheel_is_named():
    tried = []
    choose(None, install=lambda source: tried.append(source) or False, load=lambda: None)
    assert tried == [spacy_pipeline.OFFICIAL_WHEEL]


def test_unreachable_model_falls_back_to_blank_dutch_with_lookup_lemmas(tmp_path):
    meta = prepare(tmp_path / "nl", wheel=None, install=fails, load=lambda: None)
    assert meta["name"] == FALLBACK_NAME and meta["lang"] == "nl"
    nlp = spacy.load(tmp_path / "nl")
    assert [token.lemma_ for token in nlp("briefadressen")] == ["briefadres"]
