"""Measures how the assistant answers independent questions: the right article, a wrong article, a clarifying
question, or a refusal; overall, per style of question (short, long case, typos, jargon, client details, indirect)
and per article, with the pairs of articles it confuses. Used by the test suite (with floors) and by the benchmark.

The held-out set (tests/data/heldout.yml) is never used to tune; choices are made on the development sets
(tests/data/dev.yml, dev2.yml, dev3.yml, dev4.yml). All were written by authors who never saw the training data."""

from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, List, NamedTuple

import yaml

from bot import settings
from bot.contract import ANSWER, CLARIFY, HANDOFF, NO_ANSWER, OUT_OF_SCOPE

HELD_OUT = settings.ROOT / "tests" / "data" / "heldout.yml"
DEVELOPMENT_SETS = tuple(
    settings.ROOT / "tests" / "data" / name for name in ("dev.yml", "dev2.yml", "dev3.yml", "dev4.yml")
)
DEVELOPMENT = DEVELOPMENT_SETS[0]  # the first and largest: the default of benchmarks.tune and the load mix
OUTCOMES = ("right", "wrong", "clarify", "declined", "other")


class Question(NamedTuple):
    text: str
    expected: str  # an article id, or out_of_scope
    style: str


class Result(NamedTuple):
    question: Question
    outcome: str
    custom: dict


def load_questions(path: Path = HELD_OUT) -> List[Question]:
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [Question(item["text"], item["article"], item["style"]) for item in questions]


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


def share(results: List[Result], result: str) -> float:
    return sum(item.outcome == result for item in results) / len(results) if results else 0.0


class Report:
    def __init__(self, results: List[Result]):
        self.results = results
        self.articles = [item for item in results if item.question.expected != OUT_OF_SCOPE]
        self.out_of_scope = [item for item in results if item.question.expected == OUT_OF_SCOPE]

    def share(self, result: str, articles: bool = True) -> float:
        return share(self.articles if articles else self.out_of_scope, result)

    def by(self, key: Callable[[Result], str]) -> Dict[str, List[Result]]:
        groups: Dict[str, List[Result]] = defaultdict(list)
        for item in self.articles:
            groups[key(item)].append(item)
        return dict(sorted(groups.items()))

    def styles(self) -> Dict[str, Dict[str, float]]:
        """Per style: the shares of article questions right / wrong / clarify, and of out-of-scope declined."""
        table = {}
        for style, items in self.by(lambda item: item.question.style).items():
            declined = [item for item in self.out_of_scope if item.question.style == style]
            table[style] = {
                "n": len(items),
                "right": share(items, "right"),
                "wrong": share(items, "wrong"),
                "clarify": share(items, "clarify"),
                "n_oos": len(declined),
                "declined": share(declined, "declined"),
            }
        return table

    def confusions(self, top: int = 8) -> List[tuple]:
        pairs = Counter(
            tuple(sorted((item.question.expected, item.custom.get("article"))))
            for item in self.articles
            if item.outcome == "wrong"
        )
        return pairs.most_common(top)

    def summary(self) -> str:
        return (
            f"artikelvragen: goed {self.share('right'):.1%}, fout {self.share('wrong'):.1%}, "
            f"verduidelijking {self.share('clarify'):.1%}; buiten bereik geweigerd "
            f"{self.share('declined', articles=False):.1%}"
        )

    def lines(self) -> List[str]:
        lines = [f"{'stijl':16} {'n':>4} {'goed':>6} {'fout':>6} {'vraagt':>6}   {'n bb':>4} {'geweigerd':>9}"]
        for style, row in self.styles().items():
            lines.append(
                f"{style:16} {row['n']:4d} {row['right']:6.0%} {row['wrong']:6.0%} {row['clarify']:6.0%}   "
                f"{row['n_oos']:4d} {row['declined']:9.0%}"
            )
        lines.append(f"{'onderwerp':40} {'n':>3} {'goed':>6} {'fout':>6} {'vraagt':>6}")
        for article, items in self.by(lambda item: item.question.expected).items():
            lines.append(
                f"{article:40} {len(items):3d} "
                + " ".join(f"{share(items, key):6.0%}" for key in ("right", "wrong", "clarify"))
            )
        lines.append(self.summary())
        return lines

    def mistakes(self) -> List[str]:
        return [
            f"{item.question.expected} -> {given(item.custom)} ({item.question.style}): {item.question.text}"
            for item in self.results
            if item.outcome not in ("right", "declined")
            or (item.outcome == "declined" and item.question.expected != OUT_OF_SCOPE)
        ]


def given(custom: dict):
    """What the assistant gave: the article, the articles it offered, or the kind of reply."""
    return custom.get("article") or custom.get("candidates") or custom.get("type")


def evaluate(ask: Callable[[str], dict], questions: List[Question] = None) -> Report:
    """`ask` sends one question in a fresh conversation and returns the reply's `custom` object."""
    questions = questions or load_questions()
    return Report(
        [Result(question, outcome(custom := ask(question.text), question.expected), custom) for question in questions]
    )
