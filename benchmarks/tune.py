"""Tuning the NLU pipeline on the development sets (tests/data/dev.yml, or dev2.yml to dev4.yml with --questions),
never on the held-out set.

    python -m benchmarks.tune config.yml [other.yml ...]      train each config (NLU only), then evaluate
    python -m benchmarks.tune --model var/tune/x/x.tar.gz     evaluate a trained model (config.yml's thresholds)
    python -m benchmarks.tune config.yml --sweep              also sweep the FallbackClassifier thresholds

For each question the outcome is the one the assistant's actions give from the parse (actions/answers.py):
an article on top -> answer (right or wrong); nlu_fallback -> the ranking without it decides: out_of_scope first
-> declined, an article first -> clarify, else declined; out_of_scope on top -> declined; any other intent
-> "other". The rankings are kept without nlu_fallback, so other thresholds can be tried without retraining
(`--sweep`), which is how the thresholds in config.yml are chosen. Also reports training time and the median
in-process parse time."""

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from benchmarks.evaluation import DEVELOPMENT, Question, load_questions
from bot import settings
from bot.contract import OUT_OF_SCOPE

WORK = settings.ROOT / "var" / "tune"
FALLBACK = "nlu_fallback"


def articles() -> set:
    return {path.stem for path in (settings.ROOT / "knowledge" / "articles").glob("*.yml")}


def train(config: Path) -> Tuple[Path, float]:
    name = config.stem
    out = WORK / name
    started = time.monotonic()
    with (WORK / f"{name}.log").open("w") as log:
        subprocess.run(
            [
                str(settings.RASA),
                "train",
                "nlu",
                "--config",
                str(config),
                "--out",
                str(out),
                "--fixed-model-name",
                name,
            ],
            cwd=settings.ROOT,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return out / f"{name}.tar.gz", time.monotonic() - started


def parse(model: Path, texts: List[str], repeat: int = 1) -> Tuple[List[dict], float]:
    """Each text's parse (the ranking without nlu_fallback), and the median parse time in ms."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run():
        results, times = [], []
        for _ in range(repeat):
            results = []
            for text in texts:
                started = time.perf_counter()
                parsed = await agent.parse_message(text)
                times.append((time.perf_counter() - started) * 1000)
                results.append(parsed)
        return results, times

    for text in texts[:20]:  # warm-up
        asyncio.run(agent.parse_message(text))
    parsed, times = asyncio.run(run())
    return [
        {
            "top": item["intent"]["name"],
            "ranking": [(r["name"], r["confidence"]) for r in item.get("intent_ranking", []) if r["name"] != FALLBACK],
        }
        for item in parsed
    ], statistics.median(times)


def outcome(ranking: List[Tuple[str, float]], expected: str, known: set, threshold: float, ambiguity: float) -> str:
    """right / wrong / clarify / declined / other, as the actions decide it, for given fallback thresholds."""
    if not ranking:
        return "declined"
    first = ranking[0]
    second = ranking[1][1] if len(ranking) > 1 else None
    fallback = first[1] < threshold or (second is not None and first[1] - second < ambiguity)
    name = first[0]
    if fallback:
        if name == OUT_OF_SCOPE:
            return "declined"
        return "clarify" if name in known else "declined"
    if name in known:
        return "right" if name == expected else "wrong"
    if name == OUT_OF_SCOPE:
        return "declined"
    return "other"


def table(questions: List[Question], outcomes: List[str]) -> Dict[str, Dict[str, float]]:
    groups: Dict[str, List[Tuple[Question, str]]] = defaultdict(list)
    for question, result in zip(questions, outcomes, strict=False):
        groups[question.style].append((question, result))
        groups["ALL"].append((question, result))
        if question.style != "tidy":
            groups["NEW"].append((question, result))  # the six styles written for this set
    rows = {}
    for style, items in groups.items():
        art = [r for q, r in items if q.expected != OUT_OF_SCOPE]
        oos = [r for q, r in items if q.expected == OUT_OF_SCOPE]
        rows[style] = {
            "n": len(art),
            **{k: art.count(k) / len(art) if art else float("nan") for k in ("right", "wrong", "clarify")},
            "n_oos": len(oos),
            "declined": oos.count("declined") / len(oos) if oos else float("nan"),
        }
    return rows


def show(rows: Dict[str, Dict[str, float]]) -> str:
    lines = [f"{'style':15}{'n':>4}{'right':>7}{'wrong':>7}{'clar':>7}{'n_oos':>7}{'decl':>7}"]
    order = ["ALL", "NEW"] + sorted(k for k in rows if k not in ("ALL", "NEW"))
    for style in order:
        r = rows[style]
        lines.append(
            f"{style:15}{r['n']:4d}{r['right']:7.1%}{r['wrong']:7.1%}{r['clarify']:7.1%}"
            f"{r['n_oos']:7d}{r['declined']:7.1%}"
        )
    low = min(styles(rows), key=lambda k: rows[k]["right"])
    lines.append(f"weakest style: {low} {rows[low]['right']:.1%} right")
    return "\n".join(lines)


def styles(rows) -> List[str]:
    """The question styles that have article questions (a style of only out-of-scope questions has no 'right')."""
    return [style for style, row in rows.items() if style not in ("ALL", "NEW") and row["n"]]


def weakest(rows) -> float:
    return min(rows[style]["right"] for style in styles(rows))


def score(rows) -> float:
    """One number to choose thresholds by: right + declined - 3 x wrong (a wrong article is the worst outcome, a
    clarifying question costs only the right answer), over the whole set plus over the six new styles (the held-out
    set's styles) alone."""
    return sum(rows[part]["right"] + rows[part]["declined"] - 3 * rows[part]["wrong"] for part in ("ALL", "NEW"))


def fallback_settings(model_config: Path) -> Tuple[float, float]:
    for item in yaml.safe_load(model_config.read_text())["pipeline"]:
        if item["name"] == "FallbackClassifier":
            return item.get("threshold", 0.3), item.get("ambiguity_threshold", 0.1)
    raise SystemExit(f"{model_config} heeft geen FallbackClassifier")


def evaluate(model: Path, config: Path, args, training_s: Optional[float] = None) -> None:
    questions = load_questions(args.questions)
    known = articles()
    parsed, median_ms = parse(model, [q.text for q in questions], repeat=args.repeat)
    name = model.name.split(".")[0]
    dump = WORK / f"{name}.parsed.json"
    dump.write_text(
        json.dumps(
            [
                {"text": q.text, "article": q.expected, "style": q.style, **p}
                for q, p in zip(questions, parsed, strict=False)
            ],
            ensure_ascii=False,
            indent=1,
        )
    )
    threshold, ambiguity = fallback_settings(config)
    outcomes = [
        outcome(p["ranking"], q.expected, known, threshold, ambiguity) for q, p in zip(questions, parsed, strict=False)
    ]
    # The simulation must agree with the model's own fallback decision.
    for q, p, o in zip(questions, parsed, outcomes, strict=False):
        if (p["top"] == FALLBACK) != (o == "clarify" or (o == "declined" and p["top"] != OUT_OF_SCOPE)) and p[
            "top"
        ] in known | {FALLBACK}:
            print(f"  note: simulated {o}, model top {p['top']}: {q.text[:60]}")
    rows = table(questions, outcomes)
    print(
        f"\n== {name}: threshold {threshold}, ambiguity {ambiguity}; median parse {median_ms:.1f} ms"
        + (f"; training {training_s:.0f} s" if training_s else "")
    )
    print(show(rows))
    print(f"score {score(rows):.3f}")
    with (WORK / f"{name}.mistakes.txt").open("w") as out:
        for q, p, o in zip(questions, parsed, outcomes, strict=False):
            if o not in ("right", "declined") or (o == "declined" and q.expected != OUT_OF_SCOPE):
                top = ", ".join(f"{n} {c:.2f}" for n, c in p["ranking"][:3])
                out.write(f"{o:8} {q.expected} ({q.style}) <- {top}\n    {q.text}\n")
    if args.sweep:
        sweep(questions, parsed, known)


def sweep(questions, parsed, known) -> None:
    """All threshold pairs on a grid; the best by score() among those that keep every style at 90% right or more."""
    results = []
    for t in [x / 100 for x in range(20, 81, 5)]:
        for a in [x / 100 for x in range(0, 41, 5)]:
            outcomes = [outcome(p["ranking"], q.expected, known, t, a) for q, p in zip(questions, parsed, strict=False)]
            rows = table(questions, outcomes)
            results.append((weakest(rows) >= 0.9, score(rows), t, a, rows))
    results.sort(key=lambda item: (not item[0], -item[1]))
    print(
        "\nsweep (best first): threshold ambiguity | ALL right wrong clarify declined | NEW right wrong declined | "
        "weakest style right"
    )
    for _ok, s, t, a, rows in results[:10]:
        r, n = rows["ALL"], rows["NEW"]
        print(
            f"  {t:.2f} {a:.2f} | {r['right']:.1%} {r['wrong']:.1%} {r['clarify']:.1%} {r['declined']:.1%} | "
            f"{n['right']:.1%} {n['wrong']:.1%} {n['declined']:.1%} | {weakest(rows):.1%}  score {s:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("configs", nargs="*", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument(
        "--questions", type=Path, default=DEVELOPMENT, help="another development set (never heldout.yml)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="parse the set this many times for the timing")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import structlog  # Rasa's parse logs every message at debug level

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    WORK.mkdir(parents=True, exist_ok=True)
    if args.model:
        # the thresholds of the config the model was trained with: config.yml unless another is named
        evaluate(args.model, args.configs[0] if args.configs else settings.ROOT / "config.yml", args)
    for config in args.configs if not args.model else []:
        model, seconds = train(config)
        evaluate(model, config, args, seconds)


if __name__ == "__main__":
    sys.exit(main())
