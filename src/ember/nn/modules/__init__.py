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

# nn part 2: convolution, pooling, normalisation, dropout, embedding, padding, resampling
from . import conv as _conv, dropout as _dropout, fold as _fold  # noqa: E402
from . import normalization as _normalization, padding as _padding  # noqa: E402
from . import pixelshuffle as _pixelshuffle, pooling as _pooling, sparse as _sparse  # noqa: E402
from .conv import *  # noqa: E402,F401,F403
from .dropout import *  # noqa: E402,F401,F403
from .fold import *  # noqa: E402,F401,F403
from .normalization import *  # noqa: E402,F401,F403
from .padding import *  # noqa: E402,F401,F403
from .pixelshuffle import *  # noqa: E402,F401,F403
from .pooling import *  # noqa: E402,F401,F403
from .sparse import *  # noqa: E402,F401,F403

for _m in (_conv, _dropout, _fold, _normalization, _padding, _pixelshuffle, _pooling, _sparse):
    __all__ += _m.__all__
del _m

from . import rnn as _rnn  # noqa: E402
from .rnn import *  # noqa: E402,F401,F403

__all__ += _rnn.__all__

from . import distance as _distance  # noqa: E402
from .distance import *  # noqa: E402,F401,F403

__all__ += _distance.__all__

from . import transformer as _transformer  # noqa: E402
from .transformer import *  # noqa: E402,F401,F403

__all__ += _transformer.__all__
