"""Saved news pages: the article's text and its title, date, author, site and
URL, without the menus, ads and comments around it (trafilatura).

One page is one article. A page with no article text is refused with one
sentence, so a saved search page or an empty shell writes nothing; so is a
page over ``MAX_PAGE_MB``, which is not a news page and which extraction would
take minutes and gigabytes over (147 MB: past 300 s at 1.3 GB).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from .errors import HanmarkError
from .formats.records import ArticleRecord, Source
from .textclean import decode

WHAT = "saved HTML news page"
# Shorter extracts are a page's leftovers (an ad, a menu line), not an article;
# a two-sentence Korean brief is longer than this.
MIN_ARTICLE_CHARS = 60
# Saved news pages are well under 1 MB; extraction time grows faster than the page.
MAX_PAGE_MB = 20


def looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    return start.startswith((b"<!doctype html", b"<html"))


@cache
def _settings() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    for name in ("MIN_OUTPUT_SIZE", "MIN_EXTRACTED_SIZE"):
        config.set("DEFAULT", name, str(MIN_ARTICLE_CHARS))
    return config


def _page_bytes(source: Source) -> bytes:
    """The page, read no further than one byte past the cap."""
    limit = MAX_PAGE_MB * 1024 * 1024
    with source.open_binary() as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise HanmarkError(f"{source.where}: larger than {MAX_PAGE_MB} MB, which no saved news "
                           f"page is; hanmark reads HTML pages of up to {MAX_PAGE_MB} MB.")
    return data


def read_html(source: Source) -> tuple[Iterator[ArticleRecord], str]:
    """The page's main text as one record; metadata from its meta tags and markup."""
    import trafilatura  # imported here: a fifth of a second, only for HTML imports

    decoded = decode(_page_bytes(source), source.where)
    doc = trafilatura.bare_extraction(
        decoded.text, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, favor_precision=True, config=_settings())
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise HanmarkError(f"{source.where}: no article text found.")
    meta = {key: value for key in ("author", "description", "categories", "tags")
            if (value := getattr(doc, key, None))}
    record = ArticleRecord(text=text, title=doc.title or None, date=doc.date or None,
                           source=doc.sitename or doc.hostname or None, url=doc.url or None,
                           meta=meta, line=1)
    return iter([record]), decoded.encoding
