"""What clerks send and how fast it is answered over the REST channel: the first message of a new conversation,
latency by turn number in one long conversation, and throughput of many clients at once, each client holding
conversations of ten turns in a realistic mix (questions with long answers, buttons, follow-ups, greetings)."""

import functools
import itertools
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median, quantiles
from typing import Dict, List, Tuple

import requests

from benchmarks.evaluation import DEVELOPMENT, load_questions
from bot.contract import ASK_CAVEATS, ASK_EXPLANATION, FEEDBACK_UP, OUT_OF_SCOPE

TURN_RANGES = ((1, 20), (101, 120), (281, 300))


@functools.cache
def questions() -> Tuple[List[str], List[str]]:
    """Article questions and out-of-scope questions of the development set."""
    items = load_questions(DEVELOPMENT)  # the held-out set stays for accuracy only
    return (
        [item.text for item in items if item.expected != OUT_OF_SCOPE],
        [item.text for item in items if item.expected == OUT_OF_SCOPE],
    )


def conversation(number: int) -> List[str]:
    """Ten turns as a clerk has them: a greeting, two questions with their follow-ups (typed and by button), a
    question outside the knowledge base, a thumbs up and thanks."""
    articles, others = questions()
    pick = number * 2
    return [
        "goedemorgen",
        articles[pick % len(articles)],
        f"/{ASK_EXPLANATION}",
        "waar staat dat?",
        articles[(pick + 1) % len(articles)],
        "wat moet ik doen?",
        f"/{ASK_CAVEATS}",
        others[number % len(others)],
        f"/{FEEDBACK_UP}",
        "bedankt",
    ]


class Client:
    """Sends messages over REST; a reply counts as answered when it is a 200 with at least one message (and, for
    Baliegids, the contract's `custom` object)."""

    def __init__(self, url: str, contract: bool):
        self.url = f"{url}/webhooks/rest/webhook"
        self.contract = contract
        self.session = requests.Session()

    def send(self, sender: str, text: str) -> Tuple[float, bool]:
        started = time.perf_counter()
        try:
            reply = self.session.post(self.url, json={"sender": sender, "message": text}, timeout=30)
            messages = reply.json() if reply.status_code == 200 else []
            ok = bool(messages) and (not self.contract or any("custom" in message for message in messages))
        except (requests.RequestException, ValueError):
            ok = False
        return (time.perf_counter() - started) * 1000, ok


def percentiles(values: List[float]) -> Dict[int, float]:
    cuts = quantiles(values, n=100, method="inclusive")
    return {50: cuts[49], 95: cuts[94], 99: cuts[98]}


def first_messages(url: str, contract: bool, count: int, prefix: str) -> Dict[int, float]:
    """Latency of an article question as the first message of a new conversation."""
    client, articles = Client(url, contract), questions()[0]
    for number in range(10):  # warm-up
        client.send(f"{prefix}-warm-{number}", articles[number])
    return percentiles(
        [client.send(f"{prefix}-{number}", articles[number % len(articles)])[0] for number in range(count)]
    )


def by_turn(url: str, contract: bool, turns: int, prefix: str) -> Dict[Tuple[int, int], float]:
    """The median latency of turn ranges in one long conversation (the ten-turn mix, repeated)."""
    client = Client(url, contract)
    texts = itertools.chain.from_iterable(conversation(number) for number in itertools.count())
    latencies = [client.send(f"{prefix}-long", text)[0] for text in itertools.islice(texts, turns)]
    return {(first, last): median(latencies[first - 1 : last]) for first, last in TURN_RANGES if last <= turns}


def throughput(url: str, contract: bool, clients: int, seconds: float, prefix: str) -> Dict:
    """`clients` at once, each holding ten-turn conversations one after another for `seconds`."""
    deadline = time.monotonic() + seconds

    def run(worker: int) -> List[Tuple[float, bool]]:
        client, results = Client(url, contract), []
        for number in itertools.count():
            for text in conversation(worker * 1000 + number):
                if time.monotonic() > deadline:
                    return results
                results.append(client.send(f"{prefix}-{clients}-{worker}-{number}", text))
        return results

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        results = [item for part in pool.map(run, range(clients)) for item in part]
    elapsed = time.monotonic() - started
    latencies = [ms for ms, _ in results]
    return {
        "msg_per_s": len(results) / elapsed,
        **{f"p{pct}": value for pct, value in percentiles(latencies).items()},
        "errors": sum(not ok for _, ok in results),
        "answered": sum(ok for _, ok in results),
        "prefix": f"{prefix}-{clients}-",
    }


def stored_user_messages(tracker_db: Path, prefix: str) -> int:
    """User messages in the SQL tracker store of the conversations whose id starts with `prefix`."""
    with sqlite3.connect(tracker_db) as db:
        return db.execute(
            "select count(*) from events where type_name = 'user' and sender_id like ?", (prefix + "%",)
        ).fetchone()[0]
