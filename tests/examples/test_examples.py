"""Every script in examples/ runs (short settings via EMBER_EXAMPLES_QUICK=1) and writes its plots."""
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None

# A line each script must print, and the plot it must write (when matplotlib is installed).
EXPECTED = {
    "activations.py": ("softplus", "activations.png"),
    "batch_training.py": ("batch sizes with batch_size=8: [8, 2]", None),
    "blocks.py": ("chimera:", None),
    "classification.py": ("accuracy", "classification.png"),
    "custom_layers.py": ("parameters: ['0.weight', '0.bias', '1.weight', '1.bias']", None),
    "file_io.py": ("identical outputs: True", None),
    "lenet.py": ("conv1.bias.grad after backward", None),
    "nn_sequential_mlp.py": ("(Line2): Linear(in_features=100, out_features=10, bias=True)", None),
    "optimizers.py": ("epoch 0: SGD", "optimizers.png"),
    "parameters.py": ("tied: True", None),
    "regression.py": ("final loss", "regression.png"),
    "save_restore.py": ("restored nets agree: True", "save_restore.png"),
    "sequential_vs_module.py": ("same outputs: True", None),
    "tensor_basics.py": ("sin agrees with NumPy: True", None),
    "two_layer_net_numpy.py": ("final loss", None),
    "two_layer_net_tensor.py": ("final loss", None),
    "two_layer_net_autograd.py": ("final loss", None),
    "two_layer_net_custom_function.py": ("final loss", None),
    "two_layer_net_nn.py": ("final loss", None),
    "two_layer_net_optim.py": ("final loss", None),
    "two_layer_net_module.py": ("final loss", None),
    "two_layer_net_dynamic.py": ("final loss", None),
}


def test_every_example_is_listed():
    scripts = sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
    assert scripts == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(tmp_path, name):
    env = dict(os.environ, EMBER_EXAMPLES_QUICK="1", EMBER_EXAMPLES_OUT=str(tmp_path),
               OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line, plot = EXPECTED[name]
    assert line in done.stdout
    if plot is not None:
        if HAVE_MATPLOTLIB:
            assert (tmp_path / plot).stat().st_size > 1000
        else:
            assert "matplotlib is not installed" in done.stdout


def test_final_loss_of_the_two_layer_nets_goes_down(tmp_path):
    env = dict(os.environ, EMBER_EXAMPLES_QUICK="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(EXAMPLES / "two_layer_net_autograd.py")],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    first = float(done.stdout.splitlines()[0].split()[1])
    last = float(done.stdout.splitlines()[-1].split()[-1])
    assert last < first
