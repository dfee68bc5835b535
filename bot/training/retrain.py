"""One retraining run, as the review page's button and `python -m bot.review retrain` start it: the labelled
questions go into the training data (the export), a new model is trained next to the running assistant (at a lower
priority, so it keeps answering), and both the model in use and the new one are measured on the held-out set
(tests/data/heldout.yml) and on the newly labelled questions. The new model is stored in the app database
(bot/training/models.py) and put in use only when the kennisbeheerder confirms it.

The measure is the clerk's outcome of each question, from the NLU result of a model loaded in this process: the top
intent an article = that article's answer (right or wrong), nlu_fallback with an article first = a clarifying
question, out_of_scope (or anything else) = declined; for an out-of-scope question declining is right.

`python -m bot.training.retrain --run ID` carries out a run the web server has registered."""

import argparse
import asyncio
import contextlib
import datetime
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from bot import settings
from bot.contract import NLU_FALLBACK, OUT_OF_SCOPE
from bot.review.inbox import NEW_TOPIC, LabelRow, Review
from bot.review.words import normalised
from bot.training.models import DONE, FAILED, ModelRow, Models
from bot.training.train import train

HELD_OUT = settings.ROOT / "tests" / "data" / "heldout.yml"
RIGHT, WRONG, CLARIFY, DECLINED = "goed", "fout", "verduidelijking", "geweigerd"
OUTCOMES = (RIGHT, WRONG, CLARIFY, DECLINED)
# Rasa's training log: the component it is training, in the trainer's words.
COMPONENTS = {
    "RulePolicy": "de gespreksregels leren",
    "TfidfFeaturizer": "de woorden van de voorbeeldvragen wegen",
    "LinearIntentClassifier": "de vraagherkenning leren",
    "ExactMatchClassifier": "de letterlijke voorbeeldvragen vastleggen",
}
STARTED = re.compile(r"Starting to train component '(\w+)'")
# The part of the progress bar each step takes.
SPANS = {"export": (0.0, 0.03), "train": (0.03, 0.62), "before": (0.62, 0.8), "after": (0.8, 0.99)}

Progress = Callable[[str, float], None]


class RunFailed(Exception):
    """The message is for the kennisbeheerder."""


def outcome(parse: dict, expected: str, articles) -> str:
    """The clerk's outcome of one question from the NLU result (see the module's docstring)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent == NLU_FALLBACK:
        ranking = [item["name"] for item in parse.get("intent_ranking") or [] if item["name"] != NLU_FALLBACK]
        kind = CLARIFY if ranking and ranking[0] in articles else DECLINED
    elif intent in articles:
        kind = RIGHT if intent == expected else WRONG
    else:
        kind = DECLINED
    if expected == OUT_OF_SCOPE:
        return {DECLINED: RIGHT, RIGHT: WRONG}.get(kind, kind)
    return kind


def measure(model: Path, questions: List[Tuple[str, str]], articles, progress: Callable[[float], None]) -> List[str]:
    """The outcome of every (text, expected) question for the model at `model`, loaded in this process."""
    import structlog
    from rasa.core.agent import Agent  # here: importing Rasa takes seconds and much memory

    # Rasa's structured log prints every parsed question at debug level unless configured otherwise
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    try:
        results = []
        for number, (text, expected) in enumerate(questions):
            results.append(outcome(loop.run_until_complete(agent.parse_message(text)), expected, articles))
            if number % 10 == 0:
                progress(number / max(1, len(questions)))
        return results
    finally:
        loop.close()
        del agent


def held_out() -> List[Tuple[str, str]]:
    from benchmarks.evaluation import load_questions

    return [(question.text, question.expected) for question in load_questions(HELD_OUT)]


def newly_labelled(review: Review, since: Optional[str]) -> List[LabelRow]:
    """Questions labelled (with an article or out_of_scope) since the model in use was trained; all of them when
    that is not known."""
    try:
        cutoff = datetime.datetime.fromisoformat(since) if since else None
    except ValueError:
        cutoff = None
    rows = [row for row in review.labels().values() if row.label and row.label != NEW_TOPIC]
    return [row for row in rows if cutoff is None or (row.labelled and row.labelled >= cutoff)]


def distinct(rows: List[LabelRow]) -> List[Tuple[LabelRow, int]]:
    """Near-identical questions with the same label once, with how many there were."""
    seen: Dict[Tuple[str, str], list] = {}
    for row in sorted(rows, key=lambda row: row.item_id, reverse=True):
        seen.setdefault((normalised(row.text), row.label), [row, 0])[1] += 1
    return [(row, count) for row, count in seen.values()]


def summary(outcomes: List[str]) -> Dict[str, int]:
    counts = Counter(outcomes)
    return {"n": len(outcomes), **{key: counts[key] for key in OUTCOMES}}


def compare(questions, before: Optional[List[str]], after: List[str]) -> List[dict]:
    """Per article (and out_of_scope): right answers before and after, the ones that changed first."""
    table: Dict[str, dict] = {}
    for index, (_, expected) in enumerate(questions):
        row = table.setdefault(expected, {"article": expected, "n": 0, "before": 0, "after": 0})
        row["n"] += 1
        row["before"] += before is not None and before[index] == RIGHT
        row["after"] += after[index] == RIGHT
    return sorted(table.values(), key=lambda row: (-(abs(row["after"] - row["before"])), row["article"]))


class Run:
    def __init__(self, run_id: int, models: Models, review: Review, on_progress: Progress = None):
        self.run_id, self.models, self.review = run_id, models, review
        self.on_progress = on_progress or (lambda stage, fraction: None)
        self.last_report = 0.0

    def progress(self, step: str, stage: str, fraction: float = 0.0, force: bool = False) -> None:
        low, high = SPANS[step]
        overall = low + (high - low) * max(0.0, min(1.0, fraction))
        self.on_progress(stage, overall)
        if force or time.monotonic() - self.last_report > 1.5:
            self.models.report(self.run_id, stage=stage, progress=round(overall, 3))
            self.last_report = time.monotonic()

    def execute(self) -> None:
        try:
            self._execute()
        except RunFailed as failure:
            self.models.finish(self.run_id, FAILED, message=str(failure), stage="Mislukt")
        except Exception as error:  # recorded for the page; the run must never stay "bezig"
            traceback.print_exc()
            self.models.finish(self.run_id, FAILED, message=f"Onverwachte fout: {error}", stage="Mislukt")

    def _execute(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(10)  # the running assistant goes first on the shared cores
        self.progress("export", "Gelabelde vragen in de trainingsdata zetten", force=True)
        written = self.review.export()
        self.models.report(self.run_id, exported=len(written))
        active = self.models.active()
        before: Optional[ModelRow] = None
        if active is not None:
            before = active.row or self.models.add(active.data(self.models), origin="bestand")
        with tempfile.TemporaryDirectory(prefix="baliegids-training-") as work:
            work = Path(work)
            new_model, seconds = self._train(work)
            after = self.models.add(new_model.read_bytes(), origin="training", run_id=self.run_id)
            self.models.report(
                self.run_id, training_seconds=seconds, after_model=after.id, before_model=before and before.id
            )
            questions = held_out()
            labelled = distinct(newly_labelled(self.review, before.trained_at if before else None))
            asked = questions + [(row.text, row.label) for row, _ in labelled]
            articles = set(self.review.titles())
            before_outcomes = None
            if before is not None:
                path = work / "in-gebruik.tar.gz"
                path.write_bytes(self.models.data(before.id))
                before_outcomes = measure(
                    path,
                    asked,
                    articles,
                    lambda fraction: self.progress("before", "Het model dat nu in gebruik is toetsen", fraction),
                )
            after_outcomes = measure(
                new_model,
                asked,
                articles,
                lambda fraction: self.progress("after", "Het nieuwe model toetsen", fraction),
            )
        count = len(questions)
        results = {
            "heldout": {
                "before": summary(before_outcomes[:count]) if before_outcomes else None,
                "after": summary(after_outcomes[:count]),
            },
            "articles": compare(questions, before_outcomes and before_outcomes[:count], after_outcomes[:count]),
            "labelled": [
                {
                    "id": row.item_id,
                    "label": row.label,
                    "count": times,
                    "before": before_outcomes[count + index] if before_outcomes else None,
                    "after": after_outcomes[count + index],
                }
                for index, (row, times) in enumerate(labelled)
            ],
            "exported": [{"text": example["text"], "label": example["label"]} for example in written],
        }
        worse = bool(before_outcomes) and results["heldout"]["after"][RIGHT] < results["heldout"]["before"][RIGHT]
        self.models.finish(self.run_id, DONE, results=results, worse=worse, stage="Klaar", progress=1.0)
        self.on_progress("Klaar", 1.0)
        self.models.prune()

    def _train(self, work: Path) -> Tuple[Path, float]:
        """Trains in a thread while this one reports the progress from the elapsed time and Rasa's log."""
        log_path = work / "train.log"
        expected = self.models.last_training_seconds()
        outcome_: dict = {}

        def training():
            try:
                with log_path.open("w") as log, contextlib.redirect_stdout(log):
                    outcome_["model"] = train(
                        work / "model",
                        log=log,
                        data=[settings.NLU_DIR, settings.ROOT / "data" / "rules", settings.ROOT / "data" / "stories"],
                    )
            except BaseException as error:  # SystemExit from train() too
                outcome_["error"] = error

        started = time.monotonic()
        thread = threading.Thread(target=training, daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(1.0)
            elapsed = time.monotonic() - started
            component = None
            with contextlib.suppress(OSError):
                component = (STARTED.findall(log_path.read_text(errors="replace")) or [None])[-1]
            doing = COMPONENTS.get(component, "de trainingsdata controleren" if component is None else "trainen")
            self.progress("train", f"Nieuw model trainen: {doing} ({elapsed:.0f} s)", min(0.97, elapsed / expected))
        if "error" in outcome_:
            tail = log_path.read_text(errors="replace")[-1500:] if log_path.is_file() else ""
            error = outcome_["error"]
            if isinstance(error, subprocess.CalledProcessError):
                raise RunFailed(
                    f"Het trainen is mislukt (Rasa stopte met code {error.returncode}). Laatste regels:\n{tail}"
                )
            raise RunFailed(f"Het trainen is mislukt: {error}")
        return outcome_["model"], time.monotonic() - started


def spawn(run_id: int) -> subprocess.Popen:
    """Carries out a registered run in a process of its own (the web server goes on serving)."""
    log = Path(tempfile.gettempdir()) / f"baliegids-training-{os.getpid()}-{run_id}.log"
    return subprocess.Popen(
        [settings.PYTHON, "-m", "bot.training.retrain", "--run", str(run_id)],
        cwd=settings.ROOT,
        env=os.environ.copy(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=int, required=True, help="het nummer van de geregistreerde training")
    args = parser.parse_args(argv)
    review = Review()
    models = Models(review.store)
    if models.run(args.run) is None:
        print(f"FOUT: training {args.run} bestaat niet", file=sys.stderr)
        return 2
    Run(args.run, models, review).execute()
    return 0 if models.run(args.run).state == DONE else 1


if __name__ == "__main__":
    sys.exit(main())
