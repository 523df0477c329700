"""``ember.optim.Adagrad``: per-coordinate learning rates from accumulated squared gradients."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import effective_grad
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["Adagrad", "adagrad"]


def adagrad(params: list, grads: list, state_sums: list, steps: list, *, lr: float,
            weight_decay: float, lr_decay: float, eps: float, maximize: bool,
            scratch: _Scratch) -> None:
    """One Adagrad update of each ndarray in ``params``."""
    for p, g, acc, step_t in zip(params, grads, state_sums, steps):
        step_t += 1
        g = effective_grad(p, g, weight_decay, maximize, scratch)
        clr = lr / (1 + (float(step_t) - 1) * lr_decay)
        t = scratch.get(p, 2)
        np.multiply(g, g, out=t)
        acc += t
        np.sqrt(acc, out=t)
        t += eps
        np.divide(g, t, out=t)
        t *= -clr
        p += t


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 1e-2).
        lr_decay: learning-rate decay per step (default 0).
        weight_decay: L2 penalty (default 0).
        initial_accumulator_value: start of the sum of squared gradients (default 0).
        eps: added to the denominator (default 1e-10).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.Adagrad([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False,
                 fused=None) -> None:
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        self._scratch = _Scratch()
        # Adagrad makes its state up front, as PyTorch does.
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group) -> None:
        s = self.state[p]
        if not s:
            s["step"] = _scalar_state(0.0)
            s["sum"] = _make(np.full_like(p._data, group["initial_accumulator_value"]))

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        self._scratch = _Scratch()

    def share_memory(self) -> None:
        """Accepted for compatibility: ember's state lives in one process's NumPy arrays."""

    def step(self, closure=None):
        """Do one update; ``closure`` (optional) re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads, states = _grads_of(group, self)
            adagrad(params, grads, [s["sum"]._data for s in states],
                    [s["step"]._data for s in states], lr=_to_float(group["lr"]),
                    weight_decay=group["weight_decay"], lr_decay=group["lr_decay"],
                    eps=group["eps"], maximize=group["maximize"], scratch=self._scratch)
        return loss
