"""nn.utils against real PyTorch: gradient clipping, parameter vectors, parametrize, weight_norm, spectral_norm."""
import math
from collections import OrderedDict

import numpy as np
import pytest

import ember
from support import assert_same, needs_torch, torch

pytestmark = needs_torch


def data(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def both(fn):
    return fn(ember), fn(torch)


def same_error(fn):
    res = []
    for lib in (ember, torch):
        try:
            fn(lib)
        except Exception as e:  # noqa: BLE001 - the class and message are compared
            res.append((type(e).__name__, str(e).replace("'ember.", "'torch.")))
        else:
            raise AssertionError(f"{lib.__name__}: no exception")
    assert res[0] == res[1], f"\n ember: {res[0]}\n torch: {res[1]}"


def copy_weights(emod, tmod):
    emod.load_state_dict(OrderedDict((k, ember.tensor(v.detach().numpy().copy())) for k, v in
                                     tmod.state_dict().items()))


# ----------------------------------------------------------------------------------------------- clipping
def _params_with_grads(lib, scale=1.0, none_at=None, dtype='float32'):
    ps = []
    for i, shape in enumerate([(3, 4), (5,), (2, 2, 2), ()]):
        p = lib.nn.Parameter(lib.zeros(shape, dtype=getattr(lib, dtype)))
        if i != none_at:
            p.grad = lib.tensor(data(*shape, seed=i) * scale).to(getattr(lib, dtype))
        ps.append(p)
    return ps


@pytest.mark.parametrize('norm_type', [1, 2, 2.0, float('inf'), 3, 0.5, 'inf'])
@pytest.mark.parametrize('max_norm', [0.1, 1.0, 100.0])
@pytest.mark.parametrize('none_at', [None, 1])
def test_clip_grad_norm(norm_type, max_norm, none_at):
    def prog(lib):
        ps = _params_with_grads(lib, none_at=none_at)
        total = lib.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        return total, [p.grad for p in ps if p.grad is not None]
    (et, eg), (tt, tg) = both(prog)
    assert_same(et, tt, rtol=1e-5)
    assert_same(eg, tg, rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_float64_and_generators():
    def prog(lib):
        m = lib.nn.Linear(3, 2).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor(data(2, 3, dtype=np.float64)))
            m.bias.copy_(lib.tensor([0.5, -1.0], dtype=lib.float64))
        m(lib.ones(4, 3, dtype=lib.float64)).pow(2).sum().backward()
        total = lib.nn.utils.clip_grad_norm_(m.parameters(), 0.5)
        return total, [p.grad for p in m.parameters()]
    (et, eg), (tt, tg) = both(prog)
    assert_same(et, tt)
    assert_same(eg, tg)


def test_clip_grad_norm_single_tensor_and_no_grads():
    def prog(lib):
        p = lib.nn.Parameter(lib.zeros(3))
        p.grad = lib.tensor([3.0, 4.0, 0.0])
        total = lib.nn.utils.clip_grad_norm_(p, 1.0)
        empty = lib.nn.utils.clip_grad_norm_([lib.nn.Parameter(lib.zeros(2))], 1.0)
        none = lib.nn.utils.clip_grad_norm_([], 1.0)
        return [total, p.grad, empty, none]
    e, t = both(prog)
    assert_same(e, t)


@pytest.mark.parametrize('bad', [float('nan'), float('inf')])
@pytest.mark.parametrize('norm_type', [2, float('inf')])
def test_clip_grad_norm_nonfinite(bad, norm_type):
    def prog(lib):
        ps = _params_with_grads(lib)
        ps[1].grad[2] = bad
        lib.nn.utils.clip_grad_norm_(ps, 1.0, norm_type, error_if_nonfinite=True)
    same_error(prog)

    def prog2(lib):
        ps = _params_with_grads(lib)
        ps[1].grad[2] = bad
        total = lib.nn.utils.clip_grad_norm_(ps, 1.0, norm_type)
        return total, [p.grad for p in ps]
    (et, eg), (tt, tg) = both(prog2)
    assert_same(et, tt)
    assert_same(eg, tg)


def test_get_total_norm_and_clip_grads_with_norm():
    def prog(lib):
        ps = _params_with_grads(lib)
        grads = [p.grad for p in ps]
        total = lib.nn.utils.get_total_norm(grads, 3.0)
        lib.nn.utils.clip_grads_with_norm_(ps, 0.7, total)
        return total, [p.grad for p in ps]
    (et, eg), (tt, tg) = both(prog)
    assert_same(et, tt)
    assert_same(eg, tg)


def test_clip_grad_norm_deprecated_spelling_warns():
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.zeros(2))
        p.grad = lib.ones(2)
        with pytest.warns(FutureWarning, match='clip_grad_norm_'):
            lib.nn.utils.clip_grad_norm(p, 1.0)


@pytest.mark.parametrize('clip', [0.0, 0.3, 1.0, 10])
def test_clip_grad_value(clip):
    def prog(lib):
        ps = _params_with_grads(lib, scale=2.0, none_at=2)
        out = lib.nn.utils.clip_grad_value_(ps, clip)
        single = lib.nn.Parameter(lib.zeros(2))
        single.grad = lib.tensor([-5.0, 5.0])
        lib.nn.utils.clip_grad_value_(single, clip)
        return out, [p.grad for p in ps if p.grad is not None] + [single.grad]
    (eo, eg), (to, tg) = both(prog)
    assert eo is None and to is None
    assert_same(eg, tg)


def test_clip_keeps_grad_objects():
    p = ember.nn.Parameter(ember.zeros(3))
    g = ember.tensor([3.0, 4.0, 12.0])
    p.grad = g
    ember.nn.utils.clip_grad_norm_([p], 1.0)
    ember.nn.utils.clip_grad_value_([p], 0.01)
    assert p.grad is g


# ----------------------------------------------------------------------------------------------- vectors
def test_parameters_to_vector_and_back():
    def prog(lib):
        m = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Linear(2, 1, bias=False))
        with lib.no_grad():
            for i, p in enumerate(m.parameters()):
                p.copy_(lib.tensor(data(*p.shape, seed=i)))
        v = lib.nn.utils.parameters_to_vector(m.parameters())
        w = [p for p in m.parameters()]
        lib.nn.utils.vector_to_parameters(v * 2, m.parameters())
        out = [v, tuple(v.shape), v.requires_grad, v.grad_fn is not None] + [p.detach().clone() for p in m.parameters()]
        return out + [all(a is b for a, b in zip(w, m.parameters())),
                      all(p.requires_grad for p in m.parameters())]
    e, t = both(prog)
    assert_same(e, t)


def test_parameters_to_vector_gradient():
    def prog(lib):
        ps = [lib.tensor(data(2, 3), requires_grad=True), lib.tensor(data(4, seed=1), requires_grad=True)]
        v = lib.nn.utils.parameters_to_vector(ps)
        (v * lib.arange(10.0)).sum().backward()
        return [p.grad for p in ps]
    e, t = both(prog)
    assert_same(e, t)


@pytest.mark.parametrize('case', ['not_tensor', 'too_short'])
def test_vector_to_parameters_errors(case):
    def prog(lib):
        ps = [lib.nn.Parameter(lib.zeros(2, 3))]
        lib.nn.utils.vector_to_parameters([1.0] * 6 if case == 'not_tensor' else lib.zeros(4), ps)
    same_error(prog)


# ----------------------------------------------------------------------------------------------- parametrize
def _symmetric_cls(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric


def _scale_cls(lib):
    class Scale(lib.nn.Module):
        def __init__(self, s):
            super().__init__()
            self.s = s

        def forward(self, X):
            return X * self.s

        def right_inverse(self, Y):
            return Y / self.s
    return Scale


def _noinverse_cls(lib):
    class Double(lib.nn.Module):
        def forward(self, X):
            return X * 2
    return Double


def _seeded_linear(lib, n=3, m=3):
    lin = lib.nn.Linear(n, m)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(data(m, n, seed=7)))
        lin.bias.copy_(lib.tensor(data(m, seed=8)))
    return lin


def test_register_parametrization_basics():
    def prog(lib):
        P = lib.nn.utils.parametrize
        m = _seeded_linear(lib)
        P.register_parametrization(m, 'weight', _symmetric_cls(lib)())
        out = [P.is_parametrized(m), P.is_parametrized(m, 'weight'), P.is_parametrized(m, 'bias'),
               type(m).__name__, P.type_before_parametrizations(m).__name__, list(m.state_dict()),
               [n for n, _ in m.named_parameters()], m.weight, m.parametrizations.weight.original,
               type(m.parametrizations).__name__, type(m.parametrizations.weight).__name__,
               [n for n, _ in m.named_buffers()]]
        x = lib.tensor(data(2, 3, seed=1), requires_grad=True)
        y = m(x)
        (y * lib.tensor(data(2, 3, seed=2))).sum().backward()
        out += [y, x.grad, m.parametrizations.weight.original.grad, m.bias.grad]
        return out
    e, t = both(prog)
    assert_same(e, t)


def test_parametrization_assignment_uses_right_inverse():
    def prog(lib):
        P = lib.nn.utils.parametrize
        m = _seeded_linear(lib)
        P.register_parametrization(m, 'weight', _scale_cls(lib)(4.0))
        orig_before = m.parametrizations.weight.original.detach().clone()
        m.weight = lib.eye(3)
        return [orig_before, m.parametrizations.weight.original, m.weight]
    e, t = both(prog)
    assert_same(e, t)


def test_stacked_parametrizations():
    def prog(lib):
        P = lib.nn.utils.parametrize
        m = _seeded_linear(lib)
        P.register_parametrization(m, 'weight', _symmetric_cls(lib)())
        P.register_parametrization(m, 'weight', _scale_cls(lib)(3.0))
        P.register_parametrization(m, 'bias', _scale_cls(lib)(-2.0))
        out = [list(m.state_dict()), len(m.parametrizations.weight), m.weight, m.bias, repr(m)]
        m.weight = lib.eye(3) * 6
        out += [m.parametrizations.weight.original, m.weight]
        x = lib.tensor(data(4, 3, seed=3))
        m(x).pow(2).sum().backward()
        out += [m.parametrizations.weight.original.grad, m.parametrizations.bias.original.grad]
        return out
    e, t = both(prog)
    assert_same(e[:2], t[:2])
    assert_same(e[2:4], t[2:4])
    assert e[4].replace('ember', 'torch') == t[4]
    assert_same(e[5:], t[5:], rtol=1e-5, atol=1e-5)


def test_cached_parametrization():
    class Counting:
        def __init__(self, lib):
            self.n = 0
            outer = self

            class Count(lib.nn.Module):
                def forward(self, X):
                    outer.n += 1
                    return X * 2
            self.mod = Count()

    def prog(lib):
        P = lib.nn.utils.parametrize
        c = Counting(lib)
        m = _seeded_linear(lib)
        P.register_parametrization(m, 'weight', c.mod, unsafe=True)
        n0 = c.n
        with P.cached():
            a, b = m.weight, m.weight
            y = m(lib.ones(1, 3))
            same = a is b
        n1 = c.n
        _ = m.weight
        return [n1 - n0, same, c.n - n1, y]
    e, t = both(prog)
    assert e[:3] == t[:3]
    assert_same(e[3], t[3])


@pytest.mark.parametrize('leave', [True, False])
def test_remove_parametrizations(leave):
    def prog(lib):
        P = lib.nn.utils.parametrize
        m = _seeded_linear(lib)
        w0 = m.weight
        P.register_parametrization(m, 'weight', _symmetric_cls(lib)())
        P.register_parametrization(m, 'weight', _scale_cls(lib)(3.0))
        P.register_parametrization(m, 'bias', _scale_cls(lib)(2.0))
        P.remove_parametrizations(m, 'weight', leave_parametrized=leave)
        out = [type(m).__name__, list(m.state_dict()), m.weight, type(m.weight).__name__, m.weight.requires_grad,
               P.is_parametrized(m, 'weight'), P.is_parametrized(m)]
        P.remove_parametrizations(m, 'bias', leave_parametrized=leave)
        out += [type(m).__name__, list(m.state_dict()), m.bias, P.is_parametrized(m), hasattr(m, 'parametrizations'),
                m.weight is w0]
        return out
    e, t = both(prog)
    assert_same(e, t)


def test_parametrize_state_dict_roundtrip_with_torch():
    t = _seeded_linear(torch)
    torch.nn.utils.parametrize.register_parametrization(t, 'weight', _symmetric_cls(torch)())
    e = ember.nn.Linear(3, 3)
    ember.nn.utils.parametrize.register_parametrization(e, 'weight', _symmetric_cls(ember)())
    copy_weights(e, t)
    assert_same(e.weight, t.weight)
    x = data(2, 3)
    assert_same(e(ember.tensor(x)), t(torch.tensor(x)))


@pytest.mark.parametrize('case', ['no_tensor', 'remove_missing', 'shape_change', 'dtype_change',
                                  'no_right_inverse_assign', 'stacked_shape_change'])
def test_parametrize_errors(case):
    def prog(lib):
        P = lib.nn.utils.parametrize
        m = lib.nn.Linear(3, 3)
        if case == 'no_tensor':
            P.register_parametrization(m, 'nope', _noinverse_cls(lib)())
        elif case == 'remove_missing':
            P.remove_parametrizations(m, 'weight')
        elif case == 'shape_change':
            class Cut(lib.nn.Module):
                def forward(self, X):
                    return X[:2]
            P.register_parametrization(m, 'weight', Cut())
        elif case == 'dtype_change':
            class Cast(lib.nn.Module):
                def forward(self, X):
                    return X.double()
            P.register_parametrization(m, 'weight', Cast())
        elif case == 'no_right_inverse_assign':
            P.register_parametrization(m, 'weight', _noinverse_cls(lib)())
            m.weight = lib.zeros(3, 3)
        else:
            P.register_parametrization(m, 'weight', _noinverse_cls(lib)())

            class Cut(lib.nn.Module):
                def forward(self, X):
                    return X[:2]
            P.register_parametrization(m, 'weight', Cut())
    if case in ('no_tensor', 'remove_missing'):
        # The messages print the whole module; compare the class and the part naming the tensor.
        errs = []
        for lib in (ember, torch):
            with pytest.raises(ValueError) as ei:
                prog(lib)
            errs.append(str(ei.value))
        assert errs[0].split("'")[-2:] == errs[1].split("'")[-2:] or errs[0].split()[-1] == errs[1].split()[-1]
    else:
        same_error(prog)


def test_parametrized_module_cannot_be_pickled_or_deepcopied_like_torch():
    import copy
    import pickle
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 2)
        lib.nn.utils.parametrize.register_parametrization(m, 'weight', _scale_cls(lib)(2.0))
        with pytest.raises(RuntimeError, match='state_dict'):
            pickle.dumps(m)
        c = copy.deepcopy(m)
        assert lib.nn.utils.parametrize.is_parametrized(c, 'weight')
        assert c.parametrizations.weight.original is not m.parametrizations.weight.original
        np.testing.assert_allclose(c.weight.detach().numpy(), m.weight.detach().numpy())


# ----------------------------------------------------------------------------------------------- weight_norm
@pytest.mark.parametrize('dim', [0, 1, None, -1])
@pytest.mark.parametrize('kind', ['linear', 'conv'])
def test_weight_norm(dim, kind):
    def prog(lib):
        if kind == 'linear':
            m = lib.nn.Linear(4, 3)
            x = lib.tensor(data(5, 4, seed=1))
        else:
            m = lib.nn.Conv2d(2, 3, 3)
            x = lib.tensor(data(2, 2, 5, 5, seed=1))
        with lib.no_grad():
            m.weight.copy_(lib.tensor(data(*m.weight.shape, seed=2)))
            m.bias.copy_(lib.tensor(data(*m.bias.shape, seed=3)))
        lib.nn.utils.parametrizations.weight_norm(m, dim=dim)
        g = m.parametrizations.weight.original0
        v = m.parametrizations.weight.original1
        y = m(x)
        (y * lib.tensor(data(*y.shape, seed=4))).sum().backward()
        return [list(m.state_dict()), g.detach().clone(), v.detach().clone(), m.weight, y, g.grad, v.grad,
                m.bias.grad]
    e, t = both(prog)
    assert e[0] == t[0]
    assert_same(e[1:], t[1:], rtol=1e-5, atol=1e-5)


def test_weight_norm_load_from_torch_and_gradcheck():
    t = torch.nn.Linear(3, 2)
    torch.nn.utils.parametrizations.weight_norm(t)
    e = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(3, 2))
    copy_weights(e, t)
    assert_same(e.weight, t.weight)
    w = ember.nn.utils.parametrizations._WeightNorm(0)
    g = ember.tensor(data(3, 1, dtype=np.float64), requires_grad=True)
    v = ember.tensor(data(3, 4, seed=1, dtype=np.float64), requires_grad=True)
    assert ember.autograd.gradcheck(w, (g, v))
    assert ember.autograd.gradgradcheck(w, (g, v))


# ----------------------------------------------------------------------------------------------- spectral_norm
@pytest.mark.parametrize('kind', ['linear', 'conv', 'conv_transpose', 'linear_dim1'])
@pytest.mark.parametrize('n_iter', [1, 3])
def test_spectral_norm_matches_torch(kind, n_iter):
    def build(lib):
        if kind in ('linear', 'linear_dim1'):
            return lib.nn.Linear(5, 4)
        if kind == 'conv':
            return lib.nn.Conv2d(3, 4, 3)
        return lib.nn.ConvTranspose2d(3, 4, 2)
    kw = dict(n_power_iterations=n_iter, dim=1 if kind == 'linear_dim1' else None)
    torch.manual_seed(0)
    t = torch.nn.utils.parametrizations.spectral_norm(build(torch), **kw)
    e = ember.nn.utils.parametrizations.spectral_norm(build(ember), **kw)
    # Same starting point: the original weight, bias and the power-iteration vectors u and v.
    assert list(e.state_dict()) == list(t.state_dict())
    copy_weights(e, t)
    x = data(2, 5) if kind.startswith('linear') else data(2, 3, 6, 6)
    for mode in ('train', 'train', 'eval', 'train'):
        e.train(mode == 'train')
        t.train(mode == 'train')
        ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        eo, to = e(ex), t(tx)
        assert_same(eo, to, rtol=1e-4, atol=1e-5)
        assert_same(e.parametrizations.weight[0]._u, t.parametrizations.weight[0]._u, rtol=1e-4, atol=1e-5)
        assert_same(e.parametrizations.weight[0]._v, t.parametrizations.weight[0]._v, rtol=1e-4, atol=1e-5)
        eo.pow(2).sum().backward()
        to.pow(2).sum().backward()
        assert_same(ex.grad, tx.grad, rtol=1e-4, atol=1e-5)
        assert_same(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad, rtol=1e-4,
                    atol=1e-5)
        e.zero_grad()
        t.zero_grad()


def test_spectral_norm_sigma_is_largest_singular_value():
    ember.manual_seed(0)
    m = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(20, 10), n_power_iterations=5)
    for _ in range(20):
        w = m.weight
    s = np.linalg.svd(w.detach().numpy().astype(np.float64), compute_uv=False)
    assert abs(s[0] - 1.0) < 1e-3
    orig = m.parametrizations.weight.original.detach().numpy().astype(np.float64)
    sigma = np.linalg.svd(orig, compute_uv=False)[0]
    np.testing.assert_allclose(w.detach().numpy(), orig / sigma, rtol=1e-3, atol=1e-5)
    m.eval()
    np.testing.assert_allclose(m.weight.detach().numpy(), w.detach().numpy(), rtol=1e-6)


def test_spectral_norm_one_dim_and_errors():
    def prog(lib):
        m = lib.nn.Module()
        m.w = lib.nn.Parameter(lib.tensor([3.0, 4.0]))
        lib.nn.utils.parametrizations.spectral_norm(m, 'w')
        return [m.w, list(m.state_dict())]
    e, t = both(prog)
    assert_same(e, t)
    same_error(lambda lib: lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(2, 2), n_power_iterations=0))
    same_error(lambda lib: lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(2, 2), dim=2))
