"""Trained models and training runs in the app database, and which model the Rasa servers load.

Why the app database: it is the one store every server of an installation already shares (an SQLite file on one
machine, PostgreSQL for several), so a model trained on one machine can be loaded on every other without a shared
disk or another service. The Rasa servers fetch it through Rasa's own model-server mechanism: each worker process of
each Rasa server asks the web server (GET /review/rasa-model, with the Rasa API token) every few seconds with the
fingerprint it has; the web server answers 304, or the model in use with its fingerprint as ETag. `PUT /model` is
not used because it reaches one worker process of one server only (Sanic's workers each hold their own model).

The model in use is the one deployed last from the review page or `retrain --deploy`, unless the model file that
`make train` / `make run` made (BALIEGIDS_MODEL, default models/baliegids.tar.gz) is newer: a developer's new
training then takes over, as before."""

import datetime
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import deferred

from bot import settings
from bot.knowledge.store import Base, Store

KEEP_MODELS = 6  # besides the one in use: the latest ones stay, to go back to
STALE_SECONDS = 180  # a run that has not reported for this long has stopped (its process is gone)


class ModelRow(Base):
    __tablename__ = "trained_models"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime, nullable=False)
    fingerprint = Column(String, nullable=False, unique=True)  # sha256 of the file, the model server's ETag
    model_id = Column(String)  # Rasa's id in the model's metadata.json, as /status reports it
    trained_at = Column(String)
    size = Column(Integer, nullable=False)
    origin = Column(String, nullable=False)  # "training" (from the page or the command line) or "bestand"
    run_id = Column(Integer)
    deployed_at = Column(DateTime)  # the latest deployment of this model
    deployed_by = Column(String)
    downloads = Column(Integer)  # Rasa worker processes that fetched it since that deployment
    last_download = Column(DateTime)
    data = deferred(Column(LargeBinary, nullable=False))


class RunRow(Base):
    __tablename__ = "training_runs"
    id = Column(Integer, primary_key=True)
    # 1 while the run is under way, else NULL: the unique index lets only one run be under way, on any server.
    active = Column(Integer, unique=True)
    started = Column(DateTime, nullable=False)
    started_by = Column(String, nullable=False)
    finished = Column(DateTime)
    heartbeat = Column(DateTime)
    state = Column(String, nullable=False)  # bezig / klaar / mislukt
    stage = Column(Text)  # what it is doing, in Dutch
    progress = Column(Float)  # 0..1
    message = Column(Text)  # what went wrong, in Dutch
    exported = Column(Integer)  # labelled questions added to the training data at the start
    training_seconds = Column(Float)
    before_model = Column(Integer)  # ModelRow ids
    after_model = Column(Integer)
    results = Column(JSON)
    worse = Column(Boolean)


RUNNING, DONE, FAILED = "bezig", "klaar", "mislukt"


class Busy(Exception):
    """Another training is under way; the message says whose and since when."""


def now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def metadata(data: bytes) -> dict:
    """Rasa's metadata.json inside a model archive (model_id, trained_at); {} when it cannot be read."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = next(member for member in archive.getmembers() if member.name.lstrip("/.") == "metadata.json")
            return json.loads(archive.extractfile(member).read())
    except (tarfile.TarError, StopIteration, OSError, ValueError, AttributeError):
        return {}


def model_file() -> Path:
    """The model file the servers were started with (Stack sets BALIEGIDS_MODEL), else make train's."""
    return Path(os.environ.get("BALIEGIDS_MODEL") or settings.MODEL_DIR / f"{settings.MODEL_NAME}.tar.gz")


@dataclass
class Active:
    """The model the Rasa servers should have: a stored one (row) or the model file."""

    fingerprint: str
    row: Optional[ModelRow] = None
    path: Optional[Path] = None
    since: Optional[datetime.datetime] = None

    def data(self, models: "Models") -> bytes:
        return models.data(self.row.id) if self.row is not None else self.path.read_bytes()


_file_hashes: dict = {}


def _file_fingerprint(path: Path) -> Optional[str]:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _file_hashes:
        _file_hashes.clear()
        _file_hashes[key] = fingerprint(path.read_bytes())
    return _file_hashes[key]


class Models:
    def __init__(self, store: Store = None):
        self.store = store or Store()
        self.store.create()

    # -- stored models -------------------------------------------------------------------------------------------
    def add(self, data: bytes, origin: str, run_id: int = None) -> ModelRow:
        """Stores a model archive (once per fingerprint); returns its row."""
        print_ = fingerprint(data)
        with self.store.session.begin() as session:
            row = session.execute(select(ModelRow).where(ModelRow.fingerprint == print_)).scalar_one_or_none()
            if row is not None:
                return row
            meta = metadata(data)
            row = ModelRow(
                created=now(),
                fingerprint=print_,
                model_id=meta.get("model_id"),
                trained_at=meta.get("trained_at"),
                size=len(data),
                origin=origin,
                run_id=run_id,
                data=data,
            )
            session.add(row)
        return row

    def get(self, model_id: int) -> Optional[ModelRow]:
        with self.store.session() as session:
            return session.get(ModelRow, model_id)

    def data(self, model_id: int) -> bytes:
        with self.store.session() as session:
            return session.execute(select(ModelRow.data).where(ModelRow.id == model_id)).scalar_one()

    def recent(self, limit: int = 10) -> List[ModelRow]:
        with self.store.session() as session:
            return list(session.execute(select(ModelRow).order_by(ModelRow.id.desc()).limit(limit)).scalars())

    def prune(self) -> None:
        """Keeps the model in use and the latest KEEP_MODELS others (and the models of the latest runs)."""
        active = self.active()
        keep_id = active.row.id if active and active.row else None
        with self.store.session.begin() as session:
            ids = list(session.execute(select(ModelRow.id).order_by(ModelRow.id.desc())).scalars())
            old = [model_id for model_id in ids[KEEP_MODELS:] if model_id != keep_id]
            if old:
                session.execute(delete(ModelRow).where(ModelRow.id.in_(old)))

    # -- the model in use ----------------------------------------------------------------------------------------
    def deployed(self) -> Optional[ModelRow]:
        with self.store.session() as session:
            query = select(ModelRow).where(ModelRow.deployed_at.is_not(None)).order_by(ModelRow.deployed_at.desc())
            return session.execute(query.limit(1)).scalar_one_or_none()

    def active(self) -> Optional[Active]:
        """The model the Rasa servers should load: the latest deployed one, unless the model file is newer."""
        row = self.deployed()
        path = model_file()
        file_print = _file_fingerprint(path)
        if row is not None:
            file_time = datetime.datetime.utcfromtimestamp(path.stat().st_mtime) if file_print is not None else None
            if file_time is None or file_time <= row.deployed_at or file_print == row.fingerprint:
                return Active(row.fingerprint, row=row, since=row.deployed_at)
        if file_print is None:
            return None
        return Active(file_print, path=path, since=datetime.datetime.utcfromtimestamp(path.stat().st_mtime))

    def deploy(self, model_id: int, by: str) -> ModelRow:
        with self.store.session.begin() as session:
            row = session.get(ModelRow, model_id)
            if row is None:
                raise ValueError(f"model {model_id} bestaat niet (meer)")
            row.deployed_at, row.deployed_by, row.downloads, row.last_download = now(), by, 0, None
        return self.get(model_id)

    def downloaded(self, model_id: int) -> None:
        """A Rasa worker fetched this model (called by the model server)."""
        with self.store.session.begin() as session:
            session.execute(
                update(ModelRow)
                .where(ModelRow.id == model_id)
                .values(downloads=(ModelRow.downloads + 1), last_download=now())
            )

    # -- training runs -------------------------------------------------------------------------------------------
    def start_run(self, by: str) -> RunRow:
        """A new run, under way; Busy when another one is (a stopped one is marked failed first)."""
        self.clear_stale()
        try:
            with self.store.session.begin() as session:
                row = RunRow(
                    active=1,
                    started=now(),
                    started_by=by,
                    heartbeat=now(),
                    state=RUNNING,
                    stage="Wordt gestart",
                    progress=0.0,
                )
                session.add(row)
        except IntegrityError:
            current = self.running()
            who = f" door {current.started_by} om {current.started:%H:%M} (UTC)" if current else ""
            raise Busy(f"Er loopt al een training{who}. Wacht tot die klaar is.") from None
        return row

    def running(self) -> Optional[RunRow]:
        with self.store.session() as session:
            return session.execute(select(RunRow).where(RunRow.active == 1)).scalar_one_or_none()

    def clear_stale(self) -> None:
        with self.store.session.begin() as session:
            for row in session.execute(select(RunRow).where(RunRow.active == 1)).scalars():
                if row.heartbeat is None or (now() - row.heartbeat).total_seconds() > STALE_SECONDS:
                    row.active, row.state, row.finished = None, FAILED, now()
                    row.message = "De training is onderbroken (het trainingsproces is gestopt). Start hem opnieuw."

    def report(self, run_id: int, **fields) -> None:
        with self.store.session.begin() as session:
            session.execute(update(RunRow).where(RunRow.id == run_id).values(**{"heartbeat": now(), **fields}))

    def finish(self, run_id: int, state: str, **fields) -> None:
        self.report(run_id, active=None, state=state, finished=now(), **fields)

    def run(self, run_id: int) -> Optional[RunRow]:
        with self.store.session() as session:
            return session.get(RunRow, run_id)

    def latest_run(self) -> Optional[RunRow]:
        self.clear_stale()
        with self.store.session() as session:
            return session.execute(select(RunRow).order_by(RunRow.id.desc()).limit(1)).scalar_one_or_none()

    def runs(self, limit: int = 10) -> List[RunRow]:
        with self.store.session() as session:
            return list(session.execute(select(RunRow).order_by(RunRow.id.desc()).limit(limit)).scalars())

    def last_training_seconds(self, default: float = 130.0) -> float:
        with self.store.session() as session:
            seconds = session.execute(
                select(RunRow.training_seconds)
                .where(RunRow.training_seconds.is_not(None))
                .order_by(RunRow.id.desc())
                .limit(1)
            ).scalar_one_or_none()
        return seconds or default


def expected_workers() -> int:
    """Rasa worker processes that must fetch a deployed model: SANIC_WORKERS per Rasa server in BALIEGIDS_RASA_URLS
    (BALIEGIDS_RASA_WORKERS overrides the total, for servers with different numbers of workers)."""
    total = os.environ.get("BALIEGIDS_RASA_WORKERS", "")
    if total.isdigit() and int(total) > 0:
        return int(total)
    workers = settings.RASA_WORKERS
    return max(1, int(workers) if workers.isdigit() else 1) * len(rasa_urls())


def rasa_urls() -> List[str]:
    """The Rasa servers whose /status the deployment checks (BALIEGIDS_RASA_URLS, space separated)."""
    urls = os.environ.get("BALIEGIDS_RASA_URLS", "").split()
    return urls or [os.environ.get("BALIEGIDS_RASA_URL") or f"http://{settings.HOST}:{settings.RASA_PORT}"]


def rasa_token() -> str:
    token = os.environ.get("BALIEGIDS_RASA_TOKEN", "")
    if not token:
        try:
            token = (settings.VAR_DIR / "rasa-token").read_text().strip()
        except OSError:
            token = ""
    return token


@dataclass
class Deployment:
    """How far the model in use has reached the Rasa servers."""

    state: str  # "in gebruik", "wordt geladen", "bestand"
    row: Optional[ModelRow]
    downloads: int = 0
    expected: int = 0
    text: str = ""


LOAD_GRACE_SECONDS = 3  # after the last worker fetched the model, the time it takes to switch to it


def deployment(models: Models) -> Optional[Deployment]:
    active = models.active()
    if active is None:
        return None
    if active.row is None:
        return Deployment("bestand", None, text="Het model waarmee de assistent is gestart, is in gebruik.")
    row = models.get(active.row.id)
    expected = expected_workers()
    downloads = row.downloads or 0
    settled = row.last_download is not None and (now() - row.last_download).total_seconds() >= LOAD_GRACE_SECONDS
    if downloads >= expected and settled:
        return Deployment("in gebruik", row, downloads, expected, "Het model is in gebruik.")
    waited = (now() - row.deployed_at).total_seconds()
    text = (
        f"De assistent laadt het model: {min(downloads, expected)} van {expected} werkprocessen hebben het opgehaald."
    )
    if waited > 60 + settings.MODEL_PULL_SECONDS * 4:
        text += (
            " Dit duurt langer dan normaal: draait de assistent, en haalt hij zijn model bij deze webserver op "
            "(BALIEGIDS_MODEL_SERVER_URL, README 'Kennisbeheer')?"
        )
    return Deployment("wordt geladen", row, downloads, expected, text)
