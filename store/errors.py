"""The one error type hanmark raises for expected mistakes.

Its message is a single sentence meant for the user, so the CLI and the app
can show it as it is instead of a traceback.
"""


class HanmarkError(Exception):
    """A problem the user can fix: bad input, a wrong file, a missing path."""


class DatabaseBusy(HanmarkError):
    """Another process holds the write lock, and the writer asked not to wait for it
    (``Store.at_once``): the app then waits on a thread instead of its screen."""
