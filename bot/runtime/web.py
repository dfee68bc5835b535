"""The web server on WEB_PORT: the intranet demo page with the chat widget, the widget's files, and the trainer
review under /review."""
from string import Template

from sanic import Sanic, response

from bot import settings
from bot.review.pages import blueprint as review

WIDGET_DIR = settings.ROOT / "widget"


def create_app(rasa_url: str = None) -> Sanic:
    app = Sanic("baliegids_web")
    rasa_url = rasa_url or settings.PUBLIC_RASA_URL
    page = Template((WIDGET_DIR / "demo.html").read_text(encoding="utf-8")).substitute(
        rasa_url=rasa_url, widget_url=f"http://{settings.HOST}:{settings.WEB_PORT}/widget/baliegids.js"
    )

    @app.get("/")
    async def index(request):
        return response.html(page)

    for name in ("baliegids.js", "baliegids.css"):
        app.static(f"/widget/{name}", WIDGET_DIR / name, name=name.replace(".", "_"))
    app.blueprint(review)
    return app


if __name__ == "__main__":
    create_app().run(host=settings.HOST, port=settings.WEB_PORT, access_log=False)
