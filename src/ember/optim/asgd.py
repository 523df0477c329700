"""``ember.optim.ASGD``: averaged stochastic gradient descent."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import effective_grad
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["ASGD", "asgd"]


def asgd(params: list, grads: list, axs: list, mus: list, etas: list, steps: list, *,
         lambd: float, lr: float, t0: float, alpha: float, weight_decay: float,
         maximize: bool, scratch: _Scratch) -> None:
    """One ASGD update; ``mus``, ``etas`` and ``steps`` are 0-dim arrays updated in place."""
    for p, g, ax, mu, eta, step_t in zip(params, grads, axs, mus, etas, steps):
        step_t += 1
        step = float(step_t)
        g = effective_grad(p, g, weight_decay, maximize, scratch)
        eta_value = float(eta)
        p *= 1 - lambd * eta_value
        t = scratch.get(p, 2)
        np.multiply(g, -eta_value, out=t)
        p += t
        if float(mu) != 1:
            np.subtract(p, ax, out=t)
            t *= float(mu)
            ax += t
        else:
            np.copyto(ax, p)
        # eta and mu keep the scalar state dtype (float32 by default), as in PyTorch.
        eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
        mu[...] = 1 / max(1, step - t0)


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky, 1992); the running average is ``state['ax']``.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 1e-2).
        lambd: decay term (default 1e-4).
        alpha: power of the eta update (default 0.75).
        t0: step at which averaging starts (default 1e6).
        weight_decay: L2 penalty (default 0).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, dtype=ember.float64, requires_grad=True)
        >>> opt = ember.optim.ASGD([w], lr=0.1, lambd=0.0)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], dtype=ember.float64, requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)
        self._scratch = _Scratch()

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        self._scratch = _Scratch()

    def step(self, closure=None):
        """Do one update; ``closure`` (optional) re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads, states = _grads_of(group, self)
            for p, s in zip(params, states):
                if not s:
                    s["step"] = _scalar_state(0.0)
                    s["eta"] = _scalar_state(_to_float(group["lr"]))
                    s["mu"] = _scalar_state(1.0)
                    s["ax"] = _make(np.zeros_like(p))
            asgd(params, grads, [s["ax"]._data for s in states], [s["mu"]._data for s in states],
                 [s["eta"]._data for s in states], [s["step"]._data for s in states],
                 lambd=group["lambd"], lr=_to_float(group["lr"]), t0=group["t0"],
                 alpha=group["alpha"], weight_decay=group["weight_decay"],
                 maximize=group["maximize"], scratch=self._scratch)
        return loss
