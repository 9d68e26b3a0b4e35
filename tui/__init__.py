"""hanmark's user interface: the Textual app, its screens and widgets, and the CLI.

The only package that imports Textual.
"""
