"""Training data, domain and rules fit together; Rasa's own validator finds nothing to warn about."""

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import yaml

from benchmarks.evaluation import DEVELOPMENT_SETS, HELD_OUT, load_questions
from bot import settings
from bot.knowledge.articles import load_articles

CONTRACT_TYPES = {"answer", "clarify", "no_answer", "handoff", "smalltalk"}


def examples(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    return {
        item["intent"]: [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
        for item in data["nlu"]
    }


def training_examples() -> dict:
    merged = {}
    for path in sorted((settings.ROOT / "data" / "nlu").rglob("*.yml")):
        for intent, lines in examples(path).items():
            merged.setdefault(intent, []).extend(lines)
    return merged


def domain() -> dict:
    return yaml.safe_load((settings.ROOT / "domain.yml").read_text())


def test_each_article_has_its_intent_and_at_least_30_training_questions():
    training = training_examples()
    for article in load_articles():
        assert article.id in domain()["intents"], article.id
        assert len(training.get(article.id, [])) >= 30, article.id
        assert (settings.ROOT / "data" / "nlu" / "articles" / f"{article.id}.yml").is_file()


def test_out_of_scope_has_at_least_80_real_examples():
    assert len(training_examples()["out_of_scope"]) >= 80


def test_no_question_is_trained_twice_or_leaks_from_the_held_out_or_development_sets():
    training = [line.lower() for lines in training_examples().values() for line in lines]
    assert [line for line, count in Counter(training).items() if count > 1] == []
    for path in (HELD_OUT, *DEVELOPMENT_SETS):
        written_apart = {question.text.lower() for question in load_questions(path)}
        assert written_apart.isdisjoint(training), path.name


def test_every_term_of_the_counter_lexicon_is_in_the_training_questions():
    """The abbreviations and jargon clerks type (knowledge/lexicon.yml) are learned from examples, not expanded."""
    text = " ".join(line for lines in training_examples().values() for line in lines).lower()
    terms = yaml.safe_load((settings.ROOT / "knowledge" / "lexicon.yml").read_text(encoding="utf-8"))["terms"]
    missing = [
        item["term"] for item in terms if not re.search(rf"(?<!\w){re.escape(item['term'].lower())}(?!\w)", text)
    ]
    assert not missing, f"geen trainingsvoorbeeld met: {', '.join(missing)}"


def test_every_response_says_what_kind_of_reply_it_is():
    for name, variations in domain()["responses"].items():
        for variation in variations:
            assert variation.get("custom", {}).get("type") in CONTRACT_TYPES, name


def test_rasa_data_validate_finds_no_warnings():
    result = subprocess.run(
        [settings.RASA, "data", "validate", "--fail-on-warnings"],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
