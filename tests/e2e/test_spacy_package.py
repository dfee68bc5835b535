"""The real Dutch spaCy package path of the set-up: a wheel built with spaCy's own packager is installed and used."""

import json
import subprocess
import sys
import textwrap

import spacy
from spacy.cli.package import package

from bot.training import spacy_pipeline


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
        from bot.training import spacy_pipeline
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
