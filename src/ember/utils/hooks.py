"""Handles that remove a registered hook, as ``torch.utils.hooks.RemovableHandle``."""
from __future__ import annotations

import itertools
import weakref

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Returned by ``register_*hook``; ``handle.remove()`` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks_dict: dict, *, extra_dict=None):
        try:
            self.hooks_dict_ref = weakref.ref(hooks_dict)
        except TypeError:
            # A plain dict cannot be weakly referenced: hold it (it holds only the hooks).
            self.hooks_dict_ref = lambda: hooks_dict
        self.id = next(RemovableHandle._ids)
        self.extra_dict_ref = None
        if extra_dict is not None:
            try:
                self.extra_dict_ref = weakref.ref(extra_dict)
            except TypeError:
                self.extra_dict_ref = lambda: extra_dict

    def remove(self) -> None:
        hooks = self.hooks_dict_ref()
        if hooks is not None and self.id in hooks:
            del hooks[self.id]
        if self.extra_dict_ref is not None:
            extra = self.extra_dict_ref()
            if extra is not None and self.id in extra:
                del extra[self.id]

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
