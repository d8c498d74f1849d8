"""ember.distributions vs torch.distributions: densities, moments, entropies, KLs and their gradients; sampling
shapes and statistics; reparameterised gradients; argument validation errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from support import assert_same, check_grads, needs_torch, torch

ED = ember.distributions
pytestmark = needs_torch
R = np.random.default_rng(0)


def _pos(*shape):
    return R.uniform(0.5, 2.0, shape)


def _tril(n, batch=()):
    a = R.normal(size=batch + (n, n)) * 0.3
    return np.tril(a, -1) + np.eye(n) * R.uniform(0.8, 1.5, batch + (n,))[..., None]


def _spd(n, batch=()):
    L = _tril(n, batch)
    return L @ np.swapaxes(L, -1, -2)


_LP = ('log_prob',)
_CONT = ('log_prob', 'cdf')
# name, constructor kwargs (NumPy arrays or numbers), value for log_prob/cdf, methods taking the value, props
CASES = [
    ('Normal', dict(loc=R.normal(size=3), scale=_pos(3)), R.normal(size=(2, 3)), _CONT + ('icdf',)),
    ('Normal', dict(loc=R.normal(size=(2, 1)), scale=_pos(3)), R.normal(size=(2, 3)), _CONT),
    ('Normal', dict(loc=0.5, scale=2.0), np.array(0.3), _CONT),
    ('Categorical', dict(probs=R.uniform(0.1, 1, (2, 4))), R.integers(0, 4, (3, 2)), _LP),
    ('Categorical', dict(logits=R.normal(size=5)), R.integers(0, 5, (6,)), _LP),
    ('OneHotCategorical', dict(probs=R.uniform(0.1, 1, (2, 4))), np.eye(4)[R.integers(0, 4, (3, 2))], _LP),
    ('Bernoulli', dict(probs=R.uniform(0.1, 0.9, 4)), R.integers(0, 2, (3, 4)).astype(float), _LP),
    ('Bernoulli', dict(logits=R.normal(size=(2, 3))), R.integers(0, 2, (2, 3)).astype(float), _LP),
    ('Uniform', dict(low=R.uniform(-2, -1, 3), high=R.uniform(1, 2, 3)), R.uniform(0.5, 1.0, (2, 3)),
     _CONT + ('icdf',)),
    ('MultivariateNormal', dict(loc=R.normal(size=(2, 3)), scale_tril=_tril(3)), R.normal(size=(4, 2, 3)), _LP),
    ('MultivariateNormal', dict(loc=R.normal(size=3), covariance_matrix=_spd(3, (2,))), R.normal(size=(2, 3)), _LP),
    ('MultivariateNormal', dict(loc=R.normal(size=2), precision_matrix=_spd(2)), R.normal(size=(3, 2)), _LP),
    ('Exponential', dict(rate=_pos(3)), _pos(2, 3), _CONT + ('icdf',)),
    ('Laplace', dict(loc=R.normal(size=3), scale=_pos(3)), R.normal(size=(2, 3)), _CONT + ('icdf',)),
    ('Poisson', dict(rate=_pos(3) * 3), R.integers(0, 6, (2, 3)).astype(float), _LP),
    ('Gamma', dict(concentration=_pos(3) * 2, rate=_pos(3)), _pos(2, 3), _LP),
    ('Beta', dict(concentration1=_pos(3), concentration0=_pos(3)), R.uniform(0.1, 0.9, (2, 3)), _LP),
    ('Dirichlet', dict(concentration=_pos(2, 4)), R.dirichlet(np.ones(4), (3, 2)), _LP),
    ('LogNormal', dict(loc=R.normal(size=3), scale=_pos(3)), _pos(2, 3), _CONT + ('icdf',)),
    ('Cauchy', dict(loc=R.normal(size=3), scale=_pos(3)), R.normal(size=(2, 3)), _CONT + ('icdf',)),
    ('Geometric', dict(probs=R.uniform(0.1, 0.9, 3)), R.integers(0, 5, (2, 3)).astype(float), _LP),
    ('Geometric', dict(logits=R.normal(size=3)), R.integers(0, 5, (2, 3)).astype(float), _LP),
    ('Binomial', dict(total_count=np.array([5.0, 5.0, 5.0]), probs=R.uniform(0.1, 0.9, 3)),
     R.integers(0, 6, (2, 3)).astype(float), _LP),
    ('Binomial', dict(total_count=7, logits=R.normal(size=(2, 3))), R.integers(0, 8, (2, 3)).astype(float), _LP),
    ('StudentT', dict(df=np.array([0.8, 1.5, 4.0]), loc=R.normal(size=3), scale=_pos(3)), R.normal(size=(2, 3)),
     _LP),
    ('Chi2', dict(df=_pos(3) * 3), _pos(2, 3), _LP),
    ('HalfNormal', dict(scale=_pos(3)), _pos(2, 3), _CONT + ('icdf',)),
    ('Gumbel', dict(loc=R.normal(size=3), scale=_pos(3)), R.normal(size=(2, 3)), _CONT + ('icdf',)),
    ('Multinomial', dict(total_count=6, probs=R.uniform(0.1, 1, (2, 3))),
     np.array([[[1.0, 2.0, 3.0], [6.0, 0.0, 0.0]], [[0.0, 3.0, 3.0], [2.0, 2.0, 2.0]]]), _LP),
]
PROPS = {'Categorical': ('mean', 'variance', 'mode'), 'OneHotCategorical': ('mean', 'variance', 'mode'),
         'Bernoulli': ('mean', 'variance', 'stddev', 'mode'), 'Poisson': ('mean', 'variance', 'mode'),
         'Gamma': ('mean', 'variance', 'stddev', 'mode'), 'Beta': ('mean', 'variance', 'stddev'),
         'Dirichlet': ('mean', 'variance'), 'Binomial': ('mean', 'variance', 'mode'), 'StudentT': ('mean', 'variance'),
         'Chi2': ('mean', 'variance', 'mode'), 'Multinomial': ('mean', 'variance')}
ICDF_VALUE = R.uniform(0.05, 0.95, (2, 3))


def _make(lib, name, params):
    """Build the distribution in ``lib`` (ember or torch); floating array parameters require grad."""
    args = {}
    for k, v in params.items():
        args[k] = lib.tensor(v, requires_grad=True) if isinstance(v, np.ndarray) else v
    return getattr(lib.distributions, name)(**args), [a for a in args.values() if isinstance(a, lib.Tensor)]


def _compare(e_out, t_out, e_params, t_params, rtol=1e-6, atol=1e-8):
    assert_same(e_out, t_out, rtol=rtol, atol=atol)
    if not (t_out.requires_grad and t_params):
        return
    w = R.normal(size=tuple(t_out.shape))
    t_grads = torch.autograd.grad((t_out * torch.tensor(w)).sum(), t_params, allow_unused=True, retain_graph=True)
    e_grads = ember.autograd.grad((e_out * ember.tensor(w)).sum(), e_params, allow_unused=True, retain_graph=True)
    for eg, tg in zip(e_grads, t_grads):
        if tg is None:
            assert eg is None or not eg.abs().sum().item()
        else:
            assert_same(eg, tg, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize('name,params,value,methods', CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients(name, params, value, methods):
    ed, ep = _make(ember, name, params)
    td, tp = _make(torch, name, params)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape) and tuple(ed.event_shape) == tuple(td.event_shape)
    for m in methods:
        v = ICDF_VALUE[..., :value.shape[-1]] if m == 'icdf' else value
        _compare(getattr(ed, m)(ember.tensor(v)), getattr(td, m)(torch.tensor(v)), ep, tp)
    if name == 'Poisson':
        with pytest.raises(NotImplementedError):
            ed.entropy()
    else:
        _compare(ed.entropy(), td.entropy(), ep, tp)
    for p in PROPS.get(name, ('mean', 'variance', 'stddev', 'mode')):
        e_out, t_out = getattr(ed, p), getattr(td, p)
        assert_same(e_out, t_out, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize('name,params,value,methods', CASES, ids=[c[0] for c in CASES])
def test_sample_shapes(name, params, value, methods):
    ed, _ = _make(ember, name, params)
    td, _ = _make(torch, name, params)
    for shape in [(), (5,), (2, 3)]:
        es, ts = ed.sample(shape), td.sample(shape)
        assert tuple(es.shape) == tuple(ts.shape) and es.dtype.name == str(ts.dtype).removeprefix('torch.')
        assert not es.requires_grad
        assert bool(ed.support.check(es).all())
        assert ed.has_rsample == td.has_rsample
        if ed.has_rsample:
            er, tr = ed.rsample(shape), td.rsample(shape)
            assert tuple(er.shape) == tuple(tr.shape) and er.requires_grad == tr.requires_grad
    expanded_e, expanded_t = ed.expand((4,) + tuple(ed.batch_shape)), td.expand((4,) + tuple(td.batch_shape))
    assert tuple(expanded_e.batch_shape) == tuple(expanded_t.batch_shape)
    assert tuple(expanded_e.sample((2,)).shape) == tuple(expanded_t.sample((2,)).shape)
    v = value if value.ndim == 0 else value[:1]
    assert_same(expanded_e.log_prob(ember.tensor(v)), expanded_t.log_prob(torch.tensor(v)), rtol=1e-6, atol=1e-8)


STATS = [
    (lambda: ED.Normal(ember.tensor([0.5, -1.0]), ember.tensor([1.0, 2.0])), 0.05),
    (lambda: ED.Categorical(probs=ember.tensor([0.1, 0.2, 0.3, 0.4])), 0.03),
    (lambda: ED.OneHotCategorical(probs=ember.tensor([0.1, 0.2, 0.7])), 0.02),
    (lambda: ED.Bernoulli(probs=ember.tensor([0.2, 0.7])), 0.02),
    (lambda: ED.Uniform(ember.tensor([0.0, -2.0]), ember.tensor([1.0, 3.0])), 0.05),
    (lambda: ED.MultivariateNormal(ember.tensor([1.0, -1.0]), ember.tensor([[2.0, 0.5], [0.5, 1.0]])), 0.05),
    (lambda: ED.Exponential(ember.tensor([0.5, 2.0])), 0.05),
    (lambda: ED.Laplace(ember.tensor([0.5]), ember.tensor([1.5])), 0.05),
    (lambda: ED.Poisson(ember.tensor([0.7, 4.0])), 0.05),
    (lambda: ED.Gamma(ember.tensor([0.5, 3.0]), ember.tensor([1.0, 2.0])), 0.05),
    (lambda: ED.Beta(ember.tensor([0.5, 2.0]), ember.tensor([2.0, 3.0])), 0.02),
    (lambda: ED.Dirichlet(ember.tensor([1.0, 2.0, 3.0])), 0.02),
    (lambda: ED.LogNormal(ember.tensor([0.0]), ember.tensor([0.5])), 0.05),
    (lambda: ED.Geometric(ember.tensor([0.3, 0.8])), 0.05),
    (lambda: ED.Binomial(ember.tensor([10.0, 3.0]), ember.tensor([0.3, 0.8])), 0.05),
    (lambda: ED.StudentT(ember.tensor([6.0]), ember.tensor([1.0]), ember.tensor([2.0])), 0.05),
    (lambda: ED.Chi2(ember.tensor([3.0])), 0.05),
    (lambda: ED.HalfNormal(ember.tensor([1.5])), 0.05),
    (lambda: ED.Gumbel(ember.tensor([1.0]), ember.tensor([2.0])), 0.05),
    (lambda: ED.Multinomial(10, ember.tensor([0.2, 0.3, 0.5])), 0.05),
]


@pytest.mark.parametrize('make,tol', STATS, ids=[str(i) for i in range(len(STATS))])
def test_sample_statistics(make, tol):
    ember.manual_seed(0)
    d = make()
    s = d.sample((50000,)).double()
    if isinstance(d, ED.Categorical):
        k = d.probs.shape[-1]
        freq = ember.stack([(s == i).double().mean() for i in range(k)])
        np.testing.assert_allclose(freq.numpy(), d.probs.double().numpy(), atol=tol)
        return
    mean, var = d.mean.double(), d.variance.double()
    np.testing.assert_allclose(s.mean(0).numpy(), mean.numpy(), atol=tol * (1 + mean.abs().max().item()))
    np.testing.assert_allclose(s.var(0).numpy(), var.numpy(), rtol=4 * tol, atol=tol)


def test_seed_reproducible():
    d = ED.Normal(ember.zeros(3), ember.ones(3))
    ember.manual_seed(5)
    a = d.sample((4,))
    ember.manual_seed(5)
    assert ember.equal(a, d.sample((4,)))
    c = ED.Categorical(logits=ember.zeros(6))
    ember.manual_seed(1)
    a = c.sample((10,))
    ember.manual_seed(1)
    assert ember.equal(a, c.sample((10,)))


def test_rsample_gradients():
    loc = ember.tensor([0.5, -1.0], requires_grad=True)
    scale = ember.tensor([1.0, 2.0], requires_grad=True)
    x = ED.Normal(loc, scale).rsample((1000,))
    x.mean().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [0.5, 0.5], rtol=1e-5)
    eps = (x.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(scale.grad.numpy(), eps.mean(0).numpy() / 2, rtol=1e-5, atol=1e-7)
    low = ember.tensor(1.0, requires_grad=True)
    high = ember.tensor(3.0, requires_grad=True)
    ED.Uniform(low, high).rsample((100,)).sum().backward()
    np.testing.assert_allclose(low.grad.item() + high.grad.item(), 100.0, rtol=1e-6)
    mloc = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    tril = ember.tensor(_tril(3), requires_grad=True)
    ED.MultivariateNormal(mloc, scale_tril=tril).rsample((7,)).sum().backward()
    np.testing.assert_allclose(mloc.grad.numpy(), [7.0, 7.0, 7.0])
    assert tril.grad is not None and tril.grad.shape == (3, 3)
    rate = ember.tensor([2.0], requires_grad=True)
    ED.Exponential(rate).rsample((10,)).sum().backward()
    assert rate.grad.item() < 0


def test_gamma_implicit_reparameterisation():
    from ember.distributions.gamma import _standard_gamma_grad
    a = np.tile([0.05, 0.3, 1.0, 2.5, 10.0, 200.0], 2)
    x = np.concatenate([np.random.default_rng(3).gamma(a[:6]), a[:6] * 1.5])
    ours = _standard_gamma_grad(ember.tensor(a), ember.tensor(x))
    # torch's own formula is a series / rational approximation good to about 1e-3 relative
    assert_same(ours, torch._standard_gamma_grad(torch.tensor(a), torch.tensor(x)), rtol=1e-3)
    ember.manual_seed(0)
    c = ember.tensor([0.5, 3.0], requires_grad=True)
    r = ember.tensor([1.0, 2.0], requires_grad=True)
    ED.Gamma(c, r).rsample((50000,)).mean(0).sum().backward()  # d/dc E[x] = 1/r, d/dr E[x] = -c/r^2
    np.testing.assert_allclose(c.grad.numpy(), [1.0, 0.5], rtol=0.02)
    np.testing.assert_allclose(r.grad.numpy(), [-0.5, -0.75], rtol=0.02)
    b1 = ember.tensor(2.0, requires_grad=True)
    b0 = ember.tensor(3.0, requires_grad=True)
    ED.Beta(b1, b0).rsample((50000,)).mean().backward()  # E[x] = b1 / (b1 + b0)
    np.testing.assert_allclose([b1.grad.item(), b0.grad.item()], [3 / 25, -2 / 25], rtol=0.05)
    conc = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ED.Dirichlet(conc).rsample((20000,)).mean(0)[0].backward()
    np.testing.assert_allclose(conc.grad.numpy(), [5 / 36, -1 / 36, -1 / 36], atol=0.01)


def test_gradcheck_log_prob():
    v = R.normal(size=(2, 3))
    check_grads(lambda m, s: ED.Normal(m, s).log_prob(ember.tensor(v)), R.normal(size=3), _pos(3))
    check_grads(lambda lg: ED.Categorical(logits=lg).log_prob(ember.tensor([0, 2])), R.normal(size=(2, 3)))
    x = R.normal(size=(2, 3))
    check_grads(lambda m, L: ED.MultivariateNormal(m, scale_tril=L.tril()).log_prob(ember.tensor(x)),
                R.normal(size=3), _tril(3), gradgrad=False)
    check_grads(lambda a, b: ED.Beta(a, b).entropy(), _pos(2), _pos(2))


KL_PAIRS = [
    ('Normal', dict(loc=R.normal(size=3), scale=_pos(3)), dict(loc=R.normal(size=3), scale=_pos(3))),
    ('Categorical', dict(probs=R.uniform(0.1, 1, (2, 4))), dict(logits=R.normal(size=(2, 4)))),
    ('OneHotCategorical', dict(probs=R.uniform(0.1, 1, 4)), dict(probs=R.uniform(0.1, 1, 4))),
    ('Bernoulli', dict(probs=R.uniform(0.1, 0.9, 3)), dict(logits=R.normal(size=3))),
    ('Uniform', dict(low=np.array([0.0, 0.0]), high=np.array([1.0, 2.0])),
     dict(low=np.array([-1.0, 0.5]), high=np.array([2.0, 2.5]))),
    ('MultivariateNormal', dict(loc=R.normal(size=(2, 3)), scale_tril=_tril(3)),
     dict(loc=R.normal(size=3), covariance_matrix=_spd(3, (2,)))),
    ('Exponential', dict(rate=_pos(3)), dict(rate=_pos(3))),
    ('Laplace', dict(loc=R.normal(size=3), scale=_pos(3)), dict(loc=R.normal(size=3), scale=_pos(3))),
    ('Poisson', dict(rate=_pos(3)), dict(rate=_pos(3))),
    ('Gamma', dict(concentration=_pos(3), rate=_pos(3)), dict(concentration=_pos(3), rate=_pos(3))),
    ('Beta', dict(concentration1=_pos(3), concentration0=_pos(3)), dict(concentration1=_pos(3),
                                                                         concentration0=_pos(3))),
    ('Dirichlet', dict(concentration=_pos(2, 3)), dict(concentration=_pos(2, 3))),
]


@pytest.mark.parametrize('name,pp,qp', KL_PAIRS, ids=[c[0] for c in KL_PAIRS])
def test_kl_divergence(name, pp, qp):
    ep, ep_params = _make(ember, name, pp)
    eq, eq_params = _make(ember, name, qp)
    tp, tp_params = _make(torch, name, pp)
    tq, tq_params = _make(torch, name, qp)
    e_kl = ED.kl_divergence(ep, eq)
    t_kl = torch.distributions.kl_divergence(tp, tq)
    _compare(e_kl, t_kl, ep_params + eq_params, tp_params + tq_params)


def _transforms(lib):
    D = lib.distributions
    scale = lib.tensor([0.5, -2.0, 1.5], dtype=lib.float64, requires_grad=True)
    return [D.ExpTransform(), D.SigmoidTransform(), D.TanhTransform(), D.SoftplusTransform(),
            D.PowerTransform(lib.tensor(2.5, dtype=lib.float64)), D.AffineTransform(1.0, -3.0),
            D.AffineTransform(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), scale, event_dim=1),
            D.ComposeTransform([D.AffineTransform(0.5, 2.0), D.TanhTransform()]),
            D.ExpTransform().inv], scale


@pytest.mark.parametrize('i', range(9))
def test_transforms(i):
    et, escale = _transforms(ember)
    tt, tscale = _transforms(torch)
    et, tt = et[i], tt[i]
    xv = R.uniform(0.2, 1.5, (4, 3)) if i in (4, 8) else R.normal(size=(4, 3))
    ex, tx = ember.tensor(xv, requires_grad=True), torch.tensor(xv, requires_grad=True)
    ey, ty = et(ex), tt(tx)
    _compare(ey, ty, [ex, escale], [tx, tscale])
    _compare(et.log_abs_det_jacobian(ex, ey), tt.log_abs_det_jacobian(tx, ty), [ex, escale], [tx, tscale])
    _compare(et.inv(ey.detach()), tt.inv(ty.detach()), [escale], [tscale])
    assert repr(et.codomain) == repr(tt.codomain) and repr(et.domain) == repr(tt.domain)


def test_transformed_distribution():
    def build(lib):
        D = lib.distributions
        loc = lib.tensor(R_LOC, requires_grad=True)
        base = D.Normal(loc, lib.ones(2, 3, dtype=lib.float64))
        return D.TransformedDistribution(base, [D.AffineTransform(0.5, lib.tensor(R_SCALE), event_dim=1),
                                                D.SigmoidTransform()]), loc
    ed, eloc = build(ember)
    td, tloc = build(torch)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape) == (2,) and tuple(ed.event_shape) == (3,)
    v = R.uniform(0.1, 0.9, (5, 2, 3))
    _compare(ed.log_prob(ember.tensor(v)), td.log_prob(torch.tensor(v)), [eloc], [tloc])
    assert tuple(ed.rsample((4,)).shape) == (4, 2, 3) and tuple(ed.expand((6, 2)).sample().shape) == (6, 2, 3)
    assert repr(ed.support) == repr(td.support)
    tanh = ED.TransformedDistribution(ED.Normal(ember.zeros(3), ember.ones(3)), ED.TanhTransform(cache_size=1))
    y = tanh.rsample()
    assert bool(ember.isfinite(tanh.log_prob(y)).all())  # the cache pulls back the exact pre-image


def test_mixture_same_family():
    logits, locs, scales = R.normal(size=(2, 3)), R.normal(size=(2, 3, 4)), _pos(2, 3, 4)

    def build(lib):
        D = lib.distributions
        params = [lib.tensor(a, requires_grad=True) for a in (logits, locs, scales)]
        comp = D.Independent(D.Normal(params[1], params[2]), 1)
        return D.MixtureSameFamily(D.Categorical(logits=params[0]), comp), params
    ed, ep = build(ember)
    td, tp = build(torch)
    assert tuple(ed.batch_shape) == (2,) and tuple(ed.event_shape) == (4,)
    v = R.normal(size=(5, 2, 4))
    _compare(ed.log_prob(ember.tensor(v)), td.log_prob(torch.tensor(v)), ep, tp)
    _compare(ed.mean, td.mean, ep, tp)
    _compare(ed.variance, td.variance, ep, tp)
    assert tuple(ed.sample((7,)).shape) == (7, 2, 4) and tuple(ed.expand((3, 2)).sample().shape) == (3, 2, 4)
    ember.manual_seed(0)
    gmm = ED.MixtureSameFamily(ED.Categorical(probs=ember.tensor([0.3, 0.7])),
                               ED.Normal(ember.tensor([-2.0, 3.0]), ember.tensor([0.5, 1.0])))
    s = gmm.sample((50000,))
    assert abs(s.mean().item() - gmm.mean.item()) < 0.05 and abs(s.var().item() / gmm.variance.item() - 1) < 0.03
    with pytest.raises(ValueError):
        ED.MixtureSameFamily(ED.Categorical(logits=ember.zeros(3)), ED.Normal(ember.zeros(2), ember.ones(2)))


R_LOC = R.normal(size=(2, 3))
R_SCALE = R.uniform(0.5, 2.0, 3)


def test_independent_and_register_kl():
    base = R.normal(size=(3, 2))
    e = ED.Independent(ED.Normal(ember.tensor(base), ember.ones(3, 2)), 1)
    t = torch.distributions.Independent(torch.distributions.Normal(torch.tensor(base), torch.ones(3, 2)), 1)
    assert tuple(e.batch_shape) == (3,) and tuple(e.event_shape) == (2,)
    v = R.normal(size=(4, 3, 2))
    assert_same(e.log_prob(ember.tensor(v)), t.log_prob(torch.tensor(v)))
    assert_same(e.entropy(), t.entropy())
    assert tuple(e.expand((5, 3)).sample().shape) == (5, 3, 2)

    class MyNormal(ED.Normal):
        pass

    p, q = MyNormal(ember.tensor([0.0]), ember.tensor([1.0])), ED.Normal(ember.tensor([1.0]), ember.tensor([1.0]))
    assert_same(ED.kl_divergence(p, q), torch.tensor([0.5]))

    @ED.register_kl(MyNormal, ED.Normal)
    def _kl_mine(p, q):
        return ember.zeros(1)

    assert ED.kl_divergence(p, q).item() == 0.0
    assert ED.kl_divergence(q, q).item() == 0.0
    with pytest.raises(NotImplementedError):
        ED.kl_divergence(ED.Normal(0.0, 1.0), ED.Exponential(1.0))


def test_categorical_details():
    probs = ember.tensor([[1.0, 3.0], [2.0, 2.0]])
    c = ED.Categorical(probs=probs)
    assert_same(c.probs, torch.tensor([[0.25, 0.75], [0.5, 0.5]]))
    assert_same(c.enumerate_support(), torch.distributions.Categorical(probs=torch.tensor(probs.numpy()))
                .enumerate_support())
    assert c.sample().dtype is ember.int64
    b = ED.Bernoulli(probs=ember.tensor([0.3, 0.5]))
    assert_same(b.enumerate_support(), torch.tensor([[0.0, 0.0], [1.0, 1.0]]))
    assert math.isnan(b.mode[1].item())
    assert_same(ED.Normal(0.0, 1.0).perplexity(), torch.distributions.Normal(0.0, 1.0).perplexity())


# Bad inputs: (builder raising in ember, same builder for torch, exception class, message pattern)
def _bad_cases(lib):
    D = lib.distributions
    t = lib.tensor
    return [
        lambda: D.Normal(t([0.0]), t([-1.0])),
        lambda: D.Normal(t([float('nan')]), t([1.0])),
        lambda: D.Normal(t([0.0, 1.0]), t([1.0, 1.0])).log_prob(t([1.0, 2.0, 3.0])),
        lambda: D.Normal(t([0.0]), t([1.0])).log_prob([0.5]),
        lambda: D.Categorical(probs=t([0.5, 0.5]), logits=t([0.0, 0.0])),
        lambda: D.Categorical(),
        lambda: D.Categorical(probs=t([0.5, -0.5, 1.0])),
        lambda: D.Categorical(probs=t(0.5)),
        lambda: D.Categorical(logits=t([0.0, 0.0])).log_prob(t([2])),
        lambda: D.Bernoulli(probs=t([1.5])),
        lambda: D.Bernoulli(probs=t([0.5])).log_prob(t([0.5])),
        lambda: D.Uniform(t([1.0]), t([0.0])),
        lambda: D.Exponential(t([1.0])).log_prob(t([-1.0])),
        lambda: D.Poisson(t([1.0])).log_prob(t([1.5])),
        lambda: D.Gamma(t([0.0]), t([1.0])),
        lambda: D.Dirichlet(t([1.0, -1.0])),
        lambda: D.Beta(t([1.0]), t([1.0])).log_prob(t([1.5])),
        lambda: D.MultivariateNormal(t(0.0), scale_tril=t([[1.0]])),
        lambda: D.MultivariateNormal(t([0.0, 0.0])),
        lambda: D.MultivariateNormal(t([0.0, 0.0]), scale_tril=t([[1.0, 0.0], [0.0, -1.0]])),
        lambda: D.MultivariateNormal(t([0.0, 0.0]), covariance_matrix=t([[1.0, 2.0], [2.0, 1.0]])),
        lambda: D.MultivariateNormal(t([0.0, 0.0]), covariance_matrix=t([1.0, 1.0])),
        lambda: D.Independent(D.Normal(t([0.0]), t([1.0])), 2),
        lambda: D.kl_divergence(D.MultivariateNormal(t([0.0]), t([[1.0]])),
                                D.MultivariateNormal(t([0.0, 0.0]), t([[1.0, 0.0], [0.0, 1.0]]))),
        lambda: D.OneHotCategorical(probs=t([0.5, 0.5])).log_prob(t([1.0, 1.0])),
        lambda: D.Geometric(probs=t([0.0, 0.5])),
        lambda: D.Binomial(t([-1.0]), probs=t([0.5])),
        lambda: D.Binomial(t([3.0]), probs=t([0.5])).log_prob(t([4.0])),
        lambda: D.StudentT(t([-1.0])),
        lambda: D.Cauchy(t([0.0]), t([0.0])),
        lambda: D.LogNormal(t([0.0]), t([-1.0])),
        lambda: D.LogNormal(t([0.0]), t([1.0])).log_prob(t([-1.0])),
        lambda: D.HalfNormal(t([1.0])).log_prob(t([-1.0])),
        lambda: D.TransformedDistribution(D.Normal(t([0.0]), t([1.0])), 'exp'),
        lambda: D.ExpTransform(cache_size=2),
        lambda: D.Laplace(t([0.0, 0.0]), t([1.0, 1.0])).log_prob(t([0.0, 1.0, 2.0])),
    ]


@pytest.mark.parametrize('i', range(len(_bad_cases(ember))))
def test_bad_inputs(i):
    with pytest.raises(Exception) as t_err:
        _bad_cases(torch)[i]()
    cls = type(t_err.value)
    if cls.__module__.startswith('torch'):
        cls = cls.__mro__[1]
    with pytest.raises(cls) as e_err:
        _bad_cases(ember)[i]()
    t_msg = str(t_err.value).split('\n')[0].replace('torch.', '').replace('Tensor', '')
    e_msg = str(e_err.value).split('\n')[0].replace('torch.', '').replace('Tensor', '')
    assert e_msg == t_msg


def test_two_backwards_from_one_distribution():
    mu = ember.zeros(3, requires_grad=True)
    sigma = ember.ones(3, requires_grad=True)
    d = ED.Normal(mu, sigma)
    d.log_prob(ember.ones(3)).sum().backward()
    d.entropy().sum().backward()  # a second loss from the same distribution object, as RL code does
    np.testing.assert_allclose(sigma.grad.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(mu.grad.numpy(), [1.0, 1.0, 1.0])


def test_validate_args_off():
    n = ED.Normal(ember.tensor([0.0]), ember.tensor([-1.0]), validate_args=False)
    assert math.isnan(n.log_prob(ember.tensor([0.0])).item())
    ED.Distribution.set_default_validate_args(False)
    try:
        ED.Normal(ember.tensor([0.0]), ember.tensor([-1.0]))
    finally:
        ED.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        ED.Normal(ember.tensor([0.0]), ember.tensor([-1.0]))
