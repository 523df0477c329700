"""``ember.optim.RAdam``: Adam with a rectified (variance-corrected) adaptive learning rate."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import addcmul_sq_, effective_grad, lerp_
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["RAdam", "radam"]


def radam(params: list, grads: list, exp_avgs: list, exp_avg_sqs: list, steps: list, *,
          lr: float, beta1: float, beta2: float, eps: float, weight_decay: float,
          decoupled_weight_decay: bool, maximize: bool, scratch: _Scratch) -> None:
    """One RAdam update of each ndarray in ``params``."""
    rho_inf = 2 / (1 - beta2) - 1
    for p, g, m, v, step_t in zip(params, grads, exp_avgs, exp_avg_sqs, steps):
        step_t += 1
        step = float(step_t)
        if decoupled_weight_decay and weight_decay != 0:
            p *= 1 - lr * weight_decay
            g = effective_grad(p, g, 0, maximize, scratch)
        else:
            g = effective_grad(p, g, weight_decay, maximize, scratch)
        t, u = scratch.get(p, 2), scratch.get(p, 3)
        lerp_(m, g, 1 - beta1, t)
        addcmul_sq_(v, g, beta2, 1 - beta2, t)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        np.divide(m, bias_correction1, out=u)
        u *= lr
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            np.sqrt(v, out=t)
            t += eps
            np.divide(bias_correction2 ** 0.5, t, out=t)
            u *= t
            u *= rect
        p -= u


class RAdam(Optimizer):
    """RAdam (Liu et al., 2019).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 1e-3).
        betas: moment decay rates (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: weight decay (default 0).
        decoupled_weight_decay: decay weights directly, as AdamW (default False).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.RAdam([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False) -> None:
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
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
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
                    s["exp_avg_sq"] = _make(np.zeros_like(p))
            beta1, beta2 = group["betas"]
            radam(params, grads, [s["exp_avg"]._data for s in states],
                  [s["exp_avg_sq"]._data for s in states], [s["step"]._data for s in states],
                  lr=_to_float(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                  weight_decay=group["weight_decay"],
                  decoupled_weight_decay=group["decoupled_weight_decay"],
                  maximize=group["maximize"], scratch=self._scratch)
        return loss
