"""``ember.optim.Adadelta``: step sizes from running averages of squared gradients and updates."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import addcmul_sq_, effective_grad
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["Adadelta", "adadelta"]


def adadelta(params: list, grads: list, square_avgs: list, acc_deltas: list, steps: list, *,
             lr: float, rho: float, eps: float, weight_decay: float, maximize: bool,
             scratch: _Scratch) -> None:
    """One Adadelta update of each ndarray in ``params``."""
    for p, g, sq, acc, step_t in zip(params, grads, square_avgs, acc_deltas, steps):
        step_t += 1
        g = effective_grad(p, g, weight_decay, maximize, scratch)
        t, delta = scratch.get(p, 2), scratch.get(p, 3)
        addcmul_sq_(sq, g, rho, 1 - rho, t)
        np.add(sq, eps, out=t)
        np.sqrt(t, out=t)
        np.add(acc, eps, out=delta)
        np.sqrt(delta, out=delta)
        delta /= t
        delta *= g
        addcmul_sq_(acc, delta, rho, 1 - rho, t)
        delta *= -lr
        p += delta


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012).

    Args:
        params: parameters or parameter groups to optimize.
        lr: scales the delta before it is applied (default 1.0).
        rho: decay of the running averages (default 0.9).
        eps: added inside the square roots (default 1e-6).
        weight_decay: L2 penalty (default 0).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(1, dtype=ember.float64, requires_grad=True)
        >>> opt = ember.optim.Adadelta([w])
        >>> w.sum().backward(); opt.step()
        >>> round(w.item(), 6)
        0.996838
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
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
                    s["square_avg"] = _make(np.zeros_like(p))
                    s["acc_delta"] = _make(np.zeros_like(p))
            adadelta(params, grads, [s["square_avg"]._data for s in states],
                     [s["acc_delta"]._data for s in states], [s["step"]._data for s in states],
                     lr=_to_float(group["lr"]), rho=group["rho"], eps=group["eps"],
                     weight_decay=group["weight_decay"], maximize=group["maximize"],
                     scratch=self._scratch)
        return loss
