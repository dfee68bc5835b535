"""Reply building blocks shared by the custom actions: article answers, buttons and the contract's payloads."""

import re
from typing import List, Optional, Tuple

from bot.contract import FEEDBACK_DOWN, FEEDBACK_UP, LOW_CONFIDENCE, payload
from bot.knowledge.articles import load_documents
from bot.knowledge.contacts import contact_for, describe, load_contacts
from bot.knowledge.decision_aids import load_decision_aids
from bot.knowledge.local import CITATION, STANCES, LocalAdditions, local_places
from bot.knowledge.render import (
    DEFAULT_CLOSED,
    LOCAL,
    SOURCES,
    RenderedArticle,
    article_texts,
    as_text,
    section,
)
from bot.knowledge.store import ArticleRow, SourceRow, Store, source_row

CHANGED_LAW, UNSURE = "wetswijziging", "zekerheid"

LOCAL_LINE = "lokaal_kort"  # the first local addition's first sentence, in the default answer


LOCAL_MARKER = re.compile(r"\s*(\[lokaal-\d+\])")


def first_sentence(text: str) -> str:
    """The first sentence of a local addition, still citing the addition's source."""
    markers = " ".join(dict.fromkeys(LOCAL_MARKER.findall(text)))
    head, dot, rest = LOCAL_MARKER.sub("", text).strip().partition(". ")
    return f"{head}{dot.strip()}{' …' if rest.strip() else ''} {markers}".strip()


def feedback_buttons(article_id: str) -> List[dict]:
    """👍 / 👎 that name the article of the message they are given on (not whatever the latest answer is)."""
    return [
        {"title": "👍", "payload": payload(FEEDBACK_UP, article=article_id)},
        {"title": "👎", "payload": payload(FEEDBACK_DOWN, article=article_id)},
    ]


class Replies:
    """Knows the articles and the contacts; turns them into dispatcher arguments."""

    def __init__(self, store: Store = None, contacts: dict = None):
        self.store = store or Store()
        # The knowledge base is loaded before the action server starts and does not change while it runs.
        self.articles = self.store.articles()
        self.local = LocalAdditions(self.store, self.articles)  # its tables made once, here
        self.local_places = {article_id: local_places(row) for article_id, row in self.articles.items()}
        self.contacts = contacts or load_contacts()
        self.decision_aids = load_decision_aids(
            {row.id: [source.key for source in row.sources] for row in self.articles.values()}
        )
        documents = load_documents()
        # A decision aid's own sources, as the store keeps an article's (numbered after the article's).
        self.decision_aid_sources = {
            aid.id: [
                source_row(position, kind, item, documents)
                for position, (kind, item) in enumerate(
                    [("wet", basis) for basis in aid.legal_basis] + [("bron", source) for source in aid.sources]
                )
            ]
            for aid in self.decision_aids.values()
        }
        self.aid_buttons = {
            aid.article: {"title": aid.title, "payload": payload(aid.start_intent)}
            for aid in self.decision_aids.values()
        }

    def article(self, article_id: str) -> Optional[ArticleRow]:
        return self.articles.get(article_id)

    def ids_in_domain(self, domain: str) -> List[str]:
        return [row.id for row in self.articles.values() if row.domain == domain]

    def article_buttons(self, ids: List[str]) -> List[dict]:
        return [{"title": self.articles[id_].title, "payload": payload(id_)} for id_ in ids if id_ in self.articles]

    def answer(
        self,
        rendered: RenderedArticle,
        sections: List[dict],
        confidence: float,
        heading: str = None,
        buttons: List[dict] = None,
        sources: List[dict] = None,
    ) -> dict:
        """An `answer` reply: the sections (under the article's title, or `heading`) and the sources they cite (or
        `sources`, then also listed in the text), buttons (related articles unless given, then feedback), as text
        and as the contract's payload."""
        if buttons is None:
            buttons = self.article_buttons(rendered.row.related)
        sections = self.notices(rendered.row.id) + sections
        reply = {
            **rendered.payload(confidence, sections),
            "sources": rendered.cited(sections) if sources is None else sources,
        }
        if heading:
            reply["heading"] = heading
        return {
            "text": as_text(heading or rendered.row.title, sections, sources or []),
            "buttons": buttons + feedback_buttons(rendered.row.id),
            "json_message": reply,
        }

    def notices(self, article_id: str) -> List[dict]:
        """One line per citation of the article that `make check-law` found stale: the law changed, the answer is
        being checked. Read at every answer, so a nightly check takes effect at once (one small query)."""
        return [
            section(
                CHANGED_LAW,
                "",
                text=f"Let op: {row.citation} heeft sinds {row.changed_on.isoformat()} een nieuwe tekst; dit antwoord "
                "wordt daarop gecontroleerd. Twijfel je, vraag je specialist.",
            )
            for row in self.store.stale_citations().get(article_id, [])
        ]

    def with_local(self, row: ArticleRow) -> Tuple[RenderedArticle, List[str]]:
        """The article with its municipality's local additions (read at every answer: the kennisbeheerder edits them
        while the servers run), and the additions' texts, citing their own sources after the article's."""
        additions = self.local.by_article().get(row.id, [])
        texts = [STANCES[item.stance] + item.text.replace(CITATION, f"[lokaal-{item.id}]") for item in additions]
        sources = [
            SourceRow(
                key=f"lokaal-{item.id}",
                kind="lokaal",
                url=item.source_url,
                title=f"{item.source_title} (versie {item.version_date.isoformat()}, nagekeken "
                f"{item.last_verified.isoformat()})",
            )
            for item in additions
        ]
        return RenderedArticle(row, texts=article_texts(row) + texts, extra_sources=sources), texts

    def local_sections(self, row: ArticleRow, rendered: RenderedArticle, texts: List[str], open_: bool) -> List[dict]:
        """The local additions as one section; without any where the national text points to local policy, a section
        that says so and whom to ask."""
        if texts:
            return [section(LOCAL, items=[rendered.cite(text) for text in texts], open_=open_)]
        places = self.local_places[row.id]
        if not places:
            return []
        ask = self.contact(row.audience)["role"]
        return [
            section(
                LOCAL,
                "In onze gemeente: nog niet vastgelegd",
                open_=open_,
                text=(
                    f'Het landelijke antwoord laat hier ruimte voor lokaal beleid ("{places[0]}"), maar jullie '
                    f"gemeente heeft dat nog niet in Baliegids gezet. Vraag het {ask[0].lower() + ask[1:]}."
                ),
            )
        ]

    def default_answer(self, row: ArticleRow, confidence: float) -> dict:
        """Sized for the counter: the short answer, a line of local policy, the steps and whom to ask open;
        explanation, caveats, the local section and all sources closed (in place where the channel can, else behind
        a button per section)."""
        rendered, local = self.with_local(row)
        unsure = (
            [
                section(
                    UNSURE,
                    "",
                    text="Ik weet niet zeker of dit je vraag is. Klopt het onderwerp niet, stel je vraag "
                    "dan anders of geef 👎.",
                )
            ]
            if 0 < confidence < LOW_CONFIDENCE
            else []
        )
        local_line = (
            [section(LOCAL_LINE, "", text="In onze gemeente: " + rendered.cite(first_sentence(local[0])))]
            if local
            else []
        )
        article = rendered.sections(closed=DEFAULT_CLOSED)
        sections = (
            unsure
            + article[:1]
            + local_line
            + article[1:]
            + self.local_sections(row, rendered, local, open_=False)
            + [section(SOURCES, open_=False) | {"cites": [source["number"] for source in rendered.sources]}]
        )
        aid = [self.aid_buttons[row.id]] if row.id in self.aid_buttons else []
        closed = [{"title": part["title"], "payload": part["payload"]} for part in sections if part["payload"]]
        return self.answer(rendered, sections, confidence, buttons=aid + closed + self.article_buttons(row.related))

    def contact(self, audience: str) -> dict:
        return contact_for(audience, self.contacts)

    def contact_text(self, audience: str) -> str:
        return describe(self.contact(audience))
