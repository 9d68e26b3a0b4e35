"""Kiwi sentences and morpheme edges for the sentence and token export
formats (store/formats cannot import nlp, so the export takes this as its
segmenter). Analyses come from the database cache; missing ones are made in
batches and cached."""

from __future__ import annotations

from hanmark.store import Article, Store

from .analyzer import Analysis, Analyzer, get_analyzer


def kiwi_segmenter(store: Store, analyzer: Analyzer | None = None):
    """A ``store.formats.export.Segmenter`` backed by Kiwi and the analysis cache."""
    analyzer = analyzer or get_analyzer()

    def segment(articles: list[Article]) -> list[tuple[list[tuple[int, int]], list[int]]]:
        version = analyzer.version
        found: dict[str, Analysis] = {}
        missing = []
        for article in articles:
            cached = store.analyses.get(article.uid, version)
            if cached is None:
                missing.append(article)
            else:
                found[article.uid] = Analysis.from_json(article.text, cached)
        fresh = list(analyzer.analyse_many([a.text for a in missing]))
        found.update(zip((a.uid for a in missing), fresh, strict=True))
        if fresh and not store.readonly:
            store.analyses.put([(a.uid, version, an.to_json())
                                for a, an in zip(missing, fresh, strict=True)])
        return [(list(found[a.uid].sentences), list(found[a.uid].boundaries))
                for a in articles]

    return segment
