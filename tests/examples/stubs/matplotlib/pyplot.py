"""matplotlib.pyplot stand-in: every function accepts anything and does nothing."""


def __getattr__(name):
    return _noop


def _noop(*args, **kwargs):
    return None
