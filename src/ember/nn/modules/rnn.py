"""Recurrent layers: RNN, LSTM, GRU and their cells.

Speed: the input projection of every time step is one matmul; each LSTM/GRU step is one fused
node whose backward is NumPy in ordinary training and the same formulas on Tensors under
``create_graph=True`` (so second derivatives still work). Packed sequences run with the batch
shrinking step by step, as PyTorch's kernels do.
"""
from __future__ import annotations

import math

import numpy as np

from ... import _creation
from ..._tensor import Tensor, _make
from ...autograd.graph import Node, apply
from ...autograd.grad_mode import _state
from .. import init
from .._functional.dropout import dropout as _dropout
from .._functional.linear import linear as _linear
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


def _sigmoid(a):
    if isinstance(a, Tensor):
        return a.sigmoid()
    out = np.negative(a)
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def _tanh(a):
    return a.tanh() if isinstance(a, Tensor) else np.tanh(a)


def _lstm_gates(xg, h, c, w):
    """The LSTM step on arrays or Tensors: returns (h', c', (i, f, g, o, tanh c'))."""
    gates = xg + h @ w.T
    n = gates.shape[1] // 4
    i, f = _sigmoid(gates[:, :n]), _sigmoid(gates[:, n:2 * n])
    g, o = _tanh(gates[:, 2 * n:3 * n]), _sigmoid(gates[:, 3 * n:])
    c2 = f * c + i * g
    tc = _tanh(c2)
    return o * tc, c2, (i, f, g, o, tc)


def _cat_cols(parts):
    if isinstance(parts[0], Tensor):
        from ..._ops.shape import cat
        return cat(parts, 1)
    return np.concatenate(parts, 1)


def _lstm_backward(acts, h, c, w, gh, gc):
    i, f, g, o, tc = acts
    dc = gc + gh * o * (1 - tc * tc)
    dgates = _cat_cols([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g),
                        gh * tc * o * (1 - o)])
    return dgates, dgates @ w, dc * f, dgates.T @ h


class LSTMCellBackward(Node):
    """One LSTM step: (xg, h, c, w_hh) -> (h', c'), with xg the step's input projection."""
    save_inputs = (0, 1, 2, 3)
    _materialize_grads = False

    def forward(self, xg, h, c, w):
        h2, c2, self.acts = _lstm_gates(xg, h, c, w)
        return h2, c2

    def backward(self, gh, gc):
        xg, h, c, w = self.saved_tensors
        if _state.enabled:
            # create_graph: the same formulas on Tensors, recorded.
            _, _, acts = _lstm_gates(xg, h, c, w)
        else:
            acts, h, c, w = self.acts, h._data, c._data, w._data
            gh = None if gh is None else gh._data
            gc = None if gc is None else gc._data
        if gh is None:
            gh = 0 * acts[0]
        if gc is None:
            gc = 0 * acts[0]
        out = _lstm_backward(acts, h, c, w, gh, gc)
        if not isinstance(out[0], Tensor):
            out = tuple(_make(a) for a in out)
        return out


class LSTMLayerBackward(Node):
    """A whole LSTM direction (no projection) over packed rows:
    (x, w_ih, w_hh, h0, c0[, bias]) -> (out, h_n, c_n).

    Forward and backward are NumPy loops over time with one batched GEMM per step; the input
    projection of every step, and in the backward the weights' and the input's gradients, are
    one batched GEMM each over all steps. Under ``create_graph=True`` the backward replays the
    steps as differentiable LSTMCellBackward nodes instead.

    Layout: the gates and their gradients live gate-major, ``acts[k]`` being gate k's (rows,
    hidden) block, which the input projection writes directly; every elementwise op of a step
    then runs over contiguous blocks (4x faster than over the column blocks of a (batch,
    4 * hidden) array). The gates are kept in the order (f, o, i, g): the three sigmoid gates
    form one block, and sigmoid is computed as a halved tanh (the halving folded into the
    weights once), so one tanh covers all four gates; the gradients of i and g, which are
    ``dc * g`` and ``dc * i`` before their slopes, come from one product with (g, i).
    """
    save_inputs = (0, 1, 2, 3, 4)
    _materialize_grads = False

    def forward(self, x, w_ih, w_hh, h0, c0, bias=None, batch_sizes=(), reverse=False):
        self.batch_sizes, self.reverse = batch_sizes, reverse
        hid, full, dt = w_hh.shape[1], h0.shape[0], x.dtype
        rows = x.shape[0]
        offs = np.concatenate(([0], np.cumsum(batch_sizes)))
        self.offs, self.has_bias = offs, bias is not None
        steps = len(batch_sizes)
        order = range(steps - 1, -1, -1) if reverse else range(steps)
        half = np.array([0.5, 0.5, 0.5, 1.0], dt)[:, None, None]   # f, o, i: sigmoid via tanh
        w_in = _gate_blocks(w_ih, hid)
        if bias is not None:    # the bias as the weight of an input column of ones: no pass
            self.save_inputs = (0, 1, 2, 3, 4, 5)               # over acts to add it
            w_in = np.concatenate((w_in, _gate_blocks(bias[:, None], hid)), 2)
            x = np.concatenate((x, np.ones((rows, 1), dt)), 1)
        self.x_in = x
        acts = np.matmul(x, np.multiply(w_in.transpose(0, 2, 1), half, order="C"))
        w4t = np.multiply(_gate_blocks(w_hh, hid).transpose(0, 2, 1), half, order="C")
        tcs, cs, out = (np.empty((rows, hid), dt) for _ in range(3))
        hw = np.empty((4, full, hid), dt)
        ig = np.empty((full, hid), dt)
        uniform = all(n == full for n in batch_sizes)
        if uniform:     # the state is the previous step's rows of out and cs: no copies
            h, c = h0, c0
            hprev = cprev = None
        else:           # a shrinking batch carries the finished rows along
            h, c = h0.copy(), c0.copy()
            hprev, cprev = np.empty_like(out), np.empty_like(out)
        for t in order:
            n, a, b = batch_sizes[t], offs[t], offs[t + 1]
            if not uniform:
                hprev[a:b], cprev[a:b] = h[:n], c[:n]
            gates = acts[:, a:b]
            np.matmul(h[:n], w4t, out=hw[:, :n])
            gates += hw[:, :n]
            np.tanh(gates, out=gates)
            sig = gates[:3]
            sig *= 0.5
            sig += 0.5
            f, o, i, g = gates
            c_t = np.multiply(f, c[:n], out=cs[a:b])
            c_t += np.multiply(i, g, out=ig[:n])
            h_t = np.multiply(o, np.tanh(c_t, out=tcs[a:b]), out=out[a:b])
            if uniform:
                h, c = h_t, c_t
            else:
                h[:n], c[:n] = h_t, c_t
        if uniform:
            h, c = h.copy(), c.copy()
        self.acts, self.tcs, self.cs, self.out = acts, tcs, cs, out
        self.hprev, self.cprev = hprev, cprev
        return out, h, c

    def backward(self, g_out, g_h, g_c):
        saved = self.saved_tensors
        if _state.enabled:
            return self._replay(saved, g_out, g_h, g_c)
        x, w_ih, w_hh, h0, c0 = saved[:5]
        bs, offs, hid = self.batch_sizes, self.offs, w_hh.shape[1]
        w4 = _gate_blocks(w_hh._data, hid)
        acts, tcs, cs, out = self.acts, self.tcs, self.cs, self.out
        c0, cprev, reverse = c0._data, self.cprev, self.reverse
        dt, full = acts.dtype, h0.shape[0]
        dh = np.zeros_like(c0) if g_h is None else g_h._data.copy()
        dc = np.zeros_like(c0) if g_c is None else g_c._data.copy()
        gout = None if g_out is None else g_out._data
        d4 = np.empty_like(acts)                  # the gates' gradients, gate-major
        slope = np.empty((4, full, hid), dt)      # per step: each gate's derivative
        hw = np.empty((4, full, hid), dt)
        tmp = np.empty((full, hid), dt)
        order = range(len(bs)) if reverse else range(len(bs) - 1, -1, -1)
        need, last = self.needs_input_grad, order[-1]
        for t in order:
            n, a, b = bs[t], offs[t], offs[t + 1]
            dh_t, dc_t = dh[:n], dc[:n]
            if gout is not None:
                dh_t += gout[a:b]
            gates = acts[:, a:b]
            f, o, i, g = gates
            tc = tcs[a:b]
            dtc = np.multiply(out[a:b], tc, out=tmp[:n])
            np.subtract(o, dtc, out=dtc)          # o (1 - tanh(c)^2), as h = o tanh(c)
            dtc *= dh_t
            dc_t += dtc
            d = slope[:, :n]
            np.multiply(gates, gates, out=d)
            np.subtract(gates[:3], d[:3], out=d[:3])   # s (1 - s) for the sigmoid gates
            np.subtract(1, d[3], out=d[3])             # 1 - g^2 for the tanh gate
            dgates = d4[:, a:b]
            c_before = _previous(cs, c0, a, b, reverse) if cprev is None else cprev[a:b]
            np.multiply(dc_t, c_before, out=dgates[0])
            np.multiply(dh_t, tc, out=dgates[1])
            np.multiply(dc_t, gates[3:1:-1], out=dgates[2:])   # (dc g, dc i) for (i, g)
            dgates *= d
            if t == last and not (need[3] or need[4]):
                break                             # h0 and c0 take no gradient: done
            np.add.reduce(np.matmul(dgates, w4, out=hw[:, :n]), axis=0, out=dh_t)
            dc_t *= f
        d4t = d4.transpose(0, 2, 1)
        g_in = np.matmul(d4t, self.x_in) if need[1] or self.has_bias and need[5] else None
        inputs = x.shape[1]
        grads = [_make(np.add.reduce(np.matmul(d4, _gate_blocks(w_ih._data, hid)), axis=0))
                 if need[0] else None,
                 _make(_torch_order(g_in[:, :, :inputs])) if need[1] else None,
                 _make(self._hh_grad(d4t, h0._data)) if need[2] else None,
                 _make(dh) if need[3] else None, _make(dc) if need[4] else None]
        if self.has_bias:
            grads.append(_make(_torch_order(g_in[:, :, inputs:])[:, 0]) if need[5] else None)
        return tuple(grads)

    def _hh_grad(self, d4t, h0):
        """w_hh's gradient: the gates' gradients against each step's previous hidden state."""
        if self.hprev is not None:
            return _torch_order(np.matmul(d4t, self.hprev))
        full, rows = h0.shape[0], d4t.shape[2]
        first, rest = (slice(rows - full, rows), slice(0, rows - full)) if self.reverse else \
            (slice(0, full), slice(full, rows))
        g = np.matmul(d4t[:, :, first], h0)
        g += np.matmul(d4t[:, :, rest], _shift(self.out, full, self.reverse))
        return _torch_order(g)

    def _replay(self, inputs, g_out, g_h, g_c):
        """create_graph: rebuild the steps from differentiable cell nodes and differentiate."""
        from ...autograd import grad as _grad
        x, w_ih, w_hh, h0, c0 = inputs[:5]
        xg = _linear(x, w_ih, inputs[5] if self.has_bias else None)
        outs, h, c = _lstm_steps(xg, h0, c0, w_hh, self.batch_sizes, self.offs, self.reverse)
        targets, grads = [], []
        for t, g in ((outs, g_out), (h, g_h), (c, g_c)):
            if g is not None:
                targets.append(t)
                grads.append(g)
        wanted = [t for t in inputs if t.requires_grad]
        got = iter(_grad(targets, wanted, grads, create_graph=True, allow_unused=True))
        return tuple(next(got) if t.requires_grad else None for t in inputs)


# PyTorch orders an LSTM's gates (i, f, g, o); the layer keeps them as (f, o, i, g).
_GATE_ORDER = [1, 3, 0, 2]       # the layer's gate k is PyTorch's gate _GATE_ORDER[k]
_TORCH_ORDER = [2, 0, 3, 1]      # PyTorch's gate k is the layer's gate _TORCH_ORDER[k]


def _gate_blocks(w, hid):
    """A (4 * hid, k) gate weight as (4, hid, k) blocks in the layer's gate order."""
    return w.reshape(4, hid, w.shape[1])[_GATE_ORDER]


def _torch_order(blocks):
    """(4, hid, k) gate blocks in the layer's order -> a (4 * hid, k) array in PyTorch's."""
    return blocks[_TORCH_ORDER].reshape(-1, blocks.shape[2])


def _shift(rows, full, reverse):
    """Each step's rows as the next step's previous rows (all but the last step's)."""
    return rows[full:] if reverse else rows[:-full]


def _previous(rows, initial, a, b, reverse):
    """For a uniform batch: the rows of ``rows`` one step before rows a:b, else ``initial``."""
    lo, hi = (b, 2 * b - a) if reverse else (2 * a - b, a)
    return initial if lo < 0 or hi > len(rows) else rows[lo:hi]


def _lstm_steps(xg, h0, c0, w, bs, offs, reverse):
    """The LSTM direction as one cell node per step (differentiable to any order)."""
    order = range(len(bs) - 1, -1, -1) if reverse else range(len(bs))
    full = h0.shape[0]
    h, c = h0, c0
    outs = [None] * len(bs)
    for t in order:
        n = bs[t]
        x_t = xg[int(offs[t]):int(offs[t + 1])]
        h_in, c_in = (h, c) if n == full else (h[:n], c[:n])
        h_new, c_new = apply(LSTMCellBackward, x_t, h_in, c_in, w)
        outs[t] = h_new
        if n == full:
            h, c = h_new, c_new
        else:
            h, c = _cat0([h_new, h[n:]]), _cat0([c_new, c[n:]])
    return _cat0(outs), h, c


def _gru_step(xg, h, w, b):
    """The GRU step on arrays or Tensors: returns (h', (r, z, n, hn))."""
    hg = h @ w.T + b
    k = hg.shape[1] // 3
    r = _sigmoid(xg[:, :k] + hg[:, :k])
    z = _sigmoid(xg[:, k:2 * k] + hg[:, k:2 * k])
    hn = hg[:, 2 * k:]
    n = _tanh(xg[:, 2 * k:] + r * hn)
    return (1 - z) * n + z * h, (r, z, n, hn)


def _gru_backward(acts, h, w, gh):
    r, z, n, hn = acts
    dpre_n = gh * (1 - z) * (1 - n * n)
    dr = dpre_n * hn * r * (1 - r)
    dz = gh * (h - n) * z * (1 - z)
    dxg = _cat_cols([dr, dz, dpre_n])
    dhg = _cat_cols([dr, dz, dpre_n * r])
    return dxg, gh * z + dhg @ w, dhg.T @ h, dhg.sum(0)


class GRUCellBackward(Node):
    """One GRU step: (xg, h, w_hh, b_hh) -> h'."""
    save_inputs = (0, 1, 2, 3)

    def forward(self, xg, h, w, b):
        h2, self.acts = _gru_step(xg, h, w, b)
        return h2

    def backward(self, gh):
        xg, h, w, b = self.saved_tensors
        if _state.enabled:
            _, acts = _gru_step(xg, h, w, b)
            return _gru_backward(acts, h, w, gh)
        out = _gru_backward(self.acts, h._data, w._data, gh._data)
        return tuple(_make(a) for a in out)


class SplitRowsBackward(Node):
    """Cut x into consecutive row blocks (views); the gradient concatenates theirs back."""
    _materialize_grads = False

    def forward(self, x, bounds=()):
        self.bounds, self.shape, self.dtype = bounds, x.shape, x.dtype
        return tuple(x[a:b] for a, b in bounds)

    def backward(self, *gys):
        from ..._ops.shape import cat
        parts = [g if g is not None else _make(np.zeros((b - a,) + self.shape[1:], self.dtype))
                 for g, (a, b) in zip(gys, self.bounds)]
        return cat(parts, 0)


def _split_rows(x, batch_sizes):
    bounds, start = [], 0
    for n in batch_sizes:
        bounds.append((start, start + n))
        start += n
    if len(bounds) == 1:
        return (x,)
    return apply(SplitRowsBackward, x, bounds=tuple(bounds))


def _cat0(parts):
    from ..._ops.shape import cat
    return parts[0] if len(parts) == 1 else cat(parts, 0)


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU: parameters per layer and direction, PyTorch's
    names (``weight_ih_l0``, ``bias_hh_l1_reverse``...) and initialisation."""
    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1 or \
                isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            import warnings
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got dropout="
                          f"{dropout} and num_layers={num_layers}", UserWarning, stacklevel=3)
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, \
            proj_size
        gate_size = {"LSTM": 4, "GRU": 3}.get(mode, 1) * hidden_size
        num_dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(num_dirs):
                in_size = input_size if layer == 0 else real_hidden * num_dirs
                sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = [("weight_ih", (gate_size, in_size)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + sfx, Parameter(_creation.empty(*shape, dtype=dtype)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        per = len(self._flat_weights_names) // (self.num_layers * (2 if self.bidirectional else 1))
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def flatten_parameters(self) -> None:
        """A no-op kept for PyTorch compatibility (there is no cuDNN weight buffer here)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------ running
    def _layer_weights(self, layer, direction):
        sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        p = self._parameters
        return (p["weight_ih" + sfx], p["weight_hh" + sfx], p.get("bias_ih" + sfx),
                p.get("bias_hh" + sfx), p.get("weight_hr" + sfx))

    def _step(self, xg, h, c, w_hh, b_hh):
        mode = self.mode
        if mode == "LSTM":
            return apply(LSTMCellBackward, xg, h, c, w_hh)
        if mode == "GRU":
            if b_hh is None:
                b_hh = _make(np.zeros(w_hh.shape[0], dtype=w_hh._data.dtype))
            return apply(GRUCellBackward, xg, h, w_hh, b_hh), None
        pre = xg + h @ w_hh.T
        return (pre.tanh() if mode == "RNN_TANH" else pre.relu()), None

    def _direction(self, x, batch_sizes, weights, h0, c0, reverse):
        """Run one direction over packed rows ``x`` (sum of batch sizes, in)."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        bias = b_ih if self.mode == "GRU" or b_ih is None else b_ih + b_hh
        if self.mode == "LSTM" and w_hr is None:
            inputs = (x, w_ih, w_hh, h0, c0) + (() if bias is None else (bias,))
            return apply(LSTMLayerBackward, *inputs, batch_sizes=tuple(batch_sizes),
                         reverse=reverse)
        xg = _linear(x, w_ih, bias)
        steps = _split_rows(xg, batch_sizes)
        order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
        full = h0.shape[0]
        h, c = h0, c0
        outs = [None] * len(batch_sizes)
        for t in order:
            n = batch_sizes[t]
            if n == full:
                h_in, c_in = h, c
            else:
                h_in = h[:n]
                c_in = None if c is None else c[:n]
            h_new, c_new = self._step(steps[t], h_in, c_in, w_hh, b_hh)
            if w_hr is not None:
                h_new = h_new @ w_hr.T
            outs[t] = h_new
            if n == full:
                h, c = h_new, c_new
            else:
                h = _cat0([h_new, h[n:]])
                if c is not None:
                    c = _cat0([c_new, c[n:]])
        return _cat0(outs), h, c

    def _run(self, x, batch_sizes, hx, cx):
        num_dirs = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            results = []
            for d in range(num_dirs):
                k = layer * num_dirs + d
                out, h, c = self._direction(x, batch_sizes, self._layer_weights(layer, d), hx[k],
                                            None if cx is None else cx[k], d == 1)
                results.append(out)
                h_n.append(h)
                c_n.append(c)
            x = results[0] if num_dirs == 1 else _cat_last(results)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        from ..._ops.shape import stack
        return x, stack(h_n, 0), (stack(c_n, 0) if cx is not None else None)

    def _check_hidden(self, hx, expected, name="hidden"):
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(f"Expected {name} size {tuple(expected)}, got {list(hx.shape)}")

    def forward(self, input, hx=None):
        is_lstm = self.mode == "LSTM"
        num_dirs = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, [int(b) for b in input.batch_sizes._data]
            batch = batch_sizes[0]
            unbatched = False
            sorted_idx = input.sorted_indices
        else:
            if input.ndim not in (2, 3):
                raise ValueError(f"{self.mode.split('_')[0]}: Expected input to be 2D or 3D, got "
                                 f"{input.ndim}D input instead")
            unbatched = input.ndim == 2
            x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first
                                                       else input)
            if x.shape[-1] != self.input_size:
                raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                                   f"{self.input_size}, got {x.shape[-1]}")
            steps, batch = x.shape[0], x.shape[1]
            data = x.reshape(steps * batch, x.shape[2])
            batch_sizes = [batch] * steps
            sorted_idx = None
        h_shape = (self.num_layers * num_dirs, batch, real_hidden)
        c_shape = (self.num_layers * num_dirs, batch, self.hidden_size)
        if hx is None:
            h0 = _creation.zeros(*h_shape, dtype=data.dtype)
            c0 = _creation.zeros(*c_shape, dtype=data.dtype) if is_lstm else None
        else:
            if is_lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise RuntimeError("LSTM expects hx to be a tuple (h_0, c_0)")
                h0, c0 = hx
            else:
                h0, c0 = hx, None
            if unbatched:
                if h0.ndim != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got "
                                       f"{h0.ndim}-D tensor")
                h0 = h0.unsqueeze(1)
                c0 = None if c0 is None else c0.unsqueeze(1)
            elif h0.ndim != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got "
                                   f"{h0.ndim}-D tensor")
            if sorted_idx is not None:
                h0 = h0.index_select(1, sorted_idx)
                c0 = None if c0 is None else c0.index_select(1, sorted_idx)
            self._check_hidden(h0, h_shape, "hidden[0]" if is_lstm else "hidden")
            if c0 is not None:
                self._check_hidden(c0, c_shape, "hidden[1]")
        out, h_n, c_n = self._run(data, batch_sizes, h0, c0)
        if packed:
            if input.unsorted_indices is not None:
                h_n = h_n.index_select(1, input.unsorted_indices)
                c_n = None if c_n is None else c_n.index_select(1, input.unsorted_indices)
            output = PackedSequence(out, input.batch_sizes, input.sorted_indices,
                                    input.unsorted_indices)
        else:
            output = out.reshape(len(batch_sizes), batch, out.shape[-1])
            if unbatched:
                output = output.squeeze(1)
                h_n = h_n.squeeze(1)
                c_n = None if c_n is None else c_n.squeeze(1)
            elif self.batch_first:
                output = output.transpose(0, 1)
        return (output, (h_n, c_n)) if is_lstm else (output, h_n)


def _cat_last(parts):
    from ..._ops.shape import cat
    return cat(parts, -1)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    Returns ``(output, h_n)``. Parameters ``weight_ih_l{k}``, ``weight_hh_l{k}``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (plus ``_reverse`` ones when bidirectional), initialised
    from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

    Example:
        >>> import ember
        >>> ember.nn.RNN(10, 20, 2)
        RNN(10, 20, num_layers=2)
    """

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory; returns ``(output, (h_n, c_n))``. ``proj_size`` projects h.

    Example:
        >>> import ember
        >>> out, (h, c) = ember.nn.LSTM(10, 20, 2)(ember.randn(5, 3, 10))
        >>> out.shape, h.shape
        (ember.Size([5, 3, 20]), ember.Size([2, 3, 20]))
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit; returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# ---------------------------------------------------------------- cells


class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(_creation.empty(num_chunks * hidden_size, input_size,
                                                   dtype=dtype))
        self.weight_hh = Parameter(_creation.empty(num_chunks * hidden_size, hidden_size,
                                                   dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prep(self, input, hx, name):
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        return x, unbatched


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input, hx=None):
        x, unbatched = self._prep(input, hx, "RNNCell")
        if hx is None:
            hx = _creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        elif unbatched:
            hx = hx.unsqueeze(0)
        pre = _linear(x, self.weight_ih, self.bias_ih) + _linear(hx, self.weight_hh, self.bias_hh)
        if self.nonlinearity == "tanh":
            h = pre.tanh()
        elif self.nonlinearity == "relu":
            h = pre.relu()
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """One LSTM step; returns (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        x, unbatched = self._prep(input, hx, "LSTMCell")
        if hx is None:
            z = _creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
            hx = (z, z)
        h, c = hx
        if unbatched:
            h, c = h.unsqueeze(0), c.unsqueeze(0)
        b = None if self.bias_ih is None else self.bias_ih + self.bias_hh
        h2, c2 = apply(LSTMCellBackward, _linear(x, self.weight_ih, b), h, c, self.weight_hh)
        return (h2.squeeze(0), c2.squeeze(0)) if unbatched else (h2, c2)


class GRUCell(RNNCellBase):
    """One GRU step; returns h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, unbatched = self._prep(input, hx, "GRUCell")
        if hx is None:
            hx = _creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        elif unbatched:
            hx = hx.unsqueeze(0)
        b_hh = self.bias_hh if self.bias_hh is not None else \
            _make(np.zeros(3 * self.hidden_size, dtype=x._data.dtype))
        h = apply(GRUCellBackward, _linear(x, self.weight_ih, self.bias_ih), hx, self.weight_hh,
                  b_hh)
        return h.squeeze(0) if unbatched else h
