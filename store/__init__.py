"""hanmark's data layer: SQLite through sqlite-utils. Never imports Textual."""

from .errors import HanmarkError
from .models import STATES, STATUSES, Article, ArticleRow, Event, Label, NewSpan, Span
from .store import Store, article_uid

__all__ = [
    "STATES", "STATUSES", "Article", "ArticleRow", "Event", "HanmarkError", "Label",
    "NewSpan", "Span", "Store", "article_uid",
]
