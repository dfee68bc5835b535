"""The one Replies object the actions share; created on first use so importing the actions stays cheap."""
from functools import lru_cache

from bot.replies import Replies


@lru_cache(maxsize=None)
def replies() -> Replies:
    return Replies()


def last_article(tracker):
    article_id = tracker.get_slot("article")
    return replies().article(article_id) if article_id else None
