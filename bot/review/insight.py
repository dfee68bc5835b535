"""Insight from real traffic that leads to an action: the article pairs the assistant confuses, the articles with the
most 👎 by reason, and the questions it declines most often (candidates for a new article). Each figure names the
inbox filter that lists the questions behind it."""

from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

from bot.contract import CLARIFY, FEEDBACK_REASONS, NO_ANSWER
from bot.review.inbox import Group, Item, grouped


def pair_of(item: Item, articles: Mapping[str, str]) -> Optional[Tuple[str, str]]:
    """The two articles a question shows the assistant confusing, sorted: the predicted article and the trainer's
    label when they differ, or the best candidate of a clarify reply and the one the clerk picked (the second
    candidate when she picked the first or none)."""
    if item.label in articles and item.predicted in articles and item.label != item.predicted:
        return tuple(sorted((item.predicted, item.label)))
    candidates = [candidate for candidate in item.candidates if candidate in articles]
    if item.kind == CLARIFY and len(candidates) >= 2:
        other = item.chosen if item.chosen in candidates and item.chosen != candidates[0] else candidates[1]
        return tuple(sorted((candidates[0], other)))
    return None


@dataclass
class Pair:
    articles: Tuple[str, str]
    items: List[Item]

    @property
    def query(self) -> str:
        return "+".join(self.articles)


def confused_pairs(items: Iterable[Item], articles: Mapping[str, str], top: int = 10) -> List[Pair]:
    pairs: Dict[Tuple[str, str], List[Item]] = {}
    for item in items:
        pair = pair_of(item, articles)
        if pair:
            pairs.setdefault(pair, []).append(item)
    ranked = sorted(pairs.items(), key=lambda entry: (-len(entry[1]), entry[0]))
    return [Pair(pair, members) for pair, members in ranked[:top]]


@dataclass
class Disliked:
    article: str
    up: int
    down: int
    reasons: Dict[str, int]  # reason key -> count


def disliked(rows, top: int = 10) -> List[Disliked]:
    """Articles with the most 👎, with the count per reason (bot.contract.FEEDBACK_REASONS; 'zonder reden' as '')."""
    ratings = Counter((row.article_id, row.rating) for row in rows if row.article_id)
    reasons = Counter((row.article_id, row.reason or "") for row in rows if row.rating == "down" and row.article_id)
    articles = {article for article, _ in ratings}
    table = [
        Disliked(
            article,
            ratings[(article, "up")],
            ratings[(article, "down")],
            {key: reasons[(article, key)] for key in [*FEEDBACK_REASONS, ""]},
        )
        for article in articles
    ]
    table.sort(key=lambda row: (-row.down, row.article))
    return [row for row in table if row.down][:top]


def declined(items: Iterable[Item], top: int = 10) -> List[Group]:
    """Questions the assistant gave no answer to, grouped, most often first: candidates for a new article."""
    groups = grouped([item for item in items if item.kind == NO_ANSWER])
    groups.sort(key=lambda group: (-group.count, -group.first.id))
    return groups[:top]
