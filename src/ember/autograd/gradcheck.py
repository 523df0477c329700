"""Finite-difference checks of gradients: ``gradcheck`` and ``gradgradcheck``.

Both compare the gradients autograd computes with central differences in float64. The full
mode (PyTorch's default) builds every Jacobian entry: two forwards per input element and one
backward per output element, fine for small inputs. ``fast_mode=True`` compares one number per
(output, input) pair instead: the numerical ``v . (J u)`` along a random input direction ``u``
against the analytical ``(v J) . u`` for a random output weighting ``v``, so each input costs two
forwards and each output one backward, whatever their sizes.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor, _make
from .grad_mode import enable_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when the gradients do not match."""


def _as_tuple(x) -> tuple:
    if isinstance(x, Tensor):
        return (x,)
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def _float_outputs(out) -> list:
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def _leaf(array: np.ndarray) -> Tensor:
    t = _make(array)
    t._requires_grad = True
    return t


class _Problem:
    """``func`` seen as a map from the arrays of its differentiable inputs to output arrays."""

    def __init__(self, func, inputs: tuple):
        self.func, self.inputs = func, inputs
        self.diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]
        if not self.diff:
            raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                             "none of the them have requires_grad=True.")
        for i in self.diff:
            if inputs[i]._data.dtype != np.float64:
                warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                              "point. This check will likely fail if all the inputs are not of "
                              "double precision floating point.", stacklevel=3)
        self.base = [np.array(inputs[i]._data, dtype=np.float64) for i in self.diff]

    def evaluate(self, arrays) -> list:
        """Output arrays (float64 copies) of func at the given input arrays."""
        args = list(self.inputs)
        for i, a in zip(self.diff, arrays):
            args[i] = _leaf(a.astype(self.inputs[i]._data.dtype))
        # Grad mode stays on: func may itself differentiate (gradgradcheck's function does).
        with enable_grad():
            outs = _float_outputs(self.func(*args))
        return [np.array(o._data, dtype=np.float64) for o in outs]

    def directional(self, k: int, u: np.ndarray, eps: float) -> list:
        """Central difference of every output along direction ``u`` of input ``k``."""
        plus = [a.copy() for a in self.base]
        minus = [a.copy() for a in self.base]
        plus[k] += eps * u
        minus[k] -= eps * u
        return [(p - m) / (2 * eps) for p, m in zip(self.evaluate(plus), self.evaluate(minus))]

    def analytical(self, outs, weights) -> list:
        """Arrays of ``sum_o weights[o] . d out_o / d input_k``, one per differentiable input."""
        from . import grad as autograd_grad
        diff_outs = [(o, w) for o, w in zip(outs, weights) if o._requires_grad]
        inputs = [self.inputs[i] for i in self.diff]
        if not diff_outs:
            return [np.zeros(a.shape) for a in self.base]
        grads = autograd_grad([o for o, _ in diff_outs], inputs,
                              [_make(w.astype(o._data.dtype)) for o, w in diff_outs],
                              retain_graph=True, allow_unused=True)
        result = []
        for k, (g, x) in enumerate(zip(grads, inputs)):
            if g is not None and g._data.shape != x._data.shape:
                raise GradcheckError(f"Gradient for input {self.diff[k]} has shape "
                                     f"{list(g._data.shape)}, expected {list(x._data.shape)}")
            result.append(np.zeros(x._data.shape) if g is None
                          else np.array(g._data, dtype=np.float64))
        return result


def _fail(msg: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(msg)
    return False


def _full_check(problem: _Problem, outs, eps, atol, rtol, raise_exception) -> bool:
    out_arrays = [np.asarray(o._data, dtype=np.float64) for o in outs]
    for k, i in enumerate(problem.diff):
        n_in = problem.base[k].size
        numerical = [np.zeros((n_in, o.size)) for o in out_arrays]
        for j in range(n_in):
            u = np.zeros(n_in)
            u[j] = 1.0
            cols = problem.directional(k, u.reshape(problem.base[k].shape), eps)
            for o, col in enumerate(cols):
                numerical[o][j] = col.reshape(-1)
        for o, out in enumerate(out_arrays):
            analytical = np.zeros((n_in, out.size))
            for m in range(out.size):
                weights = [np.zeros(a.shape) for a in out_arrays]
                weights[o].reshape(-1)[m] = 1.0
                analytical[:, m] = problem.analytical(outs, weights)[k].reshape(-1)
            if not np.allclose(analytical, numerical[o], rtol=rtol, atol=atol):
                return _fail(f"Jacobian mismatch for output {o} with respect to input {i},\n"
                             f"numerical:{numerical[o]}\nanalytical:{analytical}\n",
                             raise_exception)
    return True


def _fast_check(problem: _Problem, outs, eps, atol, rtol, raise_exception, rng) -> bool:
    out_arrays = [np.asarray(o._data, dtype=np.float64) for o in outs]
    us = [_unit(rng, a.shape) for a in problem.base]
    vs = [_unit(rng, a.shape) for a in out_arrays]
    for k, i in enumerate(problem.diff):
        ju = problem.directional(k, us[k], eps)
        for o, v in enumerate(vs):
            weights = [v if m == o else np.zeros(a.shape) for m, a in enumerate(out_arrays)]
            analytical = float(np.sum(problem.analytical(outs, weights)[k] * us[k]))
            numerical = float(np.sum(v * ju[o]))
            tol = atol * np.abs(us[k]).sum() * np.abs(v).sum() + rtol * abs(numerical)
            if not abs(analytical - numerical) <= tol:
                return _fail(f"Jacobian mismatch for output {o} with respect to input {i},\n"
                             f"numerical:{numerical!r}\nanalytical:{analytical!r}\n"
                             "(fast mode: both are v^T J u for random unit vectors u and v; run "
                             "with fast_mode=False to see the full Jacobians)", raise_exception)
    return True


def _unit(rng, shape) -> np.ndarray:
    u = rng.uniform(0.0, 1.0, size=shape)
    norm = np.linalg.norm(u)
    return u / norm if norm > 0 else u


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked=None) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against central finite differences.

    Args:
        func: takes the inputs and returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or tuple of inputs; the tensors with ``requires_grad`` are checked
            (use float64 for them).
        eps, atol, rtol: step of the differences and tolerances of the comparison.
        raise_exception: raise ``GradcheckError`` on a mismatch (else return False).
        fast_mode: compare along random directions instead of building whole Jacobians.

    Returns:
        True when every gradient matches.

    Example::

        >>> import ember
        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> ember.autograd.gradcheck(ember.sin, (x,))
        True
    """
    if check_forward_ad:
        raise NotImplementedError("gradcheck: ember does not implement forward-mode AD yet "
                                  "(check_forward_ad=True)")
    inputs = _as_tuple(inputs)
    problem = _Problem(func, inputs)
    with enable_grad():
        outs = _float_outputs(func(*inputs))
    if not check_backward_ad:
        return True
    if fast_mode:
        return _fast_check(problem, outs, eps, atol, rtol, raise_exception,
                           np.random.default_rng(0))
    return _full_check(problem, outs, eps, atol, rtol, raise_exception)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, nondet_tol: float = 0.0,
                  check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: ``gradcheck`` of the map (inputs, v) -> v^T d func / d inputs.

    ``grad_outputs`` (the ``v``) are drawn at random in float64 when not given. A backward that
    escapes autograd (reads raw arrays, detaches) shows up as a mismatch, never as a pass.

    Example::

        >>> import ember
        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> ember.autograd.gradgradcheck(ember.tanh, (x,))
        True
    """
    from . import grad as autograd_grad
    inputs = _as_tuple(inputs)
    with enable_grad():
        outs = [o for o in _float_outputs(func(*inputs)) if o._requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(1)
        grad_outputs = tuple(_leaf(rng.standard_normal(o._data.shape).astype(o._data.dtype))
                             for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:n], args[n:]
        ys = [o for o in _float_outputs(func(*xs)) if o._requires_grad]
        diff = [x for x in xs if isinstance(x, Tensor) and x._requires_grad]
        grads = autograd_grad(ys, diff, vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception, fast_mode=fast_mode)
