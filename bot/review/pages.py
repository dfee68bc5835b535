"""The trainer review pages under /review: login, inbox (filter, label several at once, mark reviewed), export to
data/nlu, and insight with a chart rendered here. Nothing is shown without a login; every form carries a CSRF
token."""

import asyncio
import datetime
import io
import secrets
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

import jinja2
from sanic import Blueprint, response
from sanic.exceptions import Forbidden
from sqlalchemy import select

from bot import settings
from bot.contract import ANSWER, CLARIFY, CONTENT_REASONS, FEEDBACK_REASONS, HANDOFF, KIND_LABELS, NO_ANSWER
from bot.review.accounts import SESSION_HOURS, Accounts, LoginRefused
from bot.review.inbox import REASONS, LabelRow, Review, questions

SESSION_COOKIE = "baliegids_review"
LOGIN_CSRF_COOKIE = "baliegids_review_login"
templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
blueprint = Blueprint("review", url_prefix="/review")


@cache
def accounts() -> Accounts:
    return Accounts()


@cache
def review() -> Review:
    return Review()


def render(name: str, status: int = 200, **context):
    if context.get("trainer"):
        context["admin"] = accounts().is_admin(context["trainer"])
    return response.html(templates.get_template(name).render(**context), status=status)


# What a page says after an action: fixed texts picked by a code in the address, never text from the address.
NOTICES = {
    "kies": "Kies eerst een of meer vragen.",
    "opgeslagen": "{n} vraag/vragen opgeslagen en gemarkeerd als bekeken.",
    "niet_opgeslagen": "Niet opgeslagen: kies een artikel, out_of_scope of nieuw_onderwerp uit de lijst.",
    "geexporteerd": "{n} voorbeeld(en) geëxporteerd naar data/nlu. Hertrain met make train of make run.",
    "niets": "Niets nieuws om te exporteren.",
}


def back(code: str, count: int = 0):
    return response.redirect("/review?" + urlencode({"bericht": code, "aantal": count}))


def notice(request) -> Optional[str]:
    text = NOTICES.get(request.args.get("bericht", ""))
    count = request.args.get("aantal", "0")
    return text.format(n=int(count) if count.isdigit() else 0) if text else None


def set_cookie(reply, name: str, value: str, max_age: int):
    reply.cookies[name] = value
    # Secure when the pages are served over HTTPS (behind the municipality's proxy); a browser would not send such a
    # cookie back over plain http on a developer's machine.
    secure = settings.PUBLIC_WEB_URL.startswith("https://")
    for key, setting in (
        ("httponly", True),
        ("samesite", "Strict"),
        ("path", "/review"),
        ("max-age", max_age),
        ("secure", secure),
    ):
        reply.cookies[name][key] = setting


def trainer_session(request):
    return accounts().session(request.cookies.get(SESSION_COOKIE))


def require(request, post: bool = False):
    """The trainer's session; None (the caller redirects to the login) without one. A POST needs its CSRF token."""
    session = trainer_session(request)
    if session is not None and post and not secrets.compare_digest(request.form.get("csrf", ""), session.csrf):
        raise Forbidden("Ongeldig of ontbrekend CSRF-token; laad de pagina opnieuw.")
    return session


def to_login():
    return response.redirect("/review/login")


@blueprint.get("/login")
async def login_page(request, error: str = None, status: int = 200):
    token = secrets.token_urlsafe(32)
    reply = render("login.html", status=status, title="Inloggen", csrf=token, error=error)
    set_cookie(reply, LOGIN_CSRF_COOKIE, token, 3600)
    return reply


@blueprint.post("/login")
async def login(request):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(request.form.get("csrf", ""), expected):
        raise Forbidden("Ongeldig of ontbrekend CSRF-token; laad de inlogpagina opnieuw.")
    name, password = request.form.get("name", ""), request.form.get("password", "")
    try:  # scrypt takes a noticeable moment: off the event loop, so the other pages keep answering
        session = await asyncio.get_running_loop().run_in_executor(
            None, accounts().login, name, password, request.remote_addr or request.ip
        )
    except LoginRefused as refusal:
        return await login_page(request, error=str(refusal), status=401)
    reply = response.redirect("/review")
    set_cookie(reply, SESSION_COOKIE, session.token, SESSION_HOURS * 3600)
    return reply


@blueprint.post("/logout")
async def logout(request):
    session = require(request, post=True)
    if session is not None:
        accounts().logout(session.token)
    reply = to_login()
    set_cookie(reply, SESSION_COOKIE, "", 0)
    return reply


def date_or_none(value: str):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@blueprint.get("")
async def inbox(request):
    session = require(request)
    if session is None:
        return to_login()
    filters = {key: request.args.get(key, "") for key in ("reason", "article", "since", "until", "reviewed")}
    items = review().items(
        reason=filters["reason"] or None,
        article=filters["article"] or None,
        since=date_or_none(filters["since"]),
        until=date_or_none(filters["until"]),
        open_only=not filters["reviewed"],
    )
    with review().store.session() as db:
        exports = list(
            db.execute(
                select(LabelRow).where(LabelRow.exported.is_not(None)).order_by(LabelRow.exported.desc()).limit(50)
            ).scalars()
        )
    return render(
        "inbox.html",
        title="Inbox",
        trainer=session.name,
        csrf=session.csrf,
        items=items,
        filters=filters,
        reasons=REASONS,
        labels=review().allowed_labels(),
        exports=exports,
        message=notice(request),
        stale=review().store.stale_citations(),
        content_feedback=[row for row in review().store.feedback() if row.reason in CONTENT_REASONS],
        reason_labels=FEEDBACK_REASONS,
    )


@blueprint.post("/label")
async def label(request):
    session = require(request, post=True)
    if session is None:
        return to_login()
    ids = [int(value) for value in request.form.getlist("item") or [] if value.isdigit()]
    if not ids:
        return back("kies")
    chosen = request.form.get("label") or None
    try:
        count = review().label(ids, chosen, note=request.form.get("note") or None)
    except ValueError:
        return back("niet_opgeslagen")
    accounts().audit(session.name, "labelen", f"{count} vraag/vragen: {chosen or 'bekeken'}")
    return back("opgeslagen", count)


@blueprint.post("/export")
async def export(request):
    session = require(request, post=True)
    if session is None:
        return to_login()
    written = review().export()
    accounts().audit(session.name, "exporteren", f"{len(written)} voorbeeld(en) naar data/nlu")
    return back("geexporteerd", len(written)) if written else back("niets")


@blueprint.get("/audit")
async def audit_trail(request):
    """Who did what when (logins, labels, exports, accounts): for trainers who are administrators."""
    session = require(request)
    if session is None:
        return to_login()
    if not accounts().is_admin(session.name):
        raise Forbidden("Alleen een beheerder ziet het logboek.")
    return render(
        "audit.html",
        title="Logboek",
        trainer=session.name,
        csrf=session.csrf,
        admin=True,
        rows=accounts().audit_trail(),
    )


def weekly_counts():
    weeks = Counter(datetime.date.fromisoformat(item.created[:10]).strftime("%G-W%V") for item in questions())
    return sorted(weeks.items())


@blueprint.get("/insight")
async def insight(request):
    session = require(request)
    if session is None:
        return to_login()
    items = questions()
    kinds = Counter(item.kind for item in items)
    shares = [
        (KIND_LABELS[kind], kinds[kind] / len(items) if items else 0.0)
        for kind in (ANSWER, CLARIFY, NO_ANSWER, HANDOFF)
    ]
    rows = review().store.feedback()
    ratings = Counter((row.article_id, row.rating) for row in rows)
    reasons = Counter((row.article_id, row.reason) for row in rows if row.rating == "down" and row.reason)
    feedback = sorted(
        (
            article,
            ratings[(article, "up")],
            ratings[(article, "down")],
            {label: reasons[(article, key)] for key, label in FEEDBACK_REASONS.items()},
        )
        for article in {article for article, _ in ratings}
    )
    return render(
        "insight.html",
        title="Inzicht",
        reason_labels=list(FEEDBACK_REASONS.values()),
        trainer=session.name,
        csrf=session.csrf,
        total=len(items),
        shares=shares,
        feedback=feedback,
        weeks=weekly_counts(),
    )


@blueprint.get("/insight.svg")
async def insight_chart(request):
    if require(request) is None:
        return to_login()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    weeks = weekly_counts()
    figure, axes = pyplot.subplots(figsize=(7, 3))
    axes.bar([week for week, _ in weeks], [count for _, count in weeks], color="#1a4b84")
    axes.set_ylabel("vragen")
    axes.set_title("Vragen per week")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    pyplot.close(figure)
    return response.text(buffer.getvalue(), content_type="image/svg+xml")
