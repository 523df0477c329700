"""``ember.optim.RMSprop``: gradients scaled by a running RMS, optionally centered, with momentum."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import addcmul_sq_, effective_grad, lerp_
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["RMSprop", "rmsprop"]


def rmsprop(params: list, grads: list, square_avgs: list, grad_avgs: list,
            momentum_buffers: list, steps: list, *, lr: float, alpha: float, eps: float,
            weight_decay: float, momentum: float, centered: bool, maximize: bool,
            scratch: _Scratch) -> None:
    """One RMSprop update of each ndarray in ``params``."""
    for i, (p, g) in enumerate(zip(params, grads)):
        steps[i] += 1
        g = effective_grad(p, g, weight_decay, maximize, scratch)
        sq, t = square_avgs[i], scratch.get(p, 2)
        addcmul_sq_(sq, g, alpha, 1 - alpha, t)
        if centered:
            ga = grad_avgs[i]
            lerp_(ga, g, 1 - alpha, t)
            np.multiply(ga, -1.0, out=t)
            t *= ga
            t += sq
            np.sqrt(t, out=t)
        else:
            np.sqrt(sq, out=t)
        t += eps
        np.divide(g, t, out=t)
        if momentum > 0:
            buf = momentum_buffers[i]
            buf *= momentum
            buf += t
            np.multiply(buf, -lr, out=t)
        else:
            t *= -lr
        p += t


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 1e-2).
        alpha: smoothing constant of the squared-gradient average (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        momentum: momentum factor (default 0).
        centered: normalise by the variance estimate instead of the raw second moment.
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.RMSprop([w], lr=0.01)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
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
            momentum, centered = group["momentum"], group["centered"]
            for p, s in zip(params, states):
                if not s:
                    s["step"] = _scalar_state(0.0)
                    s["square_avg"] = _make(np.zeros_like(p))
                    if momentum > 0:
                        s["momentum_buffer"] = _make(np.zeros_like(p))
                    if centered:
                        s["grad_avg"] = _make(np.zeros_like(p))
            rmsprop(params, grads, [s["square_avg"]._data for s in states],
                    [s["grad_avg"]._data for s in states] if centered else [],
                    [s["momentum_buffer"]._data for s in states] if momentum > 0 else [],
                    [s["step"]._data for s in states], lr=_to_float(group["lr"]),
                    alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                    momentum=momentum, centered=centered, maximize=group["maximize"],
                    scratch=self._scratch)
        return loss
