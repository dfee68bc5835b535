"""Accuracy on the held-out clerk questions (tests/data/heldout.yml), over the REST channel.

The acceptance bar is 90% right, at most 5% wrong and 85% of out-of-scope questions declined. The floors below
leave two points of room for the small run-to-run variation of training, so that a real regression fails the
suite but noise does not; the figures of each run are printed."""

import itertools

from benchmarks.chat import Chat
from benchmarks.evaluation import evaluate

RIGHT_AT_LEAST = 0.88
WRONG_AT_MOST = 0.05
DECLINED_AT_LEAST = 0.85


def test_held_out_questions_are_answered_with_the_right_article(servers, capsys):
    numbers = itertools.count()
    report = evaluate(lambda text: Chat(servers["rasa"], f"eval-{next(numbers)}").ask(text))
    with capsys.disabled():
        print("\n" + "\n".join(report.lines()))
        print("Niet goed beantwoord:\n  " + "\n  ".join(report.mistakes()))
    assert report.share("right") >= RIGHT_AT_LEAST
    assert report.share("wrong") <= WRONG_AT_MOST
    assert report.share("declined", articles=False) >= DECLINED_AT_LEAST
