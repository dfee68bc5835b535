"""Paths, ports and other settings, each overridable by an environment variable."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _path(variable: str, default: Path) -> Path:
    return Path(os.environ.get(variable, default))


KNOWLEDGE_DIR = _path("BALIEGIDS_KNOWLEDGE_DIR", ROOT / "knowledge")
SEEDS_DIR = _path("BALIEGIDS_SEEDS_DIR", ROOT.parent / "shared" / "seeds")
NLU_DIR = _path("BALIEGIDS_NLU_DIR", ROOT / "data" / "nlu")  # where the trainer's labelled examples are exported
CONTACTS_FILE = _path("BALIEGIDS_CONTACTS", ROOT / "contacts.yml")
VAR_DIR = _path("BALIEGIDS_VAR_DIR", ROOT / "var")
APP_DB = _path("BALIEGIDS_APP_DB", VAR_DIR / "baliegids.db")
TRACKER_DB = _path("BALIEGIDS_TRACKER_DB", VAR_DIR / "conversations.db")
SPACY_DIR = ROOT / "var" / "spacy" / "nl"  # fixed: config.yml's SpacyNLP loads it from this path
MODEL_DIR = _path("BALIEGIDS_MODEL_DIR", ROOT / "models")
MODEL_NAME = "baliegids"

HOST = os.environ.get("BALIEGIDS_HOST", "127.0.0.1")
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
WEB_PORT = int(os.environ.get("WEB_PORT", "8080"))
# Where browsers reach the Rasa server (the widget's data-rasa-url); differs from HOST:RASA_PORT behind a proxy.
PUBLIC_RASA_URL = os.environ.get("BALIEGIDS_PUBLIC_RASA_URL", f"http://{HOST}:{RASA_PORT}")
CORS_ORIGINS = os.environ.get(
    "BALIEGIDS_CORS_ORIGINS", f"http://127.0.0.1:{WEB_PORT} http://localhost:{WEB_PORT}"
).split()


def database_url(path: Path) -> str:
    return f"sqlite:///{path}"
