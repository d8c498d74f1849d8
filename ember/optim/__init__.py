"""``ember.optim``: optimizers and learning-rate schedulers (``torch.optim``)."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .asgd import ASGD
from .rprop import Rprop
from .lbfgs import LBFGS
from . import lr_scheduler  # noqa: F401


def __getattr__(name: str):
    # swa_utils needs ember.nn, which may still be importing when ember.optim is: load it on first use.
    if name == 'swa_utils':
        import importlib
        return importlib.import_module('.swa_utils', __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ['Optimizer', 'SGD', 'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'RMSprop', 'Adagrad', 'Adadelta', 'ASGD',
           'Rprop', 'LBFGS', 'lr_scheduler', 'swa_utils']
