"""What the servers cost the machine: memory (PSS) of a process and all its descendants, and a sampling profile
(py-spy) of where their CPU time goes while they answer."""

import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple, Tuple

from bot import settings

PY_SPY = Path(settings.PYTHON).with_name("py-spy")
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::\d+)?\)$")


def tree(pid: int) -> List[int]:
    """The process and its descendants (the launcher's servers, Sanic's worker processes)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [pid] + [descendant for child in children for descendant in tree(int(child))]


def pss_mb(pid: int) -> float:
    """Proportional set size of one process: a page shared by several processes counts once, split between them,
    so the sum over the processes of a machine is what they take together."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(pid: int) -> Dict[str, float]:
    """PSS of a process tree: in total, of the process itself ("self"), and per direct child with its descendants."""
    parts = {"total": sum(pss_mb(each) for each in tree(pid)), "self": pss_mb(pid)}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        parts[command_name(int(child))] = sum(pss_mb(each) for each in tree(int(child)))
    return parts


def command_name(pid: int) -> str:
    """A short name for a server process from its command line: `-m rasa_sdk --actions actions` -> actions,
    `rasa run` -> rasa, `-m bot.runtime.web` -> web."""
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    if "actions" in arguments:
        return "acties"
    if "bot.runtime.web" in arguments:
        return "web"
    return "rasa" if "run" in arguments else Path(arguments[0]).name


def profile(pids: List[int], seconds: float, out_dir: Path) -> List[subprocess.Popen]:
    """Starts py-spy on each process (with its worker processes) for `seconds`; wait for the returned processes,
    then read the samples with `top`."""
    return [
        subprocess.Popen(
            [
                str(PY_SPY),
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--nonblocking",
                "--gil",  # only a thread that holds the GIL is working: a server waiting for a request is not
                "--rate",
                "250",
                "--duration",
                str(int(seconds)),
                "--format",
                "raw",
                "--output",
                str(out_dir / f"profile-{pid}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


class Profile(NamedTuple):
    samples: int
    own: List[Tuple[str, float, float]]  # function, share in itself, share with what it calls
    steps: List[Tuple[str, float]]  # function of a turn's steps, share with what it calls


def read_profile(files: List[Path], steps: Tuple[str, ...], count: int = 12) -> Profile:
    """Where the CPU time in the samples goes: the functions with most time in themselves, and the functions in files
    starting with `steps` (our code, Rasa's turn handling) with most time in themselves and what they call."""
    own, inclusive, total = Counter(), Counter(), 0
    for path in files:
        for line in path.read_text().splitlines():
            stack, _, samples = line.rpartition(" ")
            frames = [shorten(frame) for frame in stack.split(";") if FRAME.match(frame)]
            if not frames or not samples.isdigit():
                continue
            total += int(samples)
            own[frames[-1]] += int(samples)
            for frame in set(frames):
                inclusive[frame] += int(samples)
    return Profile(
        total,
        [(function, samples / total, inclusive[function] / total) for function, samples in own.most_common(count)],
        [
            (function, samples / total)
            for function, samples in inclusive.most_common()
            if function.split(" (", 1)[1].startswith(steps)
        ][:count],
    )


def shorten(frame: str) -> str:
    match = FRAME.match(frame)
    file = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", match["file"])
    file = file.replace(str(settings.ROOT) + "/", "")
    return f"{match['function']} ({file})"
