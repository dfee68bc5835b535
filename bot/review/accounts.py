"""Trainer accounts, login sessions and the audit trail for /review. Passwords are hashed with Werkzeug's scrypt;
sessions are random tokens in the app database that expire, each with its own CSRF token.

A login that keeps failing slows down: after a few wrong passwords for one name, or from one address, every next
try waits longer (the right password too, until the wait is over). An unknown name costs the same time as a known
one, so names cannot be found by timing. Every trainer action that matters is written to the audit trail."""

import datetime
import secrets
from functools import cache
from typing import List, Optional

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from bot.knowledge.store import Base, Store

SESSION_HOURS = 8
MIN_PASSWORD = 12
FREE_FAILURES = 5  # wrong passwords before the waiting starts
FIRST_WAIT = datetime.timedelta(seconds=30)  # then doubled with every further failure
LONGEST_WAIT = datetime.timedelta(hours=1)


class TrainerRow(Base):
    __tablename__ = "trainers"
    name = Column(String, primary_key=True)
    password_hash = Column(String, nullable=False)
    admin = Column(Boolean)  # sees the audit trail


class SessionRow(Base):
    __tablename__ = "trainer_sessions"
    token = Column(String, primary_key=True)
    name = Column(String, nullable=False)
    csrf = Column(String, nullable=False)
    expires = Column(DateTime, nullable=False)


class FailureRow(Base):
    """Wrong passwords in a row, per name ("naam:kim") and per address ("adres:10.0.0.5")."""

    __tablename__ = "login_failures"
    key = Column(String, primary_key=True)
    count = Column(Integer, nullable=False)
    last = Column(DateTime, nullable=False)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    when = Column(DateTime, nullable=False)
    who = Column(String, nullable=False)
    action = Column(String, nullable=False)  # inloggen, uitloggen, labelen, exporteren, account, ...
    detail = Column(Text)


class LoginRefused(Exception):
    """Wrong name or password, or the login waits after too many failures; the message is for the trainer."""


@cache
def unknown_hash() -> str:
    """What an unknown name is checked against: the same work as for a real account (made once, not at import)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def wait_after(failures: int) -> datetime.timedelta:
    if failures < FREE_FAILURES:
        return datetime.timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


class Accounts:
    def __init__(self, store: Store = None):
        self.store = store or Store()
        self.store.create()

    def set_password(self, name: str, password: str, admin: bool = False, by: str = "opdrachtregel") -> None:
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"het wachtwoord moet minstens {MIN_PASSWORD} tekens hebben")
        with self.store.session.begin() as session:
            session.merge(TrainerRow(name=name, password_hash=generate_password_hash(password), admin=admin))
        self.audit(by, "account", f"wachtwoord gezet voor {name}" + (" (beheerder)" if admin else ""))

    def login(self, name: str, password: str, address: str) -> SessionRow:
        """A new session for a correct name and password; LoginRefused otherwise. Takes as long for an unknown name
        as for a known one (scrypt); run it off the web server's event loop."""
        keys = [f"naam:{name}", f"adres:{address}"]
        refused, row = None, None
        with self.store.session.begin() as session:  # the failures and the audit are kept, also when refused
            failures = {
                row.key: row for row in session.execute(select(FailureRow).where(FailureRow.key.in_(keys))).scalars()
            }
            waiting = [row.last + wait_after(row.count) - now() for row in failures.values()]
            trainer = session.get(TrainerRow, name)
            right = check_password_hash(trainer.password_hash if trainer else unknown_hash(), password)
            if any(wait > datetime.timedelta(0) for wait in waiting):
                seconds = int(max(waiting).total_seconds()) + 1
                refused = f"Te veel mislukte pogingen. Probeer het over {seconds} seconden opnieuw."
                self._audit(session, name, "inloggen geweigerd", f"wacht nog {seconds} s, vanaf {address}")
            elif trainer is None or not right:
                for key in keys:
                    failure = failures.get(key) or FailureRow(key=key, count=0)
                    failure.count, failure.last = failure.count + 1, now()
                    session.merge(failure)
                refused = "Naam of wachtwoord klopt niet."
                self._audit(session, name, "inloggen mislukt", f"vanaf {address}")
            else:
                session.execute(delete(FailureRow).where(FailureRow.key.in_(keys)))
                session.execute(delete(SessionRow).where(SessionRow.expires < now()))
                row = SessionRow(
                    token=secrets.token_urlsafe(32),
                    name=name,
                    csrf=secrets.token_urlsafe(32),
                    expires=now() + datetime.timedelta(hours=SESSION_HOURS),
                )
                session.add(row)
                self._audit(session, name, "inloggen", f"vanaf {address}")
        if refused:
            raise LoginRefused(refused)
        return row

    def session(self, token: Optional[str]) -> Optional[SessionRow]:
        if not token:
            return None
        with self.store.session() as session:
            row = session.get(SessionRow, token)
            return row if row is not None and row.expires > now() else None

    def is_admin(self, name: str) -> bool:
        with self.store.session() as session:
            trainer = session.get(TrainerRow, name)
            return bool(trainer and trainer.admin)

    def logout(self, token: str) -> None:
        with self.store.session.begin() as session:
            row = session.get(SessionRow, token)
            if row is not None:
                self._audit(session, row.name, "uitloggen", "")
            session.execute(delete(SessionRow).where(SessionRow.token == token))

    def audit(self, who: str, action: str, detail: str = "") -> None:
        with self.store.session.begin() as session:
            self._audit(session, who, action, detail)

    @staticmethod
    def _audit(session, who: str, action: str, detail: str) -> None:
        session.add(AuditRow(when=now(), who=who, action=action, detail=detail))

    def audit_trail(self, limit: int = 200) -> List[AuditRow]:
        with self.store.session() as session:
            return list(session.execute(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)).scalars())
