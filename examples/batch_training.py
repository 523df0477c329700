"""Mini-batches with TensorDataset and DataLoader (seed 001): 10 samples, batches of 5,
reshuffled every epoch."""
import ember as torch
import ember.utils.data as Data

torch.manual_seed(1)
BATCH_SIZE = 5

x = torch.linspace(1, 10, 10)
y = torch.linspace(10, 1, 10)
torch_dataset = Data.TensorDataset(x, y)
loader = Data.DataLoader(dataset=torch_dataset, batch_size=BATCH_SIZE, shuffle=True)

for epoch in range(3):
    for step, (batch_x, batch_y) in enumerate(loader):
        print("Epoch:", epoch, "| Step:", step, "| batch x:", batch_x.numpy(),
              "| batch y:", batch_y.numpy())

# With a batch size that does not divide the data, the last batch holds the remainder.
loader = Data.DataLoader(dataset=torch_dataset, batch_size=8, shuffle=True)
print("batch sizes with batch_size=8:", [len(bx) for bx, _ in loader])
