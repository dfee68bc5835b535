"""The production profile: two Rasa servers and one action server sharing a PostgreSQL database (conversations and
app data) and a Redis lock store, as behind a load balancer. PostgreSQL and Redis are Debian's packages
(scripts/setup-services.sh, run by `make test`), started here as throwaway servers on free ports."""

import datetime
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis
from rasa.core.lock import TicketLock
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.chat import Chat
from bot import settings
from bot.knowledge.store import FeedbackRow, Store, load
from bot.privacy.retention import purge
from bot.review.inbox import LabelRow, questions
from bot.runtime.stack import ACTIONS, RASA, Stack
from tests.support.ports import TOKEN, free_port

QUESTION = "mag ik een briefadres weigeren aan een vrouw uit de opvang?"
MISSING = "ontbreekt; `make test` installeert het (scripts/setup-services.sh), of: sudo apt-get install {}"


def run_or_fail(command, **kwargs):
    """Runs a set-up command; on failure the test fails with the command's own output."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} mislukte:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL cluster with a password, owned by the `postgres` user when we are root (PostgreSQL
    refuses to run as root). Yields the database URL."""
    initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    if not initdb:
        pytest.fail("PostgreSQL " + MISSING.format("postgresql"))
    bin_dir = initdb[-1].parent
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    directory = Path(tempfile.mkdtemp(prefix="baliegids-postgres-"))  # not under pytest's root-only tmp folders
    password, port = secrets.token_urlsafe(16), free_port()
    (directory / "password").write_text(password)
    if as_owner:
        for path in (directory, directory / "password"):
            shutil.chown(path, "postgres", "postgres")
    data = directory / "data"
    try:
        run_or_fail(
            as_owner
            + [
                bin_dir / "initdb",
                "-D",
                data,
                "-U",
                "baliegids",
                "--pwfile",
                directory / "password",
                "--auth",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        )
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -F"  # -F: no fsync, it is thrown away
        run_or_fail(
            as_owner + [bin_dir / "pg_ctl", "-D", data, "-l", directory / "postgres.log", "-w", "-o", options, "start"]
        )
        run_or_fail(
            [bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "baliegids", "baliegids"],
            env={**os.environ, "PGPASSWORD": password},
        )
        yield f"postgresql://baliegids:{password}@127.0.0.1:{port}/baliegids"
    finally:
        subprocess.run(as_owner + [bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(directory)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A throwaway Redis with a password and no persistence; yields a client for its database 1."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("Redis " + MISSING.format("redis-server"))
    directory = tmp_path_factory.mktemp("redis")
    port, password = free_port(), secrets.token_urlsafe(16)
    config = directory / "redis.conf"
    config.write_text(
        f'port {port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir {directory}\n' f"requirepass {password}\n"
    )
    log = directory / "redis.log"
    process = subprocess.Popen([binary, str(config)], stdout=log.open("w"), stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port, password=password, db=1)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server kwam niet op; log:\n{log.read_text()}")
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(model, postgres, redis_server, tmp_path_factory):
    """One action server and two Rasa servers (A and B) on the shared PostgreSQL and Redis."""
    workdir = tmp_path_factory.mktemp("production")
    load(postgres)
    redis_options = redis_server.connection_pool.connection_kwargs
    env = {
        "BALIEGIDS_TRACKER_DB_URL": postgres,
        "BALIEGIDS_APP_DB_URL": postgres,
        "BALIEGIDS_LOCK_STORE": "redis",
        "BALIEGIDS_REDIS_HOST": "127.0.0.1",
        "BALIEGIDS_REDIS_PORT": str(redis_options["port"]),
        "BALIEGIDS_REDIS_PASSWORD": redis_options["password"],
        "BALIEGIDS_REDIS_DB": "1",
    }
    # SQLite files that must stay unused: everything goes to PostgreSQL
    files = {"tracker_db": workdir / "conversations.db", "app_db": workdir / "baliegids.db"}
    a = Stack(
        model,
        workdir / "A",
        token=TOKEN,
        host="127.0.0.1",
        ports={ACTIONS: free_port(), RASA: free_port()},
        env=env,
        services=[ACTIONS, RASA],
        **files,
    )
    actions_url = a.env["BALIEGIDS_ACTIONS_URL"]
    b = Stack(
        model,
        workdir / "B",
        token=TOKEN,
        host="127.0.0.1",
        ports={RASA: free_port()},
        env={**env, "BALIEGIDS_ACTIONS_URL": actions_url},
        services=[RASA],
        **files,
    )
    with a, b:
        yield {"urls": {"A": a.rasa_url, "B": b.rasa_url}, "workdir": workdir}


def test_one_conversation_continues_across_both_servers_and_is_stored_redacted(cluster, postgres, redis_server):
    sender = f"production-{time.monotonic_ns()}"
    a, b = (Chat(cluster["urls"][name], sender) for name in ("A", "B"))

    first = a.ask(QUESTION)
    assert (first["type"], first["article"]) == ("answer", "brp_briefadres_opvang"), first["_text"][:300]
    source = b.ask("waar staat dat?")  # B knows the topic only from the conversation A stored in PostgreSQL
    assert (source["type"], source["article"]) == ("answer", "brp_briefadres_opvang"), source["_text"][:300]
    assert "Wet basisregistratie personen" in source["_text"]
    steps = a.ask("wat moet ik doen?")
    assert (steps["type"], steps["article"]) == ("answer", "brp_briefadres_opvang")
    with_bsn = b.ask("mevrouw met bsn 111222333 zit in de opvang en wil een briefadres, mag ik dat weigeren?")
    assert with_bsn["article"] == "brp_briefadres_opvang"
    assert "Wat was er mis?" in a.ask("/feedback_down")["_text"]

    with create_engine(postgres, future=True).connect() as connection:
        texts = (
            connection.execute(
                text(
                    "select data::json->>'text' from events where sender_id = :sender and type_name = 'user' "
                    "order by id"
                ),
                {"sender": sender},
            )
            .scalars()
            .all()
        )
    assert texts == [
        QUESTION,
        "waar staat dat?",
        "wat moet ik doen?",
        "mevrouw met bsn [BSN] zit in de opvang en wil een briefadres, mag ik dat weigeren?",
        "/feedback_down",
    ]
    # the action server wrote the feedback to the shared app database, and the review inbox reads PostgreSQL
    feedback = [(row.rating, row.article_id) for row in Store(postgres).feedback() if row.sender_id == sender]
    assert feedback == [("down", "brp_briefadres_opvang")]
    inbox = [item for item in questions(postgres) if item.sender == sender]  # newest first
    assert len(inbox) == 4 and (inbox[0].text, inbox[0].reason) == (texts[3], "feedback")
    assert not redis_server.exists(f"lock:{sender}")  # every turn released its lock
    assert not list(cluster["workdir"].glob("*.db")), "niets mag in een SQLite-bestand terechtkomen"


def test_a_conversation_locked_in_redis_waits_on_the_other_server(cluster, redis_server):
    """A turn still being handled elsewhere (its ticket in Redis, valid for 3 seconds) holds server B back."""
    sender = f"locked-{time.monotonic_ns()}"
    lock = TicketLock(sender)
    started = time.monotonic()
    lock.issue_ticket(lifetime=3)
    redis_server.set(f"lock:{sender}", lock.dumps())
    reply = Chat(cluster["urls"]["B"], sender).ask(QUESTION)
    waited = time.monotonic() - started
    assert (reply["type"], reply["article"]) == ("answer", "brp_briefadres_opvang")
    assert waited >= 3, f"B antwoordde na {waited:.1f} s, terwijl het gesprek nog vergrendeld was"
    assert not redis_server.exists(f"lock:{sender}")


@pytest.mark.parametrize("case", ["postgresql unreachable", "redis unreachable", "postgresql wrong password"])
def test_make_run_stops_with_a_clear_message_when_a_server_cannot_be_used(case, postgres, tmp_path):
    secret = secrets.token_urlsafe(12)
    closed = free_port()  # nothing listens here
    running = make_url(postgres)
    variables, expected = {
        "postgresql unreachable": (
            {"BALIEGIDS_TRACKER_DB_URL": f"postgresql://baliegids:{secret}@127.0.0.1:{closed}/baliegids"},
            f"databaseserver 127.0.0.1:{closed} (database baliegids) is niet bereikbaar",
        ),
        "redis unreachable": (
            {
                "BALIEGIDS_LOCK_STORE": "redis",
                "BALIEGIDS_REDIS_HOST": "127.0.0.1",
                "BALIEGIDS_REDIS_PORT": str(closed),
                "BALIEGIDS_REDIS_PASSWORD": secret,
            },
            f"Redis-lockstore 127.0.0.1:{closed} (db 1) is niet bereikbaar",
        ),
        "postgresql wrong password": (
            {"BALIEGIDS_APP_DB_URL": running.set(password=secret).render_as_string(hide_password=False)},
            f"databaseserver 127.0.0.1:{running.port} (database baliegids) is niet bereikbaar of weigert de "
            f"verbinding: ",
        ),
    }[case]
    env = {**os.environ, "BALIEGIDS_VAR_DIR": str(tmp_path), **variables}
    result = subprocess.run(
        [settings.PYTHON, "-m", "bot.runtime"], cwd=settings.ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert f"FOUT: {expected}" in result.stderr, result.stderr
    assert secret not in result.stdout + result.stderr


def rasa_tables(tracker_url: str) -> None:
    """Rasa's tables in the tracker database, made as the servers make them."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    sqlite = {"dialect": "sqlite", "db": make_url(tracker_url).database}
    options = sqlite if tracker_url.startswith("sqlite") else {"host": tracker_url}  # Rasa reads a URL from `host`
    SQLTrackerStore(Domain.empty(), **options).engine.dispose()


def seed_conversations(tracker_url: str, app_url: str, now: datetime.datetime) -> None:
    """Two conversations in Rasa's events table (one 40 days old, one of today), feedback and review labels on both."""
    engine = create_engine(tracker_url, future=True)
    with engine.begin() as connection:
        for sender, age in (("oud", 40), ("nieuw", 0)):
            when = (now - datetime.timedelta(days=age)).replace(tzinfo=datetime.timezone.utc).timestamp()
            connection.execute(
                text(
                    "insert into events (sender_id, type_name, timestamp, data) values "
                    "(:sender, 'user', :when, :data)"
                ),
                {"sender": sender, "when": when, "data": f'{{"text": "vraag {sender}"}}'},
            )
        ids = dict(connection.execute(text("select sender_id, id from events")).all())
    engine.dispose()
    store = Store(app_url)
    store.create()
    with store.session.begin() as session:
        for sender, age in (("oud", 40), ("nieuw", 0)):
            session.add(FeedbackRow(sender_id=sender, rating="down", created=now - datetime.timedelta(days=age)))
            session.add(LabelRow(item_id=ids[sender], text=f"vraag {sender}", label="out_of_scope"))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_retention_period_deletes_old_conversations_feedback_and_review_items(
    database, postgres, tmp_path, monkeypatch
):
    tracker_url = postgres if database == "postgresql" else f"sqlite:///{tmp_path / 'conversations.db'}"
    app_url = postgres if database == "postgresql" else f"sqlite:///{tmp_path / 'baliegids.db'}"
    rasa_tables(tracker_url)
    Store(app_url).create()
    if database == "postgresql":
        with create_engine(postgres, future=True).begin() as connection:  # the cluster test's rows are not ours
            for table in ("events", "feedback", "review_labels"):
                connection.execute(text(f"delete from {table}"))
    now = datetime.datetime.utcnow()
    seed_conversations(tracker_url, app_url, now)
    monkeypatch.setattr(settings, "TRACKER_DB_URL", tracker_url)
    monkeypatch.setattr(settings, "APP_DB_URL", app_url)
    deleted = purge(now, days=30)
    assert (deleted["gespreksregels"], deleted["feedback"], deleted["beoordelingen"]) == (1, 1, 1)
    with create_engine(tracker_url, future=True).connect() as connection:
        assert connection.execute(text("select sender_id from events")).scalars().all() == ["nieuw"]
    assert [row.sender_id for row in Store(app_url).feedback()] == ["nieuw"]
    with Store(app_url).session() as session:
        assert [row.text for row in session.query(LabelRow)] == ["vraag nieuw"]
