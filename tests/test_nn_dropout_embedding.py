"""Dropout, embeddings (embedding, embedding_bag, one_hot) and distances, with their modules, against PyTorch."""
import warnings

import numpy as np
import pytest

import ember
from support import assert_same, check_grads, check_op, needs_torch, torch

EF = ember.nn.functional
TF = torch.nn.functional if torch is not None else None
enn = ember.nn
tnn = torch.nn if torch is not None else None


def _f(r, *shape, dtype=np.float32):
    return r.standard_normal(shape).astype(dtype)


# ------------------------------------------------------------------------------------------- dropout

@pytest.mark.parametrize('p', [0.1, 0.5, 0.8])
def test_dropout_statistics(p):
    ember.manual_seed(0)
    x = ember.ones(200, 100) * 3
    y = EF.dropout(x, p)
    v = y.numpy()
    frac = (v == 0).mean()
    assert abs(frac - p) < 0.02
    np.testing.assert_allclose(v[v != 0], 3 / (1 - p), rtol=1e-6)
    assert abs(v.mean() - 3) < 0.15


def test_dropout_gradient_uses_the_same_mask():
    ember.manual_seed(1)
    x = ember.randn(50, 40, requires_grad=True)
    y = EF.dropout(x, 0.3)
    g = ember.randn(50, 40)
    (gx,) = ember.autograd.grad((y * g).sum(), [x], create_graph=True)
    mask = (y.detach() / x.detach()).numpy()
    np.testing.assert_allclose(gx.detach().numpy(), g.numpy() * mask, rtol=1e-5, atol=1e-6)
    assert np.all(np.isclose(mask, 0) | np.isclose(mask, 1 / 0.7))


def test_dropout_determinism_under_manual_seed():
    x = ember.randn(10, 10)
    ember.manual_seed(123)
    a = EF.dropout(x, 0.5)
    b = EF.dropout(x, 0.5)
    ember.manual_seed(123)
    c = EF.dropout(x, 0.5)
    np.testing.assert_array_equal(a.numpy(), c.numpy())
    assert not np.array_equal(a.numpy(), b.numpy())


def test_dropout_identity_cases():
    x = ember.randn(4, 5, requires_grad=True)
    assert EF.dropout(x, 0.5, training=False) is x
    assert EF.dropout(x, 0.0) is x
    assert EF.alpha_dropout(x, 0.5) is x  # alpha_dropout defaults to training=False
    for m in (enn.Dropout(), enn.AlphaDropout(), enn.FeatureAlphaDropout()):
        m.eval()
        assert m(x) is x
    x4 = ember.randn(2, 3, 2, 2)
    assert enn.Dropout2d().eval()(x4) is x4 and enn.Dropout3d(0.5).eval()(x4.unsqueeze(0)).shape == (1, 2, 3, 2, 2)
    z = EF.dropout(x, 1.0)
    np.testing.assert_array_equal(z.detach().numpy(), 0)
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)


def test_dropout_inplace():
    ember.manual_seed(2)
    x = ember.ones(100)
    y = EF.dropout(x, 0.5, inplace=True)
    assert y is x and x._version == 1
    assert set(np.unique(x.numpy())) <= {0.0, 2.0}
    a = ember.randn(30, requires_grad=True)
    b = a * 1
    enn.Dropout(0.4, inplace=True)(b)
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), (b.detach() / a.detach()).numpy(), rtol=1e-5)


@pytest.mark.parametrize('fn,shape', [('dropout1d', (4, 30, 7)), ('dropout1d', (30, 7)), ('dropout2d', (4, 30, 3, 3)),
                                      ('dropout3d', (2, 30, 2, 2, 2)), ('dropout3d', (30, 2, 2, 2))])
def test_feature_dropout_zeroes_whole_channels(fn, shape):
    ember.manual_seed(3)
    x = ember.ones(*shape)
    y = getattr(EF, fn)(x, 0.5).numpy()
    lead = len(shape) - int(fn[-2])  # the (N, C) or (C,) dimensions
    flat = y.reshape(int(np.prod(shape[:lead])), -1)
    assert all(len(np.unique(row)) == 1 for row in flat)  # each channel all 0 or all 2
    assert set(np.unique(flat)) <= {0.0, 2.0} and 0 < (flat[:, 0] == 0).mean() < 1


@needs_torch
@pytest.mark.parametrize('fn', ['alpha_dropout', 'feature_alpha_dropout'])
def test_alpha_dropout_values_and_moments(fn):
    ember.manual_seed(4)
    p = 0.3
    x = ember.full((400, 50, 2), 2.0)
    y = getattr(EF, fn)(x, p, training=True).numpy()
    t = getattr(TF, fn)(torch.full((400, 50, 2), 2.0), p, training=True).numpy()
    np.testing.assert_allclose(np.unique(y), np.unique(t), rtol=1e-6)  # the same kept and dropped values
    z = getattr(EF, fn)(ember.randn(400, 50, 2), p, training=True).numpy()
    assert abs(z.mean()) < 0.1 and abs(z.std() - 1) < 0.1  # self-normalising


def test_dropout_gradcheck():
    # A fixed mask (the same seed before each evaluation) makes dropout a linear map gradcheck can test.
    def fn(x):
        ember.manual_seed(5)
        return EF.dropout(x, 0.4) + EF.alpha_dropout(x, 0.2, training=True) + EF.dropout2d(x, 0.5)
    check_grads(fn, np.random.default_rng(0).standard_normal((2, 3, 2, 2)))


@needs_torch
def test_dropout_module_reprs():
    for name in ('Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout'):
        assert repr(getattr(enn, name)(0.25, True)) == repr(getattr(tnn, name)(0.25, True))
        assert repr(getattr(enn, name)()) == repr(getattr(tnn, name)())


def test_dropout2d_warnings():
    with pytest.warns(UserWarning, match='Received a 3D input to dropout2d'):
        EF.dropout2d(ember.randn(2, 3, 4), 0.5)
    with pytest.warns(UserWarning, match='Received a 2-D input to dropout2d'):
        EF.dropout2d(ember.randn(2, 3), 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        EF.dropout2d(ember.randn(2, 3, 4, 4), 0.5)


# ------------------------------------------------------------------------------------------- embedding

@needs_torch
@pytest.mark.parametrize('kw', [dict(), dict(padding_idx=2), dict(padding_idx=-1), dict(scale_grad_by_freq=True),
                                dict(padding_idx=0, scale_grad_by_freq=True)])
@pytest.mark.parametrize('idx_shape', [(7,), (3, 4), ()])
def test_embedding_matches_torch(kw, idx_shape):
    r = np.random.default_rng(6)
    idx = r.integers(0, 5, idx_shape)
    w = _f(r, 5, 3)
    check_op(lambda w: EF.embedding(ember.tensor(idx), w, **kw), lambda w: TF.embedding(torch.tensor(idx), w, **kw),
             w)
    check_op(lambda w: EF.embedding(ember.tensor(idx).int(), w, **kw),
             lambda w: TF.embedding(torch.tensor(idx).int(), w, **kw), w.astype(np.float64))


def test_embedding_padding_row_gets_no_gradient():
    w = ember.randn(4, 2, requires_grad=True)
    EF.embedding(ember.tensor([[0, 1], [1, 3]]), w, padding_idx=1).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[1, 1], [0, 0], [0, 0], [1, 1]])


def test_embedding_gradients_to_second_order():
    idx = ember.tensor([[0, 2, 2], [1, 0, 3]])
    check_grads(lambda w: EF.embedding(idx, w) ** 3, np.random.default_rng(8).standard_normal((4, 2)))
    # padding_idx and scale_grad_by_freq change the gradient on purpose: compare second order with torch.
    r = np.random.default_rng(7)
    w, v = r.standard_normal((4, 3)), r.standard_normal((4, 3))
    res = []
    for lib, F in ((ember, EF), (torch, TF)):
        wt = lib.tensor(w, requires_grad=True)
        y = F.embedding(lib.tensor([[0, 2, 2], [1, 0, 3]]), wt, padding_idx=1, scale_grad_by_freq=True) ** 3
        (gw,) = lib.autograd.grad(y.sum(), [wt], create_graph=True)
        (gg,) = lib.autograd.grad((gw * lib.tensor(v)).sum(), [wt])
        res.append((gw.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10)


def test_embedding_bag_scale_grad_by_freq():
    # Each row's gradient divided by how often its index occurs (PyTorch 2.13's CPU kernel misplaces the counts).
    w = ember.ones(10, 1, requires_grad=True)
    EF.embedding_bag(ember.tensor([1, 2, 4, 5, 4, 3, 2, 9]), w, ember.tensor([0, 1, 5]), mode='sum',
                     scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy().ravel(), [0, 1, 1, 1, 1, 1, 0, 0, 0, 1])


@needs_torch
@pytest.mark.parametrize('norm_type', [2.0, 1.0, 3.0])
def test_embedding_max_norm_renormalises_like_torch(norm_type):
    r = np.random.default_rng(9)
    w = _f(r, 6, 4) * 3
    ew, tw = ember.tensor(w), torch.tensor(w)
    idx = [[0, 2], [2, 5]]
    ey = EF.embedding(ember.tensor(idx), ew, max_norm=1.5, norm_type=norm_type)
    ty = TF.embedding(torch.tensor(idx), tw, max_norm=1.5, norm_type=norm_type)
    assert_same(ey, ty, rtol=1e-5)
    assert_same(ew, tw, rtol=1e-5)  # referenced rows renormalised in place, the others untouched
    assert ew._version == 1


@needs_torch
@pytest.mark.parametrize('kw', [dict(), dict(padding_idx=1), dict(max_norm=1.0), dict(norm_type=1.0, max_norm=2.0),
                                dict(scale_grad_by_freq=True, padding_idx=-2)])
def test_embedding_module_matches_torch(kw):
    tm, em = tnn.Embedding(6, 3, **kw), enn.Embedding(6, 3, **kw)
    em.load_state_dict({'weight': ember.tensor(tm.weight.detach().numpy())})
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == ['weight']
    idx = np.array([[0, 1, 4], [4, 5, 1]])
    check_op(lambda: em(ember.tensor(idx)), lambda: tm(torch.tensor(idx)))
    em(ember.tensor(idx)).pow(2).sum().backward()
    tm(torch.tensor(idx)).pow(2).sum().backward()
    assert_same(em.weight.grad, tm.weight.grad, rtol=1e-5, atol=1e-6)


def test_embedding_module_init_and_from_pretrained():
    ember.manual_seed(0)
    m = enn.Embedding(1000, 20, padding_idx=3)
    w = m.weight.detach().numpy()
    np.testing.assert_array_equal(w[3], 0)
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    e = ember.randn(4, 2)
    p = enn.Embedding.from_pretrained(e)
    assert not p.weight.requires_grad and p.num_embeddings == 4 and p.embedding_dim == 2
    np.testing.assert_array_equal(p(ember.tensor([1])).numpy(), e[1:2].numpy())
    assert enn.Embedding.from_pretrained(e, freeze=False, padding_idx=0).weight.requires_grad
    assert enn.Embedding(3, 2, _freeze=True).weight.requires_grad is False
    assert enn.EmbeddingBag.from_pretrained(e, mode='sum').mode == 'sum'


EB_CASES = [
    # (input, offsets, kwargs)
    (np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4]), dict()),
    (np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 3, 3, 6]), dict(mode='sum')),
    (np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 2, 5, 8]), dict(mode='max', include_last_offset=True)),
    (np.array([[1, 2, 0], [4, 0, 9]]), None, dict(mode='mean', padding_idx=0)),
    (np.array([[1, 2, 0], [4, 0, 9]]), None, dict(mode='max', padding_idx=0)),
    (np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 1, 5]), dict(mode='sum', padding_idx=4)),
    (np.array([3, 3, 3, 1]), np.array([0, 2]), dict(mode='mean', max_norm=1.0)),
]


@needs_torch
@pytest.mark.parametrize('inp,offsets,kw', EB_CASES)
def test_embedding_bag_matches_torch(inp, offsets, kw):
    r = np.random.default_rng(10)
    w = _f(r, 10, 3)
    eo = None if offsets is None else ember.tensor(offsets)
    to = None if offsets is None else torch.tensor(offsets)
    check_op(lambda w: EF.embedding_bag(ember.tensor(inp), w, eo, **kw),
             lambda w: TF.embedding_bag(torch.tensor(inp), w, to, **kw), w, rtol=1e-5, atol=1e-6)


@needs_torch
def test_embedding_bag_per_sample_weights_and_module():
    r = np.random.default_rng(11)
    inp, offsets = np.array([1, 2, 4, 5, 4, 3]), np.array([0, 2])
    check_op(lambda w, s: EF.embedding_bag(ember.tensor(inp), w, ember.tensor(offsets), mode='sum',
                                           per_sample_weights=s),
             lambda w, s: TF.embedding_bag(torch.tensor(inp), w, torch.tensor(offsets), mode='sum',
                                           per_sample_weights=s), _f(r, 6, 3), _f(r, 6))
    tm = tnn.EmbeddingBag(6, 3, mode='max', padding_idx=2)
    em = enn.EmbeddingBag(6, 3, mode='max', padding_idx=2)
    em.load_state_dict({'weight': ember.tensor(tm.weight.detach().numpy())})
    assert repr(em) == repr(tm) and repr(enn.EmbeddingBag(4, 2, max_norm=1.0, norm_type=1.0)) == repr(
        tnn.EmbeddingBag(4, 2, max_norm=1.0, norm_type=1.0))
    check_op(lambda: em(ember.tensor(inp), ember.tensor(offsets)), lambda: tm(torch.tensor(inp),
                                                                               torch.tensor(offsets)))


def test_embedding_bag_gradients_to_second_order():
    inp, off = ember.tensor([0, 2, 2, 1, 3]), ember.tensor([0, 2])
    check_grads(lambda w: EF.embedding_bag(inp, w, off, mode='mean') ** 2, np.random.default_rng(12).standard_normal((4, 3)))
    check_grads(lambda w, s: EF.embedding_bag(inp, w, off, mode='sum', per_sample_weights=s) ** 2,
                np.random.default_rng(13).standard_normal((4, 3)), np.random.default_rng(14).standard_normal(5))


@needs_torch
@pytest.mark.parametrize('values,n', [([1, 0, 3], -1), ([[1, 2], [0, 3]], 5), ([], 3), (2, -1)])
def test_one_hot_matches_torch(values, n):
    check_op(lambda: EF.one_hot(ember.tensor(values, dtype=ember.int64), n),
             lambda: TF.one_hot(torch.tensor(values, dtype=torch.int64), n), grad=False)


# ------------------------------------------------------------------------------------------- distances

@needs_torch
@pytest.mark.parametrize('s1,s2,kw', [((4, 5), (4, 5), dict()), ((3, 4), (4,), dict(dim=-1)),
                                      ((2, 3, 4), (2, 1, 4), dict(dim=2, eps=1e-3)), ((5,), (5,), dict(dim=0))])
def test_cosine_similarity_matches_torch(s1, s2, kw):
    r = np.random.default_rng(15)
    check_op(lambda a, b: EF.cosine_similarity(a, b, **kw), lambda a, b: TF.cosine_similarity(a, b, **kw),
             _f(r, *s1), _f(r, *s2), rtol=1e-5, atol=1e-6)
    check_grads(lambda a, b: EF.cosine_similarity(a, b, **kw), r.standard_normal(s1), r.standard_normal(s2))


@needs_torch
def test_cosine_similarity_tiny_norms_like_torch():
    x1 = np.array([[1e-9, 2e-9], [1., 2.]])
    x2 = np.array([[3., 1.], [0.5, -1]])
    check_op(lambda a, b: EF.cosine_similarity(a, b), lambda a, b: TF.cosine_similarity(a, b), x1, x2, rtol=1e-6)


@needs_torch
@pytest.mark.parametrize('s1,s2,kw', [((4, 5), (4, 5), dict()), ((3, 4), (4,), dict(p=1.0, keepdim=True)),
                                      ((2, 3), (2, 3), dict(p=3.0, eps=1e-3)), ((5,), (5,), dict(p=float('inf'))),
                                      ((2, 3), (2, 3), dict(p=0.5))])
def test_pairwise_distance_matches_torch(s1, s2, kw):
    r = np.random.default_rng(16)
    check_op(lambda a, b: EF.pairwise_distance(a, b, **kw), lambda a, b: TF.pairwise_distance(a, b, **kw),
             _f(r, *s1), _f(r, *s2), rtol=1e-5, atol=1e-6)
    if kw.get('p') != float('inf'):
        check_grads(lambda a, b: EF.pairwise_distance(a, b, **kw), r.standard_normal(s1), r.standard_normal(s2))


@needs_torch
@pytest.mark.parametrize('p', [2.0, 1.0, 3.0, 0.5])
def test_pdist_and_cdist_match_torch(p):
    r = np.random.default_rng(17)
    check_op(lambda x: EF.pdist(x, p), lambda x: TF.pdist(x, p), _f(r, 5, 3, dtype=np.float64), rtol=1e-6)
    check_grads(lambda x: EF.pdist(x, p), r.standard_normal((4, 3)))
    from ember.nn.functional.distance import cdist
    check_op(lambda a, b: cdist(a, b, p), lambda a, b: torch.cdist(a, b, p), _f(r, 2, 4, 3, dtype=np.float64),
             _f(r, 2, 5, 3, dtype=np.float64), rtol=1e-6)
    check_op(lambda a, b: cdist(a, b, p), lambda a, b: torch.cdist(a, b, p), _f(r, 30, 3, dtype=np.float64),
             _f(r, 27, 3, dtype=np.float64), rtol=1e-5, atol=1e-6)


@needs_torch
def test_distance_modules_match_torch():
    r = np.random.default_rng(18)
    for make in (lambda nn: nn.PairwiseDistance(), lambda nn: nn.PairwiseDistance(p=1.0, eps=1e-3, keepdim=True),
                 lambda nn: nn.CosineSimilarity(), lambda nn: nn.CosineSimilarity(dim=0, eps=1e-6)):
        em, tm = make(enn), make(tnn)
        assert repr(em) == repr(tm)
        check_op(em, tm, _f(r, 3, 4), _f(r, 3, 4), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------- bad input

BAD = [
    (lambda F, T: F.dropout(T.randn(2, 3), 1.5), ValueError, "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda F, T: F.dropout(T.randn(2, 3), -0.1), ValueError, "but got -0.1"),
    (lambda F, T: F.alpha_dropout(T.randn(2, 3), 2.), ValueError, "dropout probability has to be between 0 and 1"),
    (lambda F, T: F.dropout1d(T.randn(2, 3, 4, 5), 0.5), RuntimeError, "dropout1d: Expected 2D or 3D input, but "
                                                                        "received a 4D input"),
    (lambda F, T: F.feature_alpha_dropout(T.randn(3), 0.5, training=True), RuntimeError,
     "Feature dropout requires at least 2 dimensions in the input"),
    (lambda F, T: F.embedding(T.tensor([5]), T.randn(5, 3)), IndexError, "index out of range in self"),
    (lambda F, T: F.embedding(T.tensor([-1]), T.randn(5, 3)), IndexError, "index out of range in self"),
    (lambda F, T: F.embedding(T.tensor([1.]), T.randn(5, 3)), RuntimeError,
     r"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got "
     r"torch.FloatTensor instead \(while checking arguments for embedding\)"),
    (lambda F, T: F.embedding(T.tensor([1]), T.randn(5, 3), padding_idx=7), AssertionError,
     "Padding_idx must be within num_embeddings"),
    (lambda F, T: F.embedding(T.tensor([1]), T.randn(5)), RuntimeError, "'weight' must be 2-D"),
    (lambda F, T: F.one_hot(T.tensor([-1, 2])), RuntimeError, "Class values must be non-negative."),
    (lambda F, T: F.one_hot(T.tensor([1, 2]), 2), RuntimeError, "Class values must be smaller than num_classes."),
    (lambda F, T: F.one_hot(T.tensor([1., 2])), RuntimeError,
     "one_hot is only applicable to index tensor of type LongTensor."),
    (lambda F, T: F.one_hot(T.tensor([], dtype=T.int64)), RuntimeError,
     "Can not infer total number of classes from empty tensor."),
    (lambda F, T: F.embedding_bag(T.tensor([1, 2]), T.randn(5, 3)), ValueError,
     "offsets has to be a 1D Tensor but got None"),
    (lambda F, T: F.embedding_bag(T.tensor([[1, 2]]), T.randn(5, 3), T.tensor([0])), ValueError,
     "if input is 2D, then offsets has to be None"),
    (lambda F, T: F.embedding_bag(T.tensor([1, 2]), T.randn(5, 3), T.tensor([0, 3])), RuntimeError,
     "offsets\\[-1\\] can not be greater than input's length 2 but got offsets\\[-1\\] of 3"),
    (lambda F, T: F.embedding_bag(T.tensor([1, 2]), T.randn(5, 3), T.tensor([0]), mode='foo'), ValueError,
     "mode has to be one of sum, mean or max"),
    (lambda F, T: F.embedding_bag(T.tensor([1, 2]), T.randn(5, 3), T.tensor([0]), mode='max',
                                  per_sample_weights=T.ones(2)), NotImplementedError,
     "per_sample_weights is only supported for mode='sum' \\(got mode='max'\\)"),
    (lambda F, T: F.embedding_bag(T.tensor([1, 7]), T.randn(5, 3), T.tensor([0])), RuntimeError,
     r"Index 1 of input takes value 7 which is not in the valid range \[0, 5\)"),
    (lambda F, T: F.embedding_bag(T.tensor([[[1, 2]]]), T.randn(5, 3)), ValueError,
     "input has to be 1D or 2D Tensor, but got Tensor of dimension 3"),
    (lambda F, T: F.cosine_similarity(T.randn(2, 3), T.randn(2, 4)), RuntimeError,
     "The size of tensor a \\(3\\) must match the size of tensor b \\(4\\) at non-singleton dimension 1"),
    (lambda F, T: F.cosine_similarity(T.tensor([1, 2]), T.tensor([1, 2]), dim=0), RuntimeError,
     "expected common dtype to be floating point, yet common dtype is Long"),
    (lambda F, T: F.pdist(T.randn(2, 3, 4)), RuntimeError, "pdist only supports 2D tensors, got: 3D"),
    (lambda F, T: F.pdist(T.randn(2, 3), p=-1), RuntimeError, "pdist only supports non-negative p values"),
]


@pytest.mark.parametrize('case', BAD)
def test_functional_bad_input(case):
    fn, exc, match = case
    with pytest.raises(exc, match=match):
        fn(EF, ember)
    if torch is not None:
        with pytest.raises(exc):
            fn(TF, torch)


BAD_MODULES = [
    (lambda nn, T: nn.Dropout(1.5), ValueError, "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda nn, T: nn.Dropout2d(-1), ValueError, "but got -1"),
    (lambda nn, T: nn.Embedding(5, 3, padding_idx=5), AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda nn, T: nn.Embedding(5, 3, padding_idx=-6), AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda nn, T: nn.Embedding(5, 3, _weight=T.randn(4, 3)), AssertionError,
     "Shape of weight does not match num_embeddings and embedding_dim"),
    (lambda nn, T: nn.Embedding.from_pretrained(T.randn(4)), AssertionError,
     "Embeddings parameter is expected to be 2-dimensional"),
    (lambda nn, T: nn.EmbeddingBag(5, 3, padding_idx=9), AssertionError, "padding_idx must be within num_embeddings"),
    (lambda nn, T: nn.Embedding(5, 3)(T.tensor([[0, 5]])), IndexError, "index out of range in self"),
]


@pytest.mark.parametrize('case', BAD_MODULES)
def test_module_bad_input(case):
    fn, exc, match = case
    with pytest.raises(exc, match=match):
        fn(enn, ember)
    if torch is not None:
        with pytest.raises(exc):
            fn(tnn, torch)


def test_sparse_embedding_is_refused_clearly():
    with pytest.raises(NotImplementedError, match='sparse gradients'):
        enn.Embedding(3, 2, sparse=True)(ember.tensor([0]))
