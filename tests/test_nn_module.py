"""nn.Module, Parameter/Buffer, the containers and the Linear-family layers, against real PyTorch.

Most tests build the same program twice, once on ``torch`` and once on ``ember`` (``lib`` below), and compare
what the two produce: names, key order, printed trees, values, gradients and exception messages.
"""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember
from support import assert_same, needs_torch, to_torch, torch

pytestmark = needs_torch


def both(fn):
    """``fn(lib)`` run with ember and with torch."""
    return fn(ember), fn(torch)


def check(e, t):
    """Same results item by item (the message names the first differing item in full)."""
    if isinstance(e, (list, tuple)) and isinstance(t, (list, tuple)) and len(e) == len(t):
        for i, (a, b) in enumerate(zip(e, t)):
            assert a == b, f"item {i}:\n ember: {a!r}\n torch: {b!r}"
    assert e == t


def error_of(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e), str(e)
    raise AssertionError(f"{lib.__name__}: no exception")


def same_error(fn, exact=True):
    """``fn`` raises the same exception class (and, when ``exact``, the same message) in ember and torch.

    Messages naming a Python class by its module path are compared with ``ember.`` read as ``torch.``.
    """
    (ec, em), (tc, tm) = error_of(fn, ember), error_of(fn, torch)
    em = em.replace("'ember.", "'torch.")
    assert ec.__name__ == tc.__name__, f"ember raised {ec.__name__}: {em}; torch raised {tc.__name__}: {tm}"
    if exact:
        assert em == tm, f"\n ember: {em}\n torch: {tm}"
    return em


def copy_weights(emod, tmod):
    """Load torch module ``tmod``'s state into ember module ``emod`` (the keys must agree)."""
    sd = OrderedDict((k, ember.tensor(v.detach().numpy().copy())) for k, v in tmod.state_dict().items())
    emod.load_state_dict(sd)


def tensor_of(lib, arr, requires_grad=False):
    return lib.tensor(np.asarray(arr), requires_grad=requires_grad)


class _Args:
    """Deterministic data shared by both frameworks."""
    r = np.random.default_rng(0)


def data(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ----------------------------------------------------------------------------------------------- models
def make_net(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 4)
            self.register_buffer('running', lib.zeros(4))
            self.register_buffer('scratch', lib.ones(2), persistent=False)
            self.register_buffer('count', lib.tensor(0))
            self.register_parameter('nothing', None)
            self.scale = nn.Parameter(lib.ones(1))

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.seq = nn.Sequential(nn.Linear(4, 4), nn.Identity(), nn.Linear(4, 2, bias=False))
            self.heads = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
            self.named = nn.ModuleDict({'b': nn.Linear(2, 1), 'a': nn.Flatten()})
            self.plist = nn.ParameterList([nn.Parameter(lib.zeros(2, 2)), nn.Parameter(lib.zeros(3))])
            self.pdict = nn.ParameterDict({'z': nn.Parameter(lib.zeros(1, 5)), 'y': nn.Parameter(lib.zeros(2))})
            self.top = nn.Parameter(lib.zeros(2))
            self.register_buffer('stat', lib.zeros(3, dtype=lib.float64))
            self.empty = None

        def forward(self, x):
            h = self.seq(self.block(x))
            for head in self.heads:
                h = head(h)
            return self.named['b'](h) + self.top.sum()

    return Net()


# ----------------------------------------------------------------------------------------------- registration
def test_attribute_assignment_registers():
    def prog(lib):
        m = lib.nn.Module()
        m.w = lib.nn.Parameter(lib.zeros(2))
        m.sub = lib.nn.Linear(1, 1)
        m.register_buffer('b', lib.zeros(1))
        m.plain = lib.zeros(1)
        m.b = lib.ones(3)  # re-assigning a tensor to a buffer keeps it a buffer
        m.buf2 = lib.nn.Buffer(lib.ones(1), persistent=False)
        out = [list(m._parameters), list(m._buffers), list(m._modules), 'plain' in m.__dict__,
               sorted(m._non_persistent_buffers_set), list(m.state_dict())]
        m.w = None  # a parameter set to None stays registered as None
        out.append(list(m._parameters.items()))
        del m.w
        m.w = lib.nn.Linear(2, 2)
        out += [list(m._parameters), list(m._modules)]
        m.sub = lib.nn.Parameter(lib.ones(1))  # a module name turned into a parameter
        out += [list(m._parameters), list(m._modules)]
        del m.b
        del m.sub
        del m.w
        out += [list(m._parameters), list(m._buffers), list(m._modules), hasattr(m, 'b')]
        m.sub = None
        out.append('sub' in m.__dict__)
        return out
    check(*both(prog))


@pytest.mark.parametrize('case', [
    'param_from_tensor', 'module_from_int', 'buffer_from_int', 'param_from_int', 'param_from_module',
])
def test_bad_reassignment_messages(case):
    def prog(lib):
        m = lib.nn.Linear(2, 2)
        m.register_buffer('buf', lib.zeros(1))
        if case == 'param_from_tensor':
            m.weight = lib.zeros(2, 2)
        elif case == 'param_from_int':
            m.bias = 3
        elif case == 'param_from_module':
            m.bias = lib.nn.Identity()
        elif case == 'module_from_int':
            m.add_module('child', lib.nn.Identity())
            m.child = 3
        else:
            m.buf = 3
    same_error(prog)


@pytest.mark.parametrize('case', [
    'buffer_dot', 'buffer_empty', 'buffer_exists', 'buffer_type', 'param_dot', 'param_empty', 'param_exists',
    'param_type', 'param_nonleaf', 'module_type', 'module_dot', 'module_empty', 'module_exists', 'buffer_name_type',
    'param_name_type', 'module_name_type',
])
def test_register_errors(case):
    def prog(lib):
        m = lib.nn.Linear(2, 2)
        m.attr = 1
        P = lib.nn.Parameter
        {
            'buffer_dot': lambda: m.register_buffer('a.b', lib.zeros(1)),
            'buffer_empty': lambda: m.register_buffer('', lib.zeros(1)),
            'buffer_exists': lambda: m.register_buffer('attr', lib.zeros(1)),
            'buffer_type': lambda: m.register_buffer('x', 3),
            'buffer_name_type': lambda: m.register_buffer(3, lib.zeros(1)),
            'param_dot': lambda: m.register_parameter('a.b', P(lib.zeros(1))),
            'param_empty': lambda: m.register_parameter('', P(lib.zeros(1))),
            'param_exists': lambda: m.register_parameter('attr', P(lib.zeros(1))),
            'param_type': lambda: m.register_parameter('x', lib.zeros(1)),
            'param_name_type': lambda: m.register_parameter(3, P(lib.zeros(1))),
            'param_nonleaf': lambda: m.register_parameter('x', P(lib.zeros(1)) * 2),
            'module_type': lambda: m.add_module('x', 3),
            'module_dot': lambda: m.add_module('a.b', lib.nn.Identity()),
            'module_empty': lambda: m.add_module('', lib.nn.Identity()),
            'module_exists': lambda: m.add_module('attr', lib.nn.Identity()),
            'module_name_type': lambda: m.add_module(3, lib.nn.Identity()),
        }[case]()
    # A non-leaf "Parameter" is a plain tensor in torch too: both reject it with the same class.
    same_error(prog, exact=case != 'param_nonleaf')


def test_assign_before_init_errors():
    def prog(lib):
        class Bad(lib.nn.Module):
            def __init__(self):
                self.w = lib.nn.Parameter(lib.zeros(1))
        Bad()
    same_error(prog)

    def prog2(lib):
        class Bad(lib.nn.Module):
            def __init__(self):
                self.m = lib.nn.Identity()
        Bad()
    same_error(prog2)


def test_missing_attribute_error():
    same_error(lambda lib: lib.nn.Linear(1, 1).nope)


def test_named_members():
    def prog(lib):
        m = make_net(lib)
        shared = lib.nn.Linear(2, 2)
        m.heads.append(shared)
        m.alias = shared
        m.heads[0].weight = m.heads[1].weight
        return [
            [n for n, _ in m.named_parameters()],
            [n for n, _ in m.named_parameters(prefix='model')],
            [n for n, _ in m.named_parameters(recurse=False)],
            [n for n, _ in m.named_parameters(remove_duplicate=False)],
            [n for n, _ in m.named_buffers()],
            [n for n, _ in m.named_buffers(prefix='p', recurse=False)],
            [n for n, _ in m.named_children()],
            [n for n, _ in m.named_modules()],
            [n for n, _ in m.named_modules(prefix='root')],
            [n for n, _ in m.named_modules(remove_duplicate=False)],
            [type(c).__name__ for c in m.children()],
            [type(c).__name__ for c in m.modules()],
            len(list(m.parameters())), len(list(m.buffers())), len(list(m.parameters(recurse=False))),
        ]
    check(*both(prog))


def test_get_set_submodule_parameter_buffer():
    def prog(lib):
        m = make_net(lib)
        out = [type(m.get_submodule('block.fc')).__name__, tuple(m.get_parameter('block.fc.weight').shape),
               tuple(m.get_parameter('top').shape), tuple(m.get_buffer('block.running').shape),
               m.get_submodule('') is m, type(m.get_submodule('seq.2')).__name__]
        m.set_submodule('seq.1', lib.nn.Linear(4, 4))
        out.append(type(m.seq[1]).__name__)
        m.register_module('extra', lib.nn.Identity())
        out.append(list(m._modules))
        return out
    check(*both(prog))


@pytest.mark.parametrize('target', ['block.nope', 'block.fc.weight.x', 'top.x'])
def test_get_submodule_errors(target):
    same_error(lambda lib: make_net(lib).get_submodule(target))


@pytest.mark.parametrize('fn,target', [
    ('get_parameter', 'block.running'), ('get_parameter', 'block.nope'), ('get_parameter', 'nope.weight'),
    ('get_buffer', 'block.fc.weight'), ('get_buffer', 'block.nope'), ('get_buffer', 'block.fc'),
])
def test_get_parameter_buffer_errors(fn, target):
    same_error(lambda lib: getattr(make_net(lib), fn)(target))


def test_set_submodule_strict_error():
    same_error(lambda lib: make_net(lib).set_submodule('block.newmod', lib.nn.Identity(), strict=True))


# ----------------------------------------------------------------------------------------------- state dict
def test_state_dict_keys_and_order():
    def prog(lib):
        m = make_net(lib)
        sd = m.state_dict()
        kv = m.state_dict(keep_vars=True)
        pre = m.block.state_dict(prefix='pre.')
        return [list(sd), [type(v).__name__ for v in sd.values()], [type(v).__name__ for v in kv.values()],
                [v.requires_grad for v in sd.values()], [v.requires_grad for v in kv.values()], list(pre),
                list(sd._metadata), [str(v.dtype) for v in sd.values()], [tuple(v.shape) for v in sd.values()]]
    check(*both(prog))


def test_state_dict_values_detached_share_storage():
    def prog(lib):
        m = lib.nn.Linear(2, 2)
        sd = m.state_dict()
        with lib.no_grad():
            m.weight.fill_(3.0)
        return [float(sd['weight'][0, 0]), sd['weight'].grad_fn is None, sd['weight'] is m.weight]
    check(*both(prog))


def test_load_state_dict_roundtrip_with_torch():
    tm = make_net(torch)
    for p in tm.parameters():
        torch.nn.init.normal_(p)
    tm.block.running.normal_()
    em = make_net(ember)
    copy_weights(em, tm)
    for (k, e), (k2, t) in zip(em.state_dict().items(), tm.state_dict().items()):
        assert k == k2
        assert_same(e, t)
    x = data(5, 3)
    assert_same(em(ember.tensor(x)), tm(torch.tensor(x)))


def test_load_state_dict_copies_in_place():
    def prog(lib):
        m = lib.nn.Linear(2, 3)
        w = m.weight
        res = m.load_state_dict({'weight': lib.ones(3, 2), 'bias': lib.zeros(3)})
        return [m.weight is w, float(m.weight.sum()), repr(res), res.missing_keys, res.unexpected_keys,
                m.weight.requires_grad]
    check(*both(prog))


@pytest.mark.parametrize('case', ['missing', 'unexpected', 'both', 'size', 'size_and_missing', 'nested',
                                  'not_tensor', 'buffer_missing'])
def test_load_state_dict_error_text(case):
    def prog(lib):
        m = make_net(lib)
        sd = m.state_dict()
        if case in ('missing', 'both', 'size_and_missing'):
            del sd['block.fc.bias'], sd['top']
        if case in ('unexpected', 'both'):
            sd['block.extra'] = lib.zeros(1)
            sd['foo'] = lib.zeros(1)
        if case in ('size', 'size_and_missing'):
            sd['seq.0.weight'] = lib.zeros(4, 5)
            sd['heads.1.bias'] = lib.zeros(3)
        if case == 'nested':
            sd['block.fc.weight.x'] = lib.zeros(1)
            sd['heads.5.weight'] = lib.zeros(1)
        if case == 'not_tensor':
            sd['top'] = [1.0, 2.0]
        if case == 'buffer_missing':
            del sd['block.count'], sd['stat']
        m.load_state_dict(sd)
    same_error(prog)


def test_load_state_dict_not_dict():
    same_error(lambda lib: lib.nn.Linear(1, 1).load_state_dict([1, 2]))


def test_load_state_dict_non_strict():
    def prog(lib):
        m = make_net(lib)
        sd = m.state_dict()
        del sd['block.fc.bias'], sd['stat']
        sd['foo.bar'] = lib.zeros(1)
        sd['block.scratch'] = lib.zeros(2)  # non-persistent buffer: unexpected
        res = m.load_state_dict(sd, strict=False)
        return [res.missing_keys, res.unexpected_keys, repr(res), type(res).__name__]
    check(*both(prog))


def test_load_state_dict_size_mismatch_non_strict_still_raises():
    same_error(lambda lib: lib.nn.Linear(2, 2).load_state_dict({'weight': lib.zeros(2, 3)}, strict=False))


def test_load_state_dict_assign():
    def prog(lib):
        m = lib.nn.Linear(2, 3)
        old = m.weight
        new_w = lib.ones(3, 2, dtype=lib.float64)
        m.load_state_dict({'weight': new_w, 'bias': lib.zeros(3)}, assign=True)
        return [m.weight is old, type(m.weight).__name__, str(m.weight.dtype), m.weight.requires_grad,
                float(m.weight.sum())]
    check(*both(prog))


# ----------------------------------------------------------------------------------------------- modes, grads
def test_train_eval_propagation():
    def prog(lib):
        m = make_net(lib)
        out = [m.training, m.block.fc.training]
        m.eval()
        out += [all(not x.training for x in m.modules())]
        m.block.train()
        out += [m.training, m.block.training, m.block.fc.training, m.seq.training]
        r = m.train(True)
        out += [r is m, all(x.training for x in m.modules())]
        return out
    check(*both(prog))
    same_error(lambda lib: lib.nn.Linear(1, 1).train('yes'))


def test_zero_grad_and_requires_grad():
    def prog(lib):
        m = lib.nn.Linear(2, 2)
        m(lib.ones(1, 2)).sum().backward()
        g = m.weight.grad
        m.zero_grad(set_to_none=False)
        out = [m.weight.grad is g, float(g.abs().sum())]
        m.zero_grad()
        out += [m.weight.grad is None, m.bias.grad is None]
        m.requires_grad_(False)
        out += [p.requires_grad for p in m.parameters()]
        m.bias.requires_grad_(True)
        out += [p.requires_grad for p in m.parameters()]
        return out
    check(*both(prog))


def test_apply_order():
    def prog(lib):
        seen = []
        make_net(lib).apply(lambda mod: seen.append(type(mod).__name__))
        return seen
    check(*both(prog))


@pytest.mark.parametrize('conv', ['double', 'float', 'half', 'to_dtype', 'to_tensor', 'to_kw', 'bfloat16'])
def test_apply_conversions_keep_parameters(conv):
    def prog(lib):
        m = make_net(lib)
        m(lib.ones(2, 3)).sum().backward()
        params = list(m.parameters())
        {
            'double': lambda: m.double(), 'float': lambda: m.double().float(), 'half': lambda: m.half(),
            'bfloat16': lambda: m.bfloat16(),
            'to_dtype': lambda: m.to(lib.float64), 'to_tensor': lambda: m.to(lib.zeros(1, dtype=lib.float16)),
            'to_kw': lambda: m.to(device='cpu', dtype=lib.float64),
        }[conv]()
        return ([p is q for p, q in zip(params, m.parameters())], [type(p).__name__ for p in m.parameters()],
                [str(p.dtype) for p in m.parameters()], [None if p.grad is None else str(p.grad.dtype) for p in m.parameters()],
                [str(b.dtype) for b in m.buffers()], [p.requires_grad for p in m.parameters()])
    check(*both(prog))


def test_to_rejects_integer_dtype():
    same_error(lambda lib: lib.nn.Linear(1, 1).to(lib.int64))


def test_converted_module_computes_in_new_dtype():
    t = torch.nn.Linear(3, 2)
    e = ember.nn.Linear(3, 2)
    copy_weights(e, t)
    x = data(4, 3, dtype=np.float64)
    assert_same(e.double()(ember.tensor(x)), t.double()(torch.tensor(x)))


# ----------------------------------------------------------------------------------------------- printing
def test_repr_nested_model():
    e, t = both(lambda lib: repr(make_net(lib)))
    assert e == t


def test_repr_folding_and_extra_repr():
    def prog(lib):
        nn = lib.nn

        class WithExtra(nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = nn.Linear(1, 1)

            def extra_repr(self):
                return 'alpha=1,\nbeta=2'
        ml = nn.ModuleList([nn.Linear(2, 2)] * 3 + [nn.Identity(), nn.Linear(3, 3, bias=False),
                                                     nn.Linear(3, 3, bias=False), nn.Sequential(nn.Linear(1, 1)),
                                                     nn.Sequential(nn.Linear(1, 1))])
        return [repr(ml), repr(nn.ModuleList()), repr(nn.Sequential()), repr(WithExtra()), repr(nn.Identity()),
                repr(nn.ModuleDict()), repr(nn.Flatten()), repr(nn.Unflatten(1, (2, 3))),
                repr(nn.Bilinear(2, 3, 4)), repr(nn.Linear(2, 3, bias=False))]
    check(*both(prog))


def test_parameter_container_reprs():
    def prog(lib):
        nn = lib.nn
        pl = nn.ParameterList([nn.Parameter(lib.zeros(2, 3)), lib.zeros(4, dtype=lib.float64), 'str-item',
                               nn.Parameter(lib.zeros(()))])
        pd = nn.ParameterDict({'a': nn.Parameter(lib.zeros(1, 2)), 'b': lib.zeros(3, dtype=lib.float16)})
        return [repr(pl), repr(pd), repr(nn.ParameterList()), repr(nn.ParameterDict())]
    check(*both(prog))


def test_parameter_repr_and_sharing():
    def prog(lib):
        base = lib.tensor([1.0, 2.0])
        p = lib.nn.Parameter(base)
        with lib.no_grad():
            p.mul_(3)
        q = lib.nn.Parameter(lib.tensor([1, 2]), requires_grad=False)
        return [repr(p), repr(lib.nn.Parameter(lib.tensor([1.0, 2.0]), requires_grad=False)), base.tolist(),
                p.requires_grad, q.requires_grad, type(p).__name__, isinstance(p, lib.Tensor), p.is_leaf,
                repr(q), tuple(lib.nn.Parameter().shape)]
    check(*both(prog))


def test_parameter_of_int_requiring_grad_fails():
    same_error(lambda lib: lib.nn.Parameter(lib.tensor([1, 2])), exact=False)


def test_buffer():
    def prog(lib):
        m = lib.nn.Module()
        m.a = lib.nn.Buffer(lib.zeros(2))
        m.b = lib.nn.Buffer(lib.ones(1), persistent=False)
        return [list(m._buffers), type(m._buffers['a']).__name__, list(m.state_dict()),
                sorted(m._non_persistent_buffers_set)]
    check(*both(prog))


# ----------------------------------------------------------------------------------------------- copying
def test_deepcopy_keeps_sharing():
    for lib in (ember, torch):
        m = make_net(lib)
        m.heads[0].weight = m.heads[1].weight
        m.alias = m.seq
        c = copy.deepcopy(m)
        assert c.heads[0].weight is c.heads[1].weight
        assert c.heads[0].weight is not m.heads[0].weight
        assert c.alias is c.seq
        assert type(c.top).__name__ == 'Parameter' and c.top.requires_grad
        assert list(c.state_dict()) == list(m.state_dict())


def make_picklable(lib):
    """A model of library classes only (classes local to a test cannot be pickled)."""
    nn = lib.nn
    m = nn.Sequential(OrderedDict([('fc', nn.Linear(3, 4)), ('flat', nn.Flatten(0)), ('out', nn.Linear(8, 2))]))
    m.register_buffer('stat', lib.arange(3))
    m.register_buffer('scratch', lib.ones(2), persistent=False)
    m.extra = nn.ParameterList([nn.Parameter(lib.zeros(2))])
    m.alias = m.fc
    return m


def test_pickle_roundtrip():
    t = make_picklable(torch)
    e = make_picklable(ember)
    copy_weights(e, t)
    e2 = pickle.loads(pickle.dumps(e))
    assert repr(e2) == repr(e) == repr(t)
    assert e2.alias is e2.fc and e2.alias is not e.fc
    assert [type(p).__name__ for p in e2.parameters()] == ['Parameter'] * 5
    for (k, a), (k2, b) in zip(e2.state_dict().items(), t.state_dict().items()):
        assert k == k2
        assert_same(a, b)
    assert e2.scratch.tolist() == [1.0, 1.0]
    x = data(2, 3)
    assert_same(e2.out(e2.flat(e2.fc(ember.tensor(x)))), t.out(t.flat(t.fc(torch.tensor(x)))))


# ----------------------------------------------------------------------------------------------- containers
def test_sequential_operations():
    def prog(lib):
        nn = lib.nn
        names = lambda s: [type(x).__name__ + str(getattr(x, 'out_features', '')) for x in s]  # noqa: E731
        s = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(2, 3), nn.Identity())
        out = [len(s), names(s), names(s[1:3]), type(s[1:3]).__name__, names(s[::-1]), s[-1] is s[3]]
        s.append(nn.Linear(3, 4))
        s.insert(1, nn.Linear(1, 1, bias=False))
        s.insert(-1, nn.Flatten())
        out += [names(s), list(s._modules)]
        popped = s.pop(2)
        out += [names([popped]), list(s._modules)]
        del s[0]
        out += [list(s._modules), names(s)]
        del s[1:3]
        out += [list(s._modules), names(s)]
        s.extend([nn.Linear(1, 5)])
        s2 = s + nn.Sequential(nn.Identity())
        s3 = nn.Sequential(nn.Linear(1, 6)) * 2
        s3 += nn.Sequential(nn.Identity())
        s[0] = nn.Linear(9, 9)
        out += [names(s2), list(s2._modules), names(s3), s3[0] is s3[1], names(s)]
        od = nn.Sequential(OrderedDict([('conv', nn.Linear(1, 1)), ('act', nn.Identity())]))
        out += [list(od._modules), type(od.conv).__name__, list(od.state_dict())]
        return out
    check(*both(prog))


def test_sequential_forward_matches():
    t = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Flatten(0), torch.nn.Unflatten(0, (2, 6)),
                            torch.nn.Linear(6, 2))
    e = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.Flatten(0), ember.nn.Unflatten(0, (2, 6)),
                            ember.nn.Linear(6, 2))
    copy_weights(e, t)
    x = data(4, 4)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eo, to = e(ex), t(tx)
    assert_same(eo, to)
    eo.pow(2).sum().backward()
    to.pow(2).sum().backward()
    assert_same(ex.grad, tx.grad, rtol=1e-5, atol=1e-6)
    for (n, a), (n2, b) in zip(e.named_parameters(), t.named_parameters()):
        assert n == n2
        assert_same(a.grad, b.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('case', ['index', 'neg_index', 'mul_zero', 'mul_float', 'add_list', 'insert_range',
                                  'insert_non_module', 'setitem_range', 'del_range', 'pop_range'])
def test_sequential_errors(case):
    def prog(lib):
        s = lib.nn.Sequential(lib.nn.Identity(), lib.nn.Identity())
        {
            'index': lambda: s[2], 'neg_index': lambda: s[-3], 'mul_zero': lambda: s * 0,
            'mul_float': lambda: s * 1.5, 'add_list': lambda: s + [lib.nn.Identity()],
            'insert_range': lambda: s.insert(5, lib.nn.Identity()),
            'insert_non_module': lambda: s.insert(0, 3),
            'setitem_range': lambda: s.__setitem__(4, lib.nn.Identity()),
            'del_range': lambda: s.__delitem__(7), 'pop_range': lambda: s.pop(9),
        }[case]()
    same_error(prog)


def test_module_list_operations():
    def prog(lib):
        nn = lib.nn
        feats = lambda ml: [getattr(x, 'out_features', None) for x in ml]  # noqa: E731
        ml = nn.ModuleList([nn.Linear(1, i) for i in range(1, 5)])
        out = [len(ml), feats(ml), feats(ml[1:3]), type(ml[1:3]).__name__, ml[-1].out_features]
        ml.append(nn.Linear(1, 9))
        ml.insert(0, nn.Linear(1, 7))
        ml.insert(2, nn.Linear(1, 8))
        ml.extend([nn.Linear(1, 10)])
        ml += [nn.Linear(1, 11)]
        out += [feats(ml), list(ml._modules)]
        out += [ml.pop(1).out_features, feats(ml), list(ml._modules)]
        del ml[::2]
        out += [feats(ml), list(ml._modules)]
        ml[0] = nn.Identity()
        ml2 = ml + nn.ModuleList([nn.Linear(1, 12)])
        out += [feats(ml), feats(ml2), list(ml2._modules), [n for n, _ in ml.named_parameters()]]
        return out
    check(*both(prog))


@pytest.mark.parametrize('case', ['index', 'extend_module', 'extend_int', 'forward', 'setitem_type'])
def test_module_list_errors(case):
    def prog(lib):
        ml = lib.nn.ModuleList([lib.nn.Identity()])
        {'index': lambda: ml[3], 'extend_module': lambda: ml.extend(lib.nn.Identity()),
         'extend_int': lambda: ml.extend(3), 'forward': lambda: ml(lib.ones(1)),
         'setitem_type': lambda: ml.__setitem__(0, 3)}[case]()
    same_error(prog)


def test_module_dict_operations():
    def prog(lib):
        nn = lib.nn
        md = nn.ModuleDict({'b': nn.Linear(1, 2), 'a': nn.Linear(1, 3)})
        out = [list(md.keys()), len(md), 'a' in md, [k for k in md], [v.out_features for v in md.values()]]
        md['c'] = nn.Identity()
        md.update([('d', nn.Linear(1, 4)), ('a', nn.Linear(1, 5))])
        md.update(OrderedDict([('e', nn.Identity())]))
        out += [list(md.keys()), md['a'].out_features, [k for k, _ in md.items()]]
        out += [type(md.pop('c')).__name__, list(md.keys())]
        del md['b']
        out += [list(md.keys()), list(md.state_dict())]
        md.clear()
        out += [len(md)]
        return out
    check(*both(prog))


@pytest.mark.parametrize('case', ['missing', 'update_int', 'update_bad_element', 'update_short_element',
                                  'setitem_type'])
def test_module_dict_errors(case):
    def prog(lib):
        md = lib.nn.ModuleDict({'a': lib.nn.Identity()})
        {'missing': lambda: md['zz'], 'update_int': lambda: md.update(3),
         'update_bad_element': lambda: md.update([3]),
         'update_short_element': lambda: md.update([('k',)]),
         'setitem_type': lambda: md.__setitem__('x', 3)}[case]()
    same_error(prog)


def test_parameter_list_and_dict():
    def prog(lib):
        nn = lib.nn
        pl = nn.ParameterList([lib.zeros(2), nn.Parameter(lib.ones(3))])
        pl.append(lib.zeros(1, dtype=lib.float64))
        pl.extend([nn.Parameter(lib.zeros(4))])
        pl[0] = lib.ones(5)
        out = [len(pl), [type(p).__name__ for p in pl], [tuple(p.shape) for p in pl], [p.requires_grad for p in pl],
               [n for n, _ in pl.named_parameters()], list(pl.state_dict()), tuple(pl[-1].shape),
               len(pl[1:3])]
        pd = nn.ParameterDict({'w': lib.zeros(2), 'v': nn.Parameter(lib.ones(1))})
        pd['u'] = lib.zeros(3)
        pd.update({'t': lib.zeros(1)})
        out += [list(pd.keys()), [type(v).__name__ for v in pd.values()], [k for k, _ in pd.items()],
                'u' in pd, len(pd), tuple(pd.get('zz', lib.zeros(7)).shape), list(pd.state_dict())]
        out += [tuple(pd.pop('w').shape), list(pd.keys())]
        del pd['v']
        out += [list(pd.keys()), [n for n, _ in pd.named_parameters()]]
        return out
    check(*both(prog))


@pytest.mark.parametrize('case', ['pl_index', 'pl_extend_tensor', 'pd_missing'])
def test_parameter_container_errors(case):
    def prog(lib):
        pl = lib.nn.ParameterList([lib.zeros(1)])
        pd = lib.nn.ParameterDict({'a': lib.zeros(1)})
        {'pl_index': lambda: pl[4], 'pl_extend_tensor': lambda: pl.extend(lib.zeros(2)),
         'pd_missing': lambda: pd['zz']}[case]()
    same_error(prog, exact=case != 'pd_missing')


# ----------------------------------------------------------------------------------------------- layers
@pytest.mark.parametrize('shape', [(5, 4), (2, 3, 4), (4,), (0, 4)])
@pytest.mark.parametrize('bias', [True, False])
def test_linear_forward_backward(shape, bias):
    t = torch.nn.Linear(4, 3, bias=bias)
    e = ember.nn.Linear(4, 3, bias=bias)
    copy_weights(e, t)
    x = data(*shape)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eo, to = e(ex), t(tx)
    assert_same(eo, to)
    w = data(*to.shape, seed=1)
    (eo * ember.tensor(w)).sum().backward()
    (to * torch.tensor(w)).sum().backward()
    assert_same(ex.grad, tx.grad)
    for a, b in zip(e.parameters(), t.parameters()):
        assert_same(a.grad, b.grad, rtol=1e-5, atol=1e-5)


def test_linear_default_dtype_and_factory_kwargs():
    def prog(lib):
        m = lib.nn.Linear(3, 2, dtype=lib.float64)
        return [str(m.weight.dtype), str(m.bias.dtype), tuple(m.weight.shape), m.in_features, m.out_features]
    check(*both(prog))


def test_linear_shape_error():
    same_error(lambda lib: lib.nn.Linear(3, 2)(lib.ones(4, 5)))


@pytest.mark.parametrize('shapes', [((5, 3), (5, 4)), ((2, 3, 3), (2, 3, 4)), ((3,), (4,)), ((0, 3), (0, 4))])
@pytest.mark.parametrize('bias', [True, False])
def test_bilinear_forward_backward(shapes, bias):
    t = torch.nn.Bilinear(3, 4, 2, bias=bias)
    e = ember.nn.Bilinear(3, 4, 2, bias=bias)
    copy_weights(e, t)
    x1, x2 = data(*shapes[0], seed=1), data(*shapes[1], seed=2)
    e1, e2 = ember.tensor(x1, requires_grad=True), ember.tensor(x2, requires_grad=True)
    t1, t2 = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    eo, to = e(e1, e2), t(t1, t2)
    assert_same(eo, to, rtol=1e-5, atol=1e-5)
    w = data(*to.shape, seed=3)
    (eo * ember.tensor(w)).sum().backward()
    (to * torch.tensor(w)).sum().backward()
    assert_same(e1.grad, t1.grad, rtol=1e-5, atol=1e-5)
    assert_same(e2.grad, t2.grad, rtol=1e-5, atol=1e-5)
    for a, b in zip(e.parameters(), t.parameters()):
        assert_same(a.grad, b.grad, rtol=1e-5, atol=1e-5)


def test_bilinear_gradcheck():
    from support import check_grads
    F = ember.nn.functional
    check_grads(F.bilinear, data(2, 3), data(2, 2, seed=1), data(4, 3, 2, seed=2), data(4, seed=3))


@pytest.mark.parametrize('shapes', [
    ((2, 3), (3, 4), (5, 3, 4), None), ((2, 3), (2, 5), (5, 3, 4), None), ((2, 4), (2, 4), (5, 3, 4), None),
    ((2, 2, 3), (2, 4), (5, 3, 4), None), ((2, 3), (2, 4), (5, 3, 4), (4,)), ((2, 3), (2, 4), (5, 3, 4), ()),
])
def test_bilinear_errors(shapes):
    def prog(lib):
        args = [lib.ones(*s) for s in shapes[:3]] + ([lib.ones(*shapes[3])] if shapes[3] is not None else [])
        lib.nn.functional.bilinear(*args)
    same_error(prog)


def test_bilinear_dtype_error():
    same_error(lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 4, dtype=lib.float64),
                                                      lib.ones(5, 3, 4), lib.ones(5, dtype=lib.float16)))


def test_identity_and_flatten_unflatten():
    x = data(2, 3, 4, 5)
    for build in [lambda nn: nn.Identity(3, foo=4), lambda nn: nn.Flatten(), lambda nn: nn.Flatten(0, 2),
                  lambda nn: nn.Flatten(-2), lambda nn: nn.Unflatten(1, (3, 1)), lambda nn: nn.Unflatten(-1, [5, 1]),
                  lambda nn: nn.Unflatten(2, (-1, 2))]:
        ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        eo, to = build(ember.nn)(ex), build(torch.nn)(tx)
        assert_same(eo, to)
        w = data(*to.shape, seed=1)
        (eo * ember.tensor(w)).sum().backward()
        (to * torch.tensor(w)).sum().backward()
        assert_same(ex.grad, tx.grad)


@pytest.mark.parametrize('build', [
    lambda lib: lib.nn.Unflatten(1, (2.0, 3)), lambda lib: lib.nn.Unflatten(1, 5),
    lambda lib: lib.nn.Unflatten(1, (4, 4))(lib.ones(2, 6)), lambda lib: lib.nn.Flatten(3)(lib.ones(2, 3)),
    lambda lib: lib.nn.Flatten(2, 1)(lib.ones(2, 3, 4)),
])
def test_flatten_unflatten_errors(build):
    same_error(build)


def test_lazy_linear():
    def prog(lib):
        m = lib.nn.LazyLinear(3)
        out = [type(m.weight).__name__, m.has_uninitialized_params() if hasattr(m, 'has_uninitialized_params')
               else True]
        y = m(lib.ones(2, 5))
        out += [type(m).__name__, tuple(m.weight.shape), tuple(m.bias.shape), m.in_features, tuple(y.shape),
                type(m.weight).__name__, list(m.state_dict()), repr(m)]
        return out
    check(*both(prog))


def test_lazy_linear_load_state_dict_materializes():
    def prog(lib):
        m = lib.nn.LazyLinear(2)
        m.load_state_dict({'weight': lib.ones(2, 4), 'bias': lib.zeros(2)})
        return [tuple(m.weight.shape), float(m.weight.sum()), m(lib.ones(1, 4)).tolist()]
    check(*both(prog))


def test_linear_default_init_distribution():
    ember.manual_seed(0)
    m = ember.nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound
    assert abs(w.mean()) < 0.01 * bound
    assert np.abs(b).max() > 0.9 * bound
    bl = ember.nn.Bilinear(50, 30, 40).weight.detach().numpy()
    assert np.abs(bl).max() <= 1 / np.sqrt(50) and abs(bl.std() - 1 / np.sqrt(150)) < 0.01
