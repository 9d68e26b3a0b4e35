"""hanmark's data layer: SQLite through sqlite-utils. Never imports Textual."""

from .articles import article_uid
from .errors import HanmarkError
from .models import STATES, STATUSES, Article, ArticleRow, Event, Label, NewSpan, Span
from .store import Store

__all__ = [
    "STATES", "STATUSES", "Article", "ArticleRow", "Event", "HanmarkError", "Label",
    "NewSpan", "Span", "Store", "article_uid",
]
