"""DataLoader: main-process overhead on an MNIST-sized TensorDataset, and worker speed-up.

Run: ``python benchmarks/dataloader.py`` (ember and, when installed, torch in this process).

* "TensorDataset 60000x1x28x28, batch 64": one shuffled epoch in the main process; the cost is
  the loader's own overhead (sampling, indexing, collating), not any model.
* "1 ms/item, 2048 items, batch 64": a dataset whose ``__getitem__`` spins 1 ms of Python;
  with ``num_workers=2`` the epoch should take about half the single-process time on 2 cores.
"""
from __future__ import annotations


import _harness
from _harness import workload

import numpy as np


def _python_work(n: int) -> int:
    total = 0
    for k in range(n):
        total += k & 7
    return total


# A fixed loop count (about 1 ms on the development machine), the same in the ember and the
# torch worker: calibrating in each process gave the two frameworks different amounts of work.
WORK = 18_000


class SpinDataset:
    """``__getitem__`` costs about 1 ms of pure Python (holding the GIL, as augmentation does)."""

    def __len__(self):
        return 2048

    def __getitem__(self, i):
        _python_work(WORK)
        return np.full(16, i, dtype=np.float32), i


def _epoch(loader):
    def step():
        for batch in loader:
            pass
    return step


@workload("TensorDataset 60000x1x28x28, batch 64, shuffle", group="dataloader", repeat=5,
          target_s=0.0)
def mnist_main_process(torch):
    x = torch.randn(60000, 1, 28, 28)
    y = torch.randint(0, 10, (60000,))
    data = torch.utils.data
    return _epoch(data.DataLoader(data.TensorDataset(x, y), batch_size=64, shuffle=True))


@workload("1 ms/item, 2048 items, batch 64, num_workers=0", group="dataloader", repeat=3,
          target_s=0.0)
def spin_single(torch):
    return _epoch(torch.utils.data.DataLoader(SpinDataset(), batch_size=64))


@workload("1 ms/item, 2048 items, batch 64, num_workers=2", group="dataloader", repeat=3,
          target_s=0.0)
def spin_workers(torch):
    return _epoch(torch.utils.data.DataLoader(SpinDataset(), batch_size=64, num_workers=2))


if __name__ == "__main__":
    _harness.main()
