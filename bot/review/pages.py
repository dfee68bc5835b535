"""The trainer review pages under /review: login, inbox (filter, label several at once, mark reviewed), export to
data/nlu, and insight with a chart rendered here. Nothing is shown without a login; every form carries a CSRF
token."""

import datetime
import io
import secrets
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from sanic import Blueprint, response
from sanic.exceptions import Forbidden
from sqlalchemy import select

from bot.contract import ANSWER, CLARIFY, CONTENT_REASONS, FEEDBACK_REASONS, HANDOFF, KIND_LABELS, NO_ANSWER
from bot.review.accounts import SESSION_HOURS, Accounts
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
    return response.html(templates.get_template(name).render(**context), status=status)


def set_cookie(reply, name: str, value: str, max_age: int):
    reply.cookies[name] = value
    for key, setting in (("httponly", True), ("samesite", "Strict"), ("path", "/review"), ("max-age", max_age)):
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
    session = accounts().login(request.form.get("name", ""), request.form.get("password", ""))
    if session is None:
        return await login_page(request, error="Naam of wachtwoord klopt niet.", status=401)
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
        message=request.args.get("message"),
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
        return response.redirect("/review?" + urlencode({"message": "Kies eerst een of meer vragen."}))
    try:
        count = review().label(ids, request.form.get("label") or None, note=request.form.get("note") or None)
        message = f"{count} vraag/vragen opgeslagen en gemarkeerd als bekeken."
    except ValueError as error:
        message = f"Niet opgeslagen: {error}"
    return response.redirect("/review?" + urlencode({"message": message}))


@blueprint.post("/export")
async def export(request):
    session = require(request, post=True)
    if session is None:
        return to_login()
    written = review().export()
    message = (
        f"{len(written)} voorbeeld(en) geëxporteerd naar data/nlu. Hertrain met make train of make run."
        if written
        else "Niets nieuws om te exporteren."
    )
    return response.redirect("/review?" + urlencode({"message": message}))


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
