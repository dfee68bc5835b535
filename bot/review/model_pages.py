"""The kennisbeheerder's model page (/review/model): retraining from the page with a progress bar (one run at a time,
in a process of its own: bot/training/retrain.py), the before/after figures, and putting a model in use on
confirmation, with a warning for one that scores worse on the held-out set. Same login as /review.

Also Rasa's model server (GET /review/rasa-model, with the Rasa API token instead of a login): every Rasa worker
fetches the model in use from here (bot/training/models.py)."""

import asyncio
import datetime
import secrets
import subprocess
from functools import cache
from typing import Dict, Optional
from urllib.parse import urlencode

from sanic import Blueprint, response

from bot import settings
from bot.review.pages import accounts, notice, render, require, review, to_login
from bot.training import retrain
from bot.training.models import DONE, RUNNING, Busy, Models, deployment, expected_workers, rasa_token

blueprint = Blueprint("review_model", url_prefix="/review")
_workers: Dict[int, subprocess.Popen] = {}  # training processes this web server started (reaped when they end)


@cache
def models() -> Models:
    return Models(review().store)


def reap() -> None:
    for run_id, process in list(_workers.items()):
        if process.poll() is not None:
            del _workers[run_id]


def run_status(run) -> Optional[dict]:
    if run is None:
        return None
    end = run.finished or datetime.datetime.utcnow()
    return {
        "id": run.id,
        "state": run.state,
        "stage": run.stage or "",
        "progress": round((run.progress or 0) * 100),
        "seconds": int((end - run.started).total_seconds()),
        "message": run.message or "",
        "by": run.started_by,
    }


def deployment_status() -> Optional[dict]:
    current = deployment(models())
    if current is None:
        return None
    return {
        "state": current.state,
        "text": current.text,
        "model": current.row.id if current.row else None,
        "downloads": current.downloads,
        "expected": current.expected,
    }


def model_page(session, *, message=None, error=None, status=200):
    reap()
    titles = review().titles()
    run = models().latest_run()
    finished = next((row for row in models().runs() if row.state == DONE), None)
    labelled = {}
    if finished is not None and finished.results:
        labels = review().labels()
        labelled = {entry["id"]: labels.get(entry["id"]) for entry in finished.results.get("labelled", [])}
    current = deployment(models())
    return render(
        "model.html",
        status=status,
        title="Model",
        session=session,
        titles=titles,
        run=run,
        running=run is not None and run.state == RUNNING,
        progress=run_status(run),
        finished=finished,
        labelled=labelled,
        deployment=current,
        active=models().active(),
        recent=models().recent(),
        pending=review().pending_export(),
        message=message,
        error=error,
        outcome_labels={
            "goed": "goed",
            "fout": "fout",
            "verduidelijking": "verduidelijking gevraagd",
            "geweigerd": "geweigerd",
        },
    )


@blueprint.get("/model")
async def model_view(request):
    session = require(request)
    if session is None:
        return to_login()
    return model_page(session, message=notice(request))


@blueprint.get("/model/status.json")
async def model_status(request):
    """For the page's progress bar (review.js asks every two seconds)."""
    if require(request) is None:
        return response.json({"fout": "niet ingelogd"}, status=401)
    reap()
    return response.json({"run": run_status(models().latest_run()), "deployment": deployment_status()})


@blueprint.post("/model/trainen")
async def start_training(request):
    session = require(request, post=True)
    if session is None:
        return to_login()
    try:
        run = models().start_run(session.name)
    except Busy as busy:
        return model_page(session, error=str(busy), status=409)
    try:
        _workers[run.id] = retrain.spawn(run.id)
    except OSError as error:
        models().finish(run.id, "mislukt", message=f"De training kon niet starten: {error}")
        return model_page(session, error=f"De training kon niet starten: {error}", status=500)
    accounts().audit(session.name, "hertrainen gestart", f"training {run.id}")
    return response.redirect("/review/model?bericht=gestart")


@blueprint.post("/model/exporteren")
async def export(request):
    session = require(request, post=True)
    if session is None:
        return to_login()
    written = review().export()
    accounts().audit(session.name, "exporteren", f"{len(written)} voorbeeld(en) naar de trainingsdata")
    return response.redirect(
        "/review/model?" + urlencode({"bericht": "geexporteerd" if written else "niets", "aantal": len(written)})
    )


@blueprint.post("/model/in-gebruik")
async def deploy(request):
    session = require(request, post=True)
    if session is None:
        return to_login()
    value = request.form.get("model", "")
    row = models().get(int(value)) if value.isdigit() else None
    if row is None:
        return model_page(session, error="Dit model bestaat niet (meer). Kies een model uit de lijst.", status=400)
    run = models().run(row.run_id) if row.run_id else None
    if run is not None and run.worse and not request.form.get("ook_slechter"):
        return model_page(
            session,
            error="Niet in gebruik genomen: dit model scoort slechter op de testset dan het model dat nu in gebruik "
            "is. Vink aan dat je het toch wilt, als je weet waarom.",
            status=400,
        )
    active = models().active()
    models().deploy(row.id, session.name)
    if active is not None and active.fingerprint == row.fingerprint:  # the workers have it already
        for _ in range(expected_workers()):
            models().downloaded(row.id)
    accounts().audit(
        session.name,
        "model in gebruik",
        f"model {row.id} (training {row.run_id or '-'}, getraind {row.trained_at or '?'})"
        + (" ondanks slechtere score" if run is not None and run.worse else ""),
    )
    return response.redirect("/review/model?bericht=in_gebruik")


@blueprint.get("/rasa-model")
async def rasa_model(request):
    """Rasa's model server (endpoints `models:`): 304 while the worker has the model in use, else that model."""
    token = request.args.get("token", "")
    expected = rasa_token()
    if not expected or not secrets.compare_digest(token, expected):
        return response.text("Geen toegang.", status=401)
    active = await asyncio.get_running_loop().run_in_executor(None, models().active)
    if active is None:
        return response.text("Nog geen model.", status=404)
    has = request.headers.get("If-None-Match", "").replace("W/", "").strip().strip('"')
    if has == active.fingerprint:
        return response.empty(status=304)
    headers = {"ETag": f'"{active.fingerprint}"', "filename": f"{settings.MODEL_NAME}.tar.gz"}
    if active.row is None:  # the model file: sent in chunks, not held in the web server's memory
        return await response.file_stream(active.path, mime_type="application/gzip", headers=headers)
    data = await asyncio.get_running_loop().run_in_executor(None, active.data, models())
    models().downloaded(active.row.id)
    return response.raw(data, content_type="application/gzip", headers=headers)
