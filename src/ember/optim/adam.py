"""``ember.optim.Adam``: adaptive moment estimation (with AMSGrad and decoupled weight decay)."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from ._common import (FlatGroup, addcmul_sq_, flat_group, for_blocks, grad_into, lerp_,
                      flat_members, same_steps)
from .optimizer import Optimizer, _check_lr, _grads_of, _scalar_state, _Scratch, _to_float

__all__ = ["Adam", "adam"]


def adam(params: list, grads: list, exp_avgs: list, exp_avg_sqs: list, max_exp_avg_sqs: list,
         steps: list, *, amsgrad: bool, beta1: float, beta2: float, lr: float,
         weight_decay: float, eps: float, maximize: bool, decoupled_weight_decay: bool,
         scratch: _Scratch) -> None:
    """One Adam update of each ndarray in ``params``; ``steps`` are 0-dim arrays, bumped here."""
    decoupled = decoupled_weight_decay and weight_decay != 0
    decay = 1 - lr * weight_decay if decoupled else 1
    l2 = 0 if decoupled else weight_decay
    for i, (p, g) in enumerate(zip(params, grads)):
        step_t = steps[i]
        step_t += 1
        step = float(step_t)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        vmax = max_exp_avg_sqs[i] if amsgrad else None
        for_blocks(_adam_kernel, (p, g, exp_avgs[i], exp_avg_sqs[i], vmax), 2, scratch, decay,
                   l2, maximize, beta1, beta2, bias_correction2_sqrt, eps, -step_size)


def _adam_kernel(p, g, m, v, vmax, t, d, decay, weight_decay, maximize, beta1, beta2,
                 bias_correction2_sqrt, eps, neg_step_size) -> None:
    # PyTorch's single-tensor Adam, op for op, except that the bias correction of the
    # denominator is folded into eps and the step (see _adam_direction).
    if decay != 1:
        p *= decay
    g = grad_into(p, g, weight_decay, maximize, d)
    _adam_direction(g, m, v, vmax, t, beta1, beta2, bias_correction2_sqrt, eps, neg_step_size)
    p += t


def _adam_direction(g, m, v, vmax, t, beta1, beta2, bias_correction2_sqrt, eps,
                    neg_step_size) -> None:
    """Update the moments from ``g`` and leave the parameter update in ``t``.

    ``step * m / (sqrt(v) / bc2 + eps)`` is computed as ``(step * bc2) * m / (sqrt(v) + eps *
    bc2)``: the same number in one pass fewer over memory (12 instead of 13). Bit-for-bit
    agreement with PyTorch in float32 is out of reach anyway (its vectorized lerp rounds once,
    through a fused multiply-add); in float64 the trajectories agree to 1e-10.
    """
    lerp_(m, g, 1 - beta1, t)
    addcmul_sq_(v, g, beta2, 1 - beta2, t)
    if vmax is not None:
        np.maximum(vmax, v, out=vmax)
        v = vmax
    np.sqrt(v, out=t)
    t += eps * bias_correction2_sqrt
    np.divide(m, t, out=t)
    t *= neg_step_size * bias_correction2_sqrt


def adam_flat(fg: FlatGroup, params: list, grads: list, step: float, *, amsgrad: bool,
              beta1: float, beta2: float, lr: float, eps: float, maximize: bool) -> None:
    """Adam over a whole group at once (no weight decay; every parameter at the same step)."""
    g = fg.gather(grads)
    if maximize:
        np.negative(g, out=g)
    b = fg.bufs
    _adam_direction(g, b["exp_avg"], b["exp_avg_sq"], b["max_exp_avg_sq"] if amsgrad else None,
                    fg.tmp, beta1, beta2, (1 - beta2 ** step) ** 0.5, eps,
                    -(lr / (1 - beta1 ** step)))
    fg.scatter_add(params)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014), optionally AMSGrad; ``decoupled_weight_decay`` makes it AdamW.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate (default 1e-3).
        betas: decay rates of the first and second moment averages (default (0.9, 0.999)).
        eps: added to the denominator for stability (default 1e-8).
        weight_decay: L2 penalty (default 0).
        amsgrad: use the maximum of past second moments (default False).
        maximize: maximize the objective (default False).
        decoupled_weight_decay: decay the weights directly, as AdamW (default False).

    Example:
        >>> import ember
        >>> w = ember.ones(2, requires_grad=True)
        >>> opt = ember.optim.Adam([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> w
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False) -> None:
        _check_adam_args(lr, betas, eps, weight_decay, differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        self._scratch = _Scratch()
        self._flat: dict = {}

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        self._scratch = _Scratch()
        self._flat = {}
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("decoupled_weight_decay", False)

    def step(self, closure=None):
        """Do one update; ``closure`` (optional) re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads, states = _grads_of(group, self)
            if not params:
                continue
            amsgrad = group["amsgrad"]
            for p, s in zip(params, states):
                if not s:
                    s["step"] = _scalar_state(0.0)
                    s["exp_avg"] = _make(np.zeros_like(p))
                    s["exp_avg_sq"] = _make(np.zeros_like(p))
                    if amsgrad:
                        s["max_exp_avg_sq"] = _make(np.zeros_like(p))
            beta1, beta2 = group["betas"]
            done = self._step_flat(group, params, grads, states)
            if done:
                if len(done) == len(params):
                    continue
                rest = [i for i in range(len(params)) if i not in done]
                params = [params[i] for i in rest]
                grads = [grads[i] for i in rest]
                states = [states[i] for i in rest]
            adam(params, grads, [s["exp_avg"]._data for s in states],
                 [s["exp_avg_sq"]._data for s in states],
                 [s["max_exp_avg_sq"]._data for s in states] if amsgrad else [],
                 [s["step"]._data for s in states], amsgrad=amsgrad,
                 beta1=_to_float(beta1), beta2=_to_float(beta2), lr=_to_float(group["lr"]),
                 weight_decay=group["weight_decay"], eps=group["eps"],
                 maximize=group["maximize"],
                 decoupled_weight_decay=group["decoupled_weight_decay"], scratch=self._scratch)
        return loss


    def _step_flat(self, group, params, grads, states) -> set:
        """The multi-tensor update of the parameters it applies to; returns their indices."""
        members = flat_members(group, params) if group["weight_decay"] == 0 else []
        if not members:
            return set()
        if len(members) < len(params):
            params = [params[i] for i in members]
            grads = [grads[i] for i in members]
            states = [states[i] for i in members]
        if any(p.dtype != params[0].dtype for p in params):
            return set()
        step = same_steps(states)
        if step is None:
            return set()
        amsgrad = group["amsgrad"]
        keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad else ("exp_avg", "exp_avg_sq")
        fg = flat_group(self._flat, group, params, states, keys)
        beta1, beta2 = group["betas"]
        adam_flat(fg, params, grads, step, amsgrad=amsgrad, beta1=_to_float(beta1),
                  beta2=_to_float(beta2), lr=_to_float(group["lr"]), eps=group["eps"],
                  maximize=group["maximize"])
        return set(members)


def _check_adam_args(lr, betas, eps, weight_decay, differentiable) -> None:
    _check_lr(lr)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= _to_float(betas[0]) < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= _to_float(betas[1]) < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
    if differentiable:
        raise NotImplementedError("ember does not implement differentiable=True optimizers yet")
