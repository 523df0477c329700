# Seed 003: dynamic version of the two-layer net, as published.
import random
import torch


class DynamicNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(DynamicNet, self).__init__()
        self.input_linear = torch.nn.Linear(D_in, H)
        self.middle_linear = torch.nn.Linear(H, H)
        self.output_linear = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(random.randint(0, 3)):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        y_pred = self.output_linear(h_relu)
        return y_pred


# N是批量大小，D_in 是输入维度，H 是隐藏维度， D_out 是输出维度
N, D_in, H, D_out = 64, 1000, 100, 10

# 随机创建输入输出数据
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

# 实例化自定义模型
model = DynamicNet(D_in, H, D_out)

# 损失函数和优化函数
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)

for i in range(500):
    # 前向传递：使用模型计算关于x的预测y
    y_pred = model(x)

    # 计算损失
    loss = criterion(y_pred, y)
    print(i, loss.item())

    # 反向传递前零化梯度
    optimizer.zero_grad()

    # 反向传递
    loss.backward()

    # 调用优化算法的setp()函数来更新参数
    optimizer.step()
