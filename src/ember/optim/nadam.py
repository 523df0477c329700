"""``ember.optim.NAdam``: Adam with Nesterov momentum and a momentum-decay schedule."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import addcmul_sq_, effective_grad, lerp_
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["NAdam", "nadam"]


def nadam(params: list, grads: list, exp_avgs: list, exp_avg_sqs: list, mu_products: list,
          steps: list, *, lr: float, beta1: float, beta2: float, eps: float,
          weight_decay: float, momentum_decay: float, decoupled_weight_decay: bool,
          maximize: bool, scratch: _Scratch) -> None:
    """One NAdam update of each ndarray in ``params``; ``mu_products`` are 0-dim arrays."""
    for i, (p, g) in enumerate(zip(params, grads)):
        m, v, mu_product = exp_avgs[i], exp_avg_sqs[i], mu_products[i]
        steps[i] += 1
        step = float(steps[i])
        bias_correction2 = 1 - beta2 ** step
        if decoupled_weight_decay and weight_decay != 0:
            p *= 1 - lr * weight_decay
            g = effective_grad(p, g, 0, maximize, scratch)
        else:
            g = effective_grad(p, g, weight_decay, maximize, scratch)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        # The product lives in the scalar state dtype (float32 by default), as in PyTorch.
        mu_product *= mu
        mu_product_value = float(mu_product)
        mu_product_next = mu_product_value * mu_next
        t, denom = scratch.get(p, 2), scratch.get(p, 3)
        lerp_(m, g, 1 - beta1, t)
        addcmul_sq_(v, g, beta2, 1 - beta2, t)
        np.divide(v, bias_correction2, out=denom)
        np.sqrt(denom, out=denom)
        denom += eps
        np.divide(g, denom, out=t)
        t *= -lr * (1.0 - mu) / (1.0 - mu_product_value)
        p += t
        np.divide(m, denom, out=t)
        t *= (-lr * mu_next) / (1.0 - mu_product_next)
        p += t


class NAdam(Optimizer):
    """NAdam (Dozat, 2016).

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 2e-3).
        betas: moment decay rates (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: weight decay (default 0).
        momentum_decay: the momentum schedule's decay (default 4e-3).
        decoupled_weight_decay: decay weights directly, as AdamW (default False).
        maximize: maximize the objective (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, dtype=ember.float64, requires_grad=True)
        >>> opt = ember.optim.NAdam([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.8944, 0.8944], dtype=ember.float64, requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        if differentiable:
            raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
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
                    s["mu_product"] = _scalar_state(1.0)
                    s["exp_avg"] = _make(np.zeros_like(p))
                    s["exp_avg_sq"] = _make(np.zeros_like(p))
            beta1, beta2 = group["betas"]
            nadam(params, grads, [s["exp_avg"]._data for s in states],
                  [s["exp_avg_sq"]._data for s in states],
                  [s["mu_product"]._data for s in states], [s["step"]._data for s in states],
                  lr=_to_float(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                  weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
                  decoupled_weight_decay=group["decoupled_weight_decay"],
                  maximize=group["maximize"], scratch=self._scratch)
        return loss
