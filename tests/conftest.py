"""Fixtures both test layers use: a knowledge store loaded from knowledge/ (no model, no servers)."""

from pathlib import Path

import pytest

from bot.knowledge.store import Store, load


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("app") / "baliegids.db"
    load(path)
    return path


@pytest.fixture(scope="session")
def store(app_db) -> Store:
    return Store(app_db)
