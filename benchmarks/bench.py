"""`make bench`: measures Baliegids against a baseline and writes the figures to BENCHMARKS.md.

1. Accuracy on the held-out questions (tests/data/nlu_heldout.yml): intent accuracy, macro-F1, the most confused
   article pairs and out-of-scope rejection, for our pipeline and for Rasa's default `rasa init` pipeline trained
   on the same data; and what the clerk gets over REST (right / wrong / clarify / declined).
2. End-to-end latency over the REST channel (action server and SQL store included): p50, p95, p99, sequential.
3. Throughput at 1, 4 and 16 concurrent conversations: messages per second, p95 and errors.
4. Training time, start-up time (until the first answer), and resident memory of the Rasa and action servers.
"""

import argparse
import asyncio
import datetime
import itertools
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import quantiles
from typing import Dict, List, Tuple

import requests

from benchmarks.chat import Chat
from benchmarks.evaluation import Question, evaluate, load_questions
from bot import settings
from bot.contract import NLU_FALLBACK, OUT_OF_SCOPE
from bot.knowledge.store import load
from bot.runtime.stack import ACTIONS, RASA, Stack
from bot.training.train import train

BASELINE_CONFIG = settings.ROOT / "benchmarks" / "baseline_config.yml"
REPORT = settings.ROOT / "BENCHMARKS.md"
TOKEN = "bench-token"
TARGETS = {"p95_ms": 40, "throughput_16": 45, "startup_s": 20, "rasa_memory_mb": 1024, "training_s": 90}


def percentile(values: List[float], pct: int) -> float:
    return quantiles(values, n=100, method="inclusive")[pct - 1] if len(values) > 1 else values[0]


# --- accuracy ----------------------------------------------------------------------------------------------------


def parse_all(model: Path, questions: List[Question]) -> List[str]:
    """The top intent (nlu_fallback when unsure) for each question, parsed in this process."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run():
        return [(await agent.parse_message(question.text))["intent"]["name"] for question in questions]

    return asyncio.run(run())


def intent_metrics(predicted: List[str], questions: List[Question]) -> Dict:
    expected = [question.expected for question in questions]
    labels = sorted(set(expected))
    f1s = []
    for label in labels:
        tp = sum(p == e == label for p, e in zip(predicted, expected, strict=False))
        fp = sum(p == label != e for p, e in zip(predicted, expected, strict=False))
        fn = sum(e == label != p for p, e in zip(predicted, expected, strict=False))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    confusions = Counter(
        tuple(sorted((e, p)))
        for p, e in zip(predicted, expected, strict=False)
        if p != e and p != NLU_FALLBACK and e != OUT_OF_SCOPE and p != OUT_OF_SCOPE
    )
    oos = [p for p, e in zip(predicted, expected, strict=False) if e == OUT_OF_SCOPE]
    return {
        "accuracy": sum(p == e for p, e in zip(predicted, expected, strict=False)) / len(expected),
        "macro_f1": sum(f1s) / len(f1s),
        "confused": confusions.most_common(5),
        "oos_rejected": sum(p in (OUT_OF_SCOPE, NLU_FALLBACK) for p in oos) / len(oos),
    }


# --- servers -----------------------------------------------------------------------------------------------------


class Servers:
    """The Rasa server and the action server, started fresh, with start-up time and memory readings."""

    def __init__(self, model: Path, workdir: Path):
        app_db = workdir / "baliegids.db"
        load(app_db)
        started = time.monotonic()
        self.stack = Stack(
            model,
            workdir,
            token=TOKEN,
            host="127.0.0.1",
            ports={RASA: 5905, ACTIONS: 5955},
            tracker_db=workdir / "conversations.db",
            app_db=app_db,
            services=[ACTIONS, RASA],
        )
        self.stack.__enter__()
        self.url = self.stack.rasa_url
        self.rasa, self.actions = self.stack.processes[RASA], self.stack.processes[ACTIONS]
        Chat(self.url, "startup").send("goedemorgen")
        self.startup_seconds = time.monotonic() - started

    @staticmethod
    def memory_mb(process: subprocess.Popen) -> Dict[str, float]:
        """A server with its worker processes: resident memory now, as PSS (a page the workers share with their
        parent counts once, split between them), and the highest resident memory of a single process (VmHWM)."""

        def kilobytes(pid: int, file: str, field: str) -> int:
            line = next(line for line in Path(f"/proc/{pid}/{file}").read_text().splitlines() if line.startswith(field))
            return int(line.split()[1])

        pids = tree(process.pid)
        return {
            "processes": len(pids),
            "pss": sum(kilobytes(pid, "smaps_rollup", "Pss:") for pid in pids) / 1024,
            "peak": max(kilobytes(pid, "status", "VmHWM:") for pid in pids) / 1024,
        }

    def stop(self):
        self.stack.stop()


def tree(pid: int) -> List[int]:
    """The process and its descendants (Sanic's worker processes)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid] + [descendant for child in children for descendant in tree(int(child))]


# --- latency and throughput --------------------------------------------------------------------------------------


def timed_send(url: str, sender: str, text: str) -> Tuple[float, bool]:
    started = time.perf_counter()
    try:
        reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)
        ok = reply.status_code == 200 and any("custom" in message for message in reply.json())
    except requests.RequestException:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


def sequential_latency(url: str, texts: List[str], count: int) -> Dict:
    for number, text in enumerate(texts[:20]):  # warm-up
        timed_send(url, f"warm-{number}", text)
    latencies = [
        timed_send(url, f"seq-{number // 5}", text)[0] for number, text in zip(range(count), itertools.cycle(texts))
    ]
    return {pct: percentile(latencies, pct) for pct in (50, 95, 99)}


def throughput(url: str, texts: List[str], workers: int, seconds: float) -> Dict:
    deadline = time.monotonic() + seconds

    def conversation(worker: int):
        results, lines = [], itertools.cycle(texts[worker::workers] or texts)
        for number in itertools.count():
            if time.monotonic() > deadline:
                return results
            results.append(timed_send(url, f"load-{workers}-{worker}-{number // 6}", next(lines)))

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        results = [item for part in pool.map(conversation, range(workers)) for item in part]
    elapsed = time.monotonic() - started
    latencies = [ms for ms, _ in results]
    return {
        "msg_per_s": len(results) / elapsed,
        "p95": percentile(latencies, 95),
        "errors": sum(not ok for _, ok in results),
        "messages": len(results),
    }


# --- report ------------------------------------------------------------------------------------------------------


def verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    met = value <= target if lower_is_better else value >= target
    if met:
        return "gehaald"
    return f"niet gehaald ({abs(value - target) / target:.0%} {'te hoog' if lower_is_better else 'te laag'})"


def machine() -> str:
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GB, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="duur van elke doorvoermeting (standaard 60)")
    parser.add_argument("--messages", type=int, default=300, help="aantal sequentiële berichten (standaard 300)")
    args = parser.parse_args()
    command = "make bench" + ("" if sys.argv[1:] == [] else f" BENCH_ARGS={shlex.quote(' '.join(sys.argv[1:]))}")
    questions = load_questions()
    lines = ["# Benchmarks\n", f"Gemeten op {datetime.date.today().isoformat()} met `{command}` op {machine()}.\n"]

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # An empty training cache: Rasa would otherwise reuse components from earlier runs in .rasa/cache, and the
        # training times would not be those of a fresh machine.
        os.environ["RASA_CACHE_DIRECTORY"] = str(tmp / "rasa-cache")
        print("1/5 Model trainen (Baliegids) ...", flush=True)
        with (tmp / "train.log").open("w") as log:
            started = time.monotonic()
            model = train(tmp / "ours", log=log)
            training_s = time.monotonic() - started
        print("2/5 Basislijn trainen (rasa init-pipeline, alleen NLU) ...", flush=True)
        started = time.monotonic()
        subprocess.run(
            [
                settings.RASA,
                "train",
                "nlu",
                "--config",
                str(BASELINE_CONFIG),
                "--out",
                str(tmp / "baseline"),
                "--fixed-model-name",
                "baseline",
            ],
            cwd=settings.ROOT,
            check=True,
            stdout=(tmp / "baseline.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        baseline_training_s = time.monotonic() - started
        print("3/5 Nauwkeurigheid meten ...", flush=True)
        ours = intent_metrics(parse_all(model, questions), questions)
        baseline = intent_metrics(parse_all(tmp / "baseline" / "baseline.tar.gz", questions), questions)

        print("4/5 Servers starten, latentie en doorvoer meten ...", flush=True)
        servers = Servers(model, tmp)
        try:
            numbers = itertools.count()
            report = evaluate(lambda text: Chat(servers.url, f"eval-{next(numbers)}").ask(text), questions)
            texts = [question.text for question in questions]
            latency = sequential_latency(servers.url, texts, args.messages)
            loads = {workers: throughput(servers.url, texts, workers, args.seconds) for workers in (1, 4, 16)}
            with sqlite3.connect(tmp / "conversations.db") as db:
                stored = db.execute(
                    "select count(*) from events where type_name = 'user' and sender_id like " "'load-16-%'"
                ).fetchone()[0]
            lost = loads[16]["messages"] - loads[16]["errors"] - stored
            memory = {"Rasa-server": servers.memory_mb(servers.rasa), "actieserver": servers.memory_mb(servers.actions)}
        finally:
            servers.stop()

    print("5/5 Rapport schrijven ...", flush=True)
    lines += [
        "## Nauwkeurigheid (testset `tests/data/nlu_heldout.yml`, 290 artikelvragen en 50 buiten bereik)\n",
        "| pipeline | intent-nauwkeurigheid | macro-F1 | buiten bereik geweigerd |",
        "|---|---|---|---|",
        f"| Baliegids (`config.yml`) | {ours['accuracy']:.1%} | {ours['macro_f1']:.3f} | {ours['oos_rejected']:.1%} |",
        f"| basislijn (`rasa init`, `benchmarks/baseline_config.yml`) | {baseline['accuracy']:.1%} | "
        f"{baseline['macro_f1']:.3f} | {baseline['oos_rejected']:.1%} |",
        f"| verhouding Baliegids / basislijn | {ours['accuracy'] / baseline['accuracy']:.2f} | "
        f"{ours['macro_f1'] / baseline['macro_f1']:.2f} | |\n",
        "Wat de baliemedewerker krijgt (over REST, met verduidelijkingsvragen): " + report.summary() + ".\n",
        "Vaakst verwarde artikelparen (Baliegids): "
        + ("; ".join(f"{a} / {b} ({n}x)" for (a, b), n in ours["confused"]) or "geen")
        + ".\n",
        "## Snelheid over het REST-kanaal (actieserver en SQL-store inbegrepen)\n",
        f"Sequentieel, {args.messages} berichten na 20 opwarmberichten: p50 {latency[50]:.0f} ms, "
        f"p95 {latency[95]:.0f} ms, p99 {latency[99]:.0f} ms. Doel p95 ≤ {TARGETS['p95_ms']} ms: "
        f"{verdict(latency[95], TARGETS['p95_ms'])}.\n",
        f"| gelijktijdige gesprekken | berichten/s | p95 (ms) | fouten | berichten ({args.seconds:.0f} s) |",
        "|---|---|---|---|---|",
        *[
            f"| {w} | {r['msg_per_s']:.1f} | {r['p95']:.0f} | {r['errors']} | {r['messages']} |"
            for w, r in loads.items()
        ],
        f"\nDoel ≥ {TARGETS['throughput_16']} berichten/s bij 16 gesprekken zonder fouten: "
        f"{verdict(loads[16]['msg_per_s'], TARGETS['throughput_16'], lower_is_better=False)}"
        f"{'' if loads[16]['errors'] == 0 else ' (met fouten)'}. Na de belasting met 16 gesprekken staan "
        f"{stored} berichten in de SQL-store voor {loads[16]['messages'] - loads[16]['errors']} geslaagde verzoeken: "
        f"{lost} verloren.\n",
        "## Training, opstarten en geheugen\n",
        f"- Training Baliegids (NLU + dialoog): {training_s:.0f} s (doel ≤ {TARGETS['training_s']} s: "
        f"{verdict(training_s, TARGETS['training_s'])}); basislijn (alleen NLU): {baseline_training_s:.0f} s.",
        f"- Opstarten tot het eerste antwoord: {servers.startup_seconds:.1f} s (doel ≤ {TARGETS['startup_s']} s: "
        f"{verdict(servers.startup_seconds, TARGETS['startup_s'])}).",
        *[
            f"- {name}: {m['pss']:.0f} MB resident na de belasting (PSS, "
            f"{'1 proces' if m['processes'] == 1 else str(m['processes']) + ' processen samen'}), grootste proces op "
            f"zijn piek {m['peak']:.0f} MB"
            for name, m in memory.items()
        ],
        "- Rasa-server onder 1 GB (alle processen samen): "
        f"{verdict(memory['Rasa-server']['pss'], TARGETS['rasa_memory_mb'])}.\n",
    ]
    text = "\n".join(lines)
    REPORT.write_text(text)
    print("\n" + text)


if __name__ == "__main__":
    main()
