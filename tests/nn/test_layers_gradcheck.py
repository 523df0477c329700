"""Float64 gradcheck and gradgradcheck of the nn part-2 functional ops on small shapes."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck


def _t(*shape, positive=False):
    a = ember.randn(*shape, dtype=ember.float64)
    if positive:
        a = a.abs() + 0.5
    return a.requires_grad_()


def _distinct(*shape):
    """Well-separated values, so max pooling's winner is stable under finite differences."""
    n = int(np.prod(shape))
    vals = np.random.default_rng(0).permutation(n).astype(np.float64).reshape(shape) * 0.1
    return ember.tensor(vals, requires_grad=True)


CASES = [
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b), lambda: (_t(2, 2, 5, 4), _t(3, 2, 2, 3), _t(3))),
    ("conv2d_strided", lambda x, w: F.conv2d(x, w, stride=2, padding=1, dilation=(1, 2), groups=2),
     lambda: (_t(1, 4, 5, 6), _t(2, 2, 3, 2))),
    ("conv1d", lambda x, w: F.conv1d(x, w, stride=2, padding=1), lambda: (_t(2, 2, 7), _t(3, 2, 3))),
    ("conv3d", lambda x, w: F.conv3d(x, w, padding=(1, 0, 0)),
     lambda: (_t(1, 2, 3, 3, 3), _t(2, 2, 2, 2, 2))),
    ("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            output_padding=1),
     lambda: (_t(1, 2, 3, 3), _t(2, 3, 3, 3), _t(3))),
    ("conv_transpose1d_groups", lambda x, w: F.conv_transpose1d(x, w, stride=2, groups=2,
                                                                dilation=2),
     lambda: (_t(2, 4, 3), _t(4, 1, 2))),
    ("unfold", lambda x: F.unfold(x, 2, padding=1, stride=2), lambda: (_t(1, 2, 4, 5),)),
    ("fold", lambda x: F.fold(x, (4, 5), 2), lambda: (_t(1, 8, 12),)),
    ("max_pool2d", lambda x: F.max_pool2d(x, 2), lambda: (_distinct(1, 2, 4, 4),)),
    ("max_pool2d_overlap", lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
     lambda: (_distinct(1, 2, 5, 6),)),
    ("max_pool1d", lambda x: F.max_pool1d(x, 2, dilation=2), lambda: (_distinct(2, 2, 7),)),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
     lambda: (_t(1, 2, 5, 5),)),
    ("avg_pool3d", lambda x: F.avg_pool3d(x, 2, 1), lambda: (_t(1, 1, 3, 3, 3),)),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
     lambda: (_t(1, 2, 5, 4),)),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (2, 3)),
     lambda: (_distinct(1, 2, 5, 4),)),
    ("lp_pool2d", lambda x: F.lp_pool2d(x, 2, 2), lambda: (_t(1, 1, 4, 4, positive=True),)),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     lambda: (_t(4, 3, 2), _t(3), _t(3))),
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b), lambda: (_t(3, 4), _t(4), _t(4))),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), lambda: (_t(2, 4, 3), _t(4), _t(4))),
    ("instance_norm", lambda x: F.instance_norm(x), lambda: (_t(2, 2, 5),)),
    ("rms_norm", lambda x, w: F.rms_norm(x, (3,), w), lambda: (_t(2, 3), _t(3))),
    ("local_response_norm", lambda x: F.local_response_norm(x, 3), lambda: (_t(1, 4, 3),)),
    ("pad_reflect", lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"), lambda: (_t(1, 1, 3, 4),)),
    ("pad_circular", lambda x: F.pad(x, (1, 2), mode="circular"), lambda: (_t(1, 2, 3),)),
    ("pad_constant", lambda x: F.pad(x, (1, -1, 2, 0), value=1.5), lambda: (_t(2, 3, 4),)),
    ("interpolate_bilinear", lambda x: F.interpolate(x, size=(4, 5), mode="bilinear"),
     lambda: (_t(1, 1, 3, 3),)),
    ("interpolate_nearest", lambda x: F.interpolate(x, scale_factor=2), lambda: (_t(1, 1, 2, 3),)),
    ("pixel_shuffle", lambda x: F.pixel_shuffle(x, 2), lambda: (_t(1, 4, 2, 2),)),
    ("embedding", lambda w: F.embedding(ember.tensor([[0, 2], [2, 1]]), w),
     lambda: (_t(3, 2),)),
    ("embedding_bag_mean", lambda w: F.embedding_bag(ember.tensor([0, 2, 1, 2]), w,
                                                     ember.tensor([0, 1]), mode="mean"),
     lambda: (_t(3, 2),)),
    ("sdpa", lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
     lambda: (_t(1, 3, 2), _t(1, 3, 2), _t(1, 3, 2))),
]


@pytest.mark.parametrize("name,fn,make", CASES, ids=[c[0] for c in CASES])
def test_gradcheck_and_gradgradcheck(name, fn, make):
    inputs = make()
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def _recurrent_function(layer, packed_lengths=None):
    """The layer as a function of (input, h0[, c0], *parameters), so gradcheck perturbs the
    weights too; a packed input runs with its batch shrinking step by step."""
    names = list(layer._parameters)

    def run(x, *rest):
        states, weights = rest[:len(rest) - len(names)], rest[len(rest) - len(names):]
        saved = dict(layer._parameters)
        layer._parameters.update(zip(names, weights))
        try:
            if packed_lengths is not None:
                x = ember.nn.utils.rnn.pack_padded_sequence(x, packed_lengths)
            hx = states[0] if len(states) == 1 else tuple(states)
            out, h = layer(x, hx)
        finally:
            layer._parameters.update(saved)
        out = out.data if packed_lengths is not None else out
        return (out,) + (tuple(h) if isinstance(h, tuple) else (h,))
    return run


RECURRENT = [
    ("lstm_bidirectional", lambda: ember.nn.LSTM(2, 3, bidirectional=True), None),
    ("lstm_no_bias_two_layers", lambda: ember.nn.LSTM(2, 3, num_layers=2, bias=False), None),
    ("lstm_packed_bidirectional", lambda: ember.nn.LSTM(2, 3, bidirectional=True), [3, 2, 1]),
    ("lstm_proj", lambda: ember.nn.LSTM(2, 3, proj_size=2), None),
    ("gru_bidirectional", lambda: ember.nn.GRU(2, 3, bidirectional=True), None),
    ("rnn_bidirectional", lambda: ember.nn.RNN(2, 3, bidirectional=True), None),
]


@pytest.mark.parametrize("name,make,lengths", RECURRENT, ids=[c[0] for c in RECURRENT])
def test_recurrent_layers_twice_differentiable(name, make, lengths):
    """The fused LSTM layer's NumPy backward (uniform, reversed, packed, without bias, with a
    second layer that needs its input's gradient) against finite differences, and its replayed
    double backward; the GRU and RNN steps likewise."""
    ember.manual_seed(0)
    layer = make().double()
    batch = 3 if lengths else 2
    dirs = 2 if layer.bidirectional else 1
    real = layer.proj_size or layer.hidden_size
    states = [_t(layer.num_layers * dirs, batch, real)]
    if isinstance(layer, ember.nn.LSTM):
        states.append(_t(layer.num_layers * dirs, batch, layer.hidden_size))
    weights = [p.detach().clone().requires_grad_() for p in layer._parameters.values()]
    inputs = (_t(3, batch, 2), *states, *weights)
    fn = _recurrent_function(layer, lengths)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)

