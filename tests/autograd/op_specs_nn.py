"""Op specs for ember.nn.functional (activations, conv, pooling, losses, padding, embedding).

Same format as op_specs.py. NumPy references are written directly (loops over small windows
are fine at these sizes).
"""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import ember
from op_specs import C, F, I, M, T, spec  # noqa: F401

try:
    import ember.nn.functional as Fn
except ImportError:      # nn not importable yet: nothing to specify
    Fn = None

_erf = np.vectorize(math.erf)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _conv2d_ref(x, w, b=None, stride=1, padding=0):
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = sliding_window_view(x, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.einsum("nchwij,ocij->nohw", win, w)
    return out if b is None else out + b[None, :, None, None]


def _conv1d_ref(x, w, b):
    win = sliding_window_view(x, w.shape[2], axis=2)
    return np.einsum("nclk,ock->nol", win, w) + b[None, :, None]


def _conv_transpose2d_ref(x, w, stride):
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    out = np.zeros((n, o, (h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(h):
        for j in range(wd):
            out[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw] += np.einsum(
                "nc,cokl->nokl", x[:, :, i, j], w)
    return out


def _unfold_ref(x, k):
    n, c = x.shape[:2]
    win = sliding_window_view(x, (k, k), axis=(2, 3))       # n c oh ow k k
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * k * k, -1)


def _pool_ref(x, k, fn):
    win = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::k, ::k]
    return fn(win, axis=(-2, -1))


def _distinct(*shape):
    # Pooling inputs without ties (the max's gradient is well defined).
    def make(r):
        return r.permutation(int(np.prod(shape))).reshape(shape) / 7.0 + r.uniform(0, 0.01, shape)
    return F(make)


def _nll_ref(logp, t):
    return -logp[np.arange(len(t)), t].mean()


if Fn is not None:
    for _name, _fn, _ref, _dom in [
            ("leaky_relu", lambda x: Fn.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x),
             "away0"),
            ("elu", Fn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), "away0"),
            ("gelu", Fn.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), "real"),
            ("gelu_tanh", lambda x: Fn.gelu(x, approximate="tanh"),
             lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), "real"),
            ("silu", Fn.silu, lambda x: x / (1 + np.exp(-x)), "real"),
            ("softplus", Fn.softplus, lambda x: np.log1p(np.exp(x)), "real"),
            ("logsigmoid", Fn.logsigmoid, lambda x: -np.log1p(np.exp(-x)), "real"),
            ("hardtanh", Fn.hardtanh, lambda x: np.clip(x, -1, 1), "nonint"),
            ("hardsigmoid", Fn.hardsigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1), "nonint"),
            ("hardswish", Fn.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, "nonint")]:
        spec(f"nn_{_name}", _fn, [T(3, 4, domain=_dom)], _ref)
    spec("nn_softmax", lambda x: Fn.softmax(x, dim=1), [T(3, 4)], lambda x: _softmax(x, 1))
    spec("nn_log_softmax", lambda x: Fn.log_softmax(x, dim=0), [T(3, 4)],
         lambda x: np.log(_softmax(x, 0)))
    spec("nn_conv2d", lambda x, w, b: Fn.conv2d(x, w, b, padding=1), [T(2, 2, 4, 4), T(3, 2, 3, 3), T(3)],
         lambda x, w, b: _conv2d_ref(x, w, b, padding=1))
    spec("nn_conv2d_stride", lambda x, w: Fn.conv2d(x, w, stride=2), [T(1, 2, 5, 5), T(2, 2, 3, 3)],
         lambda x, w: _conv2d_ref(x, w, stride=2))
    spec("nn_conv1d", Fn.conv1d, [T(2, 2, 5), T(3, 2, 2), T(3)], _conv1d_ref)
    spec("nn_conv_transpose2d", lambda x, w: Fn.conv_transpose2d(x, w, stride=2),
         [T(1, 2, 3, 3), T(2, 3, 2, 2)], lambda x, w: _conv_transpose2d_ref(x, w, 2))
    spec("nn_unfold", lambda x: Fn.unfold(x, 2), [T(1, 2, 3, 3)], lambda x: _unfold_ref(x, 2))
    spec("nn_fold", lambda c: Fn.fold(c, (3, 3), 2), [T(1, 8, 4)],
         lambda c: _fold_ref(c, 3, 2))
    spec("nn_max_pool2d", lambda x: Fn.max_pool2d(x, 2), [_distinct(1, 2, 4, 4)],
         lambda x: _pool_ref(x, 2, np.max))
    spec("nn_avg_pool2d", lambda x: Fn.avg_pool2d(x, 2), [T(1, 2, 4, 4)],
         lambda x: _pool_ref(x, 2, np.mean))
    spec("nn_mse_loss", Fn.mse_loss, [T(3, 4), T(3, 4)], lambda a, b: ((a - b) ** 2).mean())
    spec("nn_mse_loss_sum", lambda a, b: Fn.mse_loss(a, b, reduction="sum"), [T(3, 4), T(3, 4)],
         lambda a, b: ((a - b) ** 2).sum())
    spec("nn_nll_loss", Fn.nll_loss, [T(4, 3), I(4, high=3)], _nll_ref)
    spec("nn_cross_entropy", Fn.cross_entropy, [T(4, 3), I(4, high=3)],
         lambda x, t: _nll_ref(np.log(_softmax(x, 1)), t))
    spec("nn_pad", lambda x: Fn.pad(x, (1, 2)), [T(2, 3)], lambda x: np.pad(x, ((0, 0), (1, 2))))
    spec("nn_embedding", lambda i, w: Fn.embedding(i, w), [I(2, 3, high=5), T(5, 4)],
         lambda i, w: w[i])


def _fold_ref(cols, size, k):
    n, ck, _ = cols.shape
    c = ck // (k * k)
    out = np.zeros((n, c, size, size))
    o = size - k + 1
    blocks = cols.reshape(n, c, k, k, o, o)
    for i in range(o):
        for j in range(o):
            out[:, :, i:i + k, j:j + k] += blocks[:, :, :, :, i, j]
    return out


if Fn is not None and hasattr(ember.nn, "Linear"):
    ember.manual_seed(0)
    _LIN = ember.nn.Linear(4, 2).double()
    _LIN.register_full_backward_hook(lambda mod, gin, gout: None)
    _W, _B = _LIN.weight.detach().numpy().copy(), _LIN.bias.detach().numpy().copy()
    spec("nn_module_full_backward_hook", lambda x: _LIN(x), [T(3, 4)], lambda x: x @ _W.T + _B)


# ---------------------------------------------------------------- recurrent cells and layers


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _np_params(mod):
    return {name: p.detach().numpy().copy() for name, p in mod.named_parameters()}


def _lstm_step(x, h, c, p, sfx="_l0"):
    sfx = "" if "weight_ih" in p else sfx
    gates = x @ p["weight_ih" + sfx].T + p["bias_ih" + sfx] + h @ p["weight_hh" + sfx].T + p["bias_hh" + sfx]
    i, f, g, o = np.split(gates, 4, axis=1)
    c2 = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c2), c2


def _gru_step(x, h, p, sfx="_l0"):
    sfx = "" if "weight_ih" in p else sfx
    xg = x @ p["weight_ih" + sfx].T + p["bias_ih" + sfx]
    hg = h @ p["weight_hh" + sfx].T + p["bias_hh" + sfx]
    xr, xz, xn = np.split(xg, 3, axis=1)
    hr, hz, hn = np.split(hg, 3, axis=1)
    r, z = _sig(xr + hr), _sig(xz + hz)
    n = np.tanh(xn + r * hn)
    return (1 - z) * n + z * h


if Fn is not None and hasattr(ember.nn, "LSTMCell") and hasattr(ember.nn, "GRU"):
    ember.manual_seed(0)
    _LSTM_CELL = ember.nn.LSTMCell(3, 4).double()
    _GRU_CELL = ember.nn.GRUCell(3, 4).double()
    _LSTM = ember.nn.LSTM(3, 4).double()
    _GRU = ember.nn.GRU(3, 4).double()
    _P = {k: _np_params(m) for k, m in [("lc", _LSTM_CELL), ("gc", _GRU_CELL), ("l", _LSTM),
                                        ("g", _GRU)]}

    def _lstm_seq_ref(x, h0, c0):
        h, c, outs = h0[0], c0[0], []
        for t in range(x.shape[0]):
            h, c = _lstm_step(x[t], h, c, _P["l"])
            outs.append(h)
        return np.stack(outs)

    def _gru_seq_ref(x, h0):
        h, outs = h0[0], []
        for t in range(x.shape[0]):
            h = _gru_step(x[t], h, _P["g"])
            outs.append(h)
        return np.stack(outs)

    spec("nn_lstm_cell", lambda x, h, c: _LSTM_CELL(x, (h, c)), [T(2, 3), T(2, 4), T(2, 4)],
         lambda x, h, c: _lstm_step(x, h, c, _P["lc"]))
    spec("nn_gru_cell", lambda x, h: _GRU_CELL(x, h), [T(2, 3), T(2, 4)],
         lambda x, h: _gru_step(x, h, _P["gc"]))
    spec("nn_lstm_sequence", lambda x, h, c: _LSTM(x, (h, c))[0], [T(3, 2, 3), T(1, 2, 4), T(1, 2, 4)],
         _lstm_seq_ref)
    spec("nn_gru_sequence", lambda x, h: _GRU(x, h)[0], [T(3, 2, 3), T(1, 2, 4)], _gru_seq_ref)
