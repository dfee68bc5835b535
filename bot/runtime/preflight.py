"""The checks `make run` does before it starts any server: each database can be written (SQLite file) or reached
(database server), and so can the Redis lock store. A clear Dutch error now, rather than a failing conversation
later or a Rasa server that keeps retrying. Messages name host and port, never a password."""

import os
import sqlite3
from pathlib import Path

import redis
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot import settings
from bot.knowledge.store import StoreError

TIMEOUT_SECONDS = 5


def check_writable(path: Path) -> None:
    """An SQLite file: missing folder, no rights, or locked."""
    if not path.parent.is_dir():
        raise StoreError(f"database {path}: de map bestaat niet ({path.parent})")
    # SQLite opens a file it may not write read-only, and then every save fails; the folder must take its journal.
    if (path.exists() and not os.access(path, os.W_OK)) or not os.access(path.parent, os.W_OK):
        raise StoreError(f"database {path} is alleen-lezen (of de map {path.parent} is dat); zet schrijfrechten terug")
    connection = None
    try:
        connection = sqlite3.connect(path, timeout=2)
        connection.execute("begin immediate")
        connection.rollback()
    except sqlite3.OperationalError as error:
        raise StoreError(f"database {path} is vergrendeld of niet te schrijven ({error})") from error
    finally:
        if connection is not None:
            connection.close()


def check_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        check_writable(Path(parsed.database))
        return
    engine = create_engine(parsed, connect_args={"connect_timeout": TIMEOUT_SECONDS}, future=True)
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        address = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
        reason = str(error.orig).strip().splitlines()[0]
        raise StoreError(
            f"databaseserver {address} (database {parsed.database}) is niet bereikbaar of weigert de verbinding: "
            f"{reason}"
        ) from error
    finally:
        engine.dispose()


def check_lock_store() -> None:
    if settings.LOCK_STORE == settings.MACHINE_LOCK_STORE:
        return
    if settings.LOCK_STORE != "redis":
        raise StoreError(f"BALIEGIDS_LOCK_STORE moet leeg (één server) of redis zijn, niet '{settings.LOCK_STORE}'")
    where = f"Redis-lockstore {settings.REDIS_HOST}:{settings.REDIS_PORT} (db {settings.REDIS_DB})"
    client = redis.Redis(
        host=settings.REDIS_HOST,
        port=settings.REDIS_PORT,
        db=settings.REDIS_DB,
        password=settings.REDIS_PASSWORD or None,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.AuthenticationError as error:
        raise StoreError(f"{where} weigert het wachtwoord uit BALIEGIDS_REDIS_PASSWORD ({error})") from error
    except redis.RedisError as error:
        raise StoreError(f"{where} is niet bereikbaar ({error})") from error
    finally:
        client.close()


def check_stores() -> None:
    for url in (settings.APP_DB_URL, settings.TRACKER_DB_URL):
        check_database(url)
    check_lock_store()
