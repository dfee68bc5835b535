"""Paths, ports and other settings, each overridable by an environment variable."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the virtual environment's interpreter, and its `rasa` beside it
RASA = str(Path(sys.executable).with_name("rasa"))


def _path(variable: str, default: Path) -> Path:
    return Path(os.environ.get(variable, default))


def database_url(database) -> str:
    """`database` is an SQLAlchemy URL, or the path of an SQLite file."""
    database = str(database)
    return database if "://" in database else f"sqlite:///{database}"


def shown(url: str) -> str:
    """A database as messages name it: the SQLite file, or the URL with its password masked."""
    from sqlalchemy.engine import make_url  # here: the launcher, which imports these settings, needs no SQLAlchemy

    parsed = make_url(url)
    return parsed.database if parsed.get_backend_name() == "sqlite" else parsed.render_as_string(hide_password=True)


KNOWLEDGE_DIR = _path("BALIEGIDS_KNOWLEDGE_DIR", ROOT / "knowledge" / "articles")
SEEDS_DIR = _path("BALIEGIDS_SEEDS_DIR", ROOT / "knowledge" / "seeds")
DOCUMENTS_FILE = ROOT / "knowledge" / "documents.yml"
DECISION_AIDS_DIR = ROOT / "knowledge" / "decision_aids"
# KOOP's repository of the consolidated law versions (make check-law); a stand-in in the tests.
BWB_REPOSITORY_URL = os.environ.get(
    "BALIEGIDS_BWB_REPOSITORY_URL", "https://repository.officiele-overheidspublicaties.nl/bwb"
)
NLU_DIR = _path("BALIEGIDS_NLU_DIR", ROOT / "data" / "nlu")  # where the trainer's labelled examples are exported
CONTACTS_FILE = _path("BALIEGIDS_CONTACTS", ROOT / "knowledge" / "contacts.yml")
VAR_DIR = _path("BALIEGIDS_VAR_DIR", ROOT / "var")
APP_DB = _path("BALIEGIDS_APP_DB", VAR_DIR / "baliegids.db")
TRACKER_DB = _path("BALIEGIDS_TRACKER_DB", VAR_DIR / "conversations.db")
# Several servers share the conversations and the app data in one database server (PostgreSQL): its URL then
# replaces the SQLite file above.
APP_DB_URL = os.environ.get("BALIEGIDS_APP_DB_URL") or database_url(APP_DB)
TRACKER_DB_URL = os.environ.get("BALIEGIDS_TRACKER_DB_URL") or database_url(TRACKER_DB)
# Rasa's lock store: ours for the workers of one Rasa server (bot/runtime/lock_store.py), redis when several Rasa
# servers share the conversations.
MACHINE_LOCK_STORE = "bot.runtime.lock_store.MachineLockStore"
LOCK_STORE = os.environ.get("BALIEGIDS_LOCK_STORE") or MACHINE_LOCK_STORE
LOCK_FILE = VAR_DIR / "conversation-locks"
# Worker processes per Rasa server (Sanic's own variable). Two on 2 cores: 88 instead of 56 messages/s at 16
# conversations, for 170 MB more, now that they share what the server loads first (bot/runtime/rasa_server.py;
# make bench, 2026-12-02).
RASA_WORKERS = os.environ.get("SANIC_WORKERS", "2")
MODEL_PULL_SECONDS = 5  # how often each Rasa worker asks the web server for a newer model (the review page's deploy)
REDIS_HOST = os.environ.get("BALIEGIDS_REDIS_HOST", "localhost")
REDIS_PORT = int(os.environ.get("BALIEGIDS_REDIS_PORT", "6379"))
REDIS_PASSWORD = os.environ.get("BALIEGIDS_REDIS_PASSWORD", "")
REDIS_DB = int(os.environ.get("BALIEGIDS_REDIS_DB", "1"))
SPACY_DIR = ROOT / "var" / "spacy" / "nl"  # fixed: config.yml's SpacyNLP loads it from this path
MODEL_DIR = _path("BALIEGIDS_MODEL_DIR", ROOT / "models")
MODEL_NAME = "baliegids"

# How long conversations, feedback and review items are kept, and the trainers' audit trail (README, "Privacy").
RETENTION_DAYS = int(os.environ.get("BALIEGIDS_RETENTION_DAYS", "30"))
AUDIT_RETENTION_DAYS = int(os.environ.get("BALIEGIDS_AUDIT_RETENTION_DAYS", "365"))

HOST = os.environ.get("BALIEGIDS_HOST", "127.0.0.1")
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
WEB_PORT = int(os.environ.get("WEB_PORT", "8080"))
# Where browsers reach the Rasa server (the widget's data-rasa-url); differs from HOST:RASA_PORT behind a proxy.
PUBLIC_RASA_URL = os.environ.get("BALIEGIDS_PUBLIC_RASA_URL", f"http://{HOST}:{RASA_PORT}")
# Where browsers reach the web server: the links to the shipped source documents (/bronnen/...) point there.
PUBLIC_WEB_URL = os.environ.get("BALIEGIDS_PUBLIC_WEB_URL", f"http://{HOST}:{WEB_PORT}")
CORS_ORIGINS = os.environ.get(
    "BALIEGIDS_CORS_ORIGINS", f"http://127.0.0.1:{WEB_PORT} http://localhost:{WEB_PORT}"
).split()
