"""``ember.nn.functional``: the stateless form of every layer, activation and loss (``torch.nn.functional``).

One private module per family; this namespace re-exports them all.
"""
from .linear import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
