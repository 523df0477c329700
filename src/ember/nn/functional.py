"""ember.nn.functional: the stateless forms of every layer, activation and loss.

Implementations live in ``ember.nn._functional``, one file per family; this module only
re-exports them under PyTorch's names.
"""
from ._functional.activation import *  # noqa: F401,F403
from ._functional.linear import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.conv import *  # noqa: F401,F403
from ._functional.pooling import *  # noqa: F401,F403
from ._functional.normalization import *  # noqa: F401,F403
from ._functional.dropout import *  # noqa: F401,F403
from ._functional.sparse import *  # noqa: F401,F403
from ._functional.padding import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
