"""Interchange formats: one module per format (reader and writer), the
registry that detects them, shared token and sentence helpers and the export driver.

Nothing here imports ``nlp``: sentence and token formats get Kiwi's
sentences and morpheme edges from a segmenter the caller passes in
(``nlp.export_tokens.kiwi_segmenter``).
"""
