"""Random sampling: shapes, dtypes, ranges, statistics with fixed seeds, determinism, generators, bad inputs."""
import numpy as np
import pytest

import ember
from support import needs_torch, torch


@pytest.fixture(autouse=True)
def _seed():
    ember.manual_seed(1234)


def _np(t):
    return t.detach().numpy()


# ------------------------------------------------------------------------------------- shapes and dtypes

@pytest.mark.parametrize('fn', ['rand', 'randn'])
def test_rand_randn_shapes_dtypes(fn):
    f = getattr(ember, fn)
    for args in [(2, 3), ((2, 3),), ([2, 3],), (ember.Size([2, 3]),)]:
        assert f(*args).shape == (2, 3)
    assert f(()).shape == () and f(0, 3).shape == (0, 3)
    for dt in [ember.float32, ember.float64, ember.float16, ember.bfloat16, ember.complex64, ember.complex128]:
        t = f(4, 5, dtype=dt)
        assert t.dtype is dt and t.shape == (4, 5)
    assert f(3).dtype is ember.float32
    t = f(3, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    out = ember.zeros(1)
    assert f(2, 2, out=out) is out and out.shape == (2, 2)


def test_default_dtype_follows_set_default_dtype():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.rand(2).dtype is ember.float64 and ember.randn(2).dtype is ember.float64
        assert ember.normal(0.0, 1.0, (2,)).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)


def test_rand_range_and_low_precision_never_reaches_one():
    for dt in [ember.float32, ember.float64, ember.float16, ember.bfloat16]:
        v = _np(ember.rand(20000, dtype=dt).float())
        assert v.min() >= 0 and v.max() < 1 and v.mean() == pytest.approx(0.5, abs=0.02)
    c = _np(ember.rand(20000, dtype=ember.complex64))
    assert 0 <= c.real.min() and c.real.max() < 1 and 0 <= c.imag.min() and c.imag.max() < 1


def test_randn_statistics():
    v = _np(ember.randn(100_000, dtype=ember.float64))
    assert abs(v.mean()) < 0.01 and abs(v.std() - 1) < 0.01
    c = _np(ember.randn(100_000, dtype=ember.complex128))
    assert abs(c.mean()) < 0.01 and abs(np.mean(np.abs(c) ** 2) - 1) < 0.02
    assert abs(c.real.var() - 0.5) < 0.01


def test_randint():
    t = ember.randint(10, (1000,))
    assert t.dtype is ember.int64 and t.shape == (1000,)
    v = _np(t)
    assert v.min() == 0 and v.max() == 9
    v = _np(ember.randint(-3, 4, (2000,)))
    assert set(np.unique(v)) == set(range(-3, 4))
    assert ember.randint(0, 10, size=(2, 3)).shape == (2, 3)
    assert ember.randint(low=2, high=5, size=(4,)).dtype is ember.int64
    f = ember.randint(0, 5, (100,), dtype=ember.float32)
    assert f.dtype is ember.float32 and np.all(_np(f) == np.round(_np(f)))
    assert ember.randint(0, 256, (10,), dtype=ember.uint8).dtype is ember.uint8
    assert ember.randint(3, ()).shape == ()
    assert ember.randint(0, 2, (50,), dtype=ember.bool).dtype is ember.bool


def test_randperm():
    for n in [0, 1, 7, 1000]:
        p = ember.randperm(n)
        assert p.dtype is ember.int64 and sorted(_np(p).tolist()) == list(range(n))
    assert ember.randperm(5, dtype=ember.float32).dtype is ember.float32
    assert not np.array_equal(_np(ember.randperm(50)), np.arange(50))


def test_like_samplers():
    x = ember.zeros(3, 4, dtype=ember.float64)
    assert ember.rand_like(x).dtype is ember.float64 and ember.rand_like(x).shape == (3, 4)
    assert ember.randn_like(x, dtype=ember.float32).dtype is ember.float32
    r = ember.randint_like(x, 5)
    assert r.dtype is ember.float64 and _np(r).max() < 5
    r = ember.randint_like(ember.zeros(200, dtype=ember.int32), 2, 5)
    assert r.dtype is ember.int32 and set(np.unique(_np(r))) == {2, 3, 4}


# ------------------------------------------------------------------------------------------------- normal

def test_normal_overloads():
    m = ember.arange(6.0).reshape(2, 3) * 100
    s = ember.full((2, 3), 0.001)
    out = ember.normal(m, s)
    assert out.shape == (2, 3) and out.dtype is ember.float32
    assert np.allclose(_np(out), _np(m), atol=0.01)
    assert ember.normal(m, 0.0).equal(m)
    r = ember.normal(5.0, ember.zeros(4, dtype=ember.float64))
    assert r.dtype is ember.float64 and np.all(_np(r) == 5)
    b = ember.normal(ember.zeros(2, 1), ember.ones(3))
    assert b.shape == (2, 3)
    assert ember.normal(ember.zeros(()), ember.ones(3)).shape == (3,)
    assert ember.normal(ember.zeros(2, dtype=ember.float64), 1.0).dtype is ember.float64
    f = ember.normal(2.0, 3.0, size=(100_000,), dtype=ember.float64)
    assert f.dtype is ember.float64 and abs(_np(f).mean() - 2) < 0.03 and abs(_np(f).std() - 3) < 0.03
    assert ember.normal(0, 1, (2, 2)).shape == (2, 2)


def test_normal_gradients_are_zero_like_torch():
    m = ember.zeros(3, requires_grad=True)
    s = ember.ones(3, requires_grad=True)
    o = ember.normal(m, s)
    assert type(o.grad_fn).__name__ == 'NormalBackward3' or o.grad_fn.name() == 'NormalBackward3'
    o.sum().backward()
    assert np.all(_np(m.grad) == 0) and np.all(_np(s.grad) == 0)
    s2 = ember.ones(3, requires_grad=True)
    ember.normal(1.0, s2).sum().backward()
    assert s2.grad is not None and np.all(_np(s2.grad) == 0)


# ------------------------------------------------------------------------------- bernoulli / multinomial

def test_bernoulli():
    p = ember.full((100_000,), 0.3, dtype=ember.float64)
    b = ember.bernoulli(p)
    assert b.dtype is ember.float64 and set(np.unique(_np(b))) <= {0.0, 1.0}
    assert abs(_np(b).mean() - 0.3) < 0.01
    b = ember.bernoulli(ember.zeros(100_000), p=0.8)
    assert abs(_np(b).mean() - 0.8) < 0.01
    assert np.all(_np(ember.bernoulli(ember.tensor([0.0, 1.0, 1.0]))) == [0, 1, 1])
    assert np.all(_np(ember.tensor([0.0, 1.0]).bernoulli()) == [0, 1])
    x = ember.zeros(50_000, dtype=ember.int64).bernoulli_(0.25)
    assert x.dtype is ember.int64 and abs(_np(x).mean() - 0.25) < 0.01
    y = ember.zeros(2, 40_000).bernoulli_(ember.tensor([[0.1], [0.9]]))
    assert abs(_np(y)[0].mean() - 0.1) < 0.01 and abs(_np(y)[1].mean() - 0.9) < 0.01
    g = ember.tensor([0.5, 0.5], requires_grad=True)
    r = ember.bernoulli(g)
    r.sum().backward()
    assert np.all(_np(g.grad) == 0)


def test_multinomial_with_replacement_frequencies():
    probs = ember.tensor([0.1, 0.0, 0.6, 0.3])
    s = ember.multinomial(probs, 100_000, replacement=True)
    assert s.dtype is ember.int64 and s.shape == (100_000,)
    freq = np.bincount(_np(s), minlength=4) / 100_000
    assert freq[1] == 0 and np.allclose(freq, [0.1, 0.0, 0.6, 0.3], atol=0.01)
    w = ember.tensor([[1.0, 3.0], [5.0, 0.0]])  # unnormalised weights, per row
    s = _np(ember.multinomial(w, 20_000, True))
    assert s.shape == (2, 20_000) and abs(s[0].mean() - 0.75) < 0.02 and np.all(s[1] == 0)


def test_multinomial_without_replacement():
    probs = ember.tensor([0.05, 0.05, 0.0, 0.9])
    for _ in range(20):
        s = _np(ember.multinomial(probs, 3))
        assert len(set(s.tolist())) == 3 and 2 not in s
    first = np.bincount([int(ember.multinomial(probs, 1)) for _ in range(2000)], minlength=4) / 2000
    assert abs(first[3] - 0.9) < 0.03
    rows = ember.rand(5, 10) + 0.1
    s = _np(ember.multinomial(rows, 10))
    assert all(sorted(r.tolist()) == list(range(10)) for r in s)
    z = _np(ember.multinomial(ember.tensor([0.0, 1.0, 0.0]), 3))
    assert z[0] == 1 and sorted(z.tolist()) == [0, 1, 2]
    assert ember.multinomial(ember.zeros(0, 3), 1, True).shape == (0, 1)


def test_poisson_and_inplace_distributions():
    rate = ember.full((100_000,), 4.0, dtype=ember.float64)
    p = _np(ember.poisson(rate))
    assert abs(p.mean() - 4) < 0.05 and np.all(p == np.round(p))
    x = ember.empty(100_000, dtype=ember.float64)
    u = _np(x.uniform_(-2, 3))
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.03
    n = _np(x.normal_(1.0, 2.0))
    assert abs(n.mean() - 1) < 0.03 and abs(n.std() - 2) < 0.03
    e = _np(x.exponential_(2.0))
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    g = _np(x.geometric_(0.25))
    assert g.min() >= 1 and abs(g.mean() - 4) < 0.1
    ln = _np(x.log_normal_(0.0, 0.5))
    assert ln.min() > 0 and abs(np.log(ln).std() - 0.5) < 0.01
    c = _np(x.cauchy_(1.0, 2.0))
    assert abs(np.median(c) - 1) < 0.05
    r = _np(x.random_(3, 7))
    assert set(np.unique(r)) == {3, 4, 5, 6}
    r = _np(x.random_(5))
    assert set(np.unique(r)) == {0, 1, 2, 3, 4}
    r = _np(ember.empty(1000, dtype=ember.int8).random_())
    assert r.min() >= 0 and r.max() <= 127 and r.max() > 100
    r = _np(ember.empty(1000).random_())
    assert r.min() >= 0 and r.max() <= 2 ** 24 and np.all(r == np.round(r))
    assert set(np.unique(_np(ember.empty(100, dtype=ember.bool).random_()))) == {False, True}
    gi = ember.empty(1000, dtype=ember.int64).geometric_(0.5)
    assert gi.dtype is ember.int64 and _np(gi).min() >= 1


def test_inplace_samplers_return_self_bump_version_and_give_zero_grads():
    x = ember.zeros(3)
    v = x._version
    assert x.uniform_() is x and x._version > v
    w = ember.zeros(4, requires_grad=True)
    with ember.no_grad():
        w.normal_()
    assert w.is_leaf and w.requires_grad
    y = w * 1
    y.uniform_()
    assert y.grad_fn.name() == 'UniformBackward0'
    y.sum().backward()
    assert np.all(_np(w.grad) == 0)


# ------------------------------------------------------------------------------ determinism and generators

def _draw(**kw):
    return [ember.rand(5, **kw), ember.randn(5, **kw), ember.randint(0, 100, (5,), **kw), ember.randperm(8, **kw),
            ember.normal(0.0, 1.0, (3,), **kw), ember.bernoulli(ember.full((5,), 0.5), **kw),
            ember.multinomial(ember.ones(6), 3, **kw), ember.empty(4).exponential_(**kw)]


def _same(xs, ys):
    return all(np.array_equal(_np(a), _np(b)) for a, b in zip(xs, ys))


def test_manual_seed_reproduces_and_state_roundtrips():
    g = ember.manual_seed(7)
    assert g is ember.default_generator and ember.initial_seed() == 7
    a = _draw()
    ember.manual_seed(7)
    assert _same(a, _draw())
    state = ember.get_rng_state()
    assert state.dtype is ember.uint8
    b = _draw()
    ember.set_rng_state(state)
    assert _same(b, _draw())
    assert not _same(a, b)
    assert ember.manual_seed(-1).initial_seed() == 2 ** 64 - 1


def test_generator_objects_are_independent_of_global():
    g = ember.Generator().manual_seed(3)
    assert isinstance(g, ember.Generator) and g.device == ember.device('cpu') and g.initial_seed() == 3
    assert ember.Generator().initial_seed() == 67280421310721
    ember.manual_seed(0)
    ref_global = ember.rand(4)
    ember.manual_seed(0)
    a = _draw(generator=g)
    assert np.array_equal(_np(ember.rand(4)), _np(ref_global))  # the global stream was not consumed
    assert _same(a, _draw(generator=ember.Generator().manual_seed(3)))
    st = g.get_state()
    b = _draw(generator=g)
    g2 = ember.Generator()
    g2.set_state(st)
    assert _same(b, _draw(generator=g2))
    s = ember.Generator().seed()
    assert isinstance(s, int) and 0 <= s < 2 ** 64


def test_fork_rng_restores_state():
    ember.manual_seed(11)
    with ember.random.fork_rng():
        ember.rand(10)
    after = ember.rand(3)
    ember.manual_seed(11)
    assert np.array_equal(_np(after), _np(ember.rand(3)))


# ----------------------------------------------------------------------------------------------- bad inputs

BAD = [
    (lambda m: m.rand(2, dtype=m.int64), NotImplementedError, '"check_uniform_bounds" not implemented for \'Long\''),
    (lambda m: m.randn(2, dtype=m.int64), NotImplementedError, '"normal_kernel_cpu" not implemented for \'Long\''),
    (lambda m: m.rand(-1), RuntimeError, "Trying to create tensor with negative dimension -1"),
    (lambda m: m.rand(2.5), TypeError, "must be tuple of ints"),
    (lambda m: m.randint(5, 5, (2,)), RuntimeError, "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"),
    (lambda m: m.randint(5, 3, (2,)), RuntimeError, "from=5 >= to=3"),
    (lambda m: m.randint(5, 2), TypeError, "must be tuple of ints, not int"),
    (lambda m: m.randint(0, 300, (2,), dtype=m.uint8), RuntimeError, "to - 1 is out of bounds for unsigned char"),
    (lambda m: m.randint(-1, 3, (2,), dtype=m.uint8), RuntimeError, "from is out of bounds for unsigned char"),
    (lambda m: m.randint(3, (2,), dtype=m.complex64), RuntimeError, "check_random_bounds handles only integral"),
    (lambda m: m.randperm(-1), RuntimeError, "Trying to create tensor with negative dimension -1"),
    (lambda m: m.randperm(3, dtype=m.bool), NotImplementedError, '"randperm" not implemented for \'Bool\''),
    (lambda m: m.normal(m.zeros(2), m.tensor([1.0, -1.0])), RuntimeError, "normal expects all elements of std >= 0.0"),
    (lambda m: m.normal(0.0, -1.0, (2,)), RuntimeError, "normal expects std >= 0.0, but found std -1"),
    (lambda m: m.normal(m.zeros(2), -1.0), RuntimeError, "normal expects std >= 0.0, but found std -1"),
    (lambda m: m.normal(m.zeros(2), m.ones(3)), RuntimeError, "The size of tensor a .2. must match the size of tensor b .3."),
    (lambda m: m.normal(m.zeros(2, dtype=m.int64), m.ones(2)), NotImplementedError, '"normal_kernel_cpu" not implemented'),
    (lambda m: m.normal(0.0, 1.0), TypeError, "normal.. received an invalid combination of arguments"),
    (lambda m: m.bernoulli(m.tensor([0.5, 1.5])), RuntimeError, "Expected p_in >= 0 && p_in <= 1 to be true"),
    (lambda m: m.bernoulli(m.tensor([0.5]), 1.5), RuntimeError, "bernoulli_ expects p to be in \\[0, 1\\], but got p=1.5"),
    (lambda m: m.bernoulli(m.tensor([1, 0])), NotImplementedError, '"bernoulli_tensor_cpu_p_" not implemented for \'Long\''),
    (lambda m: m.zeros(3).bernoulli_(m.tensor([0.5, 0.5])), RuntimeError, "The expanded size of the tensor \\(3\\) must match"),
    (lambda m: m.zeros(3).bernoulli_(m.tensor([[0.5, 0.5, 0.5]])), RuntimeError, "the number of sizes provided \\(1\\)"),
    (lambda m: m.multinomial(m.tensor([0.5, -0.5]), 1), RuntimeError, "probability tensor contains either `inf`, `nan` or element < 0"),
    (lambda m: m.multinomial(m.tensor([0.5, float('nan')]), 1), RuntimeError, "probability tensor contains either"),
    (lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1), RuntimeError, "invalid multinomial distribution \\(sum of probabilities <= 0\\)"),
    (lambda m: m.multinomial(m.tensor([[0.0, 0.0], [1.0, 1.0]]), 1, True), RuntimeError, "sum of probabilities <= 0"),
    (lambda m: m.multinomial(m.tensor([0.5, 0.5]), 3), RuntimeError, "cannot sample n_sample > prob_dist.size\\(-1\\) samples without replacement"),
    (lambda m: m.multinomial(m.tensor([0.5, 0.5]), 0), RuntimeError, "cannot sample n_sample <= 0 samples"),
    (lambda m: m.multinomial(m.tensor([[[0.5, 0.5]]]), 1), RuntimeError, "prob_dist must be 1 or 2 dim"),
    (lambda m: m.multinomial(m.tensor([1, 2]), 1), RuntimeError, "multinomial only supports floating-point dtypes for input, got: Long"),
    (lambda m: m.poisson(m.tensor([1.0, -1.0])), RuntimeError, "invalid Poisson rate, expected rate to be non-negative"),
    (lambda m: m.poisson(m.tensor([1, 2])), NotImplementedError, '"poisson_cpu" not implemented for \'Long\''),
    (lambda m: m.zeros(2).exponential_(0), RuntimeError, "exponential_ expects lambda > 0.0, but found lambda=0"),
    (lambda m: m.zeros(2, dtype=m.int64).exponential_(), RuntimeError, "Exponential distribution is a continuous"),
    (lambda m: m.zeros(2).geometric_(1.5), RuntimeError, "geometric_ expects p to be in \\(0, 1\\), but got p=1.5"),
    (lambda m: m.zeros(2).log_normal_(1, -1), RuntimeError, "log_normal_ expects std > 0.0, but found std=-1"),
    (lambda m: m.zeros(2).cauchy_(0, 0), RuntimeError, "cauchy_ expects sigma > 0.0, but found sigma=0"),
    (lambda m: m.zeros(2).normal_(0, -1), RuntimeError, "normal expects std >= 0.0, but found std -1"),
    (lambda m: m.zeros(2).uniform_(1, 0), RuntimeError, "uniform_ expects to return a \\[from, to\\) range, but found from=1 > to=0"),
    (lambda m: m.zeros(2, dtype=m.int64).uniform_(), NotImplementedError, '"check_uniform_bounds" not implemented'),
    (lambda m: m.zeros(2).random_(3, 3), RuntimeError, "random_ expects 'from' to be less than 'to', but got from=3 >= to=3"),
    (lambda m: m.zeros(2, dtype=m.uint8).random_(0, 300), RuntimeError, "to - 1 is out of bounds for unsigned char"),
    (lambda m: m.zeros(3, dtype=m.complex64).random_(), NotImplementedError, '"random_kernel_cpu" not implemented'),
    (lambda m: m.zeros(2, requires_grad=True).uniform_(), RuntimeError, "a leaf Variable that requires grad is being used in an in-place"),
    (lambda m: m.randperm(3, requires_grad=True), RuntimeError,
     "Only Tensors of floating point and complex dtype can require gradients"),
    (lambda m: m.set_rng_state(m.zeros(5)), TypeError, "RNG state must be a torch.ByteTensor"),
    (lambda m: m.set_rng_state(m.zeros(10, dtype=m.uint8)), RuntimeError, "Expected a CPUGeneratorImplState of size"),
    (lambda m: m.manual_seed(2 ** 64), ValueError, "Overflow when unpacking long long"),
]


@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_inputs(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(ember)


@needs_torch
@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_inputs_match_torch(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(torch)
