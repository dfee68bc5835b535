"""Reply building blocks shared by the custom actions: article answers, buttons and the contract's payloads."""
from typing import List, Optional

from bot.contacts import contact_for, describe, load_contacts
from bot.render import RenderedArticle
from bot.store import ArticleRow, Store

# Articles with a decision aid (actions/decision_aids.py) offer it as a button.
DECISION_AIDS = {
    "brp_briefadres_opvang": {"title": "Keuzehulp: welke route?", "payload": "/start_briefadres_hulp"},
    "wonen_urgentie_geen_binding": {"title": "Keuzehulp urgentie", "payload": "/start_urgentie_hulp"},
    "kvk_adres_afschermen": {"title": "Keuzehulp afschermen", "payload": "/start_kvk_hulp"},
}
FEEDBACK_BUTTONS = [
    {"title": "👍", "payload": "/feedback_up"},
    {"title": "👎", "payload": "/feedback_down"},
]


class Replies:
    """Knows the store and the contacts; turns them into dispatcher arguments."""

    def __init__(self, store: Store = None, contacts: dict = None):
        self.store = store or Store()
        self.contacts = contacts or load_contacts()

    def article(self, article_id: str) -> Optional[ArticleRow]:
        return self.store.article(article_id)

    def article_buttons(self, ids: List[str]) -> List[dict]:
        titles = self.store.titles()
        return [{"title": titles[article_id], "payload": f"/{article_id}"} for article_id in ids if article_id in titles]

    def answer(self, row: ArticleRow, text: str, confidence: float, buttons: List[dict] = None) -> dict:
        """An `answer` reply from `row`: text, buttons (related articles and feedback) and payload."""
        rendered = RenderedArticle(row)
        return {
            "text": text,
            "buttons": (self.article_buttons(row.related) if buttons is None else buttons) + FEEDBACK_BUTTONS,
            "json_message": rendered.payload(confidence),
        }

    def full_answer(self, row: ArticleRow, confidence: float) -> dict:
        aid = [DECISION_AIDS[row.id]] if row.id in DECISION_AIDS else []
        return self.answer(row, RenderedArticle(row).full(), confidence, aid + self.article_buttons(row.related))

    def contact(self, audience: str) -> dict:
        return contact_for(audience, self.contacts)

    def contact_text(self, audience: str) -> str:
        return describe(self.contact(audience))
