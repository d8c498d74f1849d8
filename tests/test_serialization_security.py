"""Malicious and malformed checkpoints: ember.load must refuse each with a clean exception (UnpicklingError,
RuntimeError or ValueError), never crash, hang or hand back a half-built object, and never run what the file holds:
every payload would create a marker file, which must never appear."""
import copyreg
import io
import os
import pickle
import random
import struct
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import UnpicklingError
from support import needs_torch, torch

pytestmark = needs_torch

CLEAN = (pickle.UnpicklingError, RuntimeError, ValueError)


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / 'pwned'
    yield path
    assert not path.exists(), "a payload ran"


# ---------------------------------------------------------------------------------------------- crafting helpers
def uni(s: str) -> bytes:
    b = s.encode()
    return b'X' + struct.pack('<I', len(b)) + b


def num(i: int) -> bytes:
    if -(1 << 31) <= i < 1 << 31:
        return b'J' + struct.pack('<i', i)
    b = i.to_bytes((i.bit_length() + 8) // 8, 'little', signed=True)
    return b'\x8a' + bytes([len(b)]) + b  # LONG1


def tup(*items: bytes) -> bytes:
    return b'(' + b''.join(items) + b't'


def glob(module: str, name: str) -> bytes:
    return b'c' + module.encode() + b'\n' + name.encode() + b'\n'


def tensor_pickle(numel=4, offset=0, size=(4,), stride=(1,), stype='FloatStorage', key='0', extra=b''):
    """A protocol-2 pickle {'w': tensor} as PyTorch writes it, with every field under the test's control."""
    pid = tup(uni('storage'), glob('torch', stype), uni(key), uni('cpu'), num(numel)) + b'Q'
    args = tup(pid, num(offset), tup(*map(num, size)), tup(*map(num, stride)), b'\x89',
               glob('collections', 'OrderedDict') + b')R')
    return b'\x80\x02}' + uni('w') + glob('torch._utils', '_rebuild_tensor_v2') + args + b'Rs' + extra + b'.'


def make_zip(pkl: bytes, records=None, names=None, deflate=False) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, 'w', compression=method) as z:
        z.writestr((names or {}).get('data.pkl', 'archive/data.pkl'), pkl)
        for k, v in (records if records is not None else {'0': np.arange(4, dtype=np.float32).tobytes()}).items():
            z.writestr(f'archive/data/{k}', v)
        z.writestr('archive/version', b'3\n')
    return buf.getvalue()


def load_bytes(data: bytes, tmp_path, **kw):
    path = tmp_path / 'ck.pt'
    path.write_bytes(data)
    return ember.load(path, **kw)


def refused(data: bytes, tmp_path, match=None, **kw):
    with pytest.raises(CLEAN, match=match):
        load_bytes(data, tmp_path, **kw)


def touch(marker) -> str:
    return f"touch {marker}"


def test_the_crafting_helpers_make_loadable_files(tmp_path):
    got = load_bytes(make_zip(tensor_pickle()), tmp_path)
    assert got['w'].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert load_bytes(make_zip(tensor_pickle(size=(2, 2), stride=(1, 2))), tmp_path, mmap=True)['w'].tolist() == \
        [[0.0, 2.0], [1.0, 3.0]]


# ------------------------------------------------------------------------------------------------ code execution
PAYLOADS = {
    'os.system': lambda m: glob('os', 'system') + uni(touch(m)) + b'\x85R',
    'posix.system': lambda m: glob('posix', 'system') + uni(touch(m)) + b'\x85R',
    'builtins.eval': lambda m: glob('builtins', 'eval') + uni(f"__import__('os').system({touch(m)!r})") + b'\x85R',
    'builtins.exec': lambda m: glob('builtins', 'exec') + uni(f"open({str(m)!r}, 'w')") + b'\x85R',
    '__builtin__.eval': lambda m: glob('__builtin__', 'eval') + uni(f"open({str(m)!r}, 'w')") + b'\x85R',
    'builtins.open': lambda m: glob('builtins', 'open') + uni(str(m)) + uni('w') + b'\x86R',
    'subprocess.Popen': lambda m: glob('subprocess', 'Popen') + b']' + b'(' + uni('touch') + uni(str(m)) + b'e' +
    b'\x85R',
    'builtins.getattr': lambda m: glob('builtins', 'getattr') + glob('os', 'path') + uni('join') + b'\x86R',
    'torch.load': lambda m: glob('torch', 'load') + uni(str(m)) + b'\x85R',
    'torch._utils._rebuild_qtensor': lambda m: glob('torch._utils', '_rebuild_qtensor') + b')R',
    'copyreg._reconstructor': lambda m: glob('copyreg', '_reconstructor') + glob('os', 'system') + b')R',
}


@pytest.mark.parametrize('name', list(PAYLOADS))
def test_forbidden_globals_are_refused_before_anything_runs(name, marker, tmp_path):
    pkl = b'\x80\x02' + PAYLOADS[name](marker) + b'.'
    with pytest.raises(UnpicklingError, match='unsupported global'):
        load_bytes(make_zip(pkl), tmp_path)
    # hidden deep inside a state dict, after valid tensors, it is refused too
    refused(make_zip(tensor_pickle()[:-1] + b'0' + PAYLOADS[name](marker) + b'0.'), tmp_path, 'unsupported global')
    assert ember.serialization.get_unsafe_globals_in_checkpoint(tmp_path / 'ck.pt')[0] in (name, 'os.system')


class Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_reduce_payload_pickled_by_python_and_by_torch(marker, tmp_path):
    refused(make_zip(pickle.dumps({'w': 1, 'x': Evil(marker)}, protocol=2)), tmp_path, 'system')
    buf = io.BytesIO()
    torch.save({'w': torch.ones(2), 'x': Evil(marker)}, buf)
    refused(buf.getvalue(), tmp_path, 'system')
    buf = io.BytesIO()
    torch.save({'x': Evil(marker)}, buf, _use_new_zipfile_serialization=False)
    refused(buf.getvalue(), tmp_path, 'system')
    # ember.save of the same object writes a file that weights_only loading refuses as well
    ember.save({'x': Evil(marker)}, tmp_path / 'e.pt')
    with pytest.raises(UnpicklingError):
        ember.load(tmp_path / 'e.pt')


@pytest.mark.parametrize('name, pkl', [
    ('INST', lambda m: b'(' + uni(touch(m)) + b'ios\nsystem\n.'),
    ('OBJ', lambda m: b'\x80\x02(' + glob('os', 'system') + uni(touch(m)) + b'o.'),
    ('NEWOBJ_EX', lambda m: b'\x80\x04' + glob('os', 'system') + b')}\x92.'),
    ('EXT1', lambda m: b'\x80\x02\x82\xf0' + uni(touch(m)) + b'\x85R.'),
    ('PERSID', lambda m: b'P0\n.'),
    ('NEXT_BUFFER', lambda m: b'\x80\x05\x97.'),
])
def test_forbidden_opcodes(name, pkl, marker, tmp_path):
    copyreg.add_extension('os', 'system', 240)
    try:
        refused(make_zip(pkl(marker)), tmp_path, f'opcode {name}')
    finally:
        copyreg.remove_extension('os', 'system', 240)


def test_stack_global_tricks(marker, tmp_path):
    proto4 = b'\x80\x04'
    # names as literal strings: checked like GLOBAL
    refused(make_zip(proto4 + uni('os') + uni('system') + b'\x93' + uni(touch(marker)) + b'\x85R.'), tmp_path,
            'GLOBAL os.system')
    # names fetched from the memo: refused, the scanner cannot vouch for them
    memo = uni('os') + b'q\x000' + uni('system') + b'q\x010' + b'h\x00h\x01\x93' + uni(touch(marker)) + b'\x85R.'
    refused(make_zip(proto4 + memo), tmp_path, 'STACK_GLOBAL')
    # allowlisted strings pushed, then swapped out with POP/DUP before STACK_GLOBAL
    swap = uni('os') + uni('system') + uni('collections') + uni('OrderedDict') + b'00' + b'2' + b'0' + b'\x93.'
    refused(make_zip(proto4 + swap), tmp_path, 'STACK_GLOBAL')
    # allowlisted: a plain OrderedDict through STACK_GLOBAL loads
    ok = proto4 + uni('collections') + uni('OrderedDict') + b'\x93)R.'
    assert load_bytes(make_zip(ok), tmp_path) == {}


@pytest.mark.parametrize('what, pkl, match', [
    ('BUILD on a dtype', glob('torch', 'float32') + b'N}' + uni('itemsize') + num(3) + b's\x86b', 'BUILD'),
    ('BUILD on a class', glob('torch', 'Size') + b'N}' + uni('numel') + glob('torch', 'float32') + b's\x86b',
     'BUILD'),
    ('BUILD on a function', glob('torch._utils', '_rebuild_tensor_v2') + b'}' + uni('x') + num(1) + b'sb', 'BUILD'),
    ('BUILD on a list', b']}' + uni('x') + num(1) + b'sb', 'BUILD'),
    ('BUILD with dunder keys', glob('collections', 'OrderedDict') + b')R}' + uni('__class__') + num(1) + b'sb',
     'BUILD'),
    ('SETITEM on a list', b']' + num(0) + num(1) + b's', 'SETITEM'),
    ('SETITEMS on a storage type', glob('torch', 'FloatStorage') + b'(' + num(0) + num(1) + b'u', 'SETITEMS'),
    ('APPEND on a dict', b'}' + num(1) + b'a', 'APPEND'),
    ('APPENDS on a dtype', glob('torch', 'int64') + b'(' + num(1) + b'e', 'APPENDS'),
    ('ADDITEMS on a list', b'\x80\x04](' + num(1) + b'\x90', 'ADDITEMS'),
    ('REDUCE on Tensor (allocation bomb)', glob('torch', 'Tensor') + num(1 << 30) + num(1 << 30) + b'\x86R',
     'REDUCE'),
    ('REDUCE on a dtype', glob('torch', 'float32') + b')R', 'REDUCE'),
    ('NEWOBJ on Tensor', glob('torch', 'Tensor') + tup(num(1 << 30)) + b'\x81', 'NEWOBJ'),
    ('NEWOBJ on Parameter', glob('torch.nn.parameter', 'Parameter') + b')\x81', 'NEWOBJ'),
    ('bytearray bomb', glob('builtins', 'bytearray') + num(1 << 31 - 1) + b'\x85R', 'bytearray'),
    ('_codecs.encode with a codec', glob('_codecs', 'encode') + uni('x') + uni('zlib_codec') + b'\x86R', 'encode'),
    ('rebuild_from_type calling OrderedDict', glob('torch._tensor', '_rebuild_from_type_v2') +
     tup(glob('collections', 'OrderedDict'), glob('torch', 'Tensor'), b')', b'}') + b'R', 'may not call'),
])
def test_structure_outside_a_checkpoint_is_refused(what, pkl, match, tmp_path):
    data = make_zip(b'\x80\x02' + pkl + b'.') if not pkl.startswith(b'\x80') else make_zip(pkl + b'.')
    refused(data, tmp_path, match)
    assert ember.float32.itemsize == 4 and not hasattr(ember.Size, '__setstate__')
    assert ember.Size([2, 3]).numel() == 6


def test_bad_persistent_ids(tmp_path):
    good = tensor_pickle()
    for bad, match in [(good.replace(uni('storage'), uni('module')), 'persistent id'),
                       (good.replace(glob('torch', 'FloatStorage'), glob('torch', 'float32')), 'storage type'),
                       (good.replace(uni('0'), uni('../../etc/passwd')), 'storage key'),
                       (good.replace(uni('cpu'), num(0)), 'location'),
                       (tensor_pickle(numel=-4), 'invalid size')]:
        refused(make_zip(bad), tmp_path, match)


def test_storage_sizes_that_disagree_with_the_archive(tmp_path):
    refused(make_zip(tensor_pickle(numel=1 << 40)), tmp_path, 'holds 16 bytes in the archive')
    refused(make_zip(tensor_pickle(numel=3, size=(3,))), tmp_path, 'holds 16 bytes in the archive')
    refused(make_zip(tensor_pickle(), records={'0': b'\x00' * 8}), tmp_path, 'holds 8 bytes')
    refused(make_zip(tensor_pickle(stype='DoubleStorage')), tmp_path, 'pickle declares 32')
    refused(make_zip(tensor_pickle(), records={}), tmp_path, 'no record archive/data/0')
    refused(make_zip(tensor_pickle(key='7')), tmp_path, 'no record archive/data/7')


@pytest.mark.parametrize('geometry', [dict(offset=1), dict(size=(5,)), dict(size=(2, 2), stride=(3, 1)),
                                      dict(size=(2,), stride=(4,)), dict(offset=5, size=(0,)),
                                      dict(size=(-1,)), dict(stride=(-1,)), dict(offset=-1),
                                      dict(size=(2, 2), stride=(1,))])
def test_offsets_and_strides_past_the_end_of_the_storage(geometry, tmp_path):
    for mm in (False, True):
        refused(make_zip(tensor_pickle(**geometry)), tmp_path, 'storage|negative|geometry', mmap=mm)


def test_zip_bombs(tmp_path):
    big = b'\x00' * (100 << 20)  # 100 MiB of zeros deflate to ~100 KiB
    refused(make_zip(tensor_pickle(), records={'0': big}, deflate=True), tmp_path, 'zip bomb')
    # overlapping records: a second name pointing at the bytes of the first (the "quoted overlap" bomb)
    data = bytearray(make_zip(tensor_pickle(), records={'0': np.arange(4, dtype=np.float32).tobytes(),
                                                        '1': b'\x00' * 16}))
    first = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo('archive/data/0').header_offset
    entry = data.index(b'PK\x01\x02', data.index(b'archive/data/0', data.index(b'PK\x01\x02')))
    assert data[entry + 46:entry + 60] == b'archive/data/1'
    data[entry + 42:entry + 46] = struct.pack('<I', first)
    refused(bytes(data), tmp_path, 'overlaps')


@pytest.mark.parametrize('name', ['../archive/data.pkl', '/abs/data.pkl', 'archive\\data.pkl', 'C:/x/data.pkl',
                                  'archive/../../data.pkl'])
def test_path_tricks_in_member_names(name, tmp_path):
    refused(make_zip(tensor_pickle(), names={'data.pkl': name}), tmp_path, 'suspicious|no .*data.pkl')


def test_duplicate_and_missing_records(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z, pytest.warns(UserWarning, match='Duplicate'):
        z.writestr('archive/data.pkl', tensor_pickle())
        z.writestr('archive/data/0', b'\x00' * 16)
        z.writestr('archive/data/0', b'\x01' * 16)
    refused(buf.getvalue(), tmp_path, 'twice')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('archive/weights.bin', b'\x00' * 16)
    refused(buf.getvalue(), tmp_path, 'no archive/data.pkl')
    buf = io.BytesIO()
    zipfile.ZipFile(buf, 'w').close()
    refused(buf.getvalue(), tmp_path)


def sample_files():
    """Valid checkpoints written by ember and by torch, zip and legacy."""
    obj_e = {'w': ember.arange(64.0).reshape(8, 8), 'b': ember.ones(3, dtype=ember.int64), 'n': [1, 2.5]}
    obj_t = {'w': torch.arange(64.0).reshape(8, 8), 'b': torch.ones(3, dtype=torch.int64), 'n': [1, 2.5]}
    out = {}
    for legacy in (False, True):
        for lib, obj in ((ember, obj_e), (torch, obj_t)):
            buf = io.BytesIO()
            lib.save(obj, buf, _use_new_zipfile_serialization=not legacy)
            out[f"{lib.__name__}-{'legacy' if legacy else 'zip'}"] = buf.getvalue()
    return out


@pytest.mark.parametrize('kind', ['ember-zip', 'torch-zip', 'ember-legacy', 'torch-legacy'])
def test_truncated_files_at_many_points(kind, tmp_path):
    data = sample_files()[kind]
    cuts = sorted(set(random.Random(1).sample(range(1, len(data)), 40)) | {1, 2, 4, 8, len(data) - 1})
    for cut in cuts:
        with pytest.raises(CLEAN) as info:
            load_bytes(data[:cut], tmp_path)
        assert 'ck.pt' in str(info.value)  # the error names the file


@pytest.mark.parametrize('kind', ['ember-zip', 'torch-zip', 'ember-legacy', 'torch-legacy'])
def test_random_byte_flips(kind, marker, tmp_path):
    data = sample_files()[kind]
    rng = random.Random(2)
    outcomes = {'refused': 0, 'loaded': 0}
    for _ in range(150):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        try:
            got = load_bytes(bytes(flipped), tmp_path)
        except CLEAN:
            outcomes['refused'] += 1
        else:  # a flip in raw tensor bytes or padding: the object is complete
            assert set(got) == {'w', 'b', 'n'} and got['w'].shape == (8, 8)
            outcomes['loaded'] += 1
    assert outcomes['refused'] > 0


@pytest.mark.parametrize('data', [b'', b'\x00', b'not a checkpoint at all\n' * 10, b'\x89PNG\r\n\x1a\n' + bytes(64),
                                  b'PK\x03\x04' + bytes(100), b'PK\x05\x06' + bytes(18), os.urandom(4096),
                                  pickle.dumps({'w': [1, 2, 3]}), pickle.dumps(12345, protocol=0)],
                         ids=['empty', 'one-byte', 'text', 'png', 'zip-header-garbage', 'empty-zip', 'random',
                              'plain-pickle', 'plain-int-pickle'])
def test_non_checkpoints(data, tmp_path):
    refused(data, tmp_path, 'ck.pt')


def test_legacy_format_with_bad_magic_protocol_or_data(marker, tmp_path):
    good = sample_files()['torch-legacy']
    magic = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)
    assert good.startswith(magic)
    refused(pickle.dumps(0x1234, protocol=2) + good[len(magic):], tmp_path, 'Invalid magic number')
    proto = pickle.dumps(1001, protocol=2)
    refused(magic + pickle.dumps(999, protocol=2) + good[len(magic) + len(proto):], tmp_path, 'protocol version')
    # a malicious magic pickle is refused without running
    refused(b'\x80\x02' + PAYLOADS['os.system'](marker) + b'.' + good, tmp_path, 'not a PyTorch checkpoint')
    # storage element count that disagrees with the pickle
    count = struct.pack('<q', 64)
    at = good.rindex(count)
    refused(good[:at] + struct.pack('<q', 63) + good[at + 8:], tmp_path, 'holds 63 elements')
    refused(good[:at] + struct.pack('<q', 1 << 60) + good[at + 8:], tmp_path, 'elements')


def test_safe_globals_extend_the_allowlist_like_pytorch(tmp_path):
    path = tmp_path / 'custom.pt'
    ember.save({'w': ember.ones(2), 'point': Point(1, 2)}, path)
    with pytest.raises(UnpicklingError, match='Point'):
        ember.load(path)
    with pytest.raises(pickle.UnpicklingError, match='Point'):
        torch.load(path)
    with ember.serialization.safe_globals([Point]):
        got = ember.load(path)
        assert got['point'].x == 1 and got['point'].y == 2 and got['w'].tolist() == [1.0, 1.0]
    with torch.serialization.safe_globals([Point]):
        assert torch.load(path)['point'].y == 2
    with pytest.raises(UnpicklingError, match='Point'):
        ember.load(path)
    assert ember.serialization.get_unsafe_globals_in_checkpoint(path) == \
        [f"{Point.__module__}.{Point.__qualname__}"]
    ember.serialization.add_safe_globals([Point])
    try:
        assert Point in ember.serialization.get_safe_globals() and ember.load(path)['point'].x == 1
        # an allowlisted class does not allowlist anything else
        refused(make_zip(b'\x80\x02' + PAYLOADS['os.system'](tmp_path / 'pwned') + b'.'), tmp_path)
    finally:
        ember.serialization.clear_safe_globals()
    with pytest.raises(UnpicklingError):
        ember.load(path)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
