"""Recurrent layers (RNN, LSTM, GRU, the cells) and nn.utils.rnn, against real PyTorch.

Every differential test copies PyTorch's weights into ember through ``state_dict`` and compares outputs, final
states, and the gradients of every parameter and input of a random projection of all outputs.
"""
import math
import warnings

import numpy as np
import pytest

import ember
from support import assert_same, check_grads, needs_torch, to_numpy, torch

ENN = ember.nn
ER = ember.nn.utils.rnn
TR = torch.nn.utils.rnn if torch is not None else None

I, H = 5, 6
T, B = 5, 4


@pytest.fixture(autouse=True, scope='module')
def _torch_one_thread():
    # PyTorch's thread pool slows its small RNN kernels down 30x on a shared 2-core machine; values don't change.
    if torch is None:
        yield
        return
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _sd(tm):
    return {k: ember.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()}


def _pair(kind, ctor, dtype='float32', seed=0):
    torch.manual_seed(seed)
    tm = getattr(torch.nn, kind)(*ctor[0], **ctor[1]).to(getattr(torch, dtype))
    em = getattr(ENN, kind)(*ctor[0], **ctor[1]).to(getattr(ember, dtype))
    em.load_state_dict(_sd(tm))
    return em, tm


def _leaf(a, framework):
    return (ember.tensor(a) if framework == 'e' else torch.tensor(a)).requires_grad_(True)


def _project(outs, r, framework):
    """A random linear functional of all outputs (the same weights in both frameworks)."""
    total = 0
    for o in outs:
        w = r.standard_normal(tuple(o.shape)).astype(to_numpy(o).dtype)
        total = total + (o * (ember.tensor(w) if framework == 'e' else torch.tensor(w))).sum()
    return total


def _compare_grads(em, tm, e_in, t_in, rtol, atol):
    e_names = [n for n, _ in em.named_parameters()]
    assert e_names == [n for n, _ in tm.named_parameters()]
    for (n, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        assert ep.grad is not None, n
        assert_same(ep.grad, tp.grad, rtol, atol)
    for a, b in zip(e_in, t_in):
        assert_same(a.grad, b.grad, rtol, atol)


# ------------------------------------------------------------------------------------------------ layers

LAYERS = [
    ('RNN', ((I, H), {})),
    ('RNN', ((I, H), dict(nonlinearity='relu', num_layers=2, bidirectional=True))),
    ('RNN', ((I, H, 2), dict(bias=False, batch_first=True))),
    ('LSTM', ((I, H), {})),
    ('LSTM', ((I, H), dict(num_layers=2, batch_first=True))),
    ('LSTM', ((I, H), dict(num_layers=2, bidirectional=True, proj_size=3))),
    ('LSTM', ((I, H), dict(bias=False, proj_size=2, batch_first=True))),
    ('GRU', ((I, H), {})),
    ('GRU', ((I, H), dict(num_layers=2, bidirectional=True, batch_first=True))),
    ('GRU', ((I, H), dict(bias=False, num_layers=3))),
]
MODES = ['padded', 'h0', 'unbatched', 'unbatched_h0', 'packed', 'packed_unsorted', 'packed_unsorted_h0',
         'packed_batch_first']


def _states(kind, m, r, n_b, dtype):
    """Random initial states (h0 or (h0, c0)); ``n_b`` None for unbatched."""
    dirs = 2 if m.bidirectional else 1
    p = m.proj_size if kind == 'LSTM' and m.proj_size else m.hidden_size
    lead = (m.num_layers * dirs,) + (() if n_b is None else (n_b,))
    h = r.standard_normal(lead + (p,)).astype(dtype)
    if kind == 'LSTM':
        return [h, r.standard_normal(lead + (m.hidden_size,)).astype(dtype)]
    return [h]


@needs_torch
@pytest.mark.parametrize('kind,ctor', LAYERS)
@pytest.mark.parametrize('mode', MODES)
def test_layer_matches_torch(kind, ctor, mode):
    em, tm = _pair(kind, ctor)
    # A PackedSequence does not depend on the layout it was packed from: pack batch-first input for any layer.
    bf = em.batch_first or mode == 'packed_batch_first'
    r = np.random.default_rng(1)
    dt = np.float32
    packed = mode.startswith('packed')
    if mode.startswith('unbatched'):
        x = r.standard_normal((T, I)).astype(dt)
    else:
        x = r.standard_normal((B, T, I) if bf else (T, B, I)).astype(dt)
    states = _states(kind, em, r, None if mode.startswith('unbatched') else B, dt) if mode.endswith('h0') else []
    lengths = [3, 5, 1, 3] if 'unsorted' in mode else [5, 3, 3, 1]
    results = {}
    for fw, mod, lib in (('e', em, ER), ('t', tm, TR)):
        xi = _leaf(x, fw)
        si = [_leaf(s, fw) for s in states]
        hx = None if not si else (tuple(si) if kind == 'LSTM' else si[0])
        inp = lib.pack_padded_sequence(xi, lengths, batch_first=bf, enforce_sorted='unsorted' not in mode) \
            if packed else xi
        out, hn = mod(inp, hx)
        finals = list(hn) if kind == 'LSTM' else [hn]
        if packed:
            padded, lens = lib.pad_packed_sequence(out, batch_first=bf)
            outs = [out.data] + finals
            results[fw] = (outs, padded, lens, out)
        else:
            outs = [out] + finals
            results[fw] = (outs, None, None, None)
        _project(outs, np.random.default_rng(2), fw).backward()
        results[fw] += ([xi] + si,)
    (eo, ep, el, epk, e_in), (to, tp, tl, tpk, t_in) = results['e'], results['t']
    assert_same(eo, to, 1e-4, 1e-5)
    if packed:
        assert_same(ep, tp, 1e-4, 1e-5)
        assert_same(el, tl)
        assert_same(epk.batch_sizes, tpk.batch_sizes)
        for a, b in ((epk.sorted_indices, tpk.sorted_indices), (epk.unsorted_indices, tpk.unsorted_indices)):
            assert (a is None) == (b is None)
            if a is not None:
                assert_same(a, b)
    _compare_grads(em, tm, e_in, t_in, 1e-4, 1e-5)


@needs_torch
@pytest.mark.parametrize('kind', ['RNN', 'LSTM', 'GRU'])
def test_float64_bidirectional_deep(kind):
    kw = dict(num_layers=3, bidirectional=True)
    if kind == 'LSTM':
        kw['proj_size'] = 4
    em, tm = _pair(kind, ((I, H), kw), dtype='float64')
    r = np.random.default_rng(3)
    x = r.standard_normal((7, 3, I))
    states = _states(kind, em, r, 3, np.float64)
    res = {}
    for fw, mod in (('e', em), ('t', tm)):
        xi = _leaf(x, fw)
        si = [_leaf(s, fw) for s in states]
        out, hn = mod(xi, tuple(si) if kind == 'LSTM' else si[0])
        outs = [out] + (list(hn) if kind == 'LSTM' else [hn])
        _project(outs, np.random.default_rng(4), fw).backward()
        res[fw] = (outs, [xi] + si)
    assert_same(res['e'][0], res['t'][0], 1e-10, 1e-12)
    _compare_grads(em, tm, res['e'][1], res['t'][1], 1e-9, 1e-11)


@needs_torch
@pytest.mark.parametrize('kind', ['RNN', 'LSTM', 'GRU'])
def test_state_dict_both_ways_and_layout(kind):
    kw = dict(num_layers=2, bidirectional=True)
    if kind == 'LSTM':
        kw['proj_size'] = 3
    em, tm = _pair(kind, ((I, H), kw))
    assert list(em.state_dict()) == list(tm.state_dict())
    assert em._flat_weights_names == tm._flat_weights_names
    assert [[tuple(w.shape) for w in ws] for ws in em.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in tm.all_weights]
    assert [tuple(w.shape) for w in em._flat_weights] == [tuple(w.shape) for w in tm._flat_weights]
    # ember -> torch: a fresh ember model's weights load into torch and give the same outputs.
    em2 = getattr(ENN, kind)(I, H, **kw)
    tm2 = getattr(torch.nn, kind)(I, H, **kw)
    tm2.load_state_dict({k: torch.tensor(v.numpy()) for k, v in em2.state_dict().items()})
    x = np.random.default_rng(5).standard_normal((T, B, I)).astype(np.float32)
    em2.flatten_parameters()
    assert_same(em2(ember.tensor(x))[0], tm2(torch.tensor(x))[0], 1e-4, 1e-5)


@needs_torch
def test_extra_repr_matches_torch():
    cases = [('LSTM', (10, 20), dict(num_layers=2, batch_first=True)),
             ('LSTM', (10, 20), dict(bias=False, dropout=0.5, num_layers=2, bidirectional=True, proj_size=5)),
             ('RNN', (3, 4), dict(nonlinearity='relu')), ('GRU', (3, 4), {}), ('RNNCell', (3, 4), {}),
             ('LSTMCell', (3, 4), dict(bias=False)), ('RNNCell', (3, 4), dict(nonlinearity='relu')),
             ('GRUCell', (3, 4), {})]
    for kind, args, kw in cases:
        assert repr(getattr(ENN, kind)(*args, **kw)) == repr(getattr(torch.nn, kind)(*args, **kw))


@pytest.mark.parametrize('kind', ['RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell'])
def test_initialisation_uniform_in_bounds(kind):
    hid = 64
    m = getattr(ENN, kind)(32, hid)
    bound = 1 / math.sqrt(hid)
    vals = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert np.all(np.abs(vals) <= bound)
    assert abs(vals.std() - bound / math.sqrt(3)) < 0.05 * bound  # U(-b, b) has std b / sqrt(3)
    assert abs(vals.mean()) < 0.05 * bound


@needs_torch
def test_module_dtype_conversion_and_device_kwargs():
    m = ENN.LSTM(3, 4, num_layers=2, dtype=ember.float64)
    assert all(p.dtype is ember.float64 for p in m.parameters())
    m.float()
    assert all(w.dtype is ember.float32 for w in m._flat_weights)
    out, (h, c) = m(ember.randn(2, 1, 3))
    assert out.dtype is ember.float32 and h.shape == (2, 1, 4)


# ------------------------------------------------------------------------------------------------ dropout

def test_dropout_between_layers_statistics():
    """Layer 2 is the identity after a ReLU, so its output is ReLU(dropout(layer-1 output)): about p of the
    positive layer-1 outputs are zeroed and the others scaled by 1/(1-p)."""
    ember.manual_seed(0)
    p, hid = 0.3, 64
    m = ENN.RNN(8, hid, num_layers=2, nonlinearity='relu', dropout=p)
    one = ENN.RNN(8, hid, nonlinearity='relu')
    with ember.no_grad():
        for n in ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'):
            getattr(one, n).copy_(getattr(m, n))
        m.weight_ih_l1.copy_(ember.eye(hid))
        m.weight_hh_l1.zero_()
        m.bias_ih_l1.zero_()
        m.bias_hh_l1.zero_()
    x = ember.randn(20, 16, 8)
    base = one(x)[0].detach().numpy()
    out = m(x)[0].detach().numpy()
    pos = base > 1e-6
    dropped = (out[pos] == 0).mean()
    assert abs(dropped - p) < 0.02, dropped
    kept = out[pos] != 0
    np.testing.assert_allclose(out[pos][kept], base[pos][kept] / (1 - p), rtol=1e-5)
    # Two training calls draw different masks; eval mode is deterministic and without dropout.
    assert not np.array_equal(out, m(x)[0].detach().numpy())
    m.eval()
    np.testing.assert_allclose(m(x)[0].detach().numpy(), base, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(m(x)[0].detach().numpy(), m(x)[0].detach().numpy())


@needs_torch
def test_dropout_eval_matches_torch_and_train_backward_runs():
    em, tm = _pair('LSTM', ((I, H), dict(num_layers=3, dropout=0.4)))
    em.eval()
    tm.eval()
    x = np.random.default_rng(6).standard_normal((T, B, I)).astype(np.float32)
    assert_same(em(ember.tensor(x))[0], tm(torch.tensor(x))[0], 1e-4, 1e-5)
    em.train()
    out, _ = em(ember.tensor(x))
    out.sum().backward()
    assert all(p.grad is not None for p in em.parameters())


# ------------------------------------------------------------------------------------------------ gradcheck

def _functional(kind, m, names):
    def fn(x, *ws):
        for n, w in zip(names, ws):
            m._parameters[n] = w
        out, hn = m(x)
        return (out,) + (tuple(hn) if kind == 'LSTM' else (hn,))
    return fn


@pytest.mark.parametrize('kind,kw', [('LSTM', dict(num_layers=2, bidirectional=True, proj_size=2)),
                                     ('GRU', dict(num_layers=2, bidirectional=True)),
                                     ('RNN', dict(num_layers=2, nonlinearity='tanh'))])
def test_gradcheck_float64(kind, kw):
    ember.manual_seed(0)
    m = getattr(ENN, kind)(3, 3, **kw).double()
    names = [n for n, _ in m.named_parameters()]
    ws = [p.detach().numpy().copy() for p in m.parameters()]
    x = np.random.default_rng(7).standard_normal((4, 2, 3))
    check_grads(_functional(kind, m, names), x, *ws, gradgrad=False)


@pytest.mark.parametrize('kind', ['LSTM', 'GRU', 'RNN'])
def test_gradgradcheck_float64_small(kind):
    """Second derivatives go through the exact ember-ops path (create_graph=True)."""
    ember.manual_seed(1)
    m = getattr(ENN, kind)(2, 2).double()
    names = [n for n, _ in m.named_parameters()]
    ws = [p.detach().numpy().copy() for p in m.parameters()]
    x = np.random.default_rng(8).standard_normal((3, 2, 2))
    check_grads(_functional(kind, m, names), x, *ws, gradgrad=True)


@pytest.mark.parametrize('kind', ['LSTM', 'GRU', 'RNN'])
def test_create_graph_path_agrees_with_fast_path(kind):
    ember.manual_seed(2)
    m = getattr(ENN, kind)(3, 4, num_layers=2, bidirectional=True).double()
    x = ember.randn(5, 3, 3, dtype=ember.float64, requires_grad=True)
    params = [x] + list(m.parameters())

    def loss():
        out, hn = m(ER.pack_padded_sequence(x, [5, 2, 4], enforce_sorted=False))
        hn = hn[0] if kind == 'LSTM' else hn
        return (out.data ** 2).sum() + (hn * 3).sum()
    fast = ember.autograd.grad(loss(), params)
    exact = ember.autograd.grad(loss(), params, create_graph=True)
    for a, b in zip(fast, exact):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------------------------------------ cells

CELLS = [('RNNCell', {}), ('RNNCell', dict(nonlinearity='relu')), ('RNNCell', dict(bias=False)),
         ('LSTMCell', {}), ('LSTMCell', dict(bias=False)), ('GRUCell', {}), ('GRUCell', dict(bias=False))]


@needs_torch
@pytest.mark.parametrize('kind,kw', CELLS)
@pytest.mark.parametrize('batched', [True, False])
@pytest.mark.parametrize('with_hx', [True, False])
def test_cell_matches_torch(kind, kw, batched, with_hx):
    em, tm = _pair(kind, ((I, H), kw))
    r = np.random.default_rng(9)
    lead = (B,) if batched else ()
    x = r.standard_normal(lead + (I,)).astype(np.float32)
    n_states = 2 if kind == 'LSTMCell' else 1
    states = [r.standard_normal(lead + (H,)).astype(np.float32) for _ in range(n_states)] if with_hx else []
    res = {}
    for fw, mod in (('e', em), ('t', tm)):
        xi = _leaf(x, fw)
        si = [_leaf(s, fw) for s in states]
        hx = None if not si else (tuple(si) if n_states == 2 else si[0])
        out = mod(xi, hx)
        outs = list(out) if n_states == 2 else [out]
        # Two steps, so the hidden-to-hidden weights get a gradient even without hx.
        out2 = mod(xi, tuple(outs) if n_states == 2 else outs[0])
        outs += list(out2) if n_states == 2 else [out2]
        _project(outs, np.random.default_rng(10), fw).backward()
        res[fw] = (outs, [xi] + si)
    assert_same(res['e'][0], res['t'][0], 1e-4, 1e-5)
    _compare_grads(em, tm, res['e'][1], res['t'][1], 1e-4, 1e-5)


# ------------------------------------------------------------------------------------------------ utils.rnn

def _seqs(r, lens, trail=(3,)):
    return [r.standard_normal((n,) + trail).astype(np.float32) for n in lens]


@needs_torch
@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('side', ['right', 'left'])
@pytest.mark.parametrize('value', [0.0, -1.5])
def test_pad_sequence_matches_torch(batch_first, side, value):
    seqs = _seqs(np.random.default_rng(11), [2, 5, 0, 3], (3, 2))
    outs, leaves = {}, {}
    for fw, lib in (('e', ER), ('t', TR)):
        ls = [_leaf(s, fw) for s in seqs]
        out = lib.pad_sequence(ls, batch_first=batch_first, padding_value=value, padding_side=side)
        _project([out], np.random.default_rng(12), fw).backward()
        outs[fw], leaves[fw] = out, ls
    assert_same(outs['e'], outs['t'])
    for a, b in zip(leaves['e'], leaves['t']):
        assert_same(a.grad, b.grad)


@needs_torch
@pytest.mark.parametrize('lengths,enforce', [([5, 3, 3, 1], True), ([3, 5, 3, 1, 5], False), ([2, 2, 2], True),
                                             ([1, 4, 2], False)])
@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('as_tensor', [False, True])
def test_pack_pad_roundtrip_matches_torch(lengths, enforce, batch_first, as_tensor):
    n_b, n_t = len(lengths), max(lengths) + 1
    x = np.random.default_rng(13).standard_normal((n_b, n_t, 2) if batch_first else (n_t, n_b, 2)).astype(np.float32)
    res = {}
    for fw, lib, mk in (('e', ER, ember.tensor), ('t', TR, torch.tensor)):
        xi = _leaf(x, fw)
        lens = mk(lengths) if as_tensor else lengths
        p = lib.pack_padded_sequence(xi, lens, batch_first=batch_first, enforce_sorted=enforce)
        padded, out_lens = lib.pad_packed_sequence(p, batch_first=batch_first, padding_value=7.0,
                                                   total_length=n_t + 1)
        _project([p.data, padded], np.random.default_rng(14), fw).backward()
        res[fw] = (p, padded, out_lens, xi)
    (ep, epad, elen, ex), (tp, tpad, tlen, tx) = res['e'], res['t']
    assert_same(ep.data, tp.data)
    assert_same(ep.batch_sizes, tp.batch_sizes)
    for a, b in ((ep.sorted_indices, tp.sorted_indices), (ep.unsorted_indices, tp.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            assert_same(a, b)
    assert_same(epad, tpad)
    assert_same(elen, tlen)
    assert_same(ex.grad, tx.grad)


@needs_torch
@pytest.mark.parametrize('enforce', [True, False])
def test_pack_unpack_unpad_sequence_matches_torch(enforce):
    lens = [4, 3, 1] if enforce else [1, 4, 3]
    seqs = _seqs(np.random.default_rng(15), lens)
    res = {}
    for fw, lib in (('e', ER), ('t', TR)):
        ls = [_leaf(s, fw) for s in seqs]
        p = lib.pack_sequence(ls, enforce_sorted=enforce)
        back = lib.unpack_sequence(p)
        padded = lib.pad_sequence(ls, batch_first=True)
        lens_t = (ember.tensor if fw == 'e' else torch.tensor)(lens)
        unpadded = lib.unpad_sequence(padded, lens_t, batch_first=True)
        unpadded_tm = lib.unpad_sequence(padded.transpose(0, 1), lens_t)
        _project([p.data] + back + unpadded + unpadded_tm, np.random.default_rng(16), fw).backward()
        res[fw] = (p.data, p.batch_sizes, back, unpadded, unpadded_tm, ls)
    for a, b in zip(res['e'][:5], res['t'][:5]):
        assert_same(a, b)
    for a, b in zip(res['e'][5], res['t'][5]):
        assert_same(a.grad, b.grad)


def test_packed_sequence_object():
    p = ER.pack_sequence([ember.randn(3, 2), ember.randn(1, 2)])
    data, batch_sizes, s, u = p
    assert isinstance(p, tuple) and p._fields == ('data', 'batch_sizes', 'sorted_indices', 'unsorted_indices')
    assert batch_sizes.tolist() == [2, 1, 1] and s is None and u is None
    assert not p.is_cuda and not p.is_pinned()
    d = p.double()
    assert d.data.dtype is ember.float64 and d.batch_sizes.dtype is ember.int64
    assert p.to(ember.float32) is p
    q = ER.PackedSequence(data, batch_sizes, ember.tensor([1, 0]))
    assert q.unsorted_indices.tolist() == [1, 0]
    r = ER.PackedSequence((data, batch_sizes))
    assert r.batch_sizes is batch_sizes and r.sorted_indices is None
    assert ER.invert_permutation(ember.tensor([2, 0, 1])).tolist() == [1, 2, 0]


@needs_torch
def test_packed_final_states_per_length():
    """The final state of each sequence is its state at its own last step, in the caller's order."""
    em, tm = _pair('GRU', ((I, H), dict(bidirectional=True)))
    r = np.random.default_rng(17)
    lens = [2, 5, 3]
    seqs = _seqs(r, lens, (I,))
    _, hn = em(ER.pack_sequence([ember.tensor(s) for s in seqs], enforce_sorted=False))
    for k, s in enumerate(seqs):
        _, h1 = em(ember.tensor(s))  # each sequence alone, unbatched
        np.testing.assert_allclose(hn[:, k].detach().numpy(), h1.detach().numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------------ bad input

def _raises_like_torch(efn, tfn, cls, match):
    with pytest.raises(cls, match=match):
        efn(ember, ENN, ER)
    if torch is not None:
        with pytest.raises(cls, match=match):
            tfn(torch, torch.nn, TR)


def _call(ctor, x_shape, hx=None, **kw):
    def run(lib, nn, _):
        m = getattr(nn, ctor[0])(*ctor[1], **kw)
        hx_ = None
        if hx is not None:
            hx_ = tuple(lib.zeros(s) for s in hx) if isinstance(hx[0], tuple) else lib.zeros(hx)
        return m(lib.zeros(x_shape), hx_)
    return run


BAD = [
    (_call(('LSTM', (10, 20)), (5, 3, 7)), RuntimeError,
     r"input.size\(-1\) must be equal to input_size. Expected 10, got 7"),
    (_call(('GRU', (10, 20)), (5, 3, 10), (1, 2, 20)), RuntimeError,
     r"Expected hidden size \(1, 3, 20\), got \[1, 2, 20\]"),
    (_call(('LSTM', (10, 20)), (5, 3, 10), ((1, 2, 20), (1, 3, 20))), RuntimeError,
     r"Expected hidden\[0\] size \(1, 3, 20\), got \[1, 2, 20\]"),
    (_call(('LSTM', (10, 20)), (5, 3, 10), ((1, 3, 20), (1, 3, 21))), RuntimeError,
     r"Expected hidden\[1\] size \(1, 3, 20\), got \[1, 3, 21\]"),
    (_call(('LSTM', (10, 20)), (5, 3, 3, 10)), ValueError, "LSTM: Expected input to be 2D or 3D, got 4D instead"),
    (_call(('RNN', (10, 20)), (10,)), ValueError, "RNN: Expected input to be 2D or 3D, got 1D tensor instead"),
    (_call(('GRU', (10, 20)), (5, 3, 10), (3, 20)), RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    (_call(('RNN', (10, 20)), (5, 10), (1, 1, 20)), RuntimeError,
     "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    (_call(('LSTM', (10, 20)), (5, 10), ((1, 1, 20), (1, 20))), RuntimeError,
     r"For unbatched 2-D input, hx and cx should also be 2-D but got \(3-D, 2-D\) tensors"),
    (lambda lib, nn, R: nn.LSTM(10, 20)(lib.zeros(5, 3, 10, dtype=lib.float64)), ValueError,
     "RNN input dtype .*float64.* does not match weight dtype .*float32"),
    (lambda lib, nn, R: nn.LSTM(10, 20, proj_size=20), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda lib, nn, R: nn.LSTM(10, 20, proj_size=-1), ValueError, "proj_size should be a positive integer"),
    (lambda lib, nn, R: nn.GRU(10, 20, proj_size=5), ValueError, "proj_size argument is only supported for LSTM"),
    (lambda lib, nn, R: nn.RNN(10, 20, nonlinearity='sigmoid'), ValueError, "Unknown nonlinearity 'sigmoid'"),
    (lambda lib, nn, R: nn.LSTM(10, 20, dropout=1.5), ValueError, r"dropout should be a number in range \[0, 1\]"),
    (lambda lib, nn, R: nn.GRU(10, 20, num_layers=0), ValueError, "num_layers must be greater than zero"),
    (lambda lib, nn, R: nn.LSTM(10, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda lib, nn, R: nn.LSTM(10, 2.5), TypeError, "hidden_size should be of type int, got: float"),
    (lambda lib, nn, R: nn.LSTMCell(10, 20)(lib.zeros(3, 7)), RuntimeError,
     "input has inconsistent input_size: got 7 expected 10"),
    (lambda lib, nn, R: nn.GRUCell(10, 20)(lib.zeros(3, 10), lib.zeros(2, 20)), RuntimeError,
     "Input batch size 3 doesn't match hidden0 batch size 2"),
    (lambda lib, nn, R: nn.LSTMCell(10, 20)(lib.zeros(3, 10), (lib.zeros(3, 20), lib.zeros(3, 21))), RuntimeError,
     "hidden1 has inconsistent hidden_size: got 21, expected 20"),
    (lambda lib, nn, R: nn.RNNCell(10, 20)(lib.zeros(2, 3, 10)), ValueError,
     "RNNCell: Expected input to be 1D or 2D, got 3D instead"),
    (lambda lib, nn, R: nn.RNNCell(10, 20, nonlinearity='foo')(lib.zeros(3, 10)), RuntimeError,
     "Unknown nonlinearity: foo"),
    (lambda lib, nn, R: R.pack_padded_sequence(lib.zeros(5, 3, 4), [3, 5, 2]), RuntimeError,
     "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True"),
    (lambda lib, nn, R: R.pack_padded_sequence(lib.zeros(5, 3, 4), [5, 3, 0]), RuntimeError,
     "Length of all samples has to be greater than 0"),
    (lambda lib, nn, R: R.pack_padded_sequence(lib.zeros(5, 3, 4), [5, 3]), RuntimeError,
     r"Expected `len\(lengths\)` to be equal to batch_size, but got 2 \(batch_size=3\)"),
    (lambda lib, nn, R: R.pack_padded_sequence(lib.zeros(5, 3, 4), lib.tensor([[5, 3, 2]])), RuntimeError,
     "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor"),
    (lambda lib, nn, R: R.pad_packed_sequence(R.pack_padded_sequence(lib.zeros(5, 3, 4), [5, 3, 2]),
                                              total_length=4), ValueError,
     "Expected total_length to be at least the length of the longest sequence in input, but got total_length=4 and "
     "max sequence length being 5"),
    (lambda lib, nn, R: R.pad_sequence([lib.zeros(3, 4), lib.zeros(2, 5)]), RuntimeError,
     r"The size of tensor a \(4\) must match the size of tensor b \(5\) at non-singleton dimension 1"),
    (lambda lib, nn, R: R.pad_sequence([lib.zeros(3, 4)], padding_side='middle'), RuntimeError,
     "Expected padding_side to be one of left or right, but got middle."),
    (lambda lib, nn, R: R.pack_sequence([]), RuntimeError, "received an empty list of sequences"),
]


@pytest.mark.parametrize('fn,cls,match', BAD)
def test_bad_input_raises_like_torch(fn, cls, match):
    _raises_like_torch(fn, fn, cls, match)


def test_lengths_longer_than_sequence_raise():
    # PyTorch reads past the end of the input here; ember refuses.
    with pytest.raises(RuntimeError, match=r"sequence length \(6\) is larger than the padded sequence length \(5\)"):
        ER.pack_padded_sequence(ember.zeros(5, 3, 4), [6, 5, 2])


@needs_torch
def test_dropout_with_one_layer_warns_like_torch():
    for nn in (ENN, torch.nn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            nn.LSTM(10, 20, dropout=0.5)
        assert len(w) == 1 and issubclass(w[0].category, UserWarning)
        assert "non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and num_layers=1" in \
            str(w[0].message)
