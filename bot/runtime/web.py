"""The web server on WEB_PORT: the intranet demo page with the chat widget, the widget's files, the source documents
the answers cite by line (/bronnen/<file>), and the trainer review under /review."""

import asyncio
import logging
import re
from pathlib import Path
from string import Template

import jinja2
from sanic import Sanic, response
from sanic.exceptions import NotFound

from bot import settings
from bot.knowledge.articles import load_documents
from bot.privacy.retention import purge
from bot.review.local_pages import blueprint as review_local
from bot.review.model_pages import blueprint as review_model
from bot.review.pages import blueprint as review

logger = logging.getLogger(__name__)
WIDGET_DIR = settings.ROOT / "widget"
DAY_SECONDS = 24 * 3600
LINES = re.compile(r"^(\d+)(?:-(\d+))?$")
templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)


def create_app(rasa_url: str = None) -> Sanic:
    app = Sanic("baliegids_web")
    rasa_url = rasa_url or settings.PUBLIC_RASA_URL
    page = Template((WIDGET_DIR / "demo.html").read_text(encoding="utf-8")).substitute(
        rasa_url=rasa_url, widget_url=f"http://{settings.HOST}:{settings.WEB_PORT}/widget/baliegids.js"
    )

    @app.get("/")
    async def index(request):
        return response.html(page)

    @app.get("/health")
    async def health(request):
        """For a load balancer or systemd: the web server answers (the Rasa server's is /webhooks/rest/)."""
        return response.json({"status": "ok"})

    documents = {name: document for name, document in load_documents().items() if document.shipped}

    @app.get("/bronnen/<name>")
    async def source_document(request, name: str):
        """A shipped document with numbered lines, the cited ones (?regels=413-416) marked."""
        document = documents.get(name)
        if document is None:
            raise NotFound("Dit document staat niet in de bronnen van Baliegids.")
        lines = (settings.SEEDS_DIR / name).read_text(encoding="utf-8").splitlines()
        match = LINES.match(request.args.get("regels", ""))
        cited = (int(match.group(1)), int(match.group(2) or match.group(1))) if match else None
        page = templates.get_template("document.html").render(document=document, lines=lines, cited=cited)
        return response.html(page)

    for name in ("baliegids.js", "baliegids.css"):
        app.static(f"/widget/{name}", WIDGET_DIR / name, name=name.replace(".", "_"))
    app.blueprint(review)
    app.blueprint(review_local)
    app.blueprint(review_model)
    policy = (
        f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"connect-src 'self' {rasa_url}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )

    @app.on_response
    async def security_headers(request, reply):
        """No framing, no sniffing, no referrer to elsewhere; the review pages are never cached (they show
        conversations)."""
        reply.headers.update(
            {
                "Content-Security-Policy": policy,
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin",
            }
        )
        if request.path.startswith("/review"):
            reply.headers["Cache-Control"] = "no-store"

    @app.after_server_start
    async def keep_to_the_retention_period(app, _loop):
        app.add_task(daily_purge())

    return app


async def daily_purge() -> None:
    """The retention period while the server runs (the launcher applies it at start)."""
    while True:
        await asyncio.sleep(DAY_SECONDS)
        try:
            await asyncio.get_running_loop().run_in_executor(None, purge)
        except Exception:
            logger.exception("Bewaartermijn: opruimen mislukt; volgende poging over een dag")


if __name__ == "__main__":
    create_app().run(host=settings.HOST, port=settings.WEB_PORT, access_log=False)
