"""Prepares the Dutch spaCy pipeline that Rasa's SpacyNLP loads from one fixed folder (var/spacy/nl).

Order of choice: nl_core_news_sm if already installed; else the wheel named in BALIEGIDS_NL_MODEL_WHEEL; else the
official release; else a blank Dutch pipeline with the lookup lemmatizer from spacy-lookups-data.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from bot import settings

if TYPE_CHECKING:  # spaCy (and through it TensorFlow) is imported where it is used: the launcher does not need it
    import spacy

PACKAGE = "nl_core_news_sm"
OFFICIAL_WHEEL = (
    "https://github.com/explosion/spacy-models/releases/download/"
    "nl_core_news_sm-3.4.0/nl_core_news_sm-3.4.0-py3-none-any.whl"
)
WHEEL_VARIABLE = "BALIEGIDS_NL_MODEL_WHEEL"
FALLBACK_NAME = "blank_lookup"
FALLBACK_NOTICE = (
    "LET OP: nl_core_news_sm is niet bereikbaar; Baliegids gebruikt een lege Nederlandse spaCy-pipeline met de "
    "lookup-lemmatizer (spacy-lookups-data). Zet BALIEGIDS_NL_MODEL_WHEEL op een lokaal wiel van "
    "nl_core_news_sm 3.4.x en voer `make spacy` uit om het echte model te gebruiken."
)


def pip_install(source: str) -> bool:
    """Installs a package into this interpreter's environment; False when it cannot be had."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--timeout", "15", "--retries", "0", source],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0


def load_package() -> Optional["spacy.language.Language"]:
    import spacy

    try:
        return spacy.load(PACKAGE)
    except OSError:  # spaCy's E050: no package of that name
        return None


def blank_with_lookups() -> "spacy.language.Language":
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # reads the Dutch lookup table from spacy-lookups-data into the pipeline
    nlp.meta["name"] = FALLBACK_NAME
    return nlp


def choose(wheel: Optional[str], install=pip_install, load=load_package) -> "spacy.language.Language":
    nlp = load()
    if nlp is not None:
        return nlp
    if wheel:
        if not Path(wheel).is_file():
            raise SystemExit(f"FOUT: {WHEEL_VARIABLE}={wheel} bestaat niet.")
        if not install(wheel) or (nlp := load()) is None:
            raise SystemExit(f"FOUT: het wiel {wheel} uit {WHEEL_VARIABLE} kon niet worden geïnstalleerd of geladen.")
        return nlp
    if install(OFFICIAL_WHEEL) and (nlp := load()) is not None:
        return nlp
    return blank_with_lookups()


def describe(meta: dict) -> str:
    name = f"{meta['lang']}_{meta['name']}"
    if meta["name"] == FALLBACK_NAME:
        return f"{name} (terugval: lege Nederlandse pipeline met lookup-lemmatizer)"
    return f"{name} {meta.get('version', '')} (officieel Nederlands spaCy-model)".replace("  ", " ")


def installed_meta(directory: Path = None) -> Optional[dict]:
    meta_file = (directory or settings.SPACY_DIR) / "meta.json"
    return json.loads(meta_file.read_text()) if meta_file.is_file() else None


def prepare(directory: Path = None, wheel: Optional[str] = None, **choose_options) -> dict:
    """Saves the chosen pipeline to `directory` and returns its meta."""
    directory = directory or settings.SPACY_DIR
    nlp = choose(wheel, **choose_options)
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(directory)
    return installed_meta(directory)


def main() -> None:
    meta = prepare(wheel=os.environ.get(WHEEL_VARIABLE))
    print(f"spaCy-pipeline: {describe(meta)} -> {settings.SPACY_DIR}")
    if meta["name"] == FALLBACK_NAME:
        print(FALLBACK_NOTICE)


if __name__ == "__main__":
    main()
