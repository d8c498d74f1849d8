"""nn.Module hooks (forward, backward and state-dict hooks) against real PyTorch.

Most tests build the same program twice, once on ``torch`` and once on ``ember`` (``lib`` below), and compare
what the two produce: values, gradients, call orders and exception messages.
"""
import numpy as np
import pytest

import ember
from support import needs_torch, torch

pytestmark = needs_torch


from test_nn_module import both, check, error_of, same_error  # noqa: E402,F401  (the shared runners)


# ----------------------------------------------------------------------------------------------- forward hooks
def test_forward_hooks():
    def prog(lib):
        log = []
        m = lib.nn.Linear(2, 2)
        with lib.no_grad():
            m.weight.copy_(lib.eye(2))
            m.bias.zero_()
        h1 = m.register_forward_pre_hook(lambda mod, args: log.append(('pre1', len(args))))
        m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        m.register_forward_pre_hook(lambda mod, args: log.append('pre0'), prepend=True)
        m.register_forward_pre_hook(lambda mod, args, kwargs: log.append(('prekw', sorted(kwargs))) or None,
                                    with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: log.append(('fwd', out.tolist())))
        h3 = m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append(('fwdkw', out.tolist())),
                                with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: log.append('first'), prepend=True)
        y1 = m(lib.ones(1, 2)).tolist()
        h1.remove()
        h3.remove()
        h3.remove()  # removing twice is harmless
        y2 = m(lib.ones(1, 2)).tolist()
        return log, y1, y2
    check(*both(prog))


def test_forward_pre_hook_with_kwargs_replaces_both():
    def prog(lib):
        class M(lib.nn.Module):
            def forward(self, x, scale=1.0):
                return x * scale
        m = M()
        m.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] + 1,), {'scale': 3.0}), with_kwargs=True)
        m.register_forward_hook(lambda mod, args, kwargs, out: out - kwargs['scale'], with_kwargs=True)
        return m(lib.ones(2), scale=10.0).tolist()
    check(*both(prog))


def test_forward_hook_always_call():
    def prog(lib):
        log = []

        class Boom(lib.nn.Module):
            def forward(self, x):
                raise ValueError("boom")
        m = Boom()
        m.register_forward_hook(lambda mod, args, out: log.append(('always', out)), always_call=True)
        m.register_forward_hook(lambda mod, args, out: log.append('normal'))
        try:
            m(lib.ones(1))
        except ValueError as ex:
            log.append(str(ex))
        return log
    check(*both(prog))


def test_missing_forward_error():
    same_error(lambda lib: lib.nn.Module()(lib.ones(1)))


# ----------------------------------------------------------------------------------------------- backward hooks
def _hooked_backward(lib, prepend=False, modify=False):
    log = []
    m = lib.nn.Linear(3, 2)
    with lib.no_grad():
        m.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]))
        m.bias.copy_(lib.tensor([0.1, -0.2]))

    def pre(mod, grad_output):
        log.append(('pre', [g.tolist() for g in grad_output]))
        if modify:
            return (grad_output[0] * 10,)

    def hook(mod, grad_input, grad_output):
        log.append(('hook', [None if g is None else (tuple(g.shape), g.tolist()) for g in grad_input],
                    [g.tolist() for g in grad_output]))
        if modify:
            return (grad_input[0] + 1,)
    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(hook)
    m.register_full_backward_hook(lambda mod, gi, go: log.append('first'), prepend=prepend)
    x = lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], requires_grad=True)
    y = m(x)
    (y * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    return log, x.grad.tolist(), m.weight.grad.tolist(), m.bias.grad.tolist()


@pytest.mark.parametrize('prepend', [False, True])
@pytest.mark.parametrize('modify', [False, True])
def test_full_backward_hooks(prepend, modify):
    e, t = both(lambda lib: _hooked_backward(lib, prepend, modify))
    assert e[0] == t[0]
    for a, b in zip(e[1:], t[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_full_backward_hook_input_without_grad():
    def prog(lib):
        log = []
        m = lib.nn.Linear(2, 2)
        with lib.no_grad():
            m.weight.fill_(1.0)
        m.register_full_backward_hook(lambda mod, gi, go: log.append(([g is None for g in gi], len(go))))
        m(lib.ones(1, 2)).sum().backward()
        return log, m.weight.grad.tolist()
    check(*both(prog))


def test_full_backward_hook_multiple_inputs_outputs():
    def prog(lib):
        log = []

        class Two(lib.nn.Module):
            def forward(self, a, b):
                return a * b, a + b
        m = Two()
        m.register_full_backward_hook(lambda mod, gi, go: log.append(([g.tolist() for g in gi],
                                                                        [g.tolist() for g in go])))
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        p, s = m(a, b)
        (p.sum() + 2 * s.sum()).backward()
        return log, a.grad.tolist(), b.grad.tolist()
    check(*both(prog))


def test_full_backward_hooks_mixed_inputs_and_outputs():
    # One grad_input/grad_output entry per positional value: None for non-tensors and ungraded outputs, zeros for
    # inputs that need no gradient (as PyTorch gives).
    def prog(lib):
        log = []

        class Mixed(lib.nn.Module):
            def forward(self, a, k, b):
                return a * b * k, b.detach(), 3
        m = Mixed()
        m.register_full_backward_pre_hook(lambda mod, go: log.append(('pre', [None if g is None else g.tolist()
                                                                              for g in go])))
        m.register_full_backward_hook(lambda mod, gi, go: log.append(([None if g is None else g.tolist() for g in gi],
                                                                        [None if g is None else g.tolist()
                                                                         for g in go])))
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        o, d, n = m(a, 2.0, lib.tensor([3.0, 4.0]))
        o.sum().backward()
        return log, a.grad.tolist(), d.requires_grad, n
    check(*both(prog))


@pytest.mark.parametrize('case', ['hook_count', 'pre_hook_count', 'no_input_grad_returns'])
def test_full_backward_hook_errors(case):
    def prog(lib):
        m = lib.nn.Linear(2, 2)
        x = lib.ones(1, 2, requires_grad=case != 'no_input_grad_returns')
        if case == 'hook_count':
            m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        elif case == 'pre_hook_count':
            m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
        else:
            m.register_full_backward_hook(lambda mod, gi, go: (lib.ones(1, 2),))
        m(x).sum().backward()
    same_error(prog)


# ----------------------------------------------------------------------------------------------- state-dict hooks
def test_state_dict_hooks():
    def prog(lib):
        log = []
        m = lib.nn.Sequential(lib.nn.Linear(1, 1))
        h1 = m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: log.append(('pre', prefix, keep_vars)))
        m[0].register_state_dict_pre_hook(lambda mod, prefix, keep_vars: log.append(('pre0', prefix)))

        def post(mod, sd, prefix, local_metadata):
            log.append(('post', prefix, list(sd)))
            sd['extra'] = lib.zeros(1)
        h2 = m.register_state_dict_post_hook(post)
        keys = list(m.state_dict(keep_vars=True))
        h1.remove()
        h2.remove()
        keys2 = list(m.state_dict())

        def lpre(mod, sd, prefix, local_metadata, strict, missing, unexpected, errors):
            log.append(('lpre', type(mod).__name__, prefix, sorted(sd), strict))
            sd.pop('junk', None)

        def lpost(mod, incompatible):
            log.append(('lpost', type(mod).__name__, list(incompatible.missing_keys),
                        list(incompatible.unexpected_keys)))
            incompatible.missing_keys.clear()
        m.register_load_state_dict_pre_hook(lpre)
        m.register_load_state_dict_post_hook(lpost)
        res = m.load_state_dict({'0.weight': lib.ones(1, 1), 'junk': lib.ones(1)})
        return log, keys, keys2, res.missing_keys
    check(*both(prog))


def test_load_state_dict_post_hook_must_not_return():
    same_error(lambda lib: (lambda m: (m.register_load_state_dict_post_hook(lambda mod, inc: 1),
                                       m.load_state_dict(m.state_dict())))(lib.nn.Linear(1, 1)))
