"""ember.utils.summary: the layer table (output shapes, parameter counts, totals)."""
import ember
from ember import nn
from ember.utils.summary import summary_string


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                                  nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        x = self.pool(ember.relu(self.conv1(x)))
        x = self.pool(ember.relu(self.conv2(x)))
        return self.head(x)


def test_lenet_table(capsys):
    model = LeNet()
    ember.utils.summary(model, (1, 28, 28))
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    rows = {line.split()[0]: line for line in lines[3:] if line.strip() and "-" in line.split()[0]
            and line.split()[0][-1].isdigit()}
    assert "[-1, 6, 28, 28]" in rows["Conv2d-1"] and rows["Conv2d-1"].split()[-1] == "156"
    assert "[-1, 6, 14, 14]" in rows["MaxPool2d-2"]
    assert "[-1, 16, 10, 10]" in rows["Conv2d-3"] and rows["Conv2d-3"].split()[-1] == "2,416"
    assert "[-1, 400]" in rows["Flatten-5"]
    assert rows["Linear-6"].split()[-1] == "48,120"
    assert "[-1, 10]" in rows["Linear-10"]
    assert "Sequential" not in text  # containers are not layers
    assert "Total params: 61,706" in text
    assert "Trainable params: 61,706" in text
    assert "Non-trainable params: 0" in text


def test_counts_frozen_parameters_and_restores_mode():
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    model[0].weight.requires_grad_(False)
    model.train()
    text, (total, trainable) = summary_string(model, (4,), batch_size=16)
    assert total == 12 + 3 + 3 + 3 + 6 + 2
    assert trainable == total - 12
    assert "Non-trainable params: 12" in text
    assert "[16, 3]" in text
    assert model.training and all(m.training for m in model.modules())
    assert model[1].num_batches_tracked.item() == 0  # ran in eval mode: no statistics update


def test_several_inputs_and_tuple_outputs():
    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 3)
            self.b = nn.Linear(5, 3)

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    text, (total, _) = summary_string(Pair(), [(2,), (5,)])
    assert total == 9 + 18
    assert text.count("[-1, 3]") == 2
