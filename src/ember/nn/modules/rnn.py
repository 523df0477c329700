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
    """A whole LSTM direction (no projection) over packed rows: (xg, h0, c0, w_hh) ->
    (out, h_n, c_n). Forward and backward are NumPy loops over time with one batched GEMM per
    step; the recurrent weight's gradient is one GEMM over all steps. Under
    ``create_graph=True`` the backward replays the steps as differentiable LSTMCellBackward
    nodes instead.

    The gates are kept gate-major, ``acts[t, k]`` being gate k's (batch, hidden) block, so
    every elementwise op of a step runs over contiguous memory (4x faster than over the
    column blocks of a (batch, 4 * hidden) array), and sigmoid is computed as a halved tanh
    (the halving folded into the weight and the input projection once), so one tanh covers all
    four gates.
    """
    save_inputs = (0, 1, 2, 3)
    _materialize_grads = False

    def forward(self, xg, h0, c0, w, batch_sizes=(), reverse=False):
        self.batch_sizes, self.reverse = batch_sizes, reverse
        hid, full, dt = w.shape[1], h0.shape[0], xg.dtype
        offs = np.concatenate(([0], np.cumsum(batch_sizes)))
        self.offs = offs
        order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
        half = np.array([0.5, 0.5, 1.0, 0.5], dt)[:, None, None]   # i, f, o: sigmoid via tanh
        w4t = np.ascontiguousarray(w.reshape(4, hid, hid).transpose(0, 2, 1)) * half
        xg4 = _gate_major(xg, batch_sizes, offs, full, half)
        acts = np.empty((len(batch_sizes), 4, full, hid), dt)
        tcs = np.empty((xg.shape[0], hid), dt)
        hprev = np.empty_like(tcs)
        cprev = np.empty_like(tcs)
        out = np.empty_like(tcs)
        ig = np.empty((full, hid), dt)
        h, c = h0.copy(), c0.copy()
        for t in order:
            n, a, b = batch_sizes[t], offs[t], offs[t + 1]
            hprev[a:b], cprev[a:b] = h[:n], c[:n]
            gates = acts[t, :, :n]
            np.matmul(h[:n], w4t, out=gates)
            gates += xg4[t, :, :n]
            np.tanh(gates, out=gates)
            for sig in (gates[:2], gates[3]):
                sig *= 0.5
                sig += 0.5
            i, f, g, o = gates
            c_t = c[:n]
            c_t *= f                      # c was saved in cprev above
            c_t += np.multiply(i, g, out=ig[:n])
            tc = np.tanh(c_t, out=tcs[a:b])
            h[:n] = np.multiply(o, tc, out=out[a:b])
        self.acts, self.tcs, self.hprev, self.cprev = acts, tcs, hprev, cprev
        return out, h, c

    def backward(self, g_out, g_h, g_c):
        xg, h0, c0, w = self.saved_tensors
        if _state.enabled:
            return self._replay(xg, h0, c0, w, g_out, g_h, g_c)
        bs, offs, hid = self.batch_sizes, self.offs, w.shape[1]
        w4 = w._data.reshape(4, hid, hid)    # w4[k]: gate k's rows of w_hh
        acts, tcs, cprev = self.acts, self.tcs, self.cprev
        dh = np.zeros(h0.shape, w4.dtype) if g_h is None else g_h._data.copy()
        dc = np.zeros(c0.shape, w4.dtype) if g_c is None else g_c._data.copy()
        gout = None if g_out is None else g_out._data
        d4 = np.empty_like(acts)
        slope = np.empty(acts.shape[1:], acts.dtype)   # per step: each gate's derivative
        order = range(len(bs)) if self.reverse else range(len(bs) - 1, -1, -1)
        for t in order:
            n, a, b = bs[t], offs[t], offs[t + 1]
            dh_t = dh[:n] if gout is None else dh[:n] + gout[a:b]
            gates = acts[t, :, :n]
            i, f, g, o = gates
            tc = tcs[a:b]
            dc_t = dh_t * o * (1 - tc * tc)
            dc_t += dc[:n]
            d = slope[:, :n]
            np.multiply(gates, gates, out=d)
            np.subtract(gates, d, out=d)          # s (1 - s) for the sigmoid gates i, f, o
            np.multiply(g, g, out=d[2])
            np.subtract(1, d[2], out=d[2])        # 1 - g^2 for the tanh gate
            dgates = d4[t, :, :n]
            di, df, dg, do = dgates
            np.multiply(dc_t, g, out=di)
            np.multiply(dc_t, cprev[a:b], out=df)
            np.multiply(dc_t, i, out=dg)
            np.multiply(dh_t, tc, out=do)
            dgates *= d
            np.matmul(di, w4[0], out=dh[:n])     # dh_t (maybe a view of dh) is used up
            for k, dk in ((1, df), (2, dg), (3, do)):
                dh[:n] += dk @ w4[k]
            np.multiply(dc_t, f, out=dc[:n])
        d_gates = _row_major(d4, bs, offs)
        need = self.needs_input_grad
        gw = _make(d_gates.T @ self.hprev) if need[3] else None
        return _make(d_gates), _make(dh), _make(dc), gw

    def _replay(self, xg, h0, c0, w, g_out, g_h, g_c):
        """create_graph: rebuild the steps from differentiable cell nodes and differentiate."""
        from ...autograd import grad as _grad
        bs, offs = self.batch_sizes, self.offs
        outs, h, c = _lstm_steps(xg, h0, c0, w, bs, offs, self.reverse)
        targets, grads = [], []
        for t, g in ((outs, g_out), (h, g_h), (c, g_c)):
            if g is not None:
                targets.append(t)
                grads.append(g)
        inputs = [t for t in (xg, h0, c0, w) if t.requires_grad]
        got = iter(_grad(targets, inputs, grads, create_graph=True, allow_unused=True))
        return tuple(next(got) if t.requires_grad else None for t in (xg, h0, c0, w))


def _gate_major(rows, bs, offs, full, scale):
    """Packed rows (T*B, 4*H) -> (T, 4, full, H) times ``scale`` (4, 1, 1), gate-major per step."""
    steps, hid = len(bs), rows.shape[1] // 4
    out = np.empty((steps, 4, full, hid), rows.dtype)
    if all(n == full for n in bs):
        np.multiply(rows.reshape(steps, full, 4, hid).transpose(0, 2, 1, 3), scale, out=out)
        return out
    for t, n in enumerate(bs):
        np.multiply(rows[offs[t]:offs[t + 1]].reshape(n, 4, hid).transpose(1, 0, 2), scale,
                    out=out[t, :, :n])
    return out


def _row_major(d4, bs, offs):
    """The inverse layout of _gate_major (without scaling): (T, 4, full, H) -> (T*B, 4*H)."""
    steps, _, full, hid = d4.shape
    if all(n == full for n in bs):
        return np.ascontiguousarray(d4.transpose(0, 2, 1, 3)).reshape(steps * full, 4 * hid)
    out = np.empty((int(offs[-1]), 4 * hid), d4.dtype)
    for t, n in enumerate(bs):
        out[offs[t]:offs[t + 1]].reshape(n, 4, hid)[...] = d4[t, :, :n].transpose(1, 0, 2)
    return out


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
        if self.mode == "GRU" or b_ih is None:
            xg = _linear(x, w_ih, b_ih)
        else:
            xg = _linear(x, w_ih, b_ih + b_hh)
        if self.mode == "LSTM" and w_hr is None:
            return apply(LSTMLayerBackward, xg, h0, c0, w_hh, batch_sizes=tuple(batch_sizes),
                         reverse=reverse)
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
