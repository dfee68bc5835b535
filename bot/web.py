"""The web server on WEB_PORT: the intranet demo page (the chat widget follows) and, later, the trainer review."""
from sanic import Sanic, response

from bot import settings

PAGE = """<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>Baliegids</title></head>
<body>
<main>
<h1>Baliegids</h1>
<p>De assistent draait. Stel vragen via het REST-kanaal op poort {rasa_port}
(<code>POST /webhooks/rest/webhook</code>). De chatwidget voor het intranet komt op deze pagina.</p>
</main>
</body>
</html>
"""


def create_app() -> Sanic:
    app = Sanic("baliegids_web")

    @app.get("/")
    async def index(request):
        return response.html(PAGE.format(rasa_port=settings.RASA_PORT))

    return app


if __name__ == "__main__":
    create_app().run(host=settings.HOST, port=settings.WEB_PORT, access_log=False)
