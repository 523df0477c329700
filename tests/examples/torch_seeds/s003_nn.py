# Seed 003: nn version of the two-layer net, as published.
import torch

# N是批量大小，D_in 是输入维度，H 是隐藏维度， D_out 是输出维度
N, D_in, H, D_out = 64, 1000, 100, 10

# 随机创建输入输出数据
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)  

# 使用nn包将我们的模型定义为一系列的层。nn.Sequential是一个模型，它包含其它模型并按顺序使用它们来生成输出。
# 每次模型使用线性函数从输入中计算输出，并保留权重和偏置的张量。
model = torch.nn.Sequential(
    torch.nn.Linear(D_in,H),
    torch.nn.ReLU(),
    torch.nn.Linear(H,D_out),
)

# nn包中也包含了常用的损失函数定义，这里我们使用Mean Squared Error(MSE，均方误差)作为我们的损失函数
loss_fn = torch.nn.MSELoss(reduction='sum')

learning_rate = 1e-4
for i in range(500):
    # 前向传递：使用模型计算关于x的预测y
    y_pred = model(x)

    # 计算损失
    loss = loss_fn(y_pred,y)
    print(i,loss.item())

    # 反向传递前零化梯度
    model.zero_grad()

    # 反向传递
    loss.backward()

    # 更新权重
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
