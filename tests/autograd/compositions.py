"""Representative autograd compositions, written once for any torch-like module.

``tools/fixtures/autograd.py`` runs them on PyTorch and stores inputs, outputs and gradients;
``test_golden.py`` runs the same functions on ember and compares. Each entry is
``name: (function(torch, *inputs) -> scalar, [input shapes])``; inputs are float64.
"""
from __future__ import annotations


def mlp_softmax(torch, x, w1, b1, w2):
    h = torch.tanh(x @ w1 + b1)
    logits = h @ w2
    logp = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -(logp[:, 0]).mean() + 0.1 * (w1 * w1).sum()


def broadcast_reduce(torch, a, b, c):
    y = (a * b.unsqueeze(0) + c).sigmoid()
    return y.var(dim=1).sum() + y.std() + (y.amax(dim=0) * y.mean(dim=0, keepdim=True)).sum()


def index_compose(torch, x, v):
    y = x.clone()
    y[y < 0] = 0
    y[0, 1:3] = v
    idx = torch.tensor([2, 0, 2])
    z = torch.cat([y[idx], y.t()[1:4].t()[1:2] @ torch.ones(3, 5, dtype=y.dtype)], 0)
    g = torch.gather(z, 1, torch.tensor([[0, 1], [2, 3], [1, 1], [3, 0]]))
    return (g.pow(2).sum() + torch.where(y > 0.5, y, y * 3).sum()
            + torch.stack([y[0], y[1]], 1).cumsum(0).sum() + y.masked_fill(y > 1, 0.0).prod())


def views_chain(torch, x):
    y = x.reshape(2, 3, 4).permute(2, 0, 1).flip(0)
    z = y.transpose(1, 2).contiguous().view(4, 6)
    return (z[:, ::2].exp().sum(1) * torch.arange(4.0, dtype=x.dtype)).sum() + z.max(1)[0].sum()


def matmul_cases(torch, a, b, c, v):
    return ((a @ b).sum() + (c @ b[0]).pow(2).sum() + (v @ b[1] @ b[0].t() @ v).sum()
            + torch.addmm(a[0, :, :1], a[0], b[0]).sum() + torch.bmm(a, b).abs().mean())


def linalg_compose(torch, m, r):
    a = m + 4 * torch.eye(3, dtype=m.dtype)
    return torch.linalg.det(a) + torch.linalg.inv(a).sum() + torch.linalg.solve(a, r).pow(2).sum()


def inplace_nonleaf(torch, x, w):
    y = x * w
    y.mul_(2)
    y.add_(1)
    y.clamp_(min=-1.0)
    z = y.exp() * 1
    z.sub_(0.5)
    return (z * y).sum()


def inplace_views(torch, x, w):
    y = x * 1
    y[1:3].mul_(w[:2])
    y.view(3, 4)[0].add_(w)
    v = y.view(3, 4).t()[1]
    v[v > 0.5] = 0.25
    buf = torch.zeros(4, 3, dtype=x.dtype)
    buf[:, 1].copy_(w)
    buf.t()[2].mul_(y[:4])
    return (y * y).sum() + (buf.exp() * torch.arange(3.0, dtype=x.dtype)).sum()


def index_add_compose(torch, x, s, u):
    # Repeated indices accumulate; alpha scales; the out-of-place and in-place forms agree.
    idx = torch.tensor([2, 0, 2])
    y = x.index_add(1, idx, s, alpha=1.5)
    z = y.clone()
    z.index_add_(0, torch.tensor([1, 1]), y[:2] * 0.5)
    return (y * y).sum() + z.tanh().sum() + torch.outer(u, u).sum()


COMPOSITIONS = {
    "mlp_softmax": (mlp_softmax, [(5, 4), (4, 6), (6,), (6, 3)]),
    "broadcast_reduce": (broadcast_reduce, [(4, 3), (3,), (4, 1)]),
    "index_compose": (index_compose, [(3, 5), (2,)]),
    "views_chain": (views_chain, [(24,)]),
    "matmul_cases": (matmul_cases, [(2, 3, 4), (2, 4, 5), (3, 4), (4,)]),
    "linalg_compose": (linalg_compose, [(3, 3), (3, 2)]),
    "inplace_nonleaf": (inplace_nonleaf, [(3, 4), (4,)]),
    "inplace_views": (inplace_views, [(12,), (4,)]),
    "index_add_compose": (index_add_compose, [(3, 4), (3, 3), (3,)]),
}


def hvp_target(torch, x, w):
    """A scalar whose Hessian-vector product (d/dx of grad.v) is recorded: double backward."""
    return ((x @ w).tanh().pow(2).sum() + (x.sin() * x).sum()) / 3


def seed003_autograd(torch, x, y, w1, w2, steps, lr):
    """Seed 003's 'Tensors and autograd' loop; returns the losses and final weights."""
    losses = []
    for _ in range(steps):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return losses, w1, w2


def seed003_manual(torch, x, y, w1, w2, steps, lr):
    """Seed 003's 'Tensors' loop: the backward written by hand."""
    losses = []
    for _ in range(steps):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        loss = (y_pred - y).pow(2).sum().item()
        losses.append(loss)
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
    return losses, w1, w2


def make_myrelu(torch):
    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input
    return MyReLU


def seed003_function(torch, x, y, w1, w2, steps, lr):
    """Seed 003's custom-Function loop."""
    relu = make_myrelu(torch).apply
    losses = []
    for _ in range(steps):
        y_pred = relu(x.mm(w1)).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return losses, w1, w2


SEED003 = {"autograd": seed003_autograd, "manual": seed003_manual, "function": seed003_function}
SEED003_SIZES = (16, 40, 20, 5)   # N, D_in, H, D_out (the seed uses 64, 1000, 100, 10)
SEED003_STEPS, SEED003_LR = 20, 2e-5
