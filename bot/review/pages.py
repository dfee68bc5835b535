"""The trainer review pages under /review: login; the inbox of near-identical questions grouped, with search,
filters that stay, tags, "later bekijken" and bulk actions; each conversation in plain Dutch; insight that links to
the questions behind it; the audit trail. Nothing is shown without a login; every form carries a CSRF token; every
change is written to the audit trail. Retraining and the model in use: model_pages.py; local policy: local_pages.py."""

import asyncio
import datetime
import io
import secrets
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlencode

import jinja2
from sanic import Blueprint, response
from sanic.exceptions import Forbidden, NotFound

from bot import settings
from bot.contract import (
    ANSWER,
    CLARIFY,
    CONTENT_REASONS,
    FEEDBACK_REASONS,
    HANDOFF,
    KIND_LABELS,
    NO_ANSWER,
    OUT_OF_SCOPE,
)
from bot.review import filters as inbox_filters
from bot.review.accounts import SESSION_HOURS, Accounts, LoginRefused
from bot.review.conversation import conversation
from bot.review.filters import STATUSES, Filters
from bot.review.inbox import NEW_TOPIC, REASONS, Item, Review, clean_tags, grouped, questions
from bot.review.insight import confused_pairs, declined, disliked, pair_of
from bot.review.words import NEW_TOPIC_LABEL, OUT_OF_SCOPE_LABEL, channel_label, did, intent_label, topic

SESSION_COOKIE = "baliegids_review"
LOGIN_CSRF_COOKIE = "baliegids_review_login"
STATIC_DIR = Path(__file__).parent / "static"
templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
blueprint = Blueprint("review", url_prefix="/review")
blueprint.static("/static", str(STATIC_DIR), name="static")


@cache
def accounts() -> Accounts:
    return Accounts()


@cache
def review() -> Review:
    return Review()


def label_choices(titles: Dict[str, str]) -> List[tuple]:
    """(value, text) for the label list: the articles by title (id small), then out_of_scope and a new topic."""
    return [(article_id, title) for article_id, title in titles.items()] + [
        (OUT_OF_SCOPE, OUT_OF_SCOPE_LABEL),
        (NEW_TOPIC, NEW_TOPIC_LABEL),
    ]


def render(name: str, status: int = 200, session=None, **context):
    """A page; with the trainer's session, also the name, the form token and whether they are an administrator."""
    if session is not None:
        context.update(trainer=session.name, csrf=session.csrf, admin=accounts().is_admin(session.name))
    titles = context.setdefault("titles", review().titles())
    context.update(
        topic=lambda article_id: topic(article_id, titles),
        channel_label=channel_label,
        intent_label=lambda intent: intent_label(intent, titles),
        reasons=REASONS,
        reason_labels=FEEDBACK_REASONS,
        statuses=STATUSES,
        when=lambda iso: iso.replace("T", " ")[:16] if iso else "",
    )
    return response.html(templates.get_template(name).render(**context), status=status)


# What a page says after an action: fixed texts picked by a code in the address, never text from the address.
NOTICES = {
    "kies": "Kies eerst een of meer vragen.",
    "opgeslagen": "{n} vraag/vragen gelabeld en gemarkeerd als bekeken.",
    "afgehandeld": "{n} vraag/vragen afgehandeld zonder label (bekeken).",
    "later": "{n} vraag/vragen bewaard onder 'Later bekijken'.",
    "getagd": "Tag toegevoegd aan {n} vraag/vragen.",
    "tag_weg": "Tag weggehaald bij {n} vraag/vragen.",
    "heropend": "{n} vraag/vragen staan weer open.",
    "gesprek_bekeken": "Gesprek gemarkeerd als bekeken ({n} vraag/vragen).",
    "geexporteerd": "{n} voorbeeld(en) toegevoegd aan de trainingsdata. Train hieronder een nieuw model om ze te "
    "gebruiken.",
    "niets": "Niets nieuws om te exporteren.",
    "gestart": "De training is gestart. De assistent blijft intussen antwoorden.",
    "in_gebruik": "Het nieuwe model wordt nu door de assistent geladen; hieronder zie je wanneer het overal in "
    "gebruik is.",
    "gewist": "De filters zijn gewist.",
}


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


def args(request) -> Dict[str, str]:
    return {key: request.args.get(key) for key in request.args}


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


# -- the inbox -------------------------------------------------------------------------------------------------------

FILTER_KEYS = {"q", "reason", "article", "channel", "tag", "status", "since", "until", "pair", "fb", "group", "all"}


def current_filters(request, trainer: str, titles: Dict[str, str]):
    """The filter in the address (then remembered for this trainer), else the one remembered; and whether it was
    the remembered one."""
    given = args(request)
    if given.get("wis"):
        inbox_filters.remember(review().store, trainer, Filters())
        return Filters(), False
    if FILTER_KEYS & set(given) or given.get("filter") or given.get("reviewed"):
        chosen = Filters.parse(given, titles)
        inbox_filters.remember(review().store, trainer, chosen)
        return chosen, False
    remembered = inbox_filters.remembered(review().store, trainer, titles)
    return (remembered, True) if remembered and not remembered.is_default() else (Filters(), False)


def selected_items(chosen: Filters, titles: Dict[str, str]) -> List[Item]:
    everything = review().items(everything=True)
    return [item for item in everything if chosen.matches(item, titles, pair_of(item, titles))]


def status_counts(titles: Dict[str, str]) -> Dict[str, int]:
    items = review().items()
    return {
        "open": sum(not item.reviewed and not item.later for item in items),
        "later": sum(item.later and not item.reviewed for item in items),
        "bekeken": sum(item.reviewed for item in items),
    }


def inbox_page(
    session, chosen: Filters, *, message=None, error=None, selected=(), form=None, restored=False, status=200
):
    titles = review().titles()
    items = selected_items(chosen, titles)
    groups = grouped(items)
    tags = sorted({tag for item in review().items(everything=True) for tag in item.tags})
    channels = sorted({item.channel for item in review().items(everything=True)})
    return render(
        "inbox.html",
        status=status,
        title="Inbox",
        session=session,
        titles=titles,
        groups=groups,
        filters=chosen,
        query=chosen.query(),
        restored=restored,
        counts=status_counts(titles),
        choices=label_choices(titles),
        tags=tags,
        channels=channels,
        message=message,
        error=error,
        selected={str(value) for value in selected},
        form=form or {},
        did=lambda item: did(
            item.kind,
            titles,
            article=item.article,
            candidates=item.candidates,
            chosen=item.chosen,
            contact=item.contact,
            intent=item.intent,
            declined_as=item.declined_as,
        ),
        pending=len(review().pending_export()),
        stale=review().store.stale_citations(),
        content_feedback=[row for row in review().store.feedback() if row.reason in CONTENT_REASONS],
    )


@blueprint.get("")
async def inbox(request):
    session = require(request)
    if session is None:
        return to_login()
    titles = review().titles()
    chosen, restored = current_filters(request, session.name, titles)
    return inbox_page(session, chosen, message=notice(request), restored=restored)


def item_ids(form) -> List[int]:
    """The chosen items: each checkbox carries the ids of one group ("12,15,19") or one question."""
    ids = []
    for value in form.getlist("item") or []:
        ids += [int(part) for part in value.split(",") if part.strip().isdigit()]
    return list(dict.fromkeys(ids))


ACTIONS = {
    "labelen": "opgeslagen",
    "afwijzen": "afgehandeld",
    "later": "later",
    "tag": "getagd",
    "tag_weg": "tag_weg",
    "heropenen": "heropend",
    "gesprek_bekeken": "gesprek_bekeken",
}


@blueprint.post("/label")
async def label(request):
    """Every change to review items: label, dismiss, for later, tags, open again, a conversation reviewed. On a
    mistake the page comes back with the choice and what was typed kept, and nothing saved."""
    session = require(request, post=True)
    if session is None:
        return to_login()
    titles = review().titles()
    form = {key: (request.form.get(key) or "").strip() for key in ("label", "note", "tags", "terug", "gesprek")}
    chosen = Filters.from_query(form["terug"], titles)
    conversation_of = int(form["gesprek"]) if form["gesprek"].isdigit() else None
    ids = item_ids(request.form)
    action = request.form.get("actie") or "labelen"

    def again(error: str):
        if conversation_of is not None:
            return conversation_page(session, conversation_of, chosen, error=error, selected=ids, form=form, status=400)
        return inbox_page(session, chosen, error=error, selected=ids, form=form, status=400)

    if action not in ACTIONS:
        return again("Onbekende actie; kies een van de knoppen.")
    if action == "gesprek_bekeken" and conversation_of is not None:
        everything = review().items(everything=True)
        sender = next((item.sender for item in everything if item.id == conversation_of), None)
        ids = [item.id for item in everything if item.sender == sender]
    if not ids:
        return again("Kies eerst een of meer vragen (vink ze aan).")
    label_ = form["label"] or None
    tags = clean_tags(form["tags"])
    try:
        if action == "labelen":
            if label_ is None:
                return again("Kies eerst het juiste artikel in de lijst 'Juist artikel' (of buiten de kennisbank).")
            if label_ == NEW_TOPIC and not form["note"]:
                return again("Schrijf bij een nieuw onderwerp in de notitie waar het over gaat.")
            count = review().label(ids, label_, note=form["note"] or None, by=session.name, tags=tags)
            detail = f"{count} vraag/vragen: {titles.get(label_, label_)} ({label_})"
        elif action == "afwijzen":
            count = review().update(ids, reviewed=True, tags=tags, by=session.name)
            detail = f"{count} vraag/vragen afgehandeld zonder label"
        elif action == "later":
            count = review().update(ids, later=True, tags=tags, by=session.name)
            detail = f"{count} vraag/vragen later bekijken"
        elif action in ("tag", "tag_weg"):
            if not tags:
                return again("Typ eerst een tag (bijvoorbeeld: wetswijziging).")
            if action == "tag":
                count = review().update(ids, tags=tags, by=session.name)
            else:
                for tag in tags:
                    count = review().update(ids, remove_tag=tag, by=session.name)
            detail = f"{count} vraag/vragen: tag {'toegevoegd' if action == 'tag' else 'weggehaald'}: {', '.join(tags)}"
        elif action == "heropenen":
            count = review().update(ids, reviewed=False, later=False, by=session.name)
            detail = f"{count} vraag/vragen weer open"
        else:
            count = review().update(ids, reviewed=True, later=False, by=session.name)
            detail = f"gesprek bekeken: {count} vraag/vragen"
    except ValueError as error:
        return again(f"Niet opgeslagen: {error}. Laad de pagina opnieuw; misschien is het gesprek al verwijderd.")
    accounts().audit(session.name, {"labelen": "labelen"}.get(action, action.replace("_", " ")), detail)
    target = f"/review/gesprek/{conversation_of}?" if conversation_of is not None else "/review?"
    query = {"bericht": ACTIONS[action], "aantal": count}
    if conversation_of is not None:
        query["terug"] = chosen.query()
        return response.redirect(target + urlencode(query))
    return response.redirect(target + "&".join(part for part in (chosen.query(), urlencode(query)) if part))


# -- conversations ---------------------------------------------------------------------------------------------------


def conversation_page(
    session, item_id: int, chosen: Filters, *, message=None, error=None, selected=(), form=None, status=200
):
    titles = review().titles()
    everything = review().items(everything=True)
    item = next((item for item in everything if item.id == item_id), None)
    if item is None:
        raise NotFound("Dit gesprek bestaat niet (meer): gesprekken worden na de bewaartermijn verwijderd.")
    mine = [other for other in everything if other.sender == item.sender]
    feedback = [row for row in review().store.feedback() if row.sender_id == item.sender]
    talk = conversation(item.sender, mine, titles, review().tracker_db, feedback)
    return render(
        "conversation.html",
        status=status,
        title="Gesprek",
        session=session,
        titles=titles,
        talk=talk,
        focus=item_id,
        query=chosen.query(),
        choices=label_choices(titles),
        message=message,
        error=error,
        selected={str(value) for value in selected} or {str(item_id)},
        form=form or {},
    )


@blueprint.get("/gesprek/<item_id:int>")
async def conversation_view(request, item_id: int):
    session = require(request)
    if session is None:
        return to_login()
    chosen = Filters.from_query(request.args.get("terug", ""), review().titles())
    return conversation_page(session, item_id, chosen, message=notice(request))


@blueprint.get("/gesprekken")
async def conversations(request):
    """Every stored conversation with its state: questions to review, reviewed or not."""
    session = require(request)
    if session is None:
        return to_login()
    status = request.args.get("status", "open")
    status = status if status in ("open", "bekeken", "alle") else "open"
    by_sender: Dict[str, List[Item]] = {}
    for item in review().items(everything=True):
        by_sender.setdefault(item.sender, []).append(item)
    rows = []
    for items in by_sender.values():
        items.sort(key=lambda item: item.id)
        to_review = [item for item in items if item.reason and not item.reviewed]
        reviewed = all(item.reviewed for item in items if item.reason) and any(item.reviewed for item in items)
        state = "bekeken" if reviewed and not to_review else "open"
        if status != "alle" and state != status:
            continue
        rows.append(
            {"first": items[0], "last": items[-1], "count": len(items), "to_review": len(to_review), "state": state}
        )
    rows.sort(key=lambda row: row["last"].id, reverse=True)
    return render("conversations.html", title="Gesprekken", session=session, rows=rows, shown=status)


# -- audit trail and insight -----------------------------------------------------------------------------------------


@blueprint.get("/audit")
async def audit_trail(request):
    """Who did what when (logins, labels, exports, trainings, deployments, accounts): for administrators."""
    session = require(request)
    if session is None:
        return to_login()
    if not accounts().is_admin(session.name):
        raise Forbidden("Alleen een beheerder ziet het logboek.")
    return render(
        "audit.html",
        title="Logboek",
        session=session,
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
    titles = review().titles()
    items = review().items(everything=True)
    kinds = Counter(item.kind for item in items)
    shares = [
        (KIND_LABELS[kind], kinds[kind] / len(items) if items else 0.0)
        for kind in (ANSWER, CLARIFY, NO_ANSWER, HANDOFF)
    ]
    rows = review().store.feedback()
    return render(
        "insight.html",
        title="Inzicht",
        session=session,
        titles=titles,
        total=len(items),
        shares=shares,
        pairs=confused_pairs(items, titles),
        disliked=disliked(rows),
        declined=declined(items),
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
