"""create_graph=True: Hessian-vector products, gradient penalties, a PINN-style second derivative."""
import numpy as np

import ember
from ember.autograd.functional import hessian, hvp, jacobian, jvp, vjp


def _x(*shape):
    return ember.randn(*shape, dtype=ember.float64, requires_grad=True)


def test_hessian_vector_product_matches_explicit_hessian():
    a = ember.randn(4, 4, dtype=ember.float64)
    a = a + a.t()
    x = _x(4)
    v = ember.randn(4, dtype=ember.float64)
    f = (x @ a @ x) / 2 + x.sin().sum()
    (g,) = ember.autograd.grad(f, x, create_graph=True)
    (hv,) = ember.autograd.grad(g, x, grad_outputs=v)
    want = a.numpy() @ v.numpy() - np.sin(x.detach().numpy()) * v.numpy()
    assert np.allclose(hv.numpy(), want)


def test_functional_tools():
    x = ember.randn(3, dtype=ember.float64)
    f = lambda t: (t ** 3).sum()  # noqa: E731
    h = hessian(f, x)
    assert np.allclose(h.numpy(), np.diag(6 * x.numpy()))
    _, hv = hvp(f, x, ember.ones(3, dtype=ember.float64))
    assert np.allclose(hv.numpy(), 6 * x.numpy())
    j = jacobian(lambda t: t.exp() * 2, x)
    assert np.allclose(j.numpy(), np.diag(2 * np.exp(x.numpy())))
    out, jv = jvp(lambda t: t.sin(), x, ember.ones(3, dtype=ember.float64))
    assert np.allclose(jv.numpy(), np.cos(x.numpy())) and not out.requires_grad
    _, vj = vjp(lambda t: t.sin(), x, ember.ones(3, dtype=ember.float64))
    assert np.allclose(vj.numpy(), np.cos(x.numpy()))


def test_gradient_penalty_trains_the_weights():
    w = _x(3, 2)
    x = _x(5, 3)
    out = (x @ w).tanh().sum()
    (gx,) = ember.autograd.grad(out, x, create_graph=True)
    penalty = ((gx.norm(dim=1) - 1) ** 2).mean() if hasattr(gx, "norm") else \
        (((gx * gx).sum(1).sqrt() - 1) ** 2).mean()
    penalty.backward()
    assert w.grad is not None and x.grad is not None

    def penalty_of(wv):
        o = (x @ wv).tanh().sum()
        (g,) = ember.autograd.grad(o, x, create_graph=True)
        return (((g * g).sum(1).sqrt() - 1) ** 2).mean()

    assert ember.autograd.gradcheck(penalty_of, (w,))


def test_pinn_second_derivative_of_mlp_wrt_input():
    ember.manual_seed(0)
    w1, b1 = _x(1, 8), _x(8)
    w2, b2 = _x(8, 1), _x(1)
    t = ember.linspace(-1, 1, 7, dtype=ember.float64).reshape(7, 1).requires_grad_()

    def net(t):
        return (t @ w1 + b1).tanh() @ w2 + b2

    u = net(t)
    (du,) = ember.autograd.grad(u.sum(), t, create_graph=True)
    (d2u,) = ember.autograd.grad(du.sum(), t, create_graph=True)
    # Closed form: u'' = sum_k w2_k * w1_k^2 * tanh''(z_k), tanh'' = -2 tanh (1 - tanh^2).
    z = t.detach().numpy() @ w1.detach().numpy() + b1.detach().numpy()
    th = np.tanh(z)
    want = (-2 * th * (1 - th ** 2) * w1.detach().numpy() ** 2) @ w2.detach().numpy()
    assert np.allclose(d2u.detach().numpy(), want)
    loss = ((d2u + u) ** 2).mean()      # the residual of u'' + u = 0
    loss.backward()
    assert all(p.grad is not None for p in (w1, b1, w2, b2))
    assert ember.autograd.gradcheck(lambda w: ember.autograd.grad(
        ember.autograd.grad(((t @ w + b1).tanh() @ w2).sum(), t, create_graph=True)[0].sum(), t,
        create_graph=True)[0], (w1,))


def test_create_graph_keeps_graph_on_leaf_grad():
    x = _x(3)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.sum().backward()
    assert np.allclose(x.grad.numpy(), 6 * x.detach().numpy())
