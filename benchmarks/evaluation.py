"""Measures how the assistant answers the held-out questions: right article, wrong article, a clarifying
question, or a refusal. Used by the test suite (with floors) and by the benchmark (with figures)."""
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import yaml

from bot import settings
from bot.contract import ANSWER, CLARIFY, HANDOFF, NO_ANSWER, OUT_OF_SCOPE

HELD_OUT = settings.ROOT / "tests" / "data" / "nlu_heldout.yml"


def load_questions(path: Path = HELD_OUT) -> List[Tuple[str, str]]:
    """(question, expected article id or out_of_scope) pairs from a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (line[2:].strip(), item["intent"])
        for item in data["nlu"]
        for line in item["examples"].splitlines()
        if line.startswith("- ")
    ]


def outcome(custom: dict, expected: str) -> str:
    """right / wrong / clarify / declined / other, for one reply's `custom` object."""
    kind = custom.get("type")
    if kind == ANSWER:
        return "right" if custom.get("article") == expected else "wrong"
    if kind == CLARIFY:
        return "clarify"
    if kind in (NO_ANSWER, HANDOFF):
        return "declined"
    return "other"


class Report:
    def __init__(self, results: List[Tuple[str, str, str, dict]]):
        self.results = results  # (question, expected, outcome, custom)
        self.per_intent: Dict[str, Counter] = defaultdict(Counter)
        for _, expected, result, _ in results:
            self.per_intent[expected][result] += 1

    def share(self, result: str, articles: bool = True) -> float:
        chosen = [r for _, expected, r, _ in self.results if (expected != OUT_OF_SCOPE) == articles]
        return sum(r == result for r in chosen) / len(chosen)

    def lines(self) -> List[str]:
        lines = [f"{'onderwerp':40} {'n':>3} {'goed':>6} {'fout':>6} {'vraagt':>6} {'weigert':>7}"]
        for intent in sorted(self.per_intent):
            counts = self.per_intent[intent]
            total = sum(counts.values())
            lines.append(
                f"{intent:40} {total:3d} "
                + " ".join(f"{counts[key] / total:6.0%}" for key in ("right", "wrong", "clarify"))
                + f" {counts['declined'] / total:7.0%}"
            )
        lines.append(
            f"artikelvragen: goed {self.share('right'):.1%}, fout {self.share('wrong'):.1%}, "
            f"verduidelijking {self.share('clarify'):.1%}; buiten bereik geweigerd "
            f"{self.share('declined', articles=False):.1%}"
        )
        return lines

    def mistakes(self) -> List[str]:
        return [
            f"{expected} -> {custom.get('article') or custom.get('candidates') or custom.get('type')}: {question}"
            for question, expected, result, custom in self.results
            if result not in ("right", "declined") or (result == "declined" and expected != OUT_OF_SCOPE)
        ]


def evaluate(ask: Callable[[str], dict], questions: List[Tuple[str, str]] = None) -> Report:
    """`ask` sends one question in a fresh conversation and returns the reply's `custom` object."""
    questions = questions or load_questions()
    return Report([(text, expected, outcome(custom := ask(text), expected), custom) for text, expected in questions])
