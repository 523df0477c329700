"""ember.nn.modules: one file per layer family; __all__ lists every public layer."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from .linear import Identity, Linear, Bilinear, LazyLinear
from .flatten import Flatten, Unflatten
from .activation import (ReLU, ReLU6, LeakyReLU, PReLU, RReLU, ELU, SELU, CELU, GELU, SiLU, Mish,
                         Sigmoid, Tanh, Hardtanh, Hardsigmoid, Hardswish, Softplus, Softsign,
                         Softmax, LogSoftmax, Softmin, Softmax2d, Threshold, LogSigmoid,
                         Tanhshrink, Hardshrink, Softshrink, GLU)
from .loss import (MSELoss, L1Loss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss,
                   BCEWithLogitsLoss, KLDivLoss, PoissonNLLLoss, GaussianNLLLoss,
                   MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, SoftMarginLoss,
                   MultiLabelSoftMarginLoss, MultiMarginLoss, TripletMarginLoss)

__all__ = [
    # module, container, linear, flatten
    "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Identity", "Linear", "Bilinear", "LazyLinear", "Flatten", "Unflatten",
    # activation
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Sigmoid", "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish", "Softplus", "Softsign", "Softmax",
    "LogSoftmax", "Softmin", "Softmax2d", "Threshold", "LogSigmoid", "Tanhshrink", "Hardshrink",
    "Softshrink", "GLU",
    # loss
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss", "MarginRankingLoss",
    "HingeEmbeddingLoss", "CosineEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
    "MultiMarginLoss", "TripletMarginLoss",
]
