"""``python -m hanmark``: the same as the ``hanmark`` command."""

from hanmark.tui.cli import main

main()
