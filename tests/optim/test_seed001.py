"""Seed 001's optimizer comparison (four nets, SGD/Momentum/RMSprop/Adam, one DataLoader) runs.

The tutorial's typos (``linpsace``, ``net.net_Adam``) are fixed and the plots are left out.
"""
import numpy as np

import ember as torch
import ember.nn.functional as F
import ember.utils.data as Data


class Net(torch.nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(1, 20)
        self.predict = torch.nn.Linear(20, 1)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


def test_seed001_optimizer_comparison_trains_all_four():
    torch.manual_seed(1)
    LR, BATCH_SIZE, EPOCH = 0.01, 32, 3
    x = torch.unsqueeze(torch.linspace(-1, 1, 1000), dim=1)
    y = x.pow(2) + 0.1 * torch.normal(torch.zeros(*x.size()))
    torch_dataset = Data.TensorDataset(x, y)
    loader = Data.DataLoader(dataset=torch_dataset, batch_size=BATCH_SIZE, shuffle=True,
                             num_workers=2)
    net_SGD, net_Momentum, net_RMSprop, net_Adam = Net(), Net(), Net(), Net()
    nets = [net_SGD, net_Momentum, net_RMSprop, net_Adam]
    opt_SGD = torch.optim.SGD(net_SGD.parameters(), lr=LR)
    opt_Momentum = torch.optim.SGD(net_Momentum.parameters(), lr=LR, momentum=0.8)
    opt_RMSprop = torch.optim.RMSprop(net_RMSprop.parameters(), lr=LR, alpha=0.9)
    opt_Adam = torch.optim.Adam(net_Adam.parameters(), lr=LR, betas=(0.9, 0.99))
    optimizers = [opt_SGD, opt_Momentum, opt_RMSprop, opt_Adam]
    loss_func = torch.nn.MSELoss()
    loss_his = [[], [], [], []]
    for epoch in range(EPOCH):
        for step, (b_x, b_y) in enumerate(loader):
            for net, opt, l_his in zip(nets, optimizers, loss_his):
                output = net(b_x)
                loss = loss_func(output, b_y)
                opt.zero_grad()
                loss.backward()
                opt.step()
                l_his.append(loss.data.numpy())
    assert all(len(h) == EPOCH * 32 for h in loss_his)
    for name, h in zip(["SGD", "Momentum", "RMSprop", "Adam"], loss_his):
        h = np.array(h, dtype=np.float64)
        assert np.isfinite(h).all(), name
        assert h[-32:].mean() < h[:32].mean(), name
    # The adaptive methods fit this curve faster than plain SGD, as the tutorial's plot shows.
    final = [np.mean(h[-32:]) for h in loss_his]
    assert final[3] < final[0] and final[2] < final[0]
