"""ember.func (torch.func's transforms), view_as_real / view_as_complex, saved_tensors_hooks and
post-accumulate-grad hooks, each against real PyTorch on the same functions and data."""
import numpy as np
import pytest

import ember
from support import assert_same, check_grads, check_op, needs_torch, torch

pytestmark = needs_torch


def both(fn, *arrays, requires_grad=False):
    """Run ``fn(lib, *tensors)`` with ember and with torch on the same arrays; return both results."""
    e = fn(ember, *[ember.tensor(a).requires_grad_(requires_grad) for a in arrays])
    t = fn(torch, *[torch.tensor(a).requires_grad_(requires_grad) for a in arrays])
    return e, t


def same(fn, *arrays, rtol=1e-5, atol=1e-6, requires_grad=False):
    e, t = both(fn, *arrays, requires_grad=requires_grad)
    assert_same(e, t, rtol, atol)
    return e, t


def raises_like_torch(fn, exc, match, *arrays):
    """``fn(lib, *tensors)`` raises ``exc`` (matching ``match``) in ember and the same class in torch."""
    with pytest.raises(exc, match=match):
        fn(ember, *[ember.tensor(a) for a in arrays])
    with pytest.raises(exc):
        fn(torch, *[torch.tensor(a) for a in arrays])


# Scalar functions of (x, y): (name, f(lib, x, y)).
SCALAR_FNS = [
    ('sin_prod', lambda L, x, y: (x.sin() * y).sum()),
    ('quadratic', lambda L, x, y: (x * x * y).sum() + x.sum() ** 2),
    ('tanh_matmul', lambda L, x, y: L.tanh(x @ y.t()).mean()),
    ('exp_norm', lambda L, x, y: (x.exp() / (1 + y * y)).sum().log()),
]

# Vector functions of (x, y).
VECTOR_FNS = [
    ('sin_mul', lambda L, x, y: x.sin() * y),
    ('matmul', lambda L, x, y: x @ y.t()),
    ('softmax', lambda L, x, y: L.softmax(x * y, dim=-1)),
    ('cumsum_sq', lambda L, x, y: (x * y).cumsum(0) ** 2),
]


@pytest.fixture
def xy(rng):
    return rng.standard_normal((2, 3)), rng.standard_normal((2, 3))


@pytest.mark.parametrize('name,f', SCALAR_FNS, ids=[n for n, _ in SCALAR_FNS])
@pytest.mark.parametrize('argnums', [0, 1, (0, 1), (1, 0), -1])
def test_grad(xy, name, f, argnums):
    same(lambda L, x, y: L.func.grad(lambda a, b: f(L, a, b), argnums=argnums)(x, y), *xy)


@pytest.mark.parametrize('name,f', SCALAR_FNS, ids=[n for n, _ in SCALAR_FNS])
def test_grad_and_value_with_aux(xy, name, f):
    def run(L, x, y):
        return L.func.grad_and_value(lambda a, b: (f(L, a, b), {'aux': (a * 2, [b.sum()])}), has_aux=True)(x, y)
    (ge, (ve, ae)), (gt, (vt, at)) = both(run, *xy)
    assert_same(ge, gt)
    assert_same(ve, vt)
    assert_same(ae['aux'][0], at['aux'][0])
    assert_same(ae['aux'][1][0], at['aux'][1][0])
    assert not ge.requires_grad and not ve.requires_grad


def test_grad_of_pytree_argument(xy):
    def run(L, x, y):
        return L.func.grad(lambda p, z: (p['w'] * z).sum() + (p['b'][0] ** 2).sum())({'w': x, 'b': [y]}, x)
    e, t = both(run, *xy)
    assert_same(e['w'], t['w'])
    assert_same(e['b'][0], t['b'][0])


def test_grad_of_grad_and_third_order(rng):
    x = rng.standard_normal(())
    f = (lambda L, x: x.sin() * x.exp())
    same(lambda L, x: L.func.grad(L.func.grad(lambda a: f(L, a)))(x), x)
    same(lambda L, x: L.func.grad(L.func.grad(L.func.grad(lambda a: f(L, a))))(x), x)


def test_grad_result_is_differentiable_when_input_requires_grad(rng):
    x = rng.standard_normal(4)

    def run(L, x):
        g = L.func.grad(lambda a: (a ** 3).sum())(x)
        (gg,) = L.autograd.grad(g.sum(), x)
        return g, gg
    same(run, x, requires_grad=True)


@pytest.mark.parametrize('name,f', VECTOR_FNS, ids=[n for n, _ in VECTOR_FNS])
def test_vjp(xy, name, f, rng):
    ct = rng.standard_normal(tuple(f(torch, *map(torch.tensor, xy)).shape))

    def run(L, x, y, c):
        out, fn = L.func.vjp(lambda a, b: f(L, a, b), x, y)
        return out, fn(c), fn(c * 2)
    same(run, *xy, ct)


def test_vjp_multiple_outputs_and_aux(xy, rng):
    c1, c2 = rng.standard_normal((2, 3)), rng.standard_normal(())

    def run(L, x, y, c1, c2):
        out, fn, aux = L.func.vjp(lambda a, b: ((a * b, (a - b).sum()), a.detach() + 1), x, y, has_aux=True)
        return out, fn((c1, c2)), aux
    same(run, *xy, c1, c2)


@pytest.mark.parametrize('name,f', VECTOR_FNS, ids=[n for n, _ in VECTOR_FNS])
def test_jvp(xy, name, f, rng):
    tx, ty = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    same(lambda L, x, y, tx, ty: L.func.jvp(lambda a, b: f(L, a, b), (x, y), (tx, ty)), *xy, tx, ty)


def test_jvp_of_constant_and_linear(rng):
    x, t = rng.standard_normal(3), rng.standard_normal(3)
    same(lambda L, x, t: L.func.jvp(lambda a: a * 3 - 1, (x,), (t,)), x, t)
    same(lambda L, x, t: L.func.jvp(lambda a: L.ones(2, dtype=a.dtype), (x,), (t,)), x, t)


@pytest.mark.parametrize('name,f', VECTOR_FNS, ids=[n for n, _ in VECTOR_FNS])
@pytest.mark.parametrize('which', ['jacrev', 'jacfwd'])
@pytest.mark.parametrize('argnums', [0, (0, 1)])
def test_jacobians(xy, name, f, which, argnums):
    e, t = same(lambda L, x, y: getattr(L.func, which)(lambda a, b: f(L, a, b), argnums=argnums)(x, y), *xy)
    if argnums == 0:
        assert tuple(e.shape) == tuple(t.shape) == tuple(t.shape[:-2]) + (2, 3)


def test_jacrev_multiple_outputs_and_aux(rng):
    x = rng.standard_normal(3)
    same(lambda L, x: L.func.jacrev(lambda a: ((a.sin(), a.sum()), a * 0 + 1), has_aux=True)(x), x)


@pytest.mark.parametrize('name,f', SCALAR_FNS, ids=[n for n, _ in SCALAR_FNS])
def test_hessian(xy, name, f):
    same(lambda L, x, y: L.func.hessian(lambda a: f(L, a, y))(x), *xy, rtol=1e-4, atol=1e-6)
    same(lambda L, x, y: L.func.hessian(lambda a, b: f(L, a, b), argnums=(0, 1))(x, y), *xy, rtol=1e-4, atol=1e-6)


def test_jacrev_of_jacrev_equals_hessian(rng):
    x = rng.standard_normal(3)
    f = lambda a: (a.sin() * a.exp()).sum()  # noqa: E731
    e = ember.tensor(x)
    assert_same(ember.func.jacrev(ember.func.jacrev(f))(e), torch.func.hessian(f)(torch.tensor(x)))


# --- vmap ------------------------------------------------------------------------------------------------------

VMAP_CASES = [
    # (name, fn(lib, x, y), in_dims, out_dims)
    ('add', lambda L, x, y: x + y, 0, 0),
    ('dot_none', lambda L, x, y: (x * y).sum(), (0, None), 0),
    ('in1', lambda L, x, y: x * y.sum(), (1, 0), 0),
    ('neg_in', lambda L, x, y: x.sin() - y, -1, 0),
    ('out1', lambda L, x, y: L.outer(x, y), 0, 1),
    ('out_neg', lambda L, x, y: L.outer(x, y), 0, -1),
    ('tuple_out', lambda L, x, y: (x * 2, y.sum()), 0, (1, 0)),
    ('matmul', lambda L, x, y: x @ y, (0, None), 0),
]


@pytest.mark.parametrize('name,f,in_dims,out_dims', VMAP_CASES, ids=[c[0] for c in VMAP_CASES])
def test_vmap(rng, name, f, in_dims, out_dims):
    x = rng.standard_normal((4, 4))
    y = rng.standard_normal((4, 4))
    same(lambda L, x, y: L.func.vmap(lambda a, b: f(L, a, b), in_dims, out_dims)(x, y), x, y)


def test_vmap_nested_in_dims_kwargs_and_chunks(rng):
    x, y, z = rng.standard_normal((3, 2)), rng.standard_normal((2, 3)), rng.standard_normal(2)

    def run(L, x, y, z):
        f = L.func.vmap(lambda p, c, scale: (p[0] * p[1] + c) * scale, in_dims=((0, 1), None), chunk_size=2)
        return f((x, y), z, scale=3.0)
    same(run, x, y, z)
    assert ember.vmap is ember.func.vmap


def test_vmap_of_vmap_and_empty_batch(rng):
    x = rng.standard_normal((2, 3, 4))
    same(lambda L, x: L.func.vmap(L.func.vmap(lambda a: a.sum() * a))(x), x)
    same(lambda L, x: L.func.vmap(lambda a: (a * 2, a.sum()))(x[:0]), x)


def test_vmap_of_grad_gives_per_sample_gradients(rng):
    """The torch.func example: per-sample gradients of a model through functional_call + vmap(grad)."""
    xs, ys = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 2)).astype(np.float32)
    results = []
    model_t = None
    for L in (torch, ember):
        model = L.nn.Sequential(L.nn.Linear(3, 4), L.nn.Tanh(), L.nn.Linear(4, 2))
        if L is ember:
            for p, q in zip(model.parameters(), model_t.parameters()):
                p.data = ember.tensor(q.detach().numpy())
        else:
            model_t = model
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, x, y):
            out = L.func.functional_call(model, p, (x.unsqueeze(0),))
            return L.nn.functional.mse_loss(out, y.unsqueeze(0))
        results.append(L.func.vmap(L.func.grad(loss), in_dims=(None, 0, 0))(params, L.tensor(xs), L.tensor(ys)))
    t, e = results
    assert set(e) == set(t)
    for k in t:
        assert tuple(e[k].shape) == (5,) + tuple(t[k].shape[1:])
        assert_same(e[k], t[k], rtol=1e-4, atol=1e-6)
    # Sample 3's gradient is the gradient of sample 3's loss alone.
    model_t.zero_grad()
    torch.nn.functional.mse_loss(model_t(torch.tensor(xs[3:4])), torch.tensor(ys[3:4])).backward()
    np.testing.assert_allclose(e['0.weight'][3].numpy(), model_t[0].weight.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_vmap_randomness():
    ember.manual_seed(0)
    x = ember.zeros(4, 3)
    same_rows = ember.func.vmap(lambda a: a + ember.rand(3), randomness='same')(x)
    assert np.all(same_rows.numpy() == same_rows.numpy()[0])
    diff_rows = ember.func.vmap(lambda a: a + ember.rand(3), randomness='different')(x)
    assert len({tuple(r) for r in diff_rows.numpy().tolist()}) == 4
    with pytest.raises(RuntimeError, match='randomness error mode'):
        ember.func.vmap(lambda a: a + ember.rand(3))(x)
    with pytest.raises(RuntimeError, match='randomness error mode'):
        torch.func.vmap(lambda a: a + torch.rand(3))(torch.zeros(4, 3))


def test_vmap_of_jacrev_and_jacrev_of_vmap(rng):
    x = rng.standard_normal((3, 2))
    same(lambda L, x: L.func.vmap(L.func.jacrev(lambda a: a.sin() * a.sum()))(x), x)
    same(lambda L, x: L.func.jacrev(L.func.vmap(lambda a: a.exp() * a[0]))(x), x)


# --- bad inputs (each asserted against torch's exception class) ------------------------------------------------

BAD = [
    ('grad_nonscalar', lambda L, x: L.func.grad(lambda a: a * 2)(x), RuntimeError, 'scalar Tensor'),
    ('grad_not_tensor', lambda L, x: L.func.grad(lambda a: 2.0)(x), RuntimeError, 'to return a Tensor'),
    ('grad_bad_aux', lambda L, x: L.func.grad(lambda a: a.sum(), has_aux=True)(x), RuntimeError, 'tuple'),
    ('argnums_range', lambda L, x: L.func.grad(lambda a: a.sum(), argnums=2)(x), RuntimeError, 'Got argnum=2'),
    ('argnums_empty', lambda L, x: L.func.grad(lambda a: a.sum(), argnums=())(x), RuntimeError, 'non-empty'),
    ('argnums_float', lambda L, x: L.func.grad(lambda a: a.sum(), argnums=1.0)(x), RuntimeError, 'int or Tuple'),
    ('grad_wrt_float', lambda L, x: L.func.grad(lambda a, b: a.sum(), argnums=1)(x, 3.0), ValueError,
     'must be Tensor'),
    ('grad_int_input', lambda L, x: L.func.grad(lambda a: a.sum())(x.long()), RuntimeError, 'floating point'),
    ('vmap_sizes', lambda L, x: L.func.vmap(lambda a, b: a + b)(x, x[:2]), ValueError, 'same size'),
    ('vmap_in_dim_range', lambda L, x: L.func.vmap(lambda a: a, in_dims=1)(x), ValueError, 'in_dim=1'),
    ('vmap_in_dims_none', lambda L, x: L.func.vmap(lambda a: a, in_dims=None)(x), ValueError, 'in_dims'),
    ('vmap_in_dims_list', lambda L, x: L.func.vmap(lambda a: a, in_dims=[0])(x), ValueError, 'in_dims'),
    ('vmap_in_dims_struct', lambda L, x: L.func.vmap(lambda a: a, in_dims=(0, 0))(x), ValueError, 'not compatible'),
    ('vmap_all_none', lambda L, x: L.func.vmap(lambda a: a, in_dims=(None,))(x), ValueError, 'at least one'),
    ('vmap_non_tensor_out', lambda L, x: L.func.vmap(lambda a: 3)(x), ValueError, 'only return Tensors'),
    ('vmap_out_dims_struct', lambda L, x: L.func.vmap(lambda a: a, out_dims=(0, 0))(x), ValueError,
     'not compatible'),
    ('vmap_out_dim_range', lambda L, x: L.func.vmap(lambda a: a, out_dims=2)(x), IndexError, 'out of range'),
    ('vmap_randomness', lambda L, x: L.func.vmap(lambda a: a, randomness='bad')(x), RuntimeError, 'randomness'),
    ('vmap_chunk', lambda L, x: L.func.vmap(lambda a: a, chunk_size=0)(x), ValueError, 'chunk_size'),
    ('vjp_shape', lambda L, x: L.func.vjp(lambda a: a, x)[1](x[:2]), RuntimeError, 'Mismatch in shape'),
    ('jvp_not_tuple', lambda L, x: L.func.jvp(lambda a: a, x, x), RuntimeError, 'primals to be a tuple'),
    ('jvp_shape', lambda L, x: L.func.jvp(lambda a: a, (x,), (x[:2],)), RuntimeError, 'different size'),
    ('jvp_structure', lambda L, x: L.func.jvp(lambda a: a, (x,), (x, x)), RuntimeError, 'same python structure'),
    ('jacrev_argnums', lambda L, x: L.func.jacrev(lambda a: a, argnums=3)(x), RuntimeError, 'Got argnum=3'),
    ('view_as_real_real', lambda L, x: L.view_as_real(x), RuntimeError, 'only supported for complex'),
    ('view_as_complex_size', lambda L, x: L.view_as_complex(x), RuntimeError, 'last dimension of size 2'),
    ('view_as_complex_0d', lambda L, x: L.view_as_complex(x[0]), RuntimeError, 'last dimension of size 2'),
    ('view_as_complex_int', lambda L, x: L.view_as_complex(x[:2].int()), RuntimeError, 'scalar type: Int'),
    ('view_as_complex_stride', lambda L, x: L.view_as_complex(x.reshape(1, 3).expand(2, 3)[:, :2].t()),
     RuntimeError, 'stride 1'),
    ('view_as_complex_offset', lambda L, x: L.view_as_complex(L.arange(4.)[1:3]), RuntimeError, 'storage_offset'),
    ('post_hook_no_grad', lambda L, x: x.register_post_accumulate_grad_hook(print), RuntimeError,
     "doesn't require gradient"),
    ('post_hook_non_leaf', lambda L, x: (x.requires_grad_() * 2).register_post_accumulate_grad_hook(print),
     RuntimeError, 'non-leaf'),
    ('unpack_hook_type', lambda L, x: _bad_unpack(L, x), TypeError, 'unpack_hook expected to be a Tensor'),
    ('hooks_disabled', lambda L, x: _hooks_when_disabled(L, x), RuntimeError, 'no hooks here'),
    ('disable_while_hooked', lambda L, x: _disable_when_hooked(L, x), RuntimeError, 'no hooks here'),
    ('jacrev_chunk', lambda L, x: L.func.jacrev(lambda a: a, chunk_size=0)(x), ValueError, 'chunk_size'),
]


def _hooks_when_disabled(L, x):
    with L.autograd.graph.disable_saved_tensors_hooks('no hooks here'):
        with L.autograd.graph.saved_tensors_hooks(lambda a: a, lambda a: a):
            pass


def _disable_when_hooked(L, x):
    with L.autograd.graph.saved_tensors_hooks(lambda a: a, lambda a: a):
        with L.autograd.graph.disable_saved_tensors_hooks('no hooks here'):
            pass


def _bad_unpack(L, x):
    x = x.requires_grad_()
    with L.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: 5):
        y = (x * x).sum()
    y.backward()


@pytest.mark.parametrize('name,fn,exc,match', BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(name, fn, exc, match):
    raises_like_torch(fn, exc, match, np.arange(3.0))


# --- view_as_real / view_as_complex ----------------------------------------------------------------------------

@pytest.mark.parametrize('shape', [(), (3,), (2, 3), (0, 2)])
@pytest.mark.parametrize('dtype', [np.complex64, np.complex128])
def test_view_as_real(rng, shape, dtype):
    z = np.asarray(rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    check_op(ember.view_as_real, torch.view_as_real, z)
    check_op(lambda a: ember.view_as_real(a.t()) if a.dim() == 2 else ember.view_as_real(a),
             lambda a: torch.view_as_real(a.t()) if a.dim() == 2 else torch.view_as_real(a), z)


@pytest.mark.parametrize('shape', [(2,), (3, 2), (2, 4, 2)])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_view_as_complex(rng, shape, dtype):
    a = rng.standard_normal(shape).astype(dtype)
    check_op(ember.view_as_complex, torch.view_as_complex, a)
    check_op(lambda x: ember.view_as_complex(x * 2).abs(), lambda x: torch.view_as_complex(x * 2).abs(), a)


def test_view_as_complex_empty():
    # (torch.tensor of an empty NumPy array keeps NumPy's strides, which torch's view_as_complex rejects)
    for shape in [(0, 2), (2, 0, 2)]:
        assert_same(ember.view_as_complex(ember.zeros(shape)), torch.view_as_complex(torch.zeros(shape)))


def test_view_as_real_complex_share_memory_and_version():
    z = ember.tensor([1 + 2j, 3 - 1j])
    r = ember.view_as_real(z)
    r[1, 1] = 5.0
    assert z[1].item() == 3 + 5j and z._version == r._version == 1
    assert r._base is z
    a = ember.tensor(np.arange(6.0).reshape(3, 2))
    c = ember.view_as_complex(a)
    c[0] = 7 + 8j
    assert a[0].tolist() == [7.0, 8.0] and c._base is a
    assert ember.view_as_real(c)._base is a
    # transposed complex tensors give strided real views, still sharing memory
    zt = ember.tensor([[1 + 1j, 2 + 2j], [3 + 3j, 4 + 4j]]).t()
    rt = ember.view_as_real(zt)
    rt[0, 1, 0] = 9.0
    assert zt[0, 1].item() == 9 + 3j


def test_view_as_real_complex_gradcheck(rng):
    check_grads(lambda z: ember.view_as_real(z * z), rng.standard_normal((3,)) + 1j * rng.standard_normal(3))
    check_grads(lambda a: ember.view_as_complex(a).exp(), rng.standard_normal((3, 2)))
    check_grads(lambda a: ember.view_as_real(ember.view_as_complex(a) * (1 + 2j)), rng.standard_normal((2, 2)))


def test_view_as_real_grad_names():
    z = ember.tensor([1 + 2j]).requires_grad_()
    assert ember.view_as_real(z).grad_fn.name() == 'ViewAsRealBackward0'
    assert ember.view_as_complex(ember.ones(1, 2, requires_grad=True)).grad_fn.name() == 'ViewAsComplexBackward0'


# --- saved_tensors_hooks ---------------------------------------------------------------------------------------

SAVE_FNS = [
    ('mul', lambda L, x, y: (x * y).sum()),
    ('exp', lambda L, x, y: x.exp().sum()),
    ('chain', lambda L, x, y: ((x * y).sin() * x).sum()),
    ('matmul', lambda L, x, y: (x @ y.t()).tanh().sum()),
]


@pytest.mark.parametrize('name,f', SAVE_FNS, ids=[n for n, _ in SAVE_FNS])
def test_saved_tensors_hooks_counts_and_values(xy, name, f):
    def run(L, x, y):
        counts = {'pack': 0, 'unpack': 0}

        def pack(t):
            counts['pack'] += 1
            return t.detach() * 2  # unpacked values are what backward uses: gradients change accordingly

        def unpack(p):
            counts['unpack'] += 1
            return p

        with L.autograd.graph.saved_tensors_hooks(pack, unpack):
            out = f(L, x, y)
        packed = counts['pack']
        gx, gy = L.autograd.grad(out, (x, y), allow_unused=True, materialize_grads=True)
        return gx, gy, L.tensor(float(packed > 0)), L.tensor(float(counts['unpack'] == packed))
    same(run, *xy, requires_grad=True)


def test_saved_tensors_hooks_exact_counts(rng):
    x = rng.standard_normal(3)
    for L in (ember, torch):
        counts = []
        t = L.tensor(x, requires_grad=True)
        with L.autograd.graph.saved_tensors_hooks(lambda a: counts.append('p') or a, lambda a: counts.append('u') or a):
            y = (t * t).sum()
        assert counts == ['p', 'p']
        y.backward()
        assert counts == ['p', 'p', 'u', 'u']
        z = (t * t).sum()  # no hooks outside the context
        z.backward()
        assert counts == ['p', 'p', 'u', 'u']


def test_saved_tensors_hooks_nesting_double_backward_and_save_on_cpu(rng):
    x = rng.standard_normal(4)

    def run(L, x):
        outer = []
        with L.autograd.graph.saved_tensors_hooks(lambda a: outer.append(1) or a, lambda a: a):
            with L.autograd.graph.saved_tensors_hooks(lambda a: a.detach(), lambda a: a):
                y = (x ** 3).sum()
        (g,) = L.autograd.grad(y, x, create_graph=True)
        (gg,) = L.autograd.grad(g.sum(), x)
        with L.autograd.graph.save_on_cpu():
            z = (x.sin() * x).sum()
        (gz,) = L.autograd.grad(z, x)
        return g, gg, gz, L.tensor(float(len(outer)))
    same(run, x, requires_grad=True)


def test_saved_tensors_hooks_in_place_after_save_is_caught():
    x = ember.ones(3, requires_grad=True)
    with ember.autograd.graph.saved_tensors_hooks(lambda a: a, lambda a: a):
        y = x * 1
        z = (y * y).sum()
    y.add_(1)
    with pytest.raises(RuntimeError, match='modified by an inplace operation'):
        z.backward()


# --- post-accumulate-grad hooks --------------------------------------------------------------------------------

def test_post_accumulate_grad_hook_order_and_remove(rng):
    x = rng.standard_normal(3)
    logs = []
    for L in (ember, torch):
        log = []
        t = L.tensor(x, requires_grad=True)
        t.register_hook(lambda g: log.append(('pre', g.tolist())))
        h = t.register_post_accumulate_grad_hook(lambda p: log.append(('post', p.grad.tolist())))
        t.register_post_accumulate_grad_hook(lambda p: log.append(('post2', p is t)))
        (t * 2).sum().backward()
        (t * t).sum().backward()
        h.remove()
        t.sum().backward()
        L.autograd.grad((t * 3).sum(), t)  # autograd.grad does not accumulate: no post hook
        logs.append(log)
    assert len(logs[0]) == len(logs[1])
    for a, b in zip(*logs):
        assert a[0] == b[0]
        np.testing.assert_allclose(a[1], b[1])


def test_post_accumulate_grad_hook_optimizer_in_backward():
    """The pattern the hook exists for: step each parameter as soon as its gradient is ready."""
    w = ember.tensor([1.0, 2.0], requires_grad=True)

    def step(p):
        with ember.no_grad():
            p -= 0.1 * p.grad
        p.grad = None
    w.register_post_accumulate_grad_hook(step)
    (w * w).sum().backward()
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    assert w.grad is None


def test_transforms_stay_differentiable_for_closed_over_tensors(rng):
    x, w = rng.standard_normal(3), rng.standard_normal(3)

    def run(L, x, w):
        w = w.requires_grad_()
        g = L.func.grad(lambda a: (a * w).sin().sum())(x)
        j = L.func.jacrev(lambda a: a * w)(x)
        _, t = L.func.jvp(lambda a: (a * w).exp(), (x,), (L.ones_like(x),))
        plain = L.func.grad(lambda a: (a * a).sum())(x)
        assert g.requires_grad and j.requires_grad and t.requires_grad and not plain.requires_grad
        return L.autograd.grad((g.sum(), j.sum(), t.sum()), w)
    same(run, x, w)
