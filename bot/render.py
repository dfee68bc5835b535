"""Turns an article from the store into the Dutch reply texts and the contract's `custom` payload."""
from typing import List

from bot.articles import REFERENCE
from bot.store import ArticleRow


class RenderedArticle:
    """An article with its [key] references numbered [1], [2], ... in order of first use."""

    def __init__(self, row: ArticleRow):
        self.row = row
        texts = [row.short_answer, row.answer, *row.steps, *row.caveats, row.escalation]
        used = list(dict.fromkeys(key for text in texts for key in REFERENCE.findall(text)))
        by_key = {source.key: source for source in row.sources}
        self.sources = [by_key[key] for key in used]
        self._numbers = {key: number for number, key in enumerate(used, start=1)}

    def _cite(self, text: str) -> str:
        return REFERENCE.sub(lambda match: f"[{self._numbers[match.group(1)]}]", text).strip()

    @property
    def short(self) -> str:
        return self._cite(self.row.short_answer)

    def steps(self) -> str:
        return "\n".join(f"{number}. {self._cite(step)}" for number, step in enumerate(self.row.steps, start=1))

    def source_list(self) -> str:
        lines = [
            f"[{number}] {source.title}" + (f": {source.url}" if source.url else "")
            for number, source in enumerate(self.sources, start=1)
        ]
        return "\n".join(lines)

    def escalation(self) -> str:
        return self._cite(self.row.escalation)

    def full(self) -> str:
        parts = [f"**{self.row.title}**", self.short, self._cite(self.row.answer), "**Wat te doen**", self.steps()]
        if self.row.caveats:
            parts += ["**Let op**", "\n".join(f"- {self._cite(caveat)}" for caveat in self.row.caveats)]
        parts += ["**Opschalen**", self.escalation(), "**Bronnen**", self.source_list()]
        return "\n\n".join(parts)

    def payload(self, confidence: float) -> dict:
        return {
            "type": "answer",
            "article": self.row.id,
            "title": self.row.title,
            "sources": self.source_dicts(),
            "last_verified": self.row.last_verified.isoformat(),
            "confidence": round(float(confidence), 4),
        }

    def source_dicts(self) -> List[dict]:
        return [{"title": source.title, "url": source.url} for source in self.sources]
