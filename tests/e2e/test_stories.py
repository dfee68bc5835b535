"""Rasa's own story test on the trained model: every conversation flow in tests/data/test_stories.yml plays out as
the rules say."""

import os
import subprocess

from bot import settings


def test_test_stories_pass_with_the_trained_model(model, tmp_path):
    """tests/data/test_stories.yml: every flow (follow-ups, feedback, handover, out of scope, topic switch) as
    `rasa test core` checks it, typed text included."""
    result = subprocess.run(
        [
            settings.RASA,
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            "tests/data/test_stories.yml",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
            "--no-plot",
        ],
        cwd=settings.ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
