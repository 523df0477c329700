"""python -m ember.examples.mnist: a short run on a slice of MNIST, a checkpoint, --resume, the plot."""
import importlib.util
import json
import os
import subprocess
import sys

import ember
from ember.examples import mnist

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def test_lenet5_shapes_and_size():
    model = mnist.LeNet5()
    assert sum(p.numel() for p in model.parameters()) == 61_706
    assert model(ember.zeros(3, 1, 28, 28)).shape == (3, 10)


def test_cli_defaults_and_flags():
    args = mnist.parse_args([])
    assert (args.epochs, args.batch_size, args.workers, args.seed) == (3, 64, 0, 0)
    args = mnist.parse_args(["--epochs", "1", "--batch-size", "32", "--lr", "0.01",
                             "--workers", "2", "--seed", "5", "--out", "x", "--resume"])
    assert (args.epochs, args.batch_size, args.lr, args.workers, args.seed, args.out,
            args.resume) == (1, 32, 0.01, 2, 5, "x", True)


def test_short_training_checkpoint_and_resume(tmp_path):
    out = tmp_path / "run"
    common = ["--batch-size", "50", "--limit", "3000", "--test-limit", "1000", "--out", str(out),
              "--no-progress", "--lr", "0.003"]
    first = mnist.main(["--epochs", "1"] + common)
    assert first["epochs"] == 1
    assert (out / "checkpoint.pt").is_file()
    assert first["test_accuracy"] > 0.6
    state = ember.load(str(out / "checkpoint.pt"))
    assert state["epoch"] == 1 and "conv1.weight" in state["model"]

    second = mnist.main(["--epochs", "2", "--resume"] + common)
    assert second["epochs"] == 2
    assert second["history"]["test_acc"][0] == first["test_accuracy"]
    assert second["test_accuracy"] > 0.8
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["history"]["train_loss"]) == 2
    assert (out / "mnist_curves.png").is_file() == HAVE_MATPLOTLIB


def test_resume_without_checkpoint_fails_clearly(tmp_path):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "ember.examples.mnist", "--resume", "--out",
                           str(tmp_path), "--limit", "10"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode != 0
    assert "--resume: no checkpoint at" in done.stderr
