"""Which Dutch spaCy pipeline the set-up chooses, including the path that installs and loads a real package."""
import json
import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy.cli.package import package

from bot import spacy_pipeline
from bot.spacy_pipeline import FALLBACK_NAME, choose, prepare


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


def test_a_real_nl_core_news_sm_package_is_installed_and_loaded(tmp_path):
    """Builds a genuine pip package named nl_core_news_sm (spaCy's own `spacy package`), installs it into a
    separate folder and lets the set-up choose it, exactly as with the official release."""
    source = tmp_path / "source"
    nlp = spacy.blank("nl")
    nlp.meta.update(name="core_news_sm", version="3.4.0")
    nlp.to_disk(source)
    packages = tmp_path / "packages"
    packages.mkdir()
    package(source, packages, create_sdist=False, create_wheel=True)
    wheel = next(packages.glob("**/dist/nl_core_news_sm-3.4.0-*.whl"))
    site = tmp_path / "site"
    site.mkdir()
    script = textwrap.dedent(f"""
        import importlib, json, subprocess, sys
        from pathlib import Path
        from bot import spacy_pipeline
        def install(source):
            return subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", {str(site)!r},
                                   source], capture_output=True).returncode == 0 and not importlib.invalidate_caches()
        sys.path.insert(0, {str(site)!r})
        meta = spacy_pipeline.prepare(Path({str(tmp_path / "nl")!r}), wheel={str(wheel)!r}, install=install)
        print(json.dumps(meta))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    meta = json.loads(result.stdout.strip().splitlines()[-1])
    assert (meta["lang"], meta["name"], meta["version"]) == ("nl", "core_news_sm", "3.4.0")
    assert "officieel" in spacy_pipeline.describe(meta)
