"""A stand-in for matplotlib when the seed programs run under test: every call does nothing.

The seeds animate with plt.pause(0.1) in their training loops; under test only ember's part
matters, so this package (put first on PYTHONPATH by the test) makes plotting free.
"""


def __getattr__(name):
    return _noop


def _noop(*args, **kwargs):
    return None
