"""nn part 2: behaviour PyTorch documents beyond plain outputs: train/eval, running statistics,
dropout masks from ember's generator, padding_idx, unpooling, packed-sequence helpers, errors."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import nn
from ember.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence,
                                pad_sequence)


def test_conv_channel_mismatch_message():
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[6, 1, 5, 5\], "
                       r"expected input\[1, 3, 32, 32\] to have 1 channels, but got 3 channels "
                       r"instead"):
        nn.Conv2d(1, 6, 5)(ember.randn(1, 3, 32, 32))


def test_conv_kernel_larger_than_input():
    with pytest.raises(RuntimeError, match=r"Kernel size can't be greater than actual input size"):
        nn.Conv2d(1, 6, 5)(ember.randn(1, 1, 3, 3))


def test_conv2d_unbatched_input_gives_unbatched_output():
    conv = nn.Conv2d(3, 4, 3)
    x = ember.randn(3, 8, 8)
    y = conv(x)
    assert y.shape == (4, 6, 6)
    assert np.allclose(y.detach().numpy(), conv(x.unsqueeze(0))[0].detach().numpy())


def test_conv_constructor_errors_and_repr():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv2d(2, 2, 3, stride=2, padding="same")
    assert repr(nn.Conv2d(1, 6, 5)) == "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"
    assert repr(nn.Conv1d(2, 4, 3, padding="same", bias=False, padding_mode="circular")) == \
        "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, bias=False, " \
        "padding_mode=circular)"


def test_conv_default_init_bounds():
    conv = nn.Conv2d(6, 16, 5)
    bound = 1 / np.sqrt(6 * 25)
    assert np.abs(conv.weight.detach().numpy()).max() <= bound
    assert np.abs(conv.bias.detach().numpy()).max() <= bound
    assert conv.weight.shape == (16, 6, 5, 5)


def test_batchnorm_train_then_eval():
    bn = nn.BatchNorm2d(3, momentum=0.5)
    x = ember.randn(8, 3, 4, 4) * 2 + 1
    y = bn(x).detach().numpy()
    assert np.allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    mean = x.numpy().mean(axis=(0, 2, 3))
    var = x.numpy().var(axis=(0, 2, 3), ddof=1)
    assert np.allclose(bn.running_mean.numpy(), 0.5 * mean, atol=1e-5)
    assert np.allclose(bn.running_var.numpy(), 0.5 + 0.5 * var, atol=1e-5)
    assert int(bn.num_batches_tracked) == 1
    bn.eval()
    y_eval = bn(x).detach().numpy()
    expect = (x.numpy() - bn.running_mean.numpy()[:, None, None]) / \
        np.sqrt(bn.running_var.numpy()[:, None, None] + 1e-5)
    assert np.allclose(y_eval, expect, atol=1e-5)
    assert int(bn.num_batches_tracked) == 1


def test_batchnorm_cumulative_average_with_momentum_none():
    bn = nn.BatchNorm1d(2, momentum=None)
    xs = [ember.randn(5, 2) for _ in range(3)]
    for x in xs:
        bn(x)
    expect = np.mean([x.numpy().mean(0) for x in xs], axis=0)
    assert np.allclose(bn.running_mean.numpy(), expect, atol=1e-6)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(ember.randn(2, 3, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(ember.randn(1, 3))


def test_dropout_train_eval_and_generator():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got "
                                         "1.5"):
        nn.Dropout(1.5)
    drop = nn.Dropout(0.25)
    x = ember.ones(400, 250)
    ember.manual_seed(3)
    a = drop(x).numpy()
    ember.manual_seed(3)
    b = drop(x).numpy()
    assert np.array_equal(a, b)
    assert abs((a == 0).mean() - 0.25) < 0.01
    assert np.allclose(a[a != 0], 1 / 0.75)
    drop.eval()
    assert drop(x) is x
    channels = nn.Dropout2d(0.5)(ember.ones(4, 50, 3, 3)).numpy()
    per_channel = channels.reshape(4, 50, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel != 0).all(-1))


def test_embedding_padding_idx_and_from_pretrained():
    emb = nn.Embedding(5, 3, padding_idx=1)
    assert np.all(emb.weight.detach().numpy()[1] == 0)
    emb(ember.tensor([[1, 2], [1, 4]])).sum().backward()
    g = emb.weight.grad.numpy()
    assert np.all(g[1] == 0) and np.all(g[2] == 1) and np.all(g[0] == 0)
    frozen = nn.Embedding.from_pretrained(ember.ones(4, 2))
    assert not frozen.weight.requires_grad
    assert nn.Embedding.from_pretrained(ember.ones(4, 2), freeze=False).weight.requires_grad
    with pytest.raises(IndexError, match="index out of range in self"):
        nn.Embedding(3, 2)(ember.tensor([3]))


def test_maxpool_indices_and_unpool_round_trip():
    x = ember.randn(2, 3, 6, 6)
    out, idx = nn.MaxPool2d(2, return_indices=True)(x)
    back = nn.MaxUnpool2d(2)(out, idx)
    assert back.shape == x.shape
    kept = back.numpy() != 0
    assert np.allclose(back.numpy()[kept], x.numpy()[kept])
    assert kept.reshape(2, 3, 3, 2, 3, 2).sum(axis=(3, 5)).max() == 1


def test_maxpool_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(ember.randn(1, 1, 4, 4), 3, padding=2)


def test_pad_and_interpolate_errors():
    with pytest.raises(RuntimeError, match=r"Padding size should be less than the corresponding "
                                           r"input dimension"):
        F.pad(ember.randn(1, 2, 3), (3, 3), mode="reflect")
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(ember.randn(1, 1, 4), size=3, scale_factor=2)


def test_norm_errors():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with "
                                           r"shape \[\*, 4\], but got input of size\[2, 3\]"):
        nn.LayerNorm(4)(ember.randn(2, 3))
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by num_groups"):
        nn.GroupNorm(4, 6)


def test_recurrent_errors_and_state_shapes():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    out, (h, c) = lstm(ember.randn(5, 2, 3))
    assert out.shape == (5, 2, 4) and h.shape == (4, 2, 2) and c.shape == (4, 2, 4)
    assert [k for k, _ in lstm.named_parameters()][:5] == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"]
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 4\), got "
                                           r"\[1, 3, 4\]"):
        nn.LSTM(3, 4)(ember.randn(5, 2, 3), (ember.zeros(1, 3, 4), ember.zeros(1, 3, 4)))
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. "
                                           "Expected 3, got 2"):
        nn.GRU(3, 4)(ember.randn(5, 2, 2))
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(3, 4, proj_size=2)


def test_packed_sequence_helpers():
    seqs = [ember.tensor([1.0, 2.0, 3.0]), ember.tensor([4.0]), ember.tensor([5.0, 6.0])]
    padded = pad_sequence(seqs, batch_first=True, padding_value=-1)
    assert padded.tolist() == [[1, 2, 3], [4, -1, -1], [5, 6, -1]]
    packed = pack_sequence(seqs, enforce_sorted=False)
    assert packed.data.tolist() == [1, 5, 4, 2, 6, 3]
    assert packed.batch_sizes.tolist() == [3, 2, 1]
    back, lengths = pad_packed_sequence(packed, batch_first=True)
    assert back.tolist() == [[1, 2, 3], [4, 0, 0], [5, 6, 0]]
    assert lengths.tolist() == [3, 1, 2]
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_padded_sequence(padded.unsqueeze(-1), [3, 1, 2], batch_first=True)


def test_packed_lstm_matches_per_sequence_runs():
    lstm = nn.LSTM(2, 3)
    seqs = [ember.randn(4, 2), ember.randn(2, 2), ember.randn(3, 2)]
    out, (h, _) = lstm(pack_sequence(seqs, enforce_sorted=False))
    padded, _ = pad_packed_sequence(out)
    for b, s in enumerate(seqs):
        single, (hs, _) = lstm(s)
        n = s.shape[0]
        assert np.allclose(padded[:n, b].detach().numpy(), single.detach().numpy(), atol=1e-6)
        assert np.allclose(h[0, b].detach().numpy(), hs[0].detach().numpy(), atol=1e-6)


def test_mha_and_transformer_mask_helpers():
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.tolist() == [[0.0, float("-inf"), float("-inf")], [0.0, 0.0, float("-inf")],
                             [0.0, 0.0, 0.0]]
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    assert [k for k in mha.state_dict()] == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                             "out_proj.bias"]
    x = ember.randn(2, 4, 8)
    out, w = mha(x, x, x)
    assert out.shape == (2, 4, 8) and w.shape == (2, 4, 4)
    assert np.allclose(w.detach().numpy().sum(-1), 1, atol=1e-6)
    _, w_heads = mha(x, x, x, average_attn_weights=False)
    assert w_heads.shape == (2, 2, 4, 4)
    assert mha(x, x, x, need_weights=False)[1] is None
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(8, 3)


def test_sdpa_bool_mask_and_dropout():
    q = ember.randn(2, 3, 4)
    mask = ember.tensor([[True, False, False], [True, True, False], [True, True, True]])
    a = F.scaled_dot_product_attention(q, q, q, attn_mask=mask)
    b = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    assert np.allclose(a.numpy(), b.numpy(), atol=1e-6)
    ember.manual_seed(1)
    c = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert c.shape == (2, 3, 4)
