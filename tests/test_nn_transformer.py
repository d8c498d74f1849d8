"""The Transformer family against PyTorch: state_dict names and order, outputs and every gradient for each layer
and option (norm_first, gelu / callable activations, batch_first, bias, masks of every kind), the stacks, the
full Transformer, the inference path with padding, dropout in train mode, bad inputs."""
import warnings

import numpy as np
import pytest

import ember
from support import assert_same, needs_torch, torch
from test_nn_attention import compare_module, copy_module

enn = ember.nn
tnn = torch.nn if torch is not None else None


def _f(r, *shape):
    return r.standard_normal(shape).astype(np.float32)


def _pair(name, *args, seed=0, **kw):
    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tm = getattr(tnn, name)(*args, **_for(torch, kw))
        em = getattr(enn, name)(*args, **_for(ember, kw))
    copy_module(tm, em)
    return em, tm


def _for(fw, kw):
    """Resolve framework-specific keyword values: ('F', 'gelu') -> fw.nn.functional.gelu, ('M', 'GELU') -> module."""
    out = {}
    for k, v in kw.items():
        if isinstance(v, tuple) and v[0] == 'F':
            v = getattr(fw.nn.functional, v[1])
        elif isinstance(v, tuple) and v[0] == 'M':
            v = getattr(fw.nn, v[1])()
        elif isinstance(v, tuple) and v[0] == 'lambda':
            v = (lambda x, fw=fw: fw.tanh(x) * 2)
        out[k] = v
    return out


LAYER_OPTS = [
    {}, {'norm_first': True}, {'activation': 'gelu'}, {'activation': ('F', 'gelu'), 'norm_first': True},
    {'activation': ('M', 'GELU')}, {'activation': ('lambda',)}, {'batch_first': True}, {'bias': False},
    {'layer_norm_eps': 1e-3, 'batch_first': True, 'norm_first': True},
]
IDS = lambda o: '-'.join(f'{k}={v}' for k, v in o.items()) or 'default'  # noqa: E731


def _src(r, batch_first, L=5, N=3, E=8, unbatched=False):
    if unbatched:
        return _f(r, L, E)
    return _f(r, N, L, E) if batch_first else _f(r, L, N, E)


@needs_torch
@pytest.mark.parametrize('opts', LAYER_OPTS, ids=IDS)
def test_encoder_layer_matches_torch(opts):
    r = np.random.default_rng(0)
    em, tm = _pair('TransformerEncoderLayer', 8, 2, 16, 0.0, **opts)
    compare_module(em, tm, (_src(r, opts.get('batch_first', False)),))


@needs_torch
@pytest.mark.parametrize('opts', LAYER_OPTS, ids=IDS)
def test_decoder_layer_matches_torch(opts):
    r = np.random.default_rng(1)
    em, tm = _pair('TransformerDecoderLayer', 8, 2, 16, 0.0, **opts)
    bf = opts.get('batch_first', False)
    compare_module(em, tm, (_src(r, bf, L=4), _src(r, bf, L=6)))


def _enc_masks(r, kind, L, N):
    kw = {}
    causal = np.triu(np.full((L, L), -np.inf, np.float32), 1)
    if kind in ('bool', 'both-bool'):
        m = r.random((L, L)) > 0.7
        np.fill_diagonal(m, False)
        kw['src_mask'] = m
    if kind in ('float', 'both-float'):
        kw['src_mask'] = np.where(r.random((L, L)) > 0.7, -np.inf, _f(r, L, L)).astype(np.float32)
        np.fill_diagonal(kw['src_mask'], 0)
    if kind.startswith('both') or kind == 'kpm':
        m = np.zeros((N, L), bool)
        m[0, -2:] = True
        m[1, -1] = True
        kw['src_key_padding_mask'] = m if kind != 'both-float' else np.where(m, -np.inf, 0).astype(np.float32)
    if kind == 'causal':
        kw['src_mask'] = causal
        kw['is_causal'] = True
    if kind == 'causal3d':
        kw['src_mask'] = np.broadcast_to(causal, (N * 2, L, L)).copy()
    return kw


ENC_MASKS = ['bool', 'float', 'kpm', 'both-bool', 'both-float', 'causal', 'causal3d']


@needs_torch
@pytest.mark.parametrize('kind', ENC_MASKS)
@pytest.mark.parametrize('batch_first', [False, True])
def test_encoder_layer_masks(kind, batch_first):
    r = np.random.default_rng(2)
    em, tm = _pair('TransformerEncoderLayer', 8, 2, 16, 0.0, batch_first=batch_first)
    compare_module(em, tm, (_src(r, batch_first, L=5, N=3),), _enc_masks(r, kind, 5, 3))


@needs_torch
@pytest.mark.parametrize('kind', ['none', 'bool', 'kpm', 'both-float', 'causal'])
@pytest.mark.parametrize('norm', [False, True])
def test_encoder_stack(kind, norm):
    r = np.random.default_rng(3)
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tl = tnn.TransformerEncoderLayer(8, 2, 16, 0.0)
        tm = tnn.TransformerEncoder(tl, 2, tnn.LayerNorm(8) if norm else None)
        el = enn.TransformerEncoderLayer(8, 2, 16, 0.0)
        em = enn.TransformerEncoder(el, 2, enn.LayerNorm(8) if norm else None)
    copy_module(tm, em)
    assert em.layers[0] is not em.layers[1] and em.layers[0].linear1.weight is not em.layers[1].linear1.weight
    kw = {} if kind == 'none' else _enc_masks(r, kind, 5, 3)
    kw = {('mask' if k == 'src_mask' else k): v for k, v in kw.items()}
    if kind == 'causal':
        kw.pop('is_causal')   # detected from the mask
    compare_module(em, tm, (_src(r, False),), kw)


@needs_torch
@pytest.mark.parametrize('opts', [{}, {'norm_first': True, 'activation': 'gelu'}, {'batch_first': True}], ids=IDS)
def test_decoder_stack_masks(opts):
    r = np.random.default_rng(4)
    torch.manual_seed(0)
    tm = tnn.TransformerDecoder(tnn.TransformerDecoderLayer(8, 2, 16, 0.0, **opts), 2, tnn.LayerNorm(8))
    em = enn.TransformerDecoder(enn.TransformerDecoderLayer(8, 2, 16, 0.0, **opts), 2, enn.LayerNorm(8))
    copy_module(tm, em)
    bf = opts.get('batch_first', False)
    T, S, N = 4, 6, 3
    tgt_kpm = np.zeros((N, T), bool)
    tgt_kpm[0, -1] = True
    mem_kpm = np.zeros((N, S), bool)
    mem_kpm[1, -2:] = True
    mem_mask = np.where(r.random((T, S)) > 0.8, -np.inf, 0).astype(np.float32)
    mem_mask[:, 0] = 0
    kw = {'tgt_mask': np.triu(np.full((T, T), -np.inf, np.float32), 1), 'memory_mask': mem_mask,
          'tgt_key_padding_mask': np.where(tgt_kpm, -np.inf, 0).astype(np.float32),
          'memory_key_padding_mask': np.where(mem_kpm, -np.inf, 0).astype(np.float32)}
    compare_module(em, tm, (_src(r, bf, L=T, N=N), _src(r, bf, L=S, N=N)), kw)
    compare_module(em, tm, (_src(r, bf, L=T, N=N), _src(r, bf, L=S, N=N)), {'tgt_mask': kw['tgt_mask'],
                                                                           'tgt_is_causal': True})


@needs_torch
@pytest.mark.parametrize('opts', [{}, {'batch_first': True, 'norm_first': True}, {'activation': 'gelu',
                                                                                  'bias': False}], ids=IDS)
def test_transformer_matches_torch(opts):
    r = np.random.default_rng(5)
    em, tm = _pair('Transformer', 8, 2, 2, 1, 16, 0.0, **opts)
    assert list(em.state_dict()) == list(tm.state_dict())
    bf = opts.get('batch_first', False)
    src, tgt = _src(r, bf, L=5, N=2), _src(r, bf, L=4, N=2)
    kw = {'tgt_mask': enn.Transformer.generate_square_subsequent_mask(4).numpy(),
          'src_key_padding_mask': np.array([[False] * 5, [False] * 3 + [True] * 2]),
          'memory_key_padding_mask': np.array([[False] * 5, [False] * 3 + [True] * 2])}
    compare_module(em, tm, (src, tgt), kw, grad_rtol=2e-4, grad_atol=2e-5)
    compare_module(em, tm, (_src(r, bf, L=5, unbatched=True), _src(r, bf, L=4, unbatched=True)), {})


def test_transformer_defaults_and_init():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        m = enn.Transformer(d_model=16, nhead=4, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=32)
    assert len(m.encoder.layers) == 2 and len(m.decoder.layers) == 1
    assert m.encoder.layers[0].dropout.p == 0.1 and m.encoder.layers[0].activation is ember.nn.functional.relu
    assert m.encoder.layers[0].activation_relu_or_gelu == 1
    w = m.encoder.layers[0].linear1.weight.detach().numpy()
    bound = np.sqrt(6 / (16 + 32))   # xavier_uniform_ on every matrix
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    names = [n for n, _ in m.named_parameters()]
    assert names[:12] == ['encoder.layers.0.self_attn.in_proj_weight', 'encoder.layers.0.self_attn.in_proj_bias',
                          'encoder.layers.0.self_attn.out_proj.weight', 'encoder.layers.0.self_attn.out_proj.bias',
                          'encoder.layers.0.linear1.weight', 'encoder.layers.0.linear1.bias',
                          'encoder.layers.0.linear2.weight', 'encoder.layers.0.linear2.bias',
                          'encoder.layers.0.norm1.weight', 'encoder.layers.0.norm1.bias',
                          'encoder.layers.0.norm2.weight', 'encoder.layers.0.norm2.bias']
    assert 'decoder.layers.0.multihead_attn.in_proj_weight' in names and 'decoder.norm.weight' in names


@needs_torch
@pytest.mark.parametrize('sz', [0, 1, 4])
def test_generate_square_subsequent_mask(sz):
    assert_same(enn.Transformer.generate_square_subsequent_mask(sz),
                tnn.Transformer.generate_square_subsequent_mask(sz))
    assert_same(enn.Transformer.generate_square_subsequent_mask(sz, dtype=ember.float64),
                tnn.Transformer.generate_square_subsequent_mask(sz, dtype=torch.float64))


@needs_torch
def test_encoder_inference_path_zeroes_padding_like_torch():
    """Eval + no grad + batch_first + padding mask: PyTorch runs nested tensors and pads the output with zeros."""
    r = np.random.default_rng(6)
    torch.manual_seed(0)
    tm = tnn.TransformerEncoder(tnn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2, tnn.LayerNorm(8))
    em = enn.TransformerEncoder(enn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2, enn.LayerNorm(8))
    copy_module(tm, em)
    tm.eval(), em.eval()
    x = _f(r, 3, 5, 8)
    kpm = np.zeros((3, 5), bool)
    kpm[0, 3:] = True
    kpm[2, 1:] = True
    with torch.no_grad(), ember.no_grad():
        compare_module(em, tm, (x,), {'src_key_padding_mask': kpm}, grad=False)
    # with grad the plain path runs (no zeroing)
    compare_module(em, tm, (x,), {'src_key_padding_mask': kpm})


@needs_torch
def test_nested_tensor_warning_like_torch():
    with pytest.warns(UserWarning) as tw:
        tnn.TransformerEncoder(tnn.TransformerEncoderLayer(8, 2, 16), 1)
    with pytest.warns(UserWarning) as ew:
        enn.TransformerEncoder(enn.TransformerEncoderLayer(8, 2, 16), 1)
    assert str(ew[0].message) == str(tw[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        enn.TransformerEncoder(enn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 1, enable_nested_tensor=False)


def test_dropout_train_vs_eval():
    ember.manual_seed(0)
    m = enn.TransformerEncoderLayer(16, 4, 32, dropout=0.5)
    x = ember.randn(6, 4, 16)
    a, b = m(x), m(x)
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    m.eval()
    np.testing.assert_array_equal(m(x).detach().numpy(), m(x).detach().numpy())
    # with p=0.5 about half of the feed-forward activations are zeroed in train mode
    m.train()
    h = m.dropout(ember.ones(200, 50))
    frac = (h.numpy() == 0).mean()
    assert abs(frac - 0.5) < 5 * np.sqrt(0.25 / 10000) and set(np.unique(h.numpy())) == {0.0, 2.0}


BAD = {
    'bad activation': lambda fw: fw.nn.TransformerEncoderLayer(8, 2, activation='tanh'),
    'decoder bad activation': lambda fw: fw.nn.TransformerDecoderLayer(8, 2, activation='swish'),
    'batch mismatch': lambda fw: fw.nn.Transformer(8, 2, 1, 1, 16)(fw.zeros(3, 2, 8), fw.zeros(3, 3, 8)),
    'feature mismatch': lambda fw: fw.nn.Transformer(8, 2, 1, 1, 16)(fw.zeros(3, 2, 8), fw.zeros(3, 2, 6)),
    'heads': lambda fw: fw.nn.TransformerEncoderLayer(10, 3),
    'int mask': lambda fw: fw.nn.TransformerEncoderLayer(8, 2, 16)(fw.zeros(3, 2, 8),
                                                                    src_mask=fw.zeros(3, 3, dtype=fw.int64)),
    'mask shape': lambda fw: fw.nn.TransformerEncoderLayer(8, 2, 16)(fw.zeros(3, 2, 8), src_mask=fw.zeros(4, 4)),
}


@needs_torch
@pytest.mark.parametrize('case', list(BAD))
def test_bad_inputs_raise_like_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as te:
            BAD[case](torch)
        with pytest.raises(type(te.value)) as ee:
            BAD[case](ember)
    assert type(ee.value) is type(te.value) and str(ee.value) == str(te.value)

