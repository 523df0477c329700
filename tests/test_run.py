"""python -m ember.run: unmodified PyTorch scripts on ember, and clear errors for what is missing."""
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

import ember
import ember.run as ember_run

SEEDS = pathlib.Path(__file__).resolve().parent / "examples" / "torch_seeds"
STUBS = pathlib.Path(__file__).resolve().parent / "examples" / "stubs"


def run_script(tmp_path, code, *args, env_extra=None, module=False):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", **(env_extra or {}))
    target = ["-m", "script"] if module else [str(script)]
    return subprocess.run([sys.executable, "-m", "ember.run", *target, *args], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)


def test_torch_and_submodules_resolve_to_ember(tmp_path):
    done = run_script(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.utils.data as Data
        from torch import optim
        from torch.autograd import Variable
        import ember
        assert torch.Tensor is ember.Tensor and nn.Linear is ember.nn.Linear
        assert F.relu is ember.nn.functional.relu and optim.SGD is ember.optim.SGD
        assert Data.DataLoader is ember.utils.data.DataLoader
        x = Variable(torch.ones(2), requires_grad=True)
        (x * 3).sum().backward()
        print(torch.__name__, torch.nn.__name__, x.grad.tolist())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["torch", "torch.nn", "[3.0,", "3.0]"]


def test_torchvision_resolves_to_ember_vision(tmp_path):
    done = run_script(tmp_path, """
        import torchvision
        from torchvision import datasets, transforms
        import ember.vision
        assert transforms.ToTensor is ember.vision.transforms.ToTensor
        assert datasets.MNIST is ember.vision.datasets.MNIST
        print(transforms.Compose([transforms.ToTensor()]))
    """)
    assert done.returncode == 0, done.stderr
    assert "ToTensor()" in done.stdout


def test_missing_name_points_at_the_script_line(tmp_path):
    done = run_script(tmp_path, """
        import torch
        x = torch.ones(2)
        y = torch.compile(x)
    """)
    assert done.returncode == 1
    err = done.stderr
    assert "EmberNotImplementedError: ember does not implement torch.compile yet" in err
    assert "script.py, line 4: y = torch.compile(x)" in err
    assert "run.py" not in err and "AttributeError" not in err


def test_missing_names_still_work_with_hasattr_and_getattr(tmp_path):
    done = run_script(tmp_path, """
        import torch
        print(hasattr(torch, "compile"), getattr(torch.nn, "NoSuchLayer", "fallback"))
        try:
            import torch.distributions
        except ImportError as e:
            print("ImportError:", e)
    """)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "False fallback"
    assert lines[1].startswith("ImportError: ember does not implement torch.distributions yet")


def test_missing_submodule_and_tensor_method(tmp_path):
    done = run_script(tmp_path, "import torch\nfrom torchvision import models\n")
    assert done.returncode == 1
    assert "ember does not implement torchvision.models yet" in done.stderr
    done = run_script(tmp_path, "import torch\nx = torch.ones(2)\nx.frobnicate()\n")
    assert done.returncode == 1
    assert ("EmberNotImplementedError: ember does not implement torch.Tensor.frobnicate yet "
            "(" in done.stderr)
    assert "line 3: x.frobnicate()" in done.stderr


def test_argv_exit_code_and_script_errors(tmp_path):
    done = run_script(tmp_path, """
        import sys
        print(sys.argv[1:], __name__)
        sys.exit(3)
    """, "--epochs", "2")
    assert done.returncode == 3
    assert done.stdout.strip() == "['--epochs', '2'] __main__"
    done = run_script(tmp_path, "import torch\nraise ValueError('boom')\n")
    assert done.returncode == 1 and "ValueError: boom" in done.stderr
    assert "runpy" not in done.stderr


def test_module_mode(tmp_path):
    done = run_script(tmp_path, "import torch\nprint(torch.ones(1).item())\n", module=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1.0"


def test_help_and_usage(capsys):
    assert ember_run.main(["--help"]) == 0
    assert "python -m ember.run SCRIPT" in capsys.readouterr().out
    assert ember_run.main([]) == 2


def test_install_in_process_and_uninstall_restores():
    saved = {k: v for k, v in sys.modules.items() if k == "torch" or k.startswith("torch.")}
    ember_run.install()
    try:
        import torch
        import torch.nn
        assert torch.nn.Linear is ember.nn.Linear
        assert "torch.nn" in sys.modules
    finally:
        ember_run.uninstall()
    now = {k: v for k, v in sys.modules.items() if k == "torch" or k.startswith("torch.")}
    assert now == saved


# The seed programs, unchanged except for their typos, run through the runner. Each entry is
# a line its output must contain.
SEED_OUTPUT = {
    "s000_nn_and_optim.py": "Epoch:9000, Loss:",
    "s001_basics_and_activations.py": "variable.grad:  tensor([[0.5000, 1.0000],",
    "s001_regression.py": "final loss",
    "s001_classification.py": "accuracy 1.00",
    "s001_quick_build.py": "(2): Linear(in_features=10, out_features=1, bias=True)",
    "s001_save_restore.py": "restored nets agree: True True",
    "s001_batch_training.py": "Epoch:  2 | Step:  1 | batch x: ",
    "s001_optimizers.py": "final losses",
    "s002_lenet.py": "conv1.bias.grad after backward",
    "s003_numpy.py": "499 ",
    "s003_tensor.py": "499 ",
    "s003_autograd.py": "499 ",
    "s003_custom_function.py": "499 ",
    "s003_nn.py": "499 ",
    "s003_optim.py": "499 ",
    "s003_custom_module.py": "499 ",
    "s003_dynamic.py": "499 ",
    "s004_layers_and_blocks.py": "(block3): Sequential(",
}


def test_every_seed_program_is_listed():
    assert sorted(p.name for p in SEEDS.glob("*.py")) == sorted(SEED_OUTPUT)


@pytest.mark.parametrize("name", sorted(SEED_OUTPUT))
def test_seed_program_runs_unchanged(tmp_path, name):
    # plt.pause() sleeps: the seeds get a do-nothing matplotlib so only ember's part is timed.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(STUBS))
    done = subprocess.run([sys.executable, "-m", "ember.run", str(SEEDS / name)], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert SEED_OUTPUT[name] in done.stdout


def test_spawned_workers_get_ember_too(tmp_path):
    # Children of spawn/forkserver re-import the script without the parent's import hook; a
    # real torch must not be what they find (here any real torch raises).
    block = tmp_path / "block"
    block.mkdir()
    (block / "torch.py").write_text("raise ImportError('the real torch was imported')\n")
    code = """
        import torch
        import torch.utils.data as Data


        class Squares(Data.Dataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return torch.tensor(float(i * i))


        if __name__ == "__main__":
            loader = Data.DataLoader(Squares(), batch_size=2, num_workers=2,
                                     multiprocessing_context="spawn")
            print([b.tolist() for b in loader])
    """
    done = run_script(tmp_path, code, env_extra={"PYTHONPATH": str(block)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[[0.0, 1.0], [4.0, 9.0]]"
