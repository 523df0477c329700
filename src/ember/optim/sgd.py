"""``ember.optim.SGD``: stochastic gradient descent with momentum, Nesterov and weight decay."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import BLOCKED_FROM, for_blocks, grad_into
from .optimizer import Optimizer, _check_lr, _grads_of, _Scratch, _to_float

__all__ = ["SGD", "sgd"]


def sgd(params: list, grads: list, momentum_buffers: list, *, lr: float, momentum: float,
        dampening: float, weight_decay: float, nesterov: bool, maximize: bool,
        scratch: _Scratch) -> None:
    """Update ``params`` (ndarrays) in place; fills ``None`` entries of ``momentum_buffers``."""
    if momentum == 0 and weight_decay == 0 and not maximize:
        # Plain SGD, two passes per parameter: small ones skip the blocking machinery.
        for p, g in zip(params, grads):
            if p.size > BLOCKED_FROM:
                for_blocks(_sgd_kernel, (p, g, None), 2, scratch, lr, 0, 0, 0, False, False)
            else:
                t = scratch.get(p, 2)
                np.multiply(g, -lr, out=t)
                p += t
        return
    for i, (p, g) in enumerate(zip(params, grads)):
        if momentum != 0 and momentum_buffers[i] is None:
            # The first step seeds the buffer with the (decayed, signed) gradient itself.
            d = grad_into(p, g, weight_decay, maximize, scratch.get(p, 1))
            momentum_buffers[i] = buf = d.copy()
            if nesterov:
                t = scratch.get(p, 2)
                np.multiply(buf, momentum, out=t)
                d = np.add(d, t, out=t)
            else:
                d = buf
            t = scratch.get(p, 2)
            np.multiply(d, -lr, out=t)
            p += t
            continue
        buf = momentum_buffers[i] if momentum != 0 else None
        for_blocks(_sgd_kernel, (p, g, buf), 2, scratch, lr, momentum, dampening,
                   weight_decay, nesterov, maximize)


def _sgd_kernel(p, g, buf, d, t, lr, momentum, dampening, weight_decay, nesterov,
                maximize) -> None:
    g = grad_into(p, g, weight_decay, maximize, d)
    if buf is not None:
        buf *= momentum
        if dampening == 0:
            buf += g
        else:
            np.multiply(g, 1 - dampening, out=t)
            buf += t
        if nesterov:
            np.multiply(buf, momentum, out=t)
            g = np.add(g, t, out=t)
        else:
            g = buf
    np.multiply(g, -lr, out=t)
    p += t


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 1e-3).
        momentum: momentum factor (default 0).
        dampening: dampening of the momentum (default 0).
        weight_decay: L2 penalty added to the gradient (default 0).
        nesterov: use Nesterov momentum (default False).
        maximize: maximize the objective instead of minimizing it (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.SGD([w], lr=0.5, momentum=0.9)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([0., 0.], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        self._scratch = _Scratch()

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        self._scratch = _Scratch()
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)

    def step(self, closure=None):
        """Do one update; ``closure`` (optional) re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads, states = _grads_of(group, self)
            momentum = group["momentum"]
            bufs = [s.get("momentum_buffer") for s in states] if momentum != 0 else []
            arrays = [b._data if b is not None else None for b in bufs]
            sgd(params, grads, arrays, lr=_to_float(group["lr"]), momentum=momentum,
                dampening=group["dampening"], weight_decay=group["weight_decay"],
                nesterov=group["nesterov"], maximize=group["maximize"], scratch=self._scratch)
            if momentum != 0:
                for s, b, a in zip(states, bufs, arrays):
                    if b is None:
                        s["momentum_buffer"] = _make(a)
        return loss
