"""Trainer accounts and login sessions for /review. Passwords are hashed with Werkzeug's scrypt; sessions are
random tokens in the app database that expire, each with its own CSRF token."""

import datetime
import secrets
from typing import Optional

from sqlalchemy import Column, DateTime, String, delete
from werkzeug.security import check_password_hash, generate_password_hash

from bot.knowledge.store import Base, Store

SESSION_HOURS = 8
MIN_PASSWORD = 12


class TrainerRow(Base):
    __tablename__ = "trainers"
    name = Column(String, primary_key=True)
    password_hash = Column(String, nullable=False)


class SessionRow(Base):
    __tablename__ = "trainer_sessions"
    token = Column(String, primary_key=True)
    name = Column(String, nullable=False)
    csrf = Column(String, nullable=False)
    expires = Column(DateTime, nullable=False)


def now() -> datetime.datetime:
    return datetime.datetime.utcnow()


class Accounts:
    def __init__(self, store: Store = None):
        self.store = store or Store()
        self.store.create()

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"het wachtwoord moet minstens {MIN_PASSWORD} tekens hebben")
        with self.store.session.begin() as session:
            session.merge(TrainerRow(name=name, password_hash=generate_password_hash(password)))

    def login(self, name: str, password: str) -> Optional[SessionRow]:
        """A new session for a correct name and password, else None."""
        with self.store.session.begin() as session:
            trainer = session.get(TrainerRow, name)
            if trainer is None or not check_password_hash(trainer.password_hash, password):
                return None
            session.execute(delete(SessionRow).where(SessionRow.expires < now()))
            row = SessionRow(
                token=secrets.token_urlsafe(32),
                name=name,
                csrf=secrets.token_urlsafe(32),
                expires=now() + datetime.timedelta(hours=SESSION_HOURS),
            )
            session.add(row)
            return row

    def session(self, token: Optional[str]) -> Optional[SessionRow]:
        if not token:
            return None
        with self.store.session() as session:
            row = session.get(SessionRow, token)
            return row if row is not None and row.expires > now() else None

    def logout(self, token: str) -> None:
        with self.store.session.begin() as session:
            session.execute(delete(SessionRow).where(SessionRow.token == token))
