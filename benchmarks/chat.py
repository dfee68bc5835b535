"""One conversation over the REST channel, as the widget and the acceptance checks talk to the assistant; the tests
and the benchmark use it."""

import requests


class Chat:
    def __init__(self, base_url: str, sender: str):
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.sender = sender

    def send(self, message: str) -> list:
        reply = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def ask(self, message: str) -> dict:
        """The reply's single `custom` object, with the text of the reply added as `_text`."""
        messages = self.send(message)
        customs = [item["custom"] for item in messages if "custom" in item]
        assert len(customs) == 1, f"verwacht precies één custom-bericht, kreeg {messages}"
        return {**customs[0], "_text": "\n".join(item.get("text", "") for item in messages)}
