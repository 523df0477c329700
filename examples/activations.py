"""relu, sigmoid, tanh and softplus on [-5, 5], plotted in four panels (seed 001)."""
import ember as torch
import ember.nn.functional as F

from _common import pyplot, save_figure

x = torch.linspace(-5, 5, 200)
x_np = x.numpy()
curves = {
    "relu": (F.relu(x).numpy(), "red", (-1, 5), 221),
    "sigmoid": (F.sigmoid(x).numpy(), "blue", (-0.1, 1.2), 223),
    "tanh": (F.tanh(x).numpy(), "orange", (-1.1, 1.1), 222),
    "softplus": (F.softplus(x).numpy(), "green", (-1, 5), 224),
}
for name, (values, _, _, _) in curves.items():
    print(f"{name:9s} min {values.min():+.3f} max {values.max():+.3f}")

plt = pyplot()
if plt is not None:
    plt.figure(1, figsize=(8, 6))
    for name, (values, color, ylim, position) in curves.items():
        plt.subplot(position)
        plt.plot(x_np, values, c=color, label=name)
        plt.ylim(ylim)
        plt.legend(loc="best")
    save_figure(plt, "activations.png")
