"""ember: PyTorch's programming model in Python on NumPy.

``import ember as torch`` and write PyTorch: tensors, autograd, nn, optim, data loading and
checkpoints that PyTorch itself can read.
"""
from __future__ import annotations

__version__ = "0.1.0"

import warnings as _warnings

# PyTorch computes 1/0, log(0) and overflows silently, as IEEE arithmetic does; NumPy warns.
# Silence NumPy's floating-point warnings raised inside ember's own modules only: a filter costs
# nothing per op (np.errstate would cost ~1.5 us), and the user's own NumPy code still warns.
_warnings.filterwarnings("ignore", r"(divide by zero|invalid value|overflow|underflow) encountered",
                         RuntimeWarning, r"ember\.")

from ._malloc import keep_freed_memory as _keep_freed_memory

_keep_freed_memory()

from . import _dtype
from ._dtype import (bfloat16, bool, double, dtype, float, float16, float32, float64,
                     get_default_dtype, half, int, int8, int16, int32, int64, long, promote_types,
                     set_default_dtype, short, uint8)
from ._device import device
from ._tensor import Size, Tensor
from . import _tensor_methods  # noqa: F401  (binds the op table to Tensor)
from ._creation import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor,
                        IntTensor, LongTensor, ShortTensor, arange, as_tensor, asarray, bernoulli,
                        empty, empty_like, empty_strided, eye, from_numpy, full, full_like, linspace,
                        logspace, meshgrid, multinomial, normal, ones, ones_like, poisson, rand,
                        rand_like, randint, randint_like, randn, randn_like, randperm, range,
                        scalar_tensor, tensor, tril_indices, triu_indices, zeros, zeros_like)
from ._ops.elementwise import (abs, absolute, acos, add, allclose, arccos, arcsin, arctan, arctan2,
                               asin, atan, atan2, bitwise_and, bitwise_not, bitwise_or, bitwise_xor,
                               ceil, clamp, clip, cos, cosh, div, divide, eq, equal, erf, erfc, exp,
                               expm1, fix, floor, floor_divide, fmax, fmin, fmod, frac, ge, greater,
                               greater_equal, gt, isclose, isfinite, isinf, isnan, isneginf, isposinf,
                               le, lerp, less, less_equal, log, log1p, log2, log10, logical_and,
                               logical_not, logical_or, logical_xor, lt, maximum, minimum, mul,
                               multiply, nan_to_num, ne, neg, negative, not_equal, pow, reciprocal,
                               relu, remainder, round, rsqrt, sigmoid, sign, sin, sinh, sqrt, square,
                               sub, subtract, tan, tanh, true_divide, trunc, where)
from ._ops.reduce import (all, amax, amin, any, argmax, argmin, count_nonzero, cumprod, cumsum,
                          logsumexp, max, mean, min, prod, std, std_mean, sum, var, var_mean)
from ._ops.shape import (argwhere, atleast_1d, atleast_2d, atleast_3d, cat, chunk, clone,
                         column_stack, concat, concatenate, diag, diag_embed, diagonal, dstack,
                         flatten, flip, fliplr, flipud, gather, hstack, index_add, index_select,
                         masked_fill, masked_select, movedim, moveaxis, narrow, nonzero, permute,
                         repeat_interleave, reshape, roll, row_stack, scatter, scatter_add, select,
                         split, squeeze, stack, swapaxes, swapdims, t, tensor_split, tile, transpose,
                         tril, triu, unbind, unflatten, unsqueeze, vstack)
from ._ops.linalg import (addbmm, addmm, addmv, baddbmm, bmm, dot, einsum, ger, inner, matmul, mm,
                          mv, outer, tensordot)
from ._ops.sort import (argsort, cummax, cummin, kthvalue, median, mode, msort, nanmedian, sort,
                        topk, unique, unique_consecutive)
from ._ops.stats import (aminmax, diff, dist, logcumsumexp, nanmean, nanquantile, nansum, norm,
                        quantile)
from ._ops.compose import (addcdiv, addcmul, float_power, hypot, logaddexp, logaddexp2, logit,
                           positive, signbit, take, xlogy)
from ._tensor_str import get_printoptions, set_printoptions
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed,
                     set_rng_state)
from . import autograd, cuda, linalg, random, return_types  # noqa: E402
from . import serialization  # noqa: E402
from .serialization import load, save  # noqa: E402
from . import multiprocessing, utils  # noqa: E402
from . import nn  # noqa: E402
from . import optim  # noqa: E402
import ember.nn.functional  # noqa: E402,F401



def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def numel(input: Tensor) -> int:
    return input.numel()


def set_num_threads(n: int) -> None:
    """Accepted for compatibility; NumPy's BLAS threads are set by OPENBLAS_NUM_THREADS."""


def get_num_threads() -> int:
    return 1


def is_nonzero(input: Tensor) -> bool:
    return bool(input)


def result_type(tensor1, tensor2) -> dtype:
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_: dtype, to: dtype) -> bool:
    import numpy as _np
    return _np.can_cast(from_.np, to.np, "same_kind")
