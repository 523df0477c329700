"""Attention: ``scaled_dot_product_attention`` and the multi-head attention forward used by
``nn.MultiheadAttention`` and the Transformer layers."""
from __future__ import annotations

import math

import numpy as np

from ..._tensor import Tensor, _make
from .dropout import dropout
from .linear import linear

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _softmax(x, dim=-1):
    from .activation import softmax
    return softmax(x, dim)


def _causal(l, s):
    return np.tril(np.ones((l, s), dtype=bool))


def _as_additive(mask, dtype, keep_true: bool):
    """A float mask to add to attention scores: a boolean mask becomes 0 / -inf."""
    m = mask._data
    if m.dtype == np.bool_:
        allowed = m if keep_true else ~m
        return np.where(allowed, 0.0, -np.inf).astype(dtype)
    return m.astype(dtype, copy=False)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False) -> Tensor:
    """softmax(q @ k^T * scale + mask) @ v over (..., L, E) queries and (..., S, E) keys.

    A boolean ``attn_mask`` marks the positions that may be attended to (True); a float mask is
    added to the scores. ``is_causal`` applies a lower-triangular mask.
    """
    l, s = query.shape[-2], key.shape[-2]
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, -3)
        value = value.repeat_interleave(rep, -3)
    scores = (query * scale) @ key.transpose(-2, -1)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        scores = scores + _make(np.where(_causal(l, s), 0.0, -np.inf).astype(scores._data.dtype))
    elif attn_mask is not None:
        scores = scores + _make(_as_additive(attn_mask, scores._data.dtype, keep_true=True)) \
            if attn_mask._data.dtype == np.bool_ else scores + attn_mask
    attn = _softmax(scores, -1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ value


def _mha(q_in, k_in, v_in, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
         dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask, need_weights,
         attn_mask, q_proj_weight, k_proj_weight, v_proj_weight, average_attn_weights,
         is_causal):
    """Multi-head attention on batch-first (N, L, E) inputs; returns (N, L, E) and weights."""
    n, l, e = q_in.shape
    hd = e // num_heads
    if q_proj_weight is None:
        if q_in is k_in and k_in is v_in:
            q, k, v = linear(q_in, in_proj_weight, in_proj_bias).chunk(3, -1)
        else:
            wq, wk, wv = in_proj_weight.chunk(3, 0)
            bq = bk = bv = None
            if in_proj_bias is not None:
                bq, bk, bv = in_proj_bias.chunk(3, 0)
            q, k, v = linear(q_in, wq, bq), linear(k_in, wk, bk), linear(v_in, wv, bv)
    else:
        bq = bk = bv = None
        if in_proj_bias is not None:
            bq, bk, bv = in_proj_bias.chunk(3, 0)
        q = linear(q_in, q_proj_weight, bq)
        k = linear(k_in, k_proj_weight, bk)
        v = linear(v_in, v_proj_weight, bv)
    dtype = q._data.dtype
    mask = None
    float_mask = None             # a float attn_mask stays a Tensor: it may carry a gradient
    if attn_mask is not None:
        if attn_mask._data.dtype == np.bool_:
            m = _as_additive(attn_mask, dtype, keep_true=False)
            mask = m.reshape(n, num_heads, l, -1) if m.ndim == 3 else m
        else:
            float_mask = attn_mask.reshape(n, num_heads, l, -1) if attn_mask.ndim == 3 \
                else attn_mask
    elif is_causal:
        mask = np.where(_causal(l, k.shape[1]), 0.0, -np.inf).astype(dtype)
    kpm = None
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (n, k.shape[1]):
            raise AssertionError(f"expecting key_padding_mask shape of {(n, k.shape[1])}, but got "
                                 f"{tuple(key_padding_mask.shape)}")
        kpm = _as_additive(key_padding_mask, dtype, False)
    if bias_k is not None:
        k = _cat([k, bias_k.reshape(1, 1, e).expand(n, 1, e)], 1)
        v = _cat([v, bias_v.reshape(1, 1, e).expand(n, 1, e)], 1)
        mask = None if mask is None else np.pad(mask, [(0, 0)] * (mask.ndim - 1) + [(0, 1)])
        kpm = None if kpm is None else np.pad(kpm, [(0, 0), (0, 1)])
        float_mask = None if float_mask is None else _pad_last(float_mask)
    if add_zero_attn:
        k = _cat([k, k.new_zeros((n, 1, e))], 1)
        v = _cat([v, v.new_zeros((n, 1, e))], 1)
        mask = None if mask is None else np.pad(mask, [(0, 0)] * (mask.ndim - 1) + [(0, 1)])
        kpm = None if kpm is None else np.pad(kpm, [(0, 0), (0, 1)])
        float_mask = None if float_mask is None else _pad_last(float_mask)
    s = k.shape[1]
    q = q.reshape(n, l, num_heads, hd).transpose(1, 2)
    k = k.reshape(n, s, num_heads, hd).transpose(1, 2)
    v = v.reshape(n, s, num_heads, hd).transpose(1, 2)
    if kpm is not None:
        kpm = kpm.reshape(n, 1, 1, s)
        mask = kpm if mask is None else mask + kpm
    scores = (q * (1.0 / math.sqrt(hd))) @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores + _make(mask)
    if float_mask is not None:
        scores = scores + float_mask
    attn = _softmax(scores, -1)
    if dropout_p > 0.0 and training:
        attn = dropout(attn, dropout_p, True)
    out = (attn @ v).transpose(1, 2).reshape(n, l, e)
    out = linear(out, out_proj_weight, out_proj_bias)
    weights = None
    if need_weights:
        weights = attn.mean(1) if average_attn_weights else attn
    return out, weights


def _pad_last(t):
    from .padding import pad
    return pad(t, (0, 1))


def _cat(ts, dim):
    from ..._ops.shape import cat
    return cat(ts, dim)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
                                 in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p,
                                 out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention on sequence-first (L, N, E) or unbatched (L, E) inputs."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("ember does not implement static_k/static_v yet")
    unbatched = query.ndim == 2
    if query.shape[-1] != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got "
                             f"{query.shape[-1]}")
    if unbatched:
        q, k, v = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    else:
        same_kv = key is value
        same_qk = query is key
        q = query.transpose(0, 1)
        k = q if same_qk else key.transpose(0, 1)
        v = k if same_kv else value.transpose(0, 1)
    out, w = _mha(q, k, v, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                  dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask,
                  need_weights, attn_mask, q_proj_weight if use_separate_proj_weight else None,
                  k_proj_weight, v_proj_weight, average_attn_weights, is_causal)
    if unbatched:
        return out.squeeze(0), (None if w is None else w.squeeze(0))
    return out.transpose(0, 1), w
