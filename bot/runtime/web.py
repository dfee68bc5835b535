"""The web server on WEB_PORT: the intranet demo page with the chat widget, the widget's files, the source documents
the answers cite by line (/bronnen/<file>), and the trainer review under /review."""

import re
from pathlib import Path
from string import Template

import jinja2
from sanic import Sanic, response
from sanic.exceptions import NotFound

from bot import settings
from bot.knowledge.articles import load_documents
from bot.review.pages import blueprint as review

WIDGET_DIR = settings.ROOT / "widget"
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
    return app


if __name__ == "__main__":
    create_app().run(host=settings.HOST, port=settings.WEB_PORT, access_log=False)
