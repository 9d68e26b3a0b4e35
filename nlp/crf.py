"""The CRF suggester (work in progress): no model is loaded yet."""


def default_model():
    """The shipped model, or None when there is none."""
    return None
