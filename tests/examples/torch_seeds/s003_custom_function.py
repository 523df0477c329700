# Seed 003: custom function version of the two-layer net, as published.
import torch

class MyReLU(torch.autograd.Function):

    @staticmethod
    def forward(ctx,input):
        '''
        在正向传递中，我们收到一个包含输入和返回的张量
        包含输出的张量。ctx是一个可以使用的上下文对象
        隐藏信息以备向后计算。在向后传递过程中你可以
        使用ctx.save_for_backward方法任意缓存使用的对象。
        '''
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx,grad_output):
        '''
        在后向传递中，我们得到一个关于输出的包含损失梯度的张量，我们需要计算关于输入的损失梯度。
        '''
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input

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
    # 使用我们自定义的函数
    relu = MyReLU.apply

    # 前向传递：使用Tensor的操作来计算预测y，这些操作跟使用Tensor计算前向传递的操作很相似，
    # 但是我们不需要保留中间变量的引用，因为我们不用手动执行后向传递。
    y_pred = relu(x.mm(w1)).mm(w2)

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
