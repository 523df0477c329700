"""``ember.optim.Adamax``: Adam with the infinity norm in place of the second moment."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import effective_grad, lerp_
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["Adamax", "adamax"]


def adamax(params: list, grads: list, exp_avgs: list, exp_infs: list, steps: list, *,
           lr: float, beta1: float, beta2: float, eps: float, weight_decay: float,
           maximize: bool, scratch: _Scratch) -> None:
    """One Adamax update of each ndarray in ``params``."""
    for p, g, m, u, step_t in zip(params, grads, exp_avgs, exp_infs, steps):
        step_t += 1
        g = effective_grad(p, g, weight_decay, maximize, scratch)
        t = scratch.get(p, 2)
        lerp_(m, g, 1 - beta1, t)
        u *= beta2
        np.abs(g, out=t)
        t += eps
        np.maximum(u, t, out=u)
        clr = lr / (1 - beta1 ** float(step_t))
        np.divide(m, u, out=t)
        t *= -clr
        p += t


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 2e-3).
        betas: decay of the first moment and of the infinity norm (default (0.9, 0.999)).
        eps: added to the norm (default 1e-8).
        weight_decay: L2 penalty (default 0).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.Adamax([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False,
                 capturable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
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
                    s["exp_avg"] = _make(np.zeros_like(p))
                    s["exp_inf"] = _make(np.zeros_like(p))
            beta1, beta2 = group["betas"]
            adamax(params, grads, [s["exp_avg"]._data for s in states],
                   [s["exp_inf"]._data for s in states], [s["step"]._data for s in states],
                   lr=_to_float(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                   weight_decay=group["weight_decay"], maximize=group["maximize"],
                   scratch=self._scratch)
        return loss
