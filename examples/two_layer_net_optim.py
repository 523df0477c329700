"""Two-layer net, version 6 of 8: torch.optim.Adam does the update (seed 003)."""
import ember as torch

from _common import steps

torch.manual_seed(0)
N, D_in, H, D_out = 64, 1000, 100, 10

x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
loss_fn = torch.nn.MSELoss(reduction="sum")

learning_rate = 1e-4
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
for t in range(steps(500, 20)):
    y_pred = model(x)

    loss = loss_fn(y_pred, y)
    if t % 100 == 99 or t == 0:
        print(t, loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("final loss", loss.item())
