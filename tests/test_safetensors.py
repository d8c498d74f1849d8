"""ember.safetensors against the reference `safetensors` package (its torch and numpy APIs): byte-identical files,
every dtype, lazy safe_open / get_slice, bytes round trips, save_model / load_model with tied weights, and header
validation (each malformed header is refused by ember and by the reference alike)."""
import json
import struct

import ml_dtypes
import numpy as np
import pytest
import safetensors
import safetensors.numpy as ref_np
import safetensors.torch as ref_pt

import ember
import ember.safetensors as st
from support import needs_torch, torch

pytestmark = needs_torch

CODES = {'bool': 'BOOL', 'uint8': 'U8', 'int8': 'I8', 'int16': 'I16', 'uint16': 'U16', 'int32': 'I32',
         'uint32': 'U32', 'int64': 'I64', 'uint64': 'U64', 'float16': 'F16', 'bfloat16': 'BF16', 'float32': 'F32',
         'float64': 'F64', 'complex64': 'C64'}


def sample(name, shape=(2, 3), seed=0):
    g = np.random.default_rng(seed)
    if name == 'bool':
        v = g.integers(0, 2, shape).astype(bool)
    elif name.startswith(('int', 'uint')):
        v = g.integers(0, 100, shape)
    else:
        v = np.round(g.standard_normal(shape) * 8) / 4
        if name.startswith('complex'):
            v = v + 1j * v[::-1]
    return ember.tensor(v).to(getattr(ember, name)), torch.tensor(v).to(getattr(torch, name))


def as_np(t):
    t = t.detach()
    if str(t.dtype).endswith(('bfloat16', 'float16')):
        t = t.float()
    if str(t.dtype).endswith(('uint16', 'uint32', 'uint64')):
        t = t.to(ember.int64 if isinstance(t, ember.Tensor) else torch.int64)
    return np.asarray(t.numpy())


def all_dtypes():
    e, t = {}, {}
    for i, name in enumerate(CODES):
        e[f't_{name}'], t[f't_{name}'] = sample(name, (2, i % 3 + 1), seed=i)
    e['scalar'], t['scalar'] = ember.tensor(1.5), torch.tensor(1.5)
    e['empty'], t['empty'] = ember.zeros(0, 4), torch.zeros(0, 4)
    return e, t


def test_every_dtype_is_byte_identical_to_the_reference(tmp_path):
    e, t = all_dtypes()
    meta = {'note': 'ünïcode'}  # one key: the reference writes metadata in hash order
    assert st.save(e, metadata=meta) == ref_pt.save(t, metadata=meta)
    st.save_file(e, tmp_path / 'a.safetensors', metadata=meta)
    assert (tmp_path / 'a.safetensors').read_bytes() == ref_pt.save(t, metadata=meta)
    meta = {f'k{i}': str(i) for i in range(5)}
    with safetensors.safe_open(tmp_path / 'a.safetensors', 'pt') as f:
        assert f.metadata() == {'note': 'ünïcode'}
    assert ref_pt.load(st.save(e, metadata=meta)).keys() == t.keys() | set()
    got = ref_pt.load_file(tmp_path / 'a.safetensors')
    assert list(got) == list(st.load_file(tmp_path / 'a.safetensors')) and all(torch.equal(got[k], t[k]) for k in t)
    nump = ref_np.load_file(tmp_path / 'a.safetensors')
    np.testing.assert_array_equal(nump['t_int16'], as_np(e['t_int16']))
    assert st.save({}) == ref_pt.save({}) and st.save({'x': ember.ones(1)}) == ref_pt.save({'x': torch.ones(1)})


def test_files_from_the_reference_load_in_ember(tmp_path):
    e, t = all_dtypes()
    ref_pt.save_file(t, tmp_path / 'r.safetensors', metadata={'k': 'v'})
    for got in (st.load_file(tmp_path / 'r.safetensors'), st.load(ref_pt.save(t))):
        assert list(got) == list(ref_pt.load_file(tmp_path / 'r.safetensors'))
        for k in t:
            assert got[k].dtype is e[k].dtype and tuple(got[k].shape) == tuple(t[k].shape)
            np.testing.assert_array_equal(as_np(got[k]), as_np(t[k]))
    got['t_float32'].add_(1)  # loaded tensors own writable memory
    arrays = {'a': np.arange(6, dtype=np.float64).reshape(2, 3), 'b': np.array([True, False])}
    ref_np.save_file(arrays, tmp_path / 'n.safetensors')
    got = st.load_file(tmp_path / 'n.safetensors')
    assert got['a'].tolist() == arrays['a'].tolist() and got['b'].dtype is ember.bool
    with st.safe_open(tmp_path / 'n.safetensors', framework='np') as f:
        assert isinstance(f.get_tensor('a'), np.ndarray) and f.get_tensor('a').dtype == np.float64


def test_float8_names_through_ml_dtypes(tmp_path):
    t = {'e4m3': torch.tensor([0.5, -2.0, 448.0]).to(torch.float8_e4m3fn),
         'e5m2': torch.tensor([1.5, -0.25, 57344.0]).to(torch.float8_e5m2)}
    ref_pt.save_file(t, tmp_path / 'f8.safetensors')
    got = st.load_file(tmp_path / 'f8.safetensors')
    assert got['e4m3'].dtype == ml_dtypes.float8_e4m3fn and got['e5m2'].dtype == ml_dtypes.float8_e5m2
    assert got['e4m3'].astype(np.float32).tolist() == [0.5, -2.0, 448.0]
    mine = {'e4m3': np.array([0.5, -2.0, 448.0], dtype=ml_dtypes.float8_e4m3fn),
            'e5m2': np.array([1.5, -0.25, 57344.0], dtype=ml_dtypes.float8_e5m2)}
    assert st.save(mine) == ref_pt.save(t)
    header = json.loads(st.save(mine)[8:].split(b'}}')[0] + b'}}')
    assert header['e4m3']['dtype'] == 'F8_E4M3' and header['e5m2']['dtype'] == 'F8_E5M2'


def test_safe_open_is_lazy_and_slices_like_the_reference(tmp_path):
    e = {'w': ember.arange(4000 * 256, dtype=ember.float32).reshape(4000, 256), 'b': ember.arange(5),
         'bf': ember.ones(3, 2, dtype=ember.bfloat16)}
    st.save_file(e, tmp_path / 'm.safetensors', metadata={'a': 'b'})
    with st.safe_open(tmp_path / 'm.safetensors', framework='pt') as f, \
            safetensors.safe_open(tmp_path / 'm.safetensors', framework='pt') as r:
        assert f.keys() == r.keys() and f.metadata() == r.metadata() and f.offset_keys() == r.offset_keys()
        view, _ = f._view('w')
        base = view
        while not isinstance(base, memoryview) and base.base is not None:
            base = base.base
        assert isinstance(base, memoryview) and base.obj is f._mm  # a map of the file, nothing read yet
        for name in ('w', 'b', 'bf'):
            assert np.array_equal(as_np(f.get_tensor(name)), as_np(r.get_tensor(name)))
        s, rs = f.get_slice('w'), r.get_slice('w')
        assert s.get_shape() == rs.get_shape() == [4000, 256] and s.get_dtype() == rs.get_dtype() == 'F32'
        for index in [slice(10, 12), (slice(None), slice(3, 5)), (slice(3990, None), slice(0, 256, 64)), 7,
                      (Ellipsis, 1), (slice(1, 2), 0)]:
            got, want = s[index], rs[index]
            assert tuple(got.shape) == tuple(want.shape) and np.array_equal(got.numpy(), want.numpy()), index
        assert f.get_slice('bf')[1:].dtype is ember.bfloat16
        with pytest.raises(st.SafetensorError, match='does not contain tensor nope'):
            f.get_tensor('nope')
        with pytest.raises(safetensors.SafetensorError, match='does not contain tensor nope'):
            r.get_tensor('nope')
        with pytest.raises(TypeError):
            s[[1, 2]]
    with pytest.raises(st.SafetensorError, match='closed'):
        f.get_tensor('w')
    with pytest.raises(ValueError, match='framework'):
        st.safe_open(tmp_path / 'm.safetensors', framework='tf')


class Tied(ember.nn.Module):
    def __init__(self, L=ember):
        super().__init__()
        L.manual_seed(0)
        self.embed = L.nn.Embedding(10, 4)
        self.head = L.nn.Linear(4, 10, bias=False)
        self.head.weight = self.embed.weight


class TorchTied(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.embed = torch.nn.Embedding(10, 4)
        self.head = torch.nn.Linear(4, 10, bias=False)
        self.head.weight = self.embed.weight


def test_save_model_and_load_model_with_tied_weights(tmp_path):
    me, mt = Tied(), TorchTied()
    me.embed.weight.data = ember.from_numpy(mt.embed.weight.detach().numpy().copy())
    me.head.weight = me.embed.weight
    with pytest.raises(RuntimeError, match='share memory'):
        st.save_file(me.state_dict(), tmp_path / 'x.safetensors')
    with pytest.raises(RuntimeError, match='share memory'):
        ref_pt.save_file(mt.state_dict(), tmp_path / 'x.safetensors')
    st.save_model(me, tmp_path / 'e.safetensors')
    ref_pt.save_model(mt, tmp_path / 't.safetensors')
    assert (tmp_path / 'e.safetensors').read_bytes() == (tmp_path / 't.safetensors').read_bytes()
    with st.safe_open(tmp_path / 'e.safetensors') as f:
        assert f.keys() == ['embed.weight'] and f.metadata() == {'head.weight': 'embed.weight'}
    # across frameworks: each loads the other's file, the tie survives
    fresh_t, fresh_e = TorchTied(), Tied()
    torch.nn.init.zeros_(fresh_t.embed.weight)
    fresh_e.embed.weight.data.zero_()
    assert ref_pt.load_model(fresh_t, tmp_path / 'e.safetensors') == (set(), [])
    assert st.load_model(fresh_e, tmp_path / 't.safetensors') == ([], [])
    assert torch.equal(fresh_t.head.weight, mt.embed.weight)
    np.testing.assert_array_equal(fresh_e.head.weight.detach().numpy(), mt.embed.weight.detach().numpy())
    assert fresh_e.head.weight is fresh_e.embed.weight
    # strict: a model with other names is refused with both lists; not strict returns them
    other = ember.nn.Linear(4, 10)
    with pytest.raises(RuntimeError, match='(?s)Missing key.*bias.*Unexpected key.*embed.weight'):
        st.load_model(other, tmp_path / 'e.safetensors')
    assert st.load_model(other, tmp_path / 'e.safetensors', strict=False) == (['bias', 'weight'], ['embed.weight'])


def test_save_refusals_match_the_reference(tmp_path):
    a_e, a_t = ember.ones(4), torch.ones(4)
    cases = [
        (lambda L, a: {'a': a, 'b': a}, RuntimeError, 'share memory'),
        (lambda L, a: {'a': a, 'b': a[1:3]}, RuntimeError, 'share memory'),
        (lambda L, a: {'a': L.ones(2, 3).t()}, ValueError, 'non contiguous'),
        (lambda L, a: {'a': 3}, ValueError, 'expected torch.Tensor'),
        (lambda L, a: [a], ValueError, 'Expected a dict'),
    ]
    for make, exc, match in cases:
        with pytest.raises(exc, match=match):
            st.save(make(ember, a_e))
        with pytest.raises(exc, match=match):
            ref_pt.save(make(torch, a_t))
    assert st.load(st.save({'a': a_e[:2], 'b': a_e[2:]}))['b'].tolist() == [1.0, 1.0]  # disjoint halves are fine
    with pytest.raises(ValueError, match='complex128'):
        st.save({'a': ember.ones(1, dtype=ember.complex128)})
    with pytest.raises(TypeError, match='metadata'):
        st.save({'a': a_e}, metadata={'k': 1})
    with pytest.raises(TypeError):
        ref_pt.save({'a': a_t}, metadata={'k': 1})


def header_file(header, data=b'', pad=True):
    text = json.dumps(header).encode() if not isinstance(header, bytes) else header
    if pad:
        text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + data


def f32(shape, begin, end, dtype='F32'):
    return {'dtype': dtype, 'shape': shape, 'data_offsets': [begin, end]}


BAD_HEADERS = {
    'too small': b'\x08\x00',
    'too large': struct.pack('<Q', 100_000_001) + b'{}',
    'length past the end': struct.pack('<Q', 64) + b'{}',
    'not JSON': header_file(b'{"a": '),
    'not UTF-8': header_file(b'{"\xff": 1}'),
    'a JSON list': header_file([1, 2]),
    'unknown dtype': header_file({'a': f32([1], 0, 4, 'F128')}, bytes(4)),
    'shape/size mismatch': header_file({'a': f32([2], 0, 4)}, bytes(4)),
    'negative shape': header_file({'a': f32([-1], 0, 4)}, bytes(4)),
    'overlapping offsets': header_file({'a': f32([2], 0, 8), 'b': f32([1], 4, 8)}, bytes(8)),
    'gap between tensors': header_file({'a': f32([1], 0, 4), 'b': f32([1], 8, 12)}, bytes(12)),
    'offsets out of range': header_file({'a': f32([4], 0, 16)}, bytes(8)),
    'reversed offsets': header_file({'a': f32([0], 4, 0)}, bytes(4)),
    'trailing bytes': header_file({'a': f32([1], 0, 4)}, bytes(8)),
    'metadata not strings': header_file({'__metadata__': {'k': 1}, 'a': f32([1], 0, 4)}, bytes(4)),
    'missing field': header_file({'a': {'dtype': 'F32', 'shape': [1]}}, bytes(4)),
    'offsets not ints': header_file({'a': f32([1], 0.0, 4)}, bytes(4)),
}


@pytest.mark.parametrize('name', list(BAD_HEADERS))
def test_malformed_headers_are_refused_like_the_reference(name, tmp_path):
    data = BAD_HEADERS[name]
    with pytest.raises(st.SafetensorError, match='Error while deserializing header'):
        st.load(data)
    path = tmp_path / 'bad.safetensors'
    path.write_bytes(data)
    with pytest.raises(st.SafetensorError):
        st.load_file(path)
    with pytest.raises(st.SafetensorError):
        st.safe_open(path)
    with pytest.raises(safetensors.SafetensorError):
        ref_pt.load(data)


def test_a_valid_handmade_header_loads():
    data = header_file({'__metadata__': {'k': 'v'}, 'b': f32([1], 4, 8), 'a': f32([1], 0, 4)},
                       struct.pack('<ff', 1.5, -2.0), pad=False)
    assert {k: v.tolist() for k, v in st.load(data).items()} == {'a': [1.5], 'b': [-2.0]}
    assert {k: v.tolist() for k, v in ref_pt.load(data).items()} == {'a': [1.5], 'b': [-2.0]}
