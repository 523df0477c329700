"""W7 (issue 5): a 2-layer TransformerEncoder (d_model 128, 4 heads, feed-forward 256), batch 16,
sequence 64, one training step (MSE on the output, Adam). Target: ember at most 1.5x PyTorch.
Run: ``python benchmarks/transformer.py``.
"""
import _harness
from _harness import workload


@workload("W7 transformer encoder train step", group="seed workloads", target_s=0.2)
def transformer_train(torch):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(128, 4, 256, batch_first=True)
    if _is_torch(torch):
        model = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    else:
        model = torch.nn.TransformerEncoder(layer, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(16, 64, 128)
    y = torch.randn(16, 64, 128)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return step


def _is_torch(mod) -> bool:
    return mod.__name__ == "torch"


if __name__ == "__main__":
    _harness.main()
