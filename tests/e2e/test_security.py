"""The front door holds: each attack found in the independent attack run, against the running servers. Each test
failed on the code before the fix it guards (README, "Privacy en beveiliging")."""

import re
import sqlite3
import statistics
import threading
import time
import uuid

import jwt
import pytest
import requests

from bot.knowledge.store import Store
from bot.review.accounts import FailureRow
from tests.support.ports import JWT_SECRET, TOKEN, TRAINER, TRAINER_PASSWORD

QUESTION = "mag ik een briefadres weigeren aan een vrouw uit de opvang?"


def stored_texts(servers, sender: str) -> str:
    with sqlite3.connect(servers["tracker_db"]) as db:
        return "\n".join(row[0] for row in db.execute("select data from events where sender_id = ?", (sender,)))


def rest(servers, body=None, **kwargs) -> requests.Response:
    return requests.post(f"{servers['rasa']}/webhooks/rest/webhook", json=body, timeout=30, **kwargs)


@pytest.fixture
def forget_failed_logins(servers):
    """Failed logins slow down every later one from this address: start and end each such test with none."""

    def clear():
        with Store(servers["app_db"]).session.begin() as session:
            session.query(FailureRow).delete()

    clear()
    yield
    clear()


def test_metadata_is_neither_used_nor_stored(servers):
    sender = f"meta-{uuid.uuid4().hex}"
    reply = rest(servers, {"sender": sender, "message": QUESTION, "metadata": {"bsn": "111222333", "x": "y" * 4000}})
    assert reply.status_code == 200
    stored = stored_texts(servers, sender)
    assert "111222333" not in stored and "yyyy" not in stored and stored


def test_an_oversized_request_is_refused_before_anything_is_stored(servers):
    sender = f"big-{uuid.uuid4().hex}"
    reply = rest(servers, {"sender": sender, "message": "hallo", "metadata": {"x": "y" * 5_000_000}})
    assert reply.status_code == 413 and "Ongeldig verzoek" in reply.json()["error"]
    assert stored_texts(servers, sender) == ""


def test_a_reason_payload_with_a_bsn_is_stored_redacted_everywhere(servers, chat):
    chat.ask(QUESTION)
    chat.send("/feedback_down")
    chat.send('/feedback_reason{"reason": "BSN 111222333 klopt niet"}')
    assert "111222333" not in stored_texts(servers, chat.sender)
    rows = [row for row in Store(servers["app_db"]).feedback() if row.sender_id == chat.sender]
    assert rows and all("111222333" not in (row.comment or "") + (row.reason or "") for row in rows)
    assert rows[-1].comment == "BSN [BSN] klopt niet" and rows[-1].reason is None


def test_a_cross_site_form_post_or_another_origin_cannot_write_into_a_conversation(servers):
    sender = f"csrf-{uuid.uuid4().hex}"
    plain = requests.post(
        f"{servers['rasa']}/webhooks/rest/webhook",
        timeout=30,
        headers={"Content-Type": "text/plain"},
        data=f'{{"sender": "{sender}", "message": "hallo"}}',
    )
    assert plain.status_code == 415
    elsewhere = rest(servers, {"sender": sender, "message": "hallo"}, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    assert stored_texts(servers, sender) == ""


def test_the_api_takes_a_jwt_in_the_authorization_header(servers):
    def status(token: str) -> int:
        return requests.get(
            f"{servers['rasa']}/status", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).status_code

    assert status(jwt.encode({"user": {"username": "beheer", "role": "admin"}}, JWT_SECRET, algorithm="HS256")) == 200
    assert status(jwt.encode({"user": {"username": "beheer", "role": "admin"}}, "fout", algorithm="HS256")) == 401
    assert status(TOKEN) == 401  # the plain token belongs in ?token=, not in the header


def login(web, name: str, password: str, session: requests.Session = None) -> requests.Response:
    session = session or requests.Session()
    form = session.get(f"{web['url']}/review/login", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return session.post(
        f"{web['url']}/review/login", data={"csrf": csrf, "name": name, "password": password}, timeout=30
    )


def test_many_wrong_passwords_lock_the_login_even_for_the_right_one(web, trainer, forget_failed_logins):
    for _ in range(6):
        assert login(web, trainer, "fout-wachtwoord-123").status_code == 401
    refused = login(web, trainer, TRAINER_PASSWORD)
    assert refused.status_code == 401 and "Te veel mislukte pogingen" in refused.text


def test_an_unknown_name_takes_as_long_as_a_known_one(web, trainer, forget_failed_logins):
    def seconds(name: str) -> float:
        started = time.perf_counter()
        assert login(web, name, "fout-wachtwoord-123").status_code == 401
        return time.perf_counter() - started

    known = statistics.median(seconds(trainer) for _ in range(2))
    unknown = statistics.median(seconds(f"onbekend-{number}") for number in range(2))
    assert unknown > known / 3, (known, unknown)  # 6 ms against 169 ms before: names could be listed


def test_a_login_flood_does_not_slow_the_other_pages(web, forget_failed_logins):
    flood = [
        threading.Thread(target=login, args=(web, f"naam-{number}", "fout-wachtwoord-123")) for number in range(12)
    ]
    for thread in flood:
        thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    assert requests.get(f"{web['url']}/", timeout=30).status_code == 200
    waited = time.perf_counter() - started
    for thread in flood:
        thread.join()
    assert waited < 0.5, waited  # the hashing runs off the event loop


def test_pages_carry_security_headers_and_show_no_text_from_the_address(web, trainer, forget_failed_logins):
    headers = requests.get(f"{web['url']}/review/login", timeout=10).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    session = requests.Session()
    assert login(web, TRAINER, TRAINER_PASSWORD, session).url.endswith("/review")
    cookie = next(cookie for cookie in session.cookies if cookie.name == "baliegids_review")
    assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie._rest).lower()
    page = session.get(f"{web['url']}/review?message=Uw+account+is+geblokkeerd&bericht=onzin", timeout=10).text
    assert "geblokkeerd" not in page


def test_the_audit_trail_shows_logins_to_an_administrator_only(web, servers, forget_failed_logins):
    from bot.review.accounts import Accounts

    Accounts(Store(servers["app_db"])).set_password("beheerder", TRAINER_PASSWORD, admin=True)
    trainer = requests.Session()
    login(web, TRAINER, TRAINER_PASSWORD, trainer)
    assert trainer.get(f"{web['url']}/review/audit", timeout=10).status_code == 403
    admin = requests.Session()
    login(web, "beheerder", TRAINER_PASSWORD, admin)
    page = admin.get(f"{web['url']}/review/audit", timeout=10).text
    assert "Logboek" in page and "inloggen" in page and TRAINER in page and "wachtwoord gezet voor beheerder" in page
