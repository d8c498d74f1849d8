"""Attention: F.scaled_dot_product_attention, F.multi_head_attention_forward and nn.MultiheadAttention against
PyTorch (outputs, attention weights, every parameter/input gradient), gradcheck, dropout statistics, bad inputs."""
import numpy as np
import pytest

import ember
from support import assert_same, check_grads, check_op, needs_torch, to_numpy, torch

EF = ember.nn.functional
TF = torch.nn.functional if torch is not None else None
enn = ember.nn
tnn = torch.nn if torch is not None else None


def _f(r, *shape, dtype=np.float32):
    return r.standard_normal(shape).astype(dtype)


def copy_module(tm, em):
    """Load torch module ``tm``'s state_dict into ember module ``em`` (keys and order must agree)."""
    tsd = tm.state_dict()
    assert list(em.state_dict()) == list(tsd)
    em.load_state_dict({k: ember.tensor(v.detach().numpy().copy()) for k, v in tsd.items()})


def _as(fw, a, rg):
    if not isinstance(a, np.ndarray):
        return a
    t = (ember.tensor(a) if fw == 'e' else torch.tensor(a))
    return t.requires_grad_(True) if rg and a.dtype.kind == 'f' else t


def compare_module(em, tm, args, kwargs=None, rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-5, grad=True,
                   same_objects=None):
    """Run both modules on the same NumPy inputs; compare outputs, then gradients of a random projection of every
    output with respect to every parameter and every floating input. ``same_objects`` maps argument positions to
    an earlier position whose tensor is passed again (self-attention: ``query is key is value``)."""
    kwargs = kwargs or {}
    same_objects = same_objects or {}
    ins = {}
    for fw in 'et':
        xs = []
        for i, a in enumerate(args):
            xs.append(xs[same_objects[i]] if i in same_objects else _as(fw, a, grad))
        kw = {k: _as(fw, v, grad) for k, v in kwargs.items()}
        ins[fw] = (xs, kw)
    eo = em(*ins['e'][0], **ins['e'][1])
    to = tm(*ins['t'][0], **ins['t'][1])
    assert_same(eo, to, rtol, atol)
    if not grad:
        return eo, to
    eouts = [o for o in (eo if isinstance(eo, tuple) else (eo,)) if o is not None]
    touts = [o for o in (to if isinstance(to, tuple) else (to,)) if o is not None]
    r = np.random.default_rng(1)
    ws = [r.standard_normal(tuple(o.shape)).astype(to_numpy(o).dtype) for o in touts]
    e_leaves = [p for p in em.parameters()] + [x for x in ins['e'][0] + list(ins['e'][1].values())
                                               if isinstance(x, ember.Tensor) and x.requires_grad]
    t_leaves = [p for p in tm.parameters()] + [x for x in ins['t'][0] + list(ins['t'][1].values())
                                               if torch.is_tensor(x) and x.requires_grad]
    e_total = sum(((o * ember.tensor(w)).sum() for o, w in zip(eouts, ws)), ember.tensor(0.0))
    t_total = sum(((o * torch.tensor(w)).sum() for o, w in zip(touts, ws)), torch.tensor(0.0))
    eg = ember.autograd.grad(e_total, e_leaves, allow_unused=True)
    tg = torch.autograd.grad(t_total, t_leaves, allow_unused=True)
    assert len(eg) == len(tg)
    for a, b in zip(eg, tg):
        if b is None:
            assert a is None or not np.any(to_numpy(a))
        else:
            assert a is not None
            assert_same(a, b, grad_rtol, grad_atol)
    return eo, to


# ------------------------------------------------------------------------------- scaled_dot_product_attention

def _qkv(r, qs, ks, vs, dtype=np.float32):
    return _f(r, *qs, dtype=dtype), _f(r, *ks, dtype=dtype), _f(r, *vs, dtype=dtype)


SDPA_SHAPES = [
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)),       # (N, H, L, E)
    ((3, 4, 8), (3, 5, 8), (3, 5, 6)),                # one batch dim
    ((4, 8), (5, 8), (5, 6)),                         # no batch dims
    ((2, 2, 3, 4, 8), (2, 2, 3, 5, 8), (2, 2, 3, 5, 6)),  # several batch dims
    ((2, 3, 4, 8), (1, 3, 5, 8), (1, 3, 5, 6)),       # broadcast batch
    ((2, 3, 4, 8), (3, 5, 8), (3, 5, 6)),             # broadcast rank
    ((2, 1, 7, 4), (2, 1, 7, 4), (2, 1, 7, 4)),       # square
]


@needs_torch
@pytest.mark.parametrize('shapes', SDPA_SHAPES)
@pytest.mark.parametrize('mode', ['none', 'bool', 'float', 'causal', 'scale'])
def test_sdpa_matches_torch(shapes, mode):
    r = np.random.default_rng(0)
    q, k, v = _qkv(r, *shapes)
    L, S = shapes[0][-2], shapes[1][-2]
    kw = {}
    if mode == 'bool':
        m = r.random((L, S)) > 0.4
        m[:, 0] = True
        kw['attn_mask'] = m
    elif mode == 'float':
        kw['attn_mask'] = _f(r, L, S)
    elif mode == 'causal':
        kw['is_causal'] = True
    elif mode == 'scale':
        kw['scale'] = 0.37
    m = kw.pop('attn_mask', None)
    if m is None:
        check_op(EF.scaled_dot_product_attention, TF.scaled_dot_product_attention, q, k, v, **kw, atol=1e-5,
                 grad_atol=1e-4)
    else:  # the mask as an argument: a float one requires grad and its gradient is compared too
        check_op(lambda q, k, v, m: EF.scaled_dot_product_attention(q, k, v, m),
                 lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, m), q, k, v, m, atol=1e-5,
                 grad_atol=1e-4)


@needs_torch
@pytest.mark.parametrize('mask_shape', [(2, 3, 4, 5), (3, 1, 5), (1, 4, 5), (2, 1, 1, 5)])
@pytest.mark.parametrize('kind', ['bool', 'float'])
def test_sdpa_broadcast_masks(mask_shape, kind):
    r = np.random.default_rng(1)
    q, k, v = _qkv(r, (2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6))
    m = (r.random(mask_shape) > 0.3) if kind == 'bool' else _f(r, *mask_shape)
    # the float mask requires grad too: its gradient is compared (reduced over its broadcast dims)
    check_op(lambda q, k, v, m: EF.scaled_dot_product_attention(q, k, v, attn_mask=m),
             lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, attn_mask=m), q, k, v, m, atol=1e-5,
             grad_atol=1e-4)


@needs_torch
@pytest.mark.parametrize('kind', ['bool', 'float'])
def test_sdpa_fully_masked_rows_give_zeros_like_torch(kind):
    r = np.random.default_rng(2)
    q, k, v = _qkv(r, (2, 4, 8), (2, 5, 8), (2, 5, 6))
    m = r.random((4, 5)) > 0.5
    m[1] = False
    m[:, 4] |= np.arange(4) != 1
    mask = m if kind == 'bool' else np.where(m, 0, -np.inf).astype(np.float32)
    eo, to = check_op(lambda q, k, v: EF.scaled_dot_product_attention(q, k, v, attn_mask=ember.tensor(mask)),
                      lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor(mask)), q, k, v,
                      atol=1e-5, grad_atol=1e-4)
    assert not np.isnan(to_numpy(eo)).any() and not np.any(to_numpy(eo)[:, 1])


@needs_torch
@pytest.mark.parametrize('heads', [(4, 2, 2), (4, 1, 1), (6, 3, 1), (4, 4, 4)])
def test_sdpa_gqa(heads):
    hq, hk, hv = heads
    r = np.random.default_rng(3)
    q, k, v = _qkv(r, (2, hq, 4, 8), (2, hk, 5, 8), (2, hv, 5, 6))
    check_op(lambda q, k, v: EF.scaled_dot_product_attention(q, k, v, enable_gqa=True),
             lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, enable_gqa=True), q, k, v, atol=1e-5,
             grad_atol=1e-4)


@needs_torch
def test_sdpa_float64_empty_and_causal_nonsquare():
    r = np.random.default_rng(4)
    q, k, v = _qkv(r, (2, 3, 6, 4), (2, 3, 4, 4), (2, 3, 4, 5), dtype=np.float64)
    check_op(lambda q, k, v: EF.scaled_dot_product_attention(q, k, v, is_causal=True),
             lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, is_causal=True), q, k, v, rtol=1e-10,
             atol=1e-12)
    q, k, v = _qkv(r, (2, 0, 8), (2, 5, 8), (2, 5, 6))
    check_op(EF.scaled_dot_product_attention, TF.scaled_dot_product_attention, q, k, v)
    q, k, v = _qkv(r, (2, 3, 8), (2, 0, 8), (2, 0, 6))
    check_op(EF.scaled_dot_product_attention, TF.scaled_dot_product_attention, q, k, v, grad=False)


def test_sdpa_gradcheck():
    r = np.random.default_rng(5)
    q, k, v = _qkv(r, (2, 3, 4), (2, 5, 4), (2, 5, 3), dtype=np.float64)
    m = _f(r, 3, 5, dtype=np.float64)
    check_grads(lambda q, k, v, m: EF.scaled_dot_product_attention(q, k, v, attn_mask=m), q, k, v, m)
    bm = r.random((3, 5)) > 0.3
    bm[2] = False  # a fully masked row: zero output and zero gradient
    check_grads(lambda q, k, v: EF.scaled_dot_product_attention(q, k, v, attn_mask=ember.tensor(bm), scale=0.7),
                q, k, v)
    check_grads(lambda q, k, v: EF.scaled_dot_product_attention(q, k, v, is_causal=True), q, k, v)


def _identity_v(S):
    return ember.eye(S).reshape(1, S, S).expand(64, S, S)


def test_sdpa_dropout_statistics():
    ember.manual_seed(0)
    S, L, p = 16, 32, 0.3
    q = ember.zeros(64, L, 4)
    k = ember.zeros(64, S, 4)
    v = _identity_v(S).clone().requires_grad_(True)
    out = EF.scaled_dot_product_attention(q, k, v, dropout_p=p)   # = the dropped weights, uniform 1/S before
    a = out.detach().numpy()
    dropped = a == 0
    frac = dropped.mean()
    n = a.size
    assert abs(frac - p) < 5 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(a[~dropped], 1 / (S * (1 - p)), rtol=1e-6)
    # backward uses the same mask: d(out)/d(v) = W_dropped^T @ g
    g = ember.randn(64, L, S)
    (gv,) = ember.autograd.grad((out * g).sum(), [v])
    np.testing.assert_allclose(gv.numpy(), np.swapaxes(a, 1, 2) @ g.numpy(), rtol=1e-5, atol=1e-6)
    # two calls draw different masks; dropout_p=1 drops everything
    again = EF.scaled_dot_product_attention(q, k, v, dropout_p=p).detach().numpy()
    assert (again != a).any()
    assert not EF.scaled_dot_product_attention(q, k, v, dropout_p=1.0).detach().numpy().any()


# ------------------------------------------------------------------------------------------ MultiheadAttention

def _mha_pair(embed_dim=8, num_heads=2, seed=0, **kw):
    torch.manual_seed(seed)
    tm = tnn.MultiheadAttention(embed_dim, num_heads, **kw)
    em = enn.MultiheadAttention(embed_dim, num_heads, **kw)
    copy_module(tm, em)
    return em, tm


def _mha_inputs(r, L, S, N, E, kdim, vdim, batch_first, unbatched=False):
    def shp(T, D):
        if unbatched:
            return (T, D)
        return (N, T, D) if batch_first else (T, N, D)
    return _f(r, *shp(L, E)), _f(r, *shp(S, kdim)), _f(r, *shp(S, vdim))


MHA_OPTIONS = [
    {}, {'bias': False}, {'add_bias_kv': True}, {'add_zero_attn': True}, {'add_bias_kv': True, 'add_zero_attn': True},
    {'kdim': 5, 'vdim': 7}, {'kdim': 5, 'vdim': 7, 'bias': False, 'add_bias_kv': True}, {'batch_first': True},
    {'batch_first': True, 'kdim': 6, 'vdim': 6, 'add_zero_attn': True},
]


@needs_torch
@pytest.mark.parametrize('opts', MHA_OPTIONS, ids=lambda o: '-'.join(f'{k}={v}' for k, v in o.items()) or 'default')
@pytest.mark.parametrize('need_weights,average', [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize('unbatched', [False, True])
def test_mha_matches_torch(opts, need_weights, average, unbatched):
    r = np.random.default_rng(0)
    em, tm = _mha_pair(8, 2, **opts)
    q, k, v = _mha_inputs(r, 3, 4, 2, 8, opts.get('kdim', 8), opts.get('vdim', 8), opts.get('batch_first', False),
                          unbatched)
    compare_module(em, tm, (q, k, v), {'need_weights': need_weights, 'average_attn_weights': average})


def _masks(r, kind, L, S, N, H, batch):
    """(attn_mask, key_padding_mask) of a kind; True / -inf = do not attend."""
    tokens = kind.split('-')
    kw = {}
    if 'attn2' in tokens or 'attn3' in tokens:
        shape = (L, S) if 'attn2' in tokens else ((N * H, L, S) if batch else (H, L, S))
        m = r.random(shape) > 0.7
        m[..., 0] = False
        kw['attn_mask'] = m if 'bool' in tokens else np.where(m, -np.inf, _f(r, *shape)).astype(np.float32)
    if 'kpm' in tokens or 'kpmbool' in tokens:
        shape = (N, S) if batch else (S,)
        m = np.zeros(shape, bool)
        m[..., S - 1] = True
        if batch:
            m[0, 1] = True
        kw['key_padding_mask'] = m if ('bool' in tokens or 'kpmbool' in tokens) else \
            np.where(m, -np.inf, 0).astype(np.float32)
    return kw


MASK_KINDS = ['attn2-bool', 'attn2-float', 'attn3-bool', 'attn3-float', 'kpm-bool', 'kpm-float',
              'attn2-kpm-bool', 'attn3-kpm-float', 'attn2-float-kpmbool']


@needs_torch
@pytest.mark.parametrize('kind', MASK_KINDS)
@pytest.mark.parametrize('need_weights', [True, False])
@pytest.mark.parametrize('batch_first,unbatched', [(False, False), (True, False), (False, True)])
def test_mha_masks(kind, need_weights, batch_first, unbatched):
    r = np.random.default_rng(1)
    L, S, N, H = 4, 5, 3, 2
    em, tm = _mha_pair(8, H, batch_first=batch_first)
    q, k, v = _mha_inputs(r, L, S, N, 8, 8, 8, batch_first, unbatched)
    kw = _masks(r, kind, L, S, N, H, not unbatched)
    kw['need_weights'] = need_weights
    with pytest.warns(UserWarning, match='mismatched') if 'kpmbool' in kind else _nullcontext():
        compare_module(em, tm, (q, k, v), kw)


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


@needs_torch
@pytest.mark.parametrize('need_weights', [True, False])
@pytest.mark.parametrize('with_kpm', [False, True])
def test_mha_self_attention_causal(need_weights, with_kpm):
    r = np.random.default_rng(2)
    em, tm = _mha_pair(8, 2, batch_first=True)
    x = _f(r, 3, 5, 8)
    mask = np.triu(np.full((5, 5), -np.inf, np.float32), 1)
    kw = {'attn_mask': mask, 'is_causal': True, 'need_weights': need_weights}
    if with_kpm:
        kw['key_padding_mask'] = np.array([[0, 0, 0, 0, -np.inf]] * 3, np.float32)
    compare_module(em, tm, (x, x, x), kw, same_objects={1: 0, 2: 0})


@needs_torch
@pytest.mark.parametrize('same', ['qkv', 'kv', 'none'])
def test_mha_packed_projection_paths(same):
    r = np.random.default_rng(3)
    em, tm = _mha_pair(8, 4)
    x, y, z = _mha_inputs(r, 4, 4, 2, 8, 8, 8, False)
    objs = {'qkv': {1: 0, 2: 0}, 'kv': {2: 1}, 'none': {}}[same]
    compare_module(em, tm, (x, y, z), {'need_weights': False}, same_objects=objs)


@needs_torch
@pytest.mark.parametrize('need_weights', [True, False])
def test_mha_fully_masked_rows(need_weights):
    """Explicit weights give NaN rows (plain softmax), need_weights=False gives zeros (SDPA), like torch."""
    r = np.random.default_rng(4)
    em, tm = _mha_pair(8, 2)
    q, k, v = _mha_inputs(r, 3, 4, 2, 8, 8, 8, False)
    kpm = np.zeros((2, 4), bool)
    kpm[1] = True
    eo, to = compare_module(em, tm, (q, k, v), {'key_padding_mask': kpm, 'need_weights': need_weights}, grad=False)
    assert np.isnan(to_numpy(eo[0])[:, 1]).all() == need_weights


@needs_torch
@pytest.mark.parametrize('need_weights', [True, False])
def test_mha_inference_fast_path(need_weights):
    """In eval mode without grad, batch_first self-attention is PyTorch's fast path: same values, and NaN for a
    fully padded sequence."""
    r = np.random.default_rng(5)
    em, tm = _mha_pair(8, 2, batch_first=True)
    em.eval(), tm.eval()
    x = _f(r, 2, 4, 8)
    kpm = np.zeros((2, 4), bool)
    kpm[0, 3] = True
    kpm[1] = True
    with ember.no_grad(), torch.no_grad():
        compare_module(em, tm, (x, x, x), {'key_padding_mask': kpm, 'need_weights': need_weights}, grad=False,
                       same_objects={1: 0, 2: 0})


@needs_torch
def test_mha_functional_matches_torch():
    r = np.random.default_rng(6)
    E, H, L, S, N = 8, 2, 3, 4, 2
    q, k, v = _mha_inputs(r, L, S, N, E, E, E, False)
    ws = [_f(r, 3 * E, E), _f(r, 3 * E), _f(r, 1, 1, E), _f(r, 1, 1, E), _f(r, E, E), _f(r, E)]

    def run(F, q, k, v, w, b, bk, bv, ow, ob):
        return F.multi_head_attention_forward(q, k, v, E, H, w, b, bk, bv, True, 0.0, ow, ob, training=False,
                                              average_attn_weights=False)
    check_op(lambda *a: run(EF, *a), lambda *a: run(TF, *a), q, k, v, *ws, atol=1e-5, grad_atol=1e-4)
    # separate projection weights and static keys / values
    sk, sv = _f(r, N * H, 6, E // H), _f(r, N * H, 6, E // H)

    def run2(F, q, k, v, wq, wk, wv, ow, sk, sv):
        return F.multi_head_attention_forward(q, k, v, E, H, None, None, None, None, False, 0.0, ow, None,
                                              use_separate_proj_weight=True, q_proj_weight=wq, k_proj_weight=wk,
                                              v_proj_weight=wv, static_k=sk, static_v=sv)
    check_op(lambda *a: run2(EF, *a), lambda *a: run2(TF, *a), q, k, v, _f(r, E, E), _f(r, E, E), _f(r, E, E),
             _f(r, E, E), sk, sv, atol=1e-5, grad_atol=1e-4)


def test_mha_gradcheck():
    r = np.random.default_rng(7)
    E, H, L, S, N = 4, 2, 3, 2, 2
    q, k = _f(r, L, N, E, dtype=np.float64), _f(r, S, N, E, dtype=np.float64)
    w, b, ow, ob = (_f(r, 3 * E, E, dtype=np.float64), _f(r, 3 * E, dtype=np.float64),
                    _f(r, E, E, dtype=np.float64), _f(r, E, dtype=np.float64))
    mask = ember.tensor(np.array([[0, -1.5], [0.3, 0], [-np.inf, 0]]))

    def f(q, k, w, b, ow, ob):
        out, weights = EF.multi_head_attention_forward(q, k, k, E, H, w, b, None, None, False, 0.0, ow, ob,
                                                       attn_mask=mask, average_attn_weights=False)
        return out, weights
    check_grads(f, q, k, w, b, ow, ob)
    em = enn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True, dtype=ember.float64)
    check_grads(lambda q, k: em(q, k, k, need_weights=False)[0], q, k)


def test_mha_init_like_torch():
    em = enn.MultiheadAttention(16, 4, add_bias_kv=True)
    bound = np.sqrt(6 / (16 + 48))
    w = em.in_proj_weight.detach().numpy()
    assert w.shape == (48, 16) and np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert not em.in_proj_bias.detach().numpy().any() and not em.out_proj.bias.detach().numpy().any()
    assert em.bias_k.shape == (1, 1, 16) and em.bias_k.detach().numpy().std() > 0
    assert [n for n, _ in em.named_parameters()] == ['in_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v',
                                                     'out_proj.weight', 'out_proj.bias']
    sep = enn.MultiheadAttention(16, 4, kdim=3, vdim=5, bias=False)
    assert [(n, tuple(p.shape)) for n, p in sep.named_parameters()] == [
        ('q_proj_weight', (16, 16)), ('k_proj_weight', (16, 3)), ('v_proj_weight', (16, 5)), ('out_proj.weight',
                                                                                                (16, 16))]
    assert sep.in_proj_weight is None and sep.bias_k is None and isinstance(sep.out_proj, enn.Linear)


def test_mha_dropout_statistics_and_eval():
    ember.manual_seed(0)
    em = enn.MultiheadAttention(8, 2, dropout=0.4)
    q = ember.zeros(5, 40, 8)
    k = ember.randn(20, 40, 8)
    _, w = em(q, k, k, average_attn_weights=False)   # uniform weights 1/20 before dropout
    a = w.detach().numpy()
    frac = (a == 0).mean()
    assert abs(frac - 0.4) < 5 * np.sqrt(0.4 * 0.6 / a.size)
    np.testing.assert_allclose(a[a != 0], 1 / (20 * 0.6), rtol=1e-5)
    em.eval()
    o1, w1 = em(q, k, k)
    o2, w2 = em(q, k, k)
    np.testing.assert_array_equal(o1.detach().numpy(), o2.detach().numpy())
    np.testing.assert_allclose(w1.detach().numpy(), 1 / 20, rtol=1e-5)


# --------------------------------------------------------------------------------------------------- bad inputs

def _x(fw, *shape, dtype='float32'):
    z = fw.zeros(*shape, dtype=getattr(fw, dtype))
    return z + 0.5 if dtype.startswith('float') else z


def _mha(fw, *a, **kw):
    fw.manual_seed(0)
    return fw.nn.MultiheadAttention(*a, **kw)


BAD = {
    'mha embed not divisible': lambda fw: _mha(fw, 10, 3),
    'mha zero heads': lambda fw: _mha(fw, 8, 0),
    'mha key/value shapes differ': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 4, 2, 8), _x(fw, 5, 2, 8)),
    'mha 2-D value for 3-D query': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 4, 2, 8), _x(fw, 4, 8)),
    'mha wrong embed dim': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 7), _x(fw, 3, 2, 7), _x(fw, 3, 2, 7)),
    'mha 2-D attn_mask shape': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                         attn_mask=_x(fw, 3, 4)),
    'mha 3-D attn_mask shape': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                         attn_mask=_x(fw, 5, 3, 3)),
    'mha 4-D attn_mask': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                   attn_mask=_x(fw, 1, 4, 3, 3)),
    'mha key_padding_mask length': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                             key_padding_mask=_x(fw, 2, 4, dtype='bool')),
    'mha key_padding_mask batch': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                            key_padding_mask=_x(fw, 3, 3, dtype='bool')),
    'mha key_padding_mask 1-D for batch': lambda fw: _mha(fw, 8, 2)(
        _x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8), key_padding_mask=_x(fw, 3, dtype='bool')),
    'mha int mask': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                              key_padding_mask=_x(fw, 2, 3, dtype='int64')),
    'mha int attn_mask': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                   attn_mask=_x(fw, 3, 3, dtype='int64')),
    'mha is_causal without mask': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8),
                                                            is_causal=True),
    'mha 4-D query': lambda fw: _mha(fw, 8, 2)(_x(fw, 2, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8)),
    'mha unbatched 3-D mask shape': lambda fw: _mha(fw, 8, 2)(_x(fw, 3, 8), _x(fw, 3, 8), _x(fw, 3, 8),
                                                              attn_mask=_x(fw, 3, 3, 3)),
    'mha kdim mismatch': lambda fw: _mha(fw, 8, 2, kdim=5)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 6), _x(fw, 3, 2, 8)),
    'mha_forward no in_proj_weight': lambda fw: fw.nn.functional.multi_head_attention_forward(
        _x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8), 8, 2, None, None, None, None, False, 0.0, _x(fw, 8, 8),
        None),
    'mha dropout > 1': lambda fw: _mha(fw, 8, 2, dropout=1.5)(_x(fw, 3, 2, 8), _x(fw, 3, 2, 8), _x(fw, 3, 2, 8)),
    'sdpa mask and is_causal': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 8), _x(fw, 2, 5, 6), attn_mask=_x(fw, 4, 5, dtype='bool'), is_causal=True),
    'sdpa mask shape': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 3, 4, 8), _x(fw, 2, 3, 5, 8), _x(fw, 2, 3, 5, 6), attn_mask=_x(fw, 3, 5, dtype='bool')),
    'sdpa int mask': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 8), _x(fw, 2, 5, 6), attn_mask=_x(fw, 4, 5, dtype='int64')),
    'sdpa double mask for float': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 8), _x(fw, 2, 5, 6), attn_mask=_x(fw, 4, 5, dtype='float64')),
    'sdpa key feature size': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 7), _x(fw, 2, 5, 6)),
    'sdpa value length': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 8), _x(fw, 2, 6, 6)),
    'sdpa dtype mismatch': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 8, dtype='float64'), _x(fw, 2, 5, 6)),
    'sdpa 1-D': lambda fw: fw.nn.functional.scaled_dot_product_attention(_x(fw, 8), _x(fw, 8), _x(fw, 8)),
    'sdpa gqa heads': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 4, 8), _x(fw, 2, 3, 5, 8), _x(fw, 2, 3, 5, 6), enable_gqa=True),
    'sdpa batch mismatch': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 3, 4, 8), _x(fw, 3, 3, 5, 8), _x(fw, 3, 3, 5, 6)),
    'sdpa dropout > 1': lambda fw: fw.nn.functional.scaled_dot_product_attention(
        _x(fw, 2, 4, 8), _x(fw, 2, 5, 8), _x(fw, 2, 5, 6), dropout_p=1.5),
}

# Messages we reproduce word for word (the rest: same exception class, message checked loosely).
LOOSE = set()


@needs_torch
@pytest.mark.parametrize('case', list(BAD))
def test_bad_inputs_raise_like_torch(case):
    with pytest.raises(Exception) as te:
        BAD[case](torch)
    with pytest.raises(type(te.value)) as ee:
        BAD[case](ember)
    assert type(ee.value) is type(te.value)
    if case not in LOOSE:
        assert str(ee.value) == str(te.value)
    else:
        assert str(ee.value)
