"""Measures bot.privacy.redact on tests/data/deid_corpus.yml: `.venv/bin/python -m benchmarks.deid`.

- recall: the share of gold spans (client data) that is gone: every occurrence of the span's text in the message has
  each of its tokens inside a masked span, and the text no longer occurs in the output (partial masking is a miss);
- near-miss rate: the share of the messages without spans whose text was changed at all;
both for the even-indexed messages (the half the rules were developed on), the odd-indexed half and the whole corpus,
per kind too; then the time to load the lists (in a fresh process), the memory they take and the time per message.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from statistics import quantiles
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "deid_corpus.yml"
TOKEN = re.compile(r"\w+")


def load_corpus(path: Path = CORPUS) -> List[dict]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["messages"]


def occurrences(text: str, part: str) -> List[int]:
    """Where part occurs in text as a whole (not "Bo" inside "Bos", not "123" inside "1234")."""
    found, at = [], text.find(part)
    while at >= 0:
        end = at + len(part)
        glued_before = at > 0 and (
            (text[at - 1].isalpha() and part[0].isalpha()) or (text[at - 1].isdigit() and part[0].isdigit())
        )
        glued_after = end < len(text) and (
            (text[end].isalpha() and part[-1].isalpha()) or (text[end].isdigit() and part[-1].isdigit())
        )
        if not glued_before and not glued_after:
            found.append(at)
        at = text.find(part, at + 1)
    return found


def masked(text: str, part: str, spans, output: str) -> bool:
    for start in occurrences(text, part):
        for token in TOKEN.finditer(part):
            token_start, token_end = start + token.start(), start + token.end()
            if not any(s <= token_start and token_end <= e for s, e, _ in spans):
                return False
    return not occurrences(output, part)


def score(messages: List[dict]) -> Dict:
    from bot.privacy.redact import apply, find_spans

    kinds = defaultdict(lambda: [0, 0])  # kind -> [masked, total]
    misses, changed, clean = [], [], 0
    for index, message in messages:
        text = message["text"]
        spans = find_spans(text)
        output, _ = apply(text, spans)
        gold = message.get("spans") or []
        if not gold:
            clean += 1
            if output != text:
                changed.append((index, output))
        for span in gold:
            ok = masked(text, span["text"], spans, output)
            kinds[span["kind"]][0] += ok
            kinds[span["kind"]][1] += 1
            if not ok:
                misses.append((index, span["kind"], span["text"], output))
    hit = sum(k[0] for k in kinds.values())
    total = sum(k[1] for k in kinds.values())
    return {
        "recall": hit / total if total else 1.0,
        "spans": total,
        "kinds": {kind: (k[0] / k[1], k[1]) for kind, k in sorted(kinds.items())},
        "near_miss_rate": len(changed) / clean if clean else 0.0,
        "clean_messages": clean,
        "misses": misses,
        "changed": changed,
    }


LOAD_PROBE = """
import json, time
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
before = rss()
started = time.perf_counter()
from bot.privacy.redact import redact
imported = time.perf_counter()
redact("mw. Jansen woont op de Kerkstraat 12 in Utrecht")
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "seconds": done - started, "rss_mb": rss() - before}))
"""


def load_figures() -> Dict:
    result = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def timing(messages: List[dict], rounds: int) -> Dict:
    from bot.privacy.redact import redact

    redact("warm")
    each = []
    for _ in range(rounds):
        for message in messages:
            started = time.perf_counter()
            redact(message["text"])
            each.append((time.perf_counter() - started) * 1000)
    cuts = quantiles(each, n=100)
    return {"mean_ms": sum(each) / len(each), "p50_ms": cuts[49], "p99_ms": cuts[98], "max_ms": max(each)}


def report(name: str, figures: Dict, verbose: bool):
    print(
        f"{name}: recall {figures['recall']:.1%} of {figures['spans']} spans, near-miss messages masked "
        f"{figures['near_miss_rate']:.1%} of {figures['clean_messages']}"
    )
    print("  " + ", ".join(f"{kind} {share:.0%} ({count})" for kind, (share, count) in figures["kinds"].items()))
    if verbose:
        for index, kind, text, output in figures["misses"]:
            print(f"  MISS #{index} {kind} {text!r}: {output}")
        for index, output in figures["changed"]:
            print(f"  CHANGED #{index}: {output}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and every changed near-miss")
    parser.add_argument("--half", choices=["even", "odd", "all"], help="list misses of this half only (with -v)")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpus for the timing")
    args = parser.parse_args()
    messages = list(enumerate(load_corpus()))
    halves = {
        "even (development)": [m for m in messages if m[0] % 2 == 0],
        "odd (held out)": [m for m in messages if m[0] % 2 == 1],
        "all": messages,
    }
    for name, part in halves.items():
        show = args.verbose and (args.half is None or name.startswith(args.half))
        report(name, score(part), show)
    load = load_figures()
    print(
        f"load (fresh process: import and first call): {load['seconds']:.2f} s (import {load['import_s']:.2f} s), "
        f"+{load['rss_mb']:.0f} MB resident"
    )
    speed = timing([m for _, m in messages], args.rounds)
    print(
        f"per message ({len(messages)} x {args.rounds}): mean {speed['mean_ms']:.3f} ms, p50 {speed['p50_ms']:.3f} ms"
        f", p99 {speed['p99_ms']:.3f} ms, max {speed['max_ms']:.3f} ms"
    )


if __name__ == "__main__":
    main()
