"""`make bench`: what users of Baliegids meet, measured next to a stock `rasa init` assistant on the same machine in
the same run, written to BENCHMARKS.md.

1. Accuracy over REST on the held-out clerk questions (tests/data/heldout.yml): right / wrong / clarify / declined,
   per style and per article, and the article pairs it confuses; the de-identification of client data.
2. Speed over REST, for Baliegids as `make run` starts it (launcher, Rasa server, action server, web server) and for
   the stock assistant: the first message of a new conversation (p50/p95/p99), latency by turn number in one long
   conversation, throughput at 1, 4, 16 and 32 clients holding ten-turn conversations, no message lost.
3. Memory (PSS of every process), training and start-up time; one against two Rasa worker processes.
4. A sampling profile (py-spy) of the servers under load: where the CPU time of a turn goes.
"""

import argparse
import datetime
import itertools
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import requests

from benchmarks import load
from benchmarks.chat import Chat
from benchmarks.deid import load_corpus
from benchmarks.deid import score as deid_score
from benchmarks.deid import timing as deid_timing
from benchmarks.evaluation import evaluate, share
from benchmarks.resources import memory, profile, read_profile
from benchmarks.stock import StockRasa
from bot import settings
from bot.runtime.processes import stop
from bot.training.train import train

REPORT = settings.ROOT / "BENCHMARKS.md"
HISTORY = "## Eerdere metingen"  # from this heading on, BENCHMARKS.md is kept as it is: figures to compare with
TOKEN = "bench-token"
PORTS = {"RASA_PORT": "5905", "ACTIONS_PORT": "5955", "WEB_PORT": "5985"}
STOCK_PORT = 5915
CLIENTS = (1, 4, 16, 32)
TURNS = 300
STEPS = 8
# The steps of a turn in the profile: our code and Rasa's handling of a message.
TURN_STEPS = ("bot/", "actions/", "rasa/core/", "rasa/nlu/", "rasa/engine/", "rasa_sdk/", "sqlalchemy/")
# Goals from the issues, with the direction that is better.
GOALS = {
    "first_p95": (40, "ms", "max"),
    "turn_ratio": (1.2, "x", "max"),
    "msg_per_s_16": (60, "berichten/s", "min"),
    "memory": (1000, "MB", "max"),
    "startup": (15, "s", "max"),
    "training": (120, "s", "max"),
    "right": (0.95, "", "min"),
    "style_right": (0.90, "", "min"),
    "wrong": (0.02, "", "max"),
    "declined": (0.95, "", "min"),
    "deid_recall": (0.98, "", "min"),
    "deid_near_miss": (0.02, "", "max"),
}


def step(number: int, text: str) -> None:
    print(f"[{number}/{STEPS}] {text} ...", flush=True)


def weakest_style(styles: dict) -> str:
    style, row = min(styles.items(), key=lambda item: item[1]["right"])
    return f"- Zwakste stijl: {style}, {row['right']:.1%} goed ({verdict('style_right', row['right'])})."


def verdict(name: str, value: float) -> str:
    goal, unit, direction = GOALS[name]
    met = value <= goal if direction == "max" else value >= goal
    shown = f"{goal:.0%}" if unit == "" else f"{goal:g} {unit}"
    if met:
        return f"doel {'≤' if direction == 'max' else '≥'} {shown}: gehaald"
    miss = f"{abs(value - goal) / goal:.1%} {'te hoog' if direction == 'max' else 'te laag'}"
    return f"doel {'≤' if direction == 'max' else '≥'} {shown}: **niet gehaald**, {miss}"


class Baliegids:
    """The stack as `make run` starts it: the launcher with its three servers, in a scratch var/ directory."""

    def __init__(self, model_dir: Path, var_dir: Path, workers: int):
        self.var_dir, self.url = var_dir, f"http://127.0.0.1:{PORTS['RASA_PORT']}"
        self.env = {
            **os.environ,
            **PORTS,
            "BALIEGIDS_VAR_DIR": str(var_dir),
            "BALIEGIDS_MODEL_DIR": str(model_dir),
            "BALIEGIDS_RASA_TOKEN": TOKEN,
            "SANIC_WORKERS": str(workers),
        }
        self.tracker_db = var_dir / "conversations.db"
        self.process = None
        self.startup_seconds = None

    def __enter__(self) -> "Baliegids":
        self.var_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.process = subprocess.Popen(
            [settings.PYTHON, "-m", "bot.runtime"],
            cwd=settings.ROOT,
            env=self.env,
            stdout=(self.var_dir.parent / f"{self.var_dir.name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while True:  # until the first answer, as a clerk who opens the widget right after the start
            if self.process.poll() is not None or time.monotonic() - started > 300:
                raise RuntimeError(f"Baliegids kwam niet op; zie {self.var_dir.parent / self.var_dir.name}.log")
            try:
                if Chat(self.url, "opstart").ask("goedemorgen"):
                    break
            except (requests.RequestException, AssertionError, ValueError):
                time.sleep(0.2)
        self.startup_seconds = time.monotonic() - started
        return self

    def __exit__(self, *_) -> None:
        stop([self.process], 30)


def speed(url: str, contract: bool, prefix: str, seconds: float, clients=CLIENTS) -> Dict:
    figures = {"first": load.first_messages(url, contract, 200, f"{prefix}-eerste")}
    figures["turns"] = load.by_turn(url, contract, TURNS, prefix)
    figures["load"] = {count: load.throughput(url, contract, count, seconds, f"{prefix}-last") for count in clients}
    return figures


def lost(tracker_db: Path, result: Dict) -> int:
    return result["answered"] - load.stored_user_messages(tracker_db, result["prefix"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="duur van elke doorvoermeting (standaard 30)")
    args = parser.parse_args()
    command = "make bench" + ("" if sys.argv[1:] == [] else f" BENCH_ARGS={shlex.quote(' '.join(sys.argv[1:]))}")
    figures: Dict = {"command": command, "seconds": args.seconds}

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # An empty training cache, as on a fresh machine (Rasa would reuse components from .rasa/cache).
        os.environ["RASA_CACHE_DIRECTORY"] = str(tmp / "rasa-cache")
        step(1, "Baliegids trainen")
        started = time.monotonic()
        with (tmp / "train.log").open("w") as log:
            train(tmp / "model", log=log)
        figures["training"] = time.monotonic() - started
        step(2, "Ankerassistent maken met rasa init (traint zijn eigen model)")
        stock = StockRasa(tmp / "stock", STOCK_PORT)
        figures["stock_init"] = stock.create()

        step(3, "Baliegids starten zoals make run; nauwkeurigheid op de testset meten")
        with Baliegids(tmp / "model", tmp / "var2", workers=2) as ours:
            figures["startup"] = ours.startup_seconds
            numbers = itertools.count()
            figures["accuracy"] = evaluate(lambda text: Chat(ours.url, f"eval-{next(numbers)}").ask(text))
            step(4, "Baliegids: eerste berichten, een lang gesprek, doorvoer bij 1-32 gesprekken")
            figures["ours"] = speed(ours.url, True, "bg", args.seconds)
            figures["lost"] = lost(ours.tracker_db, figures["ours"]["load"][16])
            figures["memory"] = memory(ours.process.pid)
            step(5, "Profiel van de servers onder belasting (py-spy)")
            recorders = profile([ours.process.pid], 20, tmp)
            load.throughput(ours.url, True, 4, 20, "profiel")
            for recorder in recorders:
                recorder.wait(timeout=60)
            figures["profile"] = read_profile(list(tmp.glob("profile-*.txt")), TURN_STEPS)
        step(6, "Baliegids met één Rasa-werkproces")
        with Baliegids(tmp / "model", tmp / "var1", workers=1) as single:
            figures["single"] = {
                "first": load.first_messages(single.url, True, 200, "een-eerste"),
                "load": load.throughput(single.url, True, 16, args.seconds, "een-last"),
                "memory": memory(single.process.pid),
            }
        step(7, "Ankerassistent (rasa init) meten")
        with stock:
            figures["stock_startup"] = stock.startup_seconds
            figures["stock"] = speed(stock.url, False, "anker", args.seconds)
            figures["stock_memory"] = memory(stock.process.pid)

    step(8, "Anonimisering meten en rapport schrijven")
    messages = load_corpus()
    figures["deid"] = deid_score(list(enumerate(messages)))
    figures["deid_speed"] = deid_timing(messages, 5)
    text = "\n".join(report(figures))
    REPORT.write_text(text + "\n\n" + history())
    print("\n" + text)


def history() -> str:
    previous = REPORT.read_text(encoding="utf-8") if REPORT.is_file() else ""
    return previous[previous.index(HISTORY) :] if HISTORY in previous else ""


def ratio(ours: float, anchor: float) -> str:
    return f"{ours / anchor:.2f}×" if anchor else "-"


def report(figures: Dict) -> List[str]:
    accuracy, ours, stock = figures["accuracy"], figures["ours"], figures["stock"]
    first_turns, late_turns, last_turns = load.TURN_RANGES
    turn_ratio = ours["turns"][late_turns] / ours["turns"][first_turns]
    memory_parts = ", ".join(
        f"{name} {value:.0f}" for name, value in figures["memory"].items() if name not in ("total", "self")
    )
    lines = [
        "# Benchmarks\n",
        f"Gemeten op {datetime.date.today().isoformat()} met `{figures['command']}` op {machine()}. Anker: een "
        "standaardassistent van `rasa init` (Rasa 3.6, zijn eigen startproject en pipeline, SQL-trackerstore op "
        "SQLite, één werkproces zoals Rasa het met zijn lock store in het geheugen toestaat), in dezelfde run op "
        "dezelfde machine; verhouding = Baliegids / anker (onder 1 is sneller of kleiner).\n",
        "## Nauwkeurigheid\n",
        f"Testset `tests/data/heldout.yml` ({len(accuracy.articles)} artikelvragen, {len(accuracy.out_of_scope)} "
        "buiten bereik; onafhankelijk geschreven, nooit gebruikt om te kiezen), over REST zoals een "
        "baliemedewerker het krijgt:\n",
        f"- goed artikel {accuracy.share('right'):.1%} ({verdict('right', accuracy.share('right'))}), fout artikel "
        f"{accuracy.share('wrong'):.1%} ({verdict('wrong', accuracy.share('wrong'))}), verduidelijkingsvraag "
        f"{accuracy.share('clarify'):.1%}, buiten bereik geweigerd {accuracy.share('declined', articles=False):.1%} "
        f"({verdict('declined', accuracy.share('declined', articles=False))}).\n",
        "| stijl | artikelvragen | goed | fout | vraagt door | buiten bereik | geweigerd |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {style} | {row['n']} | {row['right']:.1%} | {row['wrong']:.1%} | {row['clarify']:.1%} | "
            f"{row['n_oos']} | {row['declined']:.1%} |"
            for style, row in accuracy.styles().items()
        ],
        "",
        weakest_style(accuracy.styles()),
        "",
        "Per artikel (goed / fout / vraagt door), de artikelen onder 100% goed:\n",
        *[
            f"- `{article}`: {shares(items)}"
            for article, items in accuracy.by(lambda item: item.question.expected).items()
            if any(item.outcome != "right" for item in items)
        ],
        "",
        "Verwarde artikelparen: "
        + ("; ".join(f"`{a}` / `{b}` ({n}×)" for (a, b), n in accuracy.confusions()) or "geen")
        + ".\n",
        f"Anonimisering (`tests/data/deid_corpus.yml`, `python -m benchmarks.deid` voor details): "
        f"{figures['deid']['recall']:.1%} van {figures['deid']['spans']} stukjes cliëntgegevens gemaskeerd "
        f"({verdict('deid_recall', figures['deid']['recall'])}), {figures['deid']['near_miss_rate']:.1%} van "
        f"{figures['deid']['clean_messages']} berichten zonder cliëntgegevens toch veranderd "
        f"({verdict('deid_near_miss', figures['deid']['near_miss_rate'])}); "
        f"{figures['deid_speed']['p50_ms']:.2f} ms per bericht (p50), p99 {figures['deid_speed']['p99_ms']:.2f} ms.\n",
        "## Snelheid over REST (actieserver en SQL-trackerstore inbegrepen)\n",
        "| | Baliegids | anker (`rasa init`) | verhouding |",
        "|---|---|---|---|",
        *speed_rows(ours, stock),
        "",
        f"- Eerste bericht p95: {verdict('first_p95', ours['first'][95])}.",
        f"- Beurt {late_turns[0]}-{late_turns[1]} tegen beurt {first_turns[0]}-{first_turns[1]}: {turn_ratio:.2f}× "
        f"({verdict('turn_ratio', turn_ratio)}); beurt {last_turns[0]}-{last_turns[1]}: "
        f"{ours['turns'][last_turns] / ours['turns'][first_turns]:.2f}×.",
        f"- 16 gesprekken: {verdict('msg_per_s_16', ours['load'][16]['msg_per_s'])}, "
        f"{ours['load'][16]['errors']} fouten; {figures['lost']} van {ours['load'][16]['answered']} beantwoorde "
        "berichten ontbreken in de trackerstore.",
        f"- Gesprekken van tien beurten: begroeting, twee vragen met lange antwoorden, vervolgvragen getypt en met "
        f"knoppen, een vraag buiten bereik, 👍 en bedankt (`benchmarks/load.py`); {figures['seconds']:g} s per "
        "meting.\n",
        "## Geheugen, opstarten en training\n",
        f"- `make run` (alle processen, PSS, na de belasting): {figures['memory']['total']:.0f} MB "
        f"({verdict('memory', figures['memory']['total'])}): launcher {figures['memory']['self']:.0f}, "
        f"{memory_parts}. Anker: {figures['stock_memory']['total']:.0f} MB "
        f"(verhouding {ratio(figures['memory']['total'], figures['stock_memory']['total'])}).",
        f"- Opstarten tot het eerste antwoord: {figures['startup']:.1f} s ({verdict('startup', figures['startup'])});"
        f" anker {figures['stock_startup']:.1f} s.",
        f"- Training (NLU en dialoog, lege cache): {figures['training']:.0f} s "
        f"({verdict('training', figures['training'])}); `rasa init` met zijn training: {figures['stock_init']:.0f} s.",
        worker_line(figures),
        "",
        "## Profiel van een beurt\n",
        *profile_lines(figures["profile"]),
    ]
    return lines


def speed_rows(ours: Dict, stock: Dict) -> List[str]:
    def row(label: str, mine: float, anchor: float, unit: str = "ms", extra=("", "")) -> str:
        return f"| {label} | {mine:.0f} {unit}{extra[0]} | {anchor:.0f} {unit}{extra[1]} | {ratio(mine, anchor)} |"

    rows = [
        row(f"eerste bericht van een nieuw gesprek, p{pct}", ours["first"][pct], stock["first"][pct])
        for pct in (50, 95, 99)
    ]
    rows += [
        row(f"één gesprek, beurt {first}-{last} (mediaan)", ours["turns"][first, last], stock["turns"][first, last])
        for first, last in load.TURN_RANGES
    ]
    for count in CLIENTS:
        mine, anchor = ours["load"][count], stock["load"][count]
        rows.append(
            row(
                f"{count} gelijktijdige gesprekken: berichten/s (p95, fouten)",
                mine["msg_per_s"],
                anchor["msg_per_s"],
                unit="/s",
                extra=tuple(f" (p95 {side['p95']:.0f} ms, {side['errors']} fouten)" for side in (mine, anchor)),
            )
        )
    return rows


def shares(items) -> str:
    return " / ".join(f"{share(items, key):.0%}" for key in ("right", "wrong", "clarify"))


def worker_line(figures: Dict) -> str:
    single, ours = figures["single"], figures["ours"]
    return (
        f"- Eén tegen twee Rasa-werkprocessen (16 gesprekken): {single['load']['msg_per_s']:.1f} tegen "
        f"{ours['load'][16]['msg_per_s']:.1f} berichten/s, p95 {single['load']['p95']:.0f} tegen "
        f"{ours['load'][16]['p95']:.0f} ms; eerste bericht p95 {single['first'][95]:.0f} tegen "
        f"{ours['first'][95]:.0f} ms; geheugen {single['memory']['total']:.0f} tegen "
        f"{figures['memory']['total']:.0f} MB."
    )


def profile_lines(result) -> List[str]:
    if not result.samples:
        return ["Geen profiel: py-spy kon de servers niet lezen (`make dev` installeert het; het vraagt ptrace)."]
    return [
        f"py-spy (`--gil`: alleen werkende threads), 20 s bij 4 gelijktijdige gesprekken, {result.samples} monsters "
        "van alle processen van `make run`.\n",
        "De stappen van een beurt, met wat ze aanroepen (aandeel van alle monsters):\n",
        *[f"- {share:.0%} `{function}`" for function, share in result.steps],
        "",
        "De functies met de meeste tijd in zichzelf (tussen haakjes: met wat ze aanroepen):\n",
        *[f"- {own:.0%} ({inclusive:.0%}) `{function}`" for function, own, inclusive in result.own],
    ]


def machine() -> str:
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GB, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
