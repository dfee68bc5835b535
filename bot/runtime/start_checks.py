"""What `make run` checks and prepares before it starts a server, in a process of its own so that the launcher, which
then only supervises, does not keep the knowledge base, SQLAlchemy and Redis in memory: the databases can be written
and Redis reached, the knowledge base loads, conversations past their retention are purged; then what the servers
will use is printed. Exit code 1, with a Dutch error, when something is wrong."""

import sys

from bot import settings
from bot.knowledge.articles import KnowledgeError
from bot.knowledge.contacts import load_contacts, unfilled
from bot.knowledge.store import StoreError, load
from bot.privacy.retention import purge
from bot.runtime.preflight import check_stores
from bot.training.spacy_pipeline import describe, installed_meta
from bot.training.train import trained_with


def main() -> int:
    try:
        check_stores()
        count = load()
        purge()
    except (KnowledgeError, StoreError) as error:
        print(f"FOUT: {error}", file=sys.stderr)
        return 1
    print(f"Kennisbank: {count} artikelen geladen in {settings.shown(settings.APP_DB_URL)}")
    locks = f"gedeeld door de werkprocessen van deze server ({settings.LOCK_FILE})"
    if settings.LOCK_STORE == "redis":
        locks = f"Redis op {settings.REDIS_HOST}:{settings.REDIS_PORT}"
    print(f"Gesprekken: {settings.shown(settings.TRACKER_DB_URL)}; vergrendeling per gesprek: {locks}")
    print(f"spaCy-pipeline: {describe(installed_meta())}; model getraind met: {trained_with()}")
    missing = unfilled(load_contacts())
    if missing:
        print(
            f"LET OP: {settings.CONTACTS_FILE} bevat nog voorbeeldgegevens (tussen < >) voor: {', '.join(missing)}. "
            "Baliegids noemt daar alleen de rol; vul de echte contactpersonen in (README, 'Contactpersonen').",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
