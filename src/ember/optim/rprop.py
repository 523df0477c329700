"""``ember.optim.Rprop``: resilient backpropagation, per-coordinate steps driven by gradient signs."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["Rprop", "rprop"]


def rprop(params: list, grads: list, prevs: list, step_sizes: list, steps: list, *,
          step_size_min: float, step_size_max: float, etaminus: float, etaplus: float,
          maximize: bool, scratch: _Scratch) -> None:
    """One Rprop update of each ndarray in ``params``."""
    for p, g, prev, size, step_t in zip(params, grads, prevs, step_sizes, steps):
        step_t += 1
        if maximize:
            g = np.negative(g, out=scratch.get(p, 1))
        sign = scratch.get(p, 2)
        np.multiply(g, prev, out=sign)
        np.sign(sign, out=sign)
        # Assigned in PyTorch's order, so etaplus/etaminus equal to 1 or -1 behave the same.
        sign[sign > 0] = etaplus
        sign[sign < 0] = etaminus
        sign[sign == 0] = 1
        size *= sign
        np.clip(size, step_size_min, step_size_max, out=size)
        np.copyto(prev, g)
        prev[sign == etaminus] = 0
        np.sign(prev, out=sign)
        sign *= size
        p -= sign


class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun, 1993).

    Args:
        params: parameters or parameter groups to optimize.
        lr: initial step size (default 1e-2).
        etas: (etaminus, etaplus), the step-size factors on a sign change / no change.
        step_sizes: (min, max) allowed step sizes (default (1e-6, 50)).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.Rprop([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
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
            for p, g, s in zip(params, grads, states):
                if not s:
                    s["step"] = _scalar_state(0.0)
                    s["prev"] = _make(np.zeros_like(p))
                    s["step_size"] = _make(np.full_like(g, _to_float(group["lr"])))
            etaminus, etaplus = group["etas"]
            size_min, size_max = group["step_sizes"]
            rprop(params, grads, [s["prev"]._data for s in states],
                  [s["step_size"]._data for s in states], [s["step"]._data for s in states],
                  step_size_min=size_min, step_size_max=size_max, etaminus=etaminus,
                  etaplus=etaplus, maximize=group["maximize"], scratch=self._scratch)
        return loss
