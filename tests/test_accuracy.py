"""Accuracy on the held-out clerk questions (tests/nlu_heldout.yml), over the REST channel.

Floors (the issue's acceptance bar is 90% right, at most 5% wrong, 85% of out-of-scope declined; these floors sit
at that bar so a regression below it fails the suite):"""
import itertools

from bot.evaluation import evaluate
from tests.conftest import Chat

RIGHT_AT_LEAST = 0.90
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
