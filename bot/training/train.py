"""Trains the Rasa model and records next to it which Dutch spaCy pipeline it was trained with."""

import argparse
import json
import subprocess
import time
from pathlib import Path
from typing import List

from bot import settings
from bot.training.spacy_pipeline import describe, installed_meta


def train(out_dir: Path = None, log=None, data: List[Path] = None) -> Path:
    """Trains into `out_dir` on `data` (default: data/); Rasa's output (with its progress bars) goes to `log`, a
    file, or else the terminal."""
    out_dir = out_dir or settings.MODEL_DIR
    meta = installed_meta()
    if meta is None:
        raise SystemExit(f"FOUT: geen spaCy-pipeline in {settings.SPACY_DIR}; voer eerst `make spacy` uit.")
    print(f"Model trainen met spaCy-pipeline {describe(meta)} ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            settings.RASA,
            "train",
            "--fixed-model-name",
            settings.MODEL_NAME,
            "--out",
            str(out_dir),
            "--force",
            *(["--data", *map(str, data)] if data else []),
        ],
        cwd=settings.ROOT,
        check=True,
        stdout=log,
        stderr=log,
    )
    seconds = time.monotonic() - started
    record = {"spacy_pipeline": describe(meta), "spacy_meta": meta, "training_seconds": round(seconds, 1)}
    (out_dir / f"{settings.MODEL_NAME}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False))
    print(f"Model klaar in {seconds:.0f} s: {out_dir / settings.MODEL_NAME}.tar.gz", flush=True)
    return out_dir / f"{settings.MODEL_NAME}.tar.gz"


def trained_with(model_dir: Path = None) -> str:
    record = (model_dir or settings.MODEL_DIR) / f"{settings.MODEL_NAME}.json"
    return json.loads(record.read_text())["spacy_pipeline"] if record.is_file() else "onbekend"


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__).parse_args()
    train()
