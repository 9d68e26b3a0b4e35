"""hanmark: read Korean news in the terminal and tag named entities by keyboard.

The repository keeps its packages in top-level folders (store/, nlp/, tui/,
seeds/); they install and import as hanmark.store, hanmark.nlp, hanmark.tui and
hanmark.seeds, so that hanmark adds one name to site-packages and no other.
"""
