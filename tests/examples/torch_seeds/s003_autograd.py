# Seed 003: autograd version of the two-layer net, as published.
import torch

dtype = torch.float
device = torch.device('cpu')
# device = torch.device('cuda:0') # 若在GPU上执行，取消注释

# N是批量大小，D_in 是输入维度，H 是隐藏维度， D_out 是输出维度
N, D_in, H, D_out = 64, 1000, 100, 10

# 随机创建输入输出数据
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

# 随机初始化权重
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for i in range(500):
    # 前向传递：使用Tensor的操作来计算预测y，这些操作跟使用Tensor计算前向传递的操作很相似，
    # 但是我们不需要保留中间变量的引用，因为我们不用手动执行后向传递。
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # 计算并输出 loss
    loss = (y_pred-y).pow(2).sum()
    print(i, loss.item())

    # 反向传递，计算相对于loss的w1和w2的梯度
    loss.backward()

    # 更新权重
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad

        w1.grad.zero_()
        w2.grad.zero_()
