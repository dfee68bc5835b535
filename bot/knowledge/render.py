"""The one reply model: an article from the store as numbered sources and sections, which every channel renders
(the contract's `custom` payload), plus the same reply as plain text for clients that read only `text`.

The default answer fits the counter: the short answer, what to do at the counter and whom to ask are open; the
explanation, the caveats and all sources are one click (a disclosure, or the section's follow-up) away."""

import re
from typing import Dict, Iterable, List, Optional

from bot import settings
from bot.contract import ANSWER, ASK_CAVEATS, ASK_EXPLANATION, ASK_LOCAL, ASK_SOURCE, payload
from bot.knowledge.articles import REFERENCE
from bot.knowledge.store import ArticleRow

# Section keys, in the order an article shows them, with their headings ("" for the short answer: no heading).
SHORT, STEPS, ESCALATION, EXPLANATION, CAVEATS, LOCAL, SOURCES = (
    "kort",
    "stappen",
    "opschalen",
    "uitleg",
    "voorbehouden",
    "lokaal",
    "bronnen",
)
HEADINGS = {
    SHORT: "",
    STEPS: "Aan de balie",
    ESCALATION: "Opschalen",
    EXPLANATION: "Uitleg",
    CAVEATS: "Voorbehouden",
    LOCAL: "In onze gemeente",
    SOURCES: "Alle bronnen",
}
DEFAULT_OPEN = (SHORT, STEPS, ESCALATION)
DEFAULT_CLOSED = (EXPLANATION, CAVEATS)
# The follow-up that shows a closed section on its own (a button in Slack, typed text everywhere).
FOLLOW_UPS = {EXPLANATION: ASK_EXPLANATION, CAVEATS: ASK_CAVEATS, LOCAL: ASK_LOCAL, SOURCES: ASK_SOURCE}
MARKER = re.compile(r"\[(\d+)\]")  # a numbered citation in rendered text
ADJACENT_MARKERS = re.compile(r"\]\s+\[")


def source_url(source) -> Optional[str]:
    """Where a reader opens a source: the web page, or the cited lines of a shipped document on our web server."""
    if source.seed:
        first = source.lines.split("-")[0]
        return f"{settings.PUBLIC_WEB_URL}/bronnen/{source.seed}?regels={source.lines}#r{first}"
    return source.url


def section(
    key: str, heading: str = None, text: str = None, items: List[str] = None, numbered: bool = False, open_: bool = True
) -> dict:
    """One section of a reply: a text (paragraphs split by a blank line) or a list of items; `open` is whether a
    channel shows it right away or behind a disclosure; `cites` the source numbers it cites; `payload` the follow-up
    that shows it on its own (for a closed section)."""
    texts = [text or "", *(items or [])]
    return {
        "key": key,
        "title": HEADINGS.get(key, "") if heading is None else heading,
        "text": text,
        "items": items,
        "numbered": numbered,
        "open": open_,
        "cites": sorted({int(number) for part in texts for number in MARKER.findall(part)}),
        "payload": None if open_ or key not in FOLLOW_UPS else payload(FOLLOW_UPS[key]),
    }


def as_text(title: Optional[str], sections: Iterable[dict], sources: List[dict] = ()) -> str:
    """A reply's open sections as one markdown-light text: **bold** headings, numbered steps, "- " bullets, and the
    source list when `sources` are given."""
    parts = [f"**{title}**"] if title else []
    for part in sections:
        if not part["open"]:
            continue
        if part["title"]:
            parts.append(f"**{part['title']}**")
        if part["text"]:
            parts.append(part["text"])
        if part["items"]:
            parts.append(
                "\n".join(
                    f"{number}. {item}" if part["numbered"] else f"- {item}"
                    for number, item in enumerate(part["items"], start=1)
                )
            )
    if sources:
        parts.append(
            "\n".join(
                f"[{source['number']}] {source['title']}" + (f": {source['url']}" if source["url"] else "")
                for source in sources
            )
        )
    return "\n\n".join(parts)


def sources_shown(custom: dict) -> List[dict]:
    """The sources a channel lists under an answer: those its open sections cite when all of them are one click
    away (an "Alle bronnen" section), else all of the answer's sources."""
    if not any(part["key"] == SOURCES for part in custom["sections"]):
        return custom["sources"]
    cited = {number for part in custom["sections"] if part["open"] for number in part["cites"]}
    return [source for source in custom["sources"] if source["number"] in cited]


def article_texts(row: ArticleRow) -> List[str]:
    """An article's text units in the order its citations are numbered (the default answer's first)."""
    return [row.short_answer, *row.steps, row.escalation, row.answer, *row.caveats]


class RenderedArticle:
    """An article with its [key] references numbered [1], [2], ... in order of first use."""

    def __init__(self, row: ArticleRow, texts: List[str] = None, extra_sources: Iterable = ()):
        """`texts`: what is cited (the article's own text units unless given); `extra_sources`: sources besides the
        article's, such as a decision aid's own."""
        self.row = row
        texts = texts or article_texts(row)
        used = list(dict.fromkeys(key for text in texts for key in REFERENCE.findall(text)))
        by_key = {source.key: source for source in [*row.sources, *extra_sources]}
        self._numbers = {key: number for number, key in enumerate(used, start=1)}
        self.sources = [
            {"number": self._numbers[key], "title": by_key[key].title, "url": source_url(by_key[key])} for key in used
        ]

    def cite(self, text: str) -> str:
        """The text with its [key] references as numbers; adjacent ones joined ("[1][2]")."""
        numbered = REFERENCE.sub(lambda match: f"[{self._numbers[match.group(1)]}]", text).strip()
        return ADJACENT_MARKERS.sub("][", numbered)

    @property
    def short(self) -> str:
        return self.cite(self.row.short_answer)

    def sections(self, keys: Iterable[str] = DEFAULT_OPEN + DEFAULT_CLOSED, closed: Iterable[str] = ()) -> List[dict]:
        """The article's sections named by `keys`, in that order; those in `closed` behind a disclosure."""
        row, closed = self.row, set(closed)
        content: Dict[str, dict] = {
            SHORT: {"text": self.short},
            STEPS: {"items": [self.cite(step) for step in row.steps], "numbered": True},
            ESCALATION: {"text": self.cite(row.escalation)},
            EXPLANATION: {"text": self.cite(row.answer)},
            CAVEATS: {"items": [self.cite(caveat) for caveat in row.caveats]},
        }
        return [
            section(key, open_=key not in closed, **content[key])
            for key in keys
            if content[key].get("text") or content[key].get("items")
        ]

    def cited(self, sections: Iterable[dict]) -> List[dict]:
        """The sources the given sections cite, in number order."""
        numbers = {number for part in sections for number in part["cites"]}
        return [source for source in self.sources if source["number"] in numbers]

    def payload(self, confidence: float, sections: List[dict]) -> dict:
        """The contract's `answer` object (docs/contract.md), with the sections a channel renders."""
        return {
            "type": ANSWER,
            "article": self.row.id,
            "title": self.row.title,
            "sources": self.sources,
            "last_verified": self.row.last_verified.isoformat(),
            "confidence": round(float(confidence), 4),
            "sections": sections,
        }
