"""The kennisbeheerder's pages for local additions (/review/lokaal): per article the national places that point to
local policy and the municipality's own additions, a form to add or change one with Dutch validation messages and a
preview of the answer as the clerk sees it, and the history of who changed what when. Same login as /review."""

from functools import cache

from sanic import Blueprint, response

from bot.knowledge.local import STANCES, LocalAdditions, LocalError, local_places
from bot.knowledge.replies import first_sentence
from bot.review.pages import accounts, render, require, to_login

blueprint = Blueprint("review_local", url_prefix="/review/lokaal")
FORM_FIELDS = ("text", "source_title", "source_url", "version_date", "stance", "last_verified")


@cache
def additions() -> LocalAdditions:
    return LocalAdditions()


def preview(fields: dict) -> dict:
    """How the addition will read in the answer: its line in the default answer, and the local section."""
    text = STANCES.get(fields.get("stance"), "") + " ".join((fields.get("text") or "").split())
    return {"line": f"In onze gemeente: {first_sentence(text)}", "section": text}


@blueprint.get("")
async def overview(request):
    session = require(request)
    if session is None:
        return to_login()
    articles = additions().store.articles()
    grouped = additions().by_article()
    rows = [(row, grouped.get(row.id, []), local_places(row)) for row in articles.values()]
    return render("local.html", title="Lokaal beleid", session=session, rows=rows)


@blueprint.get("/<article_id>")
async def article_page(request, article_id: str, errors: str = None, fields: dict = None, status: int = 200):
    session = require(request)
    if session is None:
        return to_login()
    row = additions().store.articles().get(article_id)
    if row is None:
        return response.html("Onbekend artikel.", status=404)
    editing = request.args.get("wijzig", "")
    current = next((item for item in additions().by_article().get(article_id, []) if str(item.id) == editing), None)
    values = fields or (
        {field: getattr(current, field) for field in FORM_FIELDS} if current else {"stance": "aanvulling"}
    )
    return render(
        "local_article.html",
        status=status,
        title=f"Lokaal beleid: {row.title}",
        session=session,
        article=row,
        items=additions().by_article().get(article_id, []),
        places=local_places(row),
        history=additions().history(article_id),
        stances=STANCES,
        values=values,
        editing=current.id if current else None,
        errors=errors,
        preview=preview(values) if values.get("text") else None,
        saved=request.args.get("opgeslagen"),
    )


@blueprint.post("/<article_id>")
async def save(request, article_id: str):
    session = require(request, post=True)
    if session is None:
        return to_login()
    fields = {field: request.form.get(field, "").strip() for field in FORM_FIELDS}
    fields = {key: value for key, value in fields.items() if value}
    if request.form.get("actie") == "voorbeeld":
        return await article_page(request, article_id, fields=fields)
    try:
        if request.form.get("id"):
            additions().change(session.name, int(request.form.get("id")), article_id=article_id, **fields)
        else:
            additions().add(session.name, article_id=article_id, **fields)
    except (LocalError, ValueError) as error:  # nothing is saved; the form keeps what was typed
        return await article_page(request, article_id, errors=str(error), fields=fields, status=400)
    accounts().audit(session.name, "lokaal beleid", f"{article_id}: aanvulling opgeslagen")
    return response.redirect(f"/review/lokaal/{article_id}?opgeslagen=1")


@blueprint.post("/<article_id>/verwijder")
async def remove(request, article_id: str):
    session = require(request, post=True)
    if session is None:
        return to_login()
    if request.form.get("id", "").isdigit():
        additions().remove(session.name, int(request.form["id"]))
        accounts().audit(session.name, "lokaal beleid", f"{article_id}: aanvulling verwijderd")
    return response.redirect(f"/review/lokaal/{article_id}")
