"""``ember.save`` / ``ember.load``: PyTorch's checkpoint formats, written and read without torch.

The zip format (PyTorch >= 1.6): an uncompressed zip whose records live under ``<name>/``: ``data.pkl`` (a
protocol-2 pickle where each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`` and
each storage a persistent id ``('storage', torch.<Type>Storage, key, location, numel)``), the raw little-endian
storages at ``data/<key>`` aligned to 64 bytes, and ``version``, ``byteorder``, ``.format_version``,
``.storage_alignment``, ``.data/serialization_id``. Dtypes without a legacy storage class (uint16/32/64) go through
``_rebuild_tensor_v3`` over a ``torch.storage.UntypedStorage`` counted in bytes, as PyTorch writes them. The legacy
format (before 1.6) is a sequence of pickles followed by the storages' bytes; ember reads and writes it.

Loading is safe by default (``weights_only=True``): the pickle is scanned before anything is built, only an
allowlist of globals and opcodes is accepted, and the unpickler itself refuses calls, ``BUILD`` and item
assignment on anything but the containers and tensors a checkpoint holds.

The package splits into ``_common`` (format constants, the refusal error), ``_save`` (writing), ``_rebuild``
(tensors from records), ``_unpickler`` (the safe unpickler and its allowlist) and ``_load`` (zip and legacy reading).
"""
from ._common import UnpicklingError
from ._save import save
from ._unpickler import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._load import get_unsafe_globals_in_checkpoint, load

__all__ = ['save', 'load', 'add_safe_globals', 'safe_globals', 'get_safe_globals', 'clear_safe_globals',
           'UnpicklingError', 'get_unsafe_globals_in_checkpoint']
