"""Two-layer net, version 1 of 8: NumPy only, forward and backward written by hand (seed 003).

A fully connected ReLU network with one hidden layer, trained to fit random data by
minimising the squared Euclidean distance between its output and the target.
"""
import numpy as np

from _common import steps

N, D_in, H, D_out = 64, 1000, 100, 10  # batch, input, hidden and output sizes

rng = np.random.default_rng(0)
x = rng.standard_normal((N, D_in))
y = rng.standard_normal((N, D_out))
w1 = rng.standard_normal((D_in, H))
w2 = rng.standard_normal((H, D_out))

learning_rate = 1e-6
for t in range(steps(500, 20)):
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)

    loss = np.square(y_pred - y).sum()
    if t % 100 == 99 or t == 0:
        print(t, loss)

    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)

    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
print("final loss", loss)
