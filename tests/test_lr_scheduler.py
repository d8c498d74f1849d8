"""ember.optim.lr_scheduler against PyTorch: every scheduler's learning-rate (and momentum) sequence, state dict
round trips mid-way, the deprecated ``step(epoch)`` closed forms, warnings, and bad arguments."""
import warnings
from copy import deepcopy

import numpy as np
import pytest

import ember
from support import needs_torch, torch

pytestmark = needs_torch

STEPS = 39


def _sgd(lib, momentum=0.9):
    ps = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(3))]
    return lib.optim.SGD([{'params': [ps[0]]}, {'params': [ps[1]], 'lr': 0.05}], lr=0.1, momentum=momentum)


def _adam(lib):
    ps = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(3))]
    return lib.optim.Adam([{'params': [ps[0]]}, {'params': [ps[1]], 'lr': 0.05}], lr=0.1, betas=(0.9, 0.99))


def _with(make_opt, make_sched):
    def build(lib):
        opt = make_opt(lib)
        return opt, make_sched(lib.optim.lr_scheduler, opt)
    return build


def _cubic(x):
    return 0.5 ** x


SCHEDULERS = {
    'LambdaLR': _with(_sgd, lambda L, o: L.LambdaLR(o, lambda e: 0.95 ** e)),
    'LambdaLR-per-group': _with(_sgd, lambda L, o: L.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9 ** (e // 3)])),
    'MultiplicativeLR': _with(_sgd, lambda L, o: L.MultiplicativeLR(o, lambda e: 0.97 if e % 2 else 0.99)),
    'StepLR': _with(_sgd, lambda L, o: L.StepLR(o, step_size=7, gamma=0.5)),
    'MultiStepLR': _with(_sgd, lambda L, o: L.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3)),
    'ConstantLR': _with(_sgd, lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=10)),
    'LinearLR': _with(_sgd, lambda L, o: L.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=15)),
    'ExponentialLR': _with(_sgd, lambda L, o: L.ExponentialLR(o, gamma=0.93)),
    'PolynomialLR': _with(_sgd, lambda L, o: L.PolynomialLR(o, total_iters=25, power=2.0)),
    'CosineAnnealingLR': _with(_sgd, lambda L, o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    'CosineAnnealingWarmRestarts': _with(_sgd, lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2,
                                                                                          eta_min=0.01)),
    'CyclicLR-triangular': _with(_sgd, lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4)),
    'CyclicLR-triangular2': _with(_sgd, lambda L, o: L.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3,
                                                                step_size_down=6, mode='triangular2',
                                                                base_momentum=0.7, max_momentum=0.95)),
    'CyclicLR-exp_range-betas': _with(_adam, lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5,
                                                                     mode='exp_range', gamma=0.95)),
    'CyclicLR-scale_fn': _with(_sgd, lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4,
                                                             scale_fn=_cubic, scale_mode='iterations',
                                                             cycle_momentum=False)),
    'OneCycleLR': _with(_sgd, lambda L, o: L.OneCycleLR(o, max_lr=0.5, total_steps=STEPS + 1)),
    'OneCycleLR-three-phase-betas': _with(_adam, lambda L, o: L.OneCycleLR(
        o, max_lr=[0.5, 0.3], epochs=4, steps_per_epoch=10, pct_start=0.25, anneal_strategy='linear',
        three_phase=True, div_factor=10.0, final_div_factor=100.0)),
    'OneCycleLR-no-momentum': _with(_sgd, lambda L, o: L.OneCycleLR(o, max_lr=0.5, total_steps=45,
                                                                    cycle_momentum=False)),
    'SequentialLR': _with(_sgd, lambda L, o: L.SequentialLR(
        o, [L.ConstantLR(o, factor=0.5, total_iters=5), L.ExponentialLR(o, gamma=0.9)], milestones=[8])),
    'SequentialLR-three': _with(_sgd, lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.StepLR(o, 3, 0.5), L.CosineAnnealingLR(o, 8)],
        milestones=[5, 15])),
    'ChainedScheduler': _with(_sgd, lambda L, o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.5, total_iters=4), L.ExponentialLR(o, gamma=0.95)])),
    'SWALR-linear': _with(_sgd, lambda L, o: _swa(L).SWALR(o, swa_lr=0.05, anneal_epochs=5,
                                                           anneal_strategy='linear')),
    'SWALR-cos': _with(_sgd, lambda L, o: _swa(L).SWALR(o, swa_lr=[0.02, 0.01], anneal_epochs=7)),
    'SWALR-no-anneal': _with(_sgd, lambda L, o: _swa(L).SWALR(o, swa_lr=0.02, anneal_epochs=0)),
}


def _swa(lr_scheduler_module):
    return ember.optim.swa_utils if lr_scheduler_module is ember.optim.lr_scheduler else torch.optim.swa_utils


def _record(opt, sched):
    return (list(sched.get_last_lr()), [(g['lr'], g.get('momentum'), g.get('betas')) for g in opt.param_groups])


def _run(lib, build, split=None):
    opt, sched = build(lib)
    seq = [_record(opt, sched)]
    for i in range(STEPS):
        opt.step()
        sched.step()
        seq.append(_record(opt, sched))
        if i == split:
            # Restart from checkpoints: a fresh optimizer and scheduler, the optimizer loaded after the scheduler
            # is built (building it sets the rates), as PyTorch's documentation says.
            sd_opt, sd_sched = deepcopy(opt.state_dict()), deepcopy(sched.state_dict())
            opt, sched = build(lib)
            opt.load_state_dict(sd_opt)
            sched.load_state_dict(sd_sched)
    return seq


@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_lr_sequence_matches_torch(name):
    build = SCHEDULERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no warning in a correct training loop
        e = _run(ember, build)
    t = _run(torch, build)
    assert e == t


@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_state_dict_round_trip_mid_way(name):
    build = SCHEDULERS[name]
    assert _run(ember, build, split=STEPS // 2) == _run(torch, build)


def _keys(sd):
    return {k: (sorted(_keys(s) for s in v) if k == '_schedulers' else None) for k, v in sd.items()}


@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_state_dict_keys_match_torch(name):
    (_, es), (_, ts) = SCHEDULERS[name](ember), SCHEDULERS[name](torch)
    assert set(es.state_dict()) == set(ts.state_dict())
    if '_schedulers' in ts.state_dict():
        for a, b in zip(es.state_dict()['_schedulers'], ts.state_dict()['_schedulers']):
            assert set(a) == set(b)


@pytest.mark.parametrize('name,make', [
    ('StepLR', lambda L, o: L.StepLR(o, step_size=3, gamma=0.5)),
    ('MultiStepLR', lambda L, o: L.MultiStepLR(o, [2, 5, 5], gamma=0.5)),
    ('ConstantLR', lambda L, o: L.ConstantLR(o, factor=0.5, total_iters=4)),
    ('LinearLR', lambda L, o: L.LinearLR(o, start_factor=0.5, total_iters=4)),
    ('ExponentialLR', lambda L, o: L.ExponentialLR(o, gamma=0.9)),
    ('PolynomialLR', lambda L, o: L.PolynomialLR(o, total_iters=6, power=0.5)),
    ('CosineAnnealingLR', lambda L, o: L.CosineAnnealingLR(o, T_max=6, eta_min=0.01)),
    ('LambdaLR', lambda L, o: L.LambdaLR(o, lambda e: 1 / (1 + e))),
])
def test_step_with_epoch_uses_closed_form(name, make):
    seqs = []
    for lib in (ember, torch):
        opt = _sgd(lib)
        sched = make(lib.optim.lr_scheduler, opt)
        seq = []
        with pytest.warns(UserWarning, match="The epoch parameter"):
            for epoch in (3, 1, 7, 7, 2, 10):
                opt.step()
                sched.step(epoch)
                seq.append(sched.get_last_lr())
        seqs.append(seq)
    assert seqs[0] == seqs[1]


def test_cosine_annealing_is_chainable_not_closed_form():
    # An outside change to the rate carries through the chainable form (and differs from the closed form).
    seqs = []
    for lib in (ember, torch):
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8)
        seq = []
        for i in range(12):
            opt.step()
            if i == 3:
                for g in opt.param_groups:
                    g['lr'] *= 0.5
            sched.step()
            seq.append(sched.get_last_lr())
        seqs.append(seq)
    assert seqs[0] == seqs[1]
    closed = [0.1 * (1 + np.cos(np.pi * (i + 1) / 8)) / 2 for i in range(12)]
    assert seqs[0][6][0] != pytest.approx(closed[6])


@pytest.mark.parametrize('T_mult', [1, 2, 3])
def test_warm_restarts_fractional_epochs(T_mult):
    seqs = []
    for lib in (ember, torch):
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=T_mult, eta_min=0.001)
        seq = []
        for epoch in range(12):
            for i in range(4):
                opt.step()
                sched.step(epoch + i / 4)
                seq.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        seqs.append(seq)
    assert seqs[0] == seqs[1]


PLATEAU = [
    dict(),
    dict(mode='max', factor=0.5, patience=2, threshold=0.05),
    dict(patience=1, threshold_mode='abs', threshold=0.01, cooldown=3, min_lr=[0.02, 0.001]),
    dict(mode='max', threshold_mode='abs', patience=0, factor=0.3, min_lr=0.004, eps=1e-3),
]


@pytest.mark.parametrize('kwargs', PLATEAU)
def test_reduce_lr_on_plateau(kwargs):
    metrics = [1.0, 0.9, 0.85, 0.85, 0.86, 0.84, 0.84, 0.84, 0.9, 0.83] * 4 + [0.5] * 15
    seqs, scheds = [], []
    for lib in (ember, torch):
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        seq = []
        for i, m in enumerate(metrics):
            opt.step()
            sched.step(lib.tensor(m) if i % 3 == 0 else m)
            seq.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
            if i == 20:
                sd_opt, sd = deepcopy(opt.state_dict()), deepcopy(sched.state_dict())
                opt = _sgd(lib)
                sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
                opt.load_state_dict(sd_opt)
                sched.load_state_dict(sd)
        seqs.append(seq)
        scheds.append(sched)
    assert seqs[0] == seqs[1]
    assert set(scheds[0].state_dict()) == set(scheds[1].state_dict())


def test_reduce_lr_on_plateau_new_group_needs_min_lrs():
    for lib in (ember, torch):
        opt = _sgd(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
        sched.step(1.0)
        opt.add_param_group({'params': [lib.nn.Parameter(lib.ones(1))]})
        with pytest.raises(RuntimeError, match="The number of param groups in the `optimizer` \\(3\\)"):
            sched.step(2.0)


def test_warning_when_scheduler_steps_before_optimizer():
    opt = _sgd(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()


def test_warning_when_optimizer_step_is_replaced():
    opt = _sgd(ember)
    sched = ember.optim.lr_scheduler.ExponentialLR(opt, 0.9)
    opt.step = lambda closure=None: None
    with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been overridden"):
        sched.step()


def test_get_lr_outside_step_warns():
    opt = _sgd(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_resume_with_last_epoch():
    seqs = []
    for lib in (ember, torch):
        opt = _sgd(lib)
        for g in opt.param_groups:
            g['initial_lr'] = g['lr'] * 2
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, last_epoch=4)
        seq = [sched.get_last_lr()]
        for _ in range(8):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr())
        seqs.append(seq)
    assert seqs[0] == seqs[1]


def test_lambda_objects_keep_their_state():
    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, epoch):
            return self.rate ** epoch
    opt = _sgd(ember)
    sched = ember.optim.lr_scheduler.LambdaLR(opt, [Decay(0.5), lambda e: 1.0])
    sd = sched.state_dict()
    assert sd['lr_lambdas'] == [{'rate': 0.5}, None]
    sd['lr_lambdas'][0]['rate'] = 0.25
    sched.load_state_dict(sd)
    assert sched.lr_lambdas[0].rate == 0.25 and 'lr_lambdas' in sd


def test_tensor_lr_is_filled_in_place():
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.ones(2))
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD([p], lr=lr)
        sched = lib.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
        opt.step()
        sched.step()
        assert opt.param_groups[0]['lr'] is lr and lr.item() == pytest.approx(0.05)
        assert isinstance(sched.get_last_lr()[0], lib.Tensor) and sched.get_last_lr()[0] is not lr


# --------------------------------------------------------------------------------------------- bad inputs

BAD = [
    ('not an optimizer', lambda L, o: L.StepLR(object(), 3)),
    ('ConstantLR factor', lambda L, o: L.ConstantLR(o, factor=2.0)),
    ('LinearLR start', lambda L, o: L.LinearLR(o, start_factor=0)),
    ('LinearLR end', lambda L, o: L.LinearLR(o, end_factor=1.5)),
    ('LambdaLR count', lambda L, o: L.LambdaLR(o, [lambda e: 1.0])),
    ('MultiplicativeLR not callable', lambda L, o: L.MultiplicativeLR(o, [1.0, 2.0])),
    ('resume without initial_lr', lambda L, o: L.StepLR(o, 3, last_epoch=5)),
    ('warm restarts T_0', lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=0)),
    ('warm restarts T_mult', lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0)),
    ('warm restarts eta_min', lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, eta_min='0')),
    ('warm restarts negative epoch', lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2).step(-1)),
    ('CyclicLR mode', lambda L, o: L.CyclicLR(o, 0.01, 0.1, mode='square')),
    ('CyclicLR max_lr length', lambda L, o: L.CyclicLR(o, 0.01, [0.1, 0.2, 0.3])),
    ('CyclicLR no momentum', lambda L, o: L.CyclicLR(_rprop(L), 0.01, 0.1)),
    ('OneCycleLR no length', lambda L, o: L.OneCycleLR(o, max_lr=0.1)),
    ('OneCycleLR total_steps', lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=0)),
    ('OneCycleLR epochs', lambda L, o: L.OneCycleLR(o, max_lr=0.1, epochs=-1, steps_per_epoch=3)),
    ('OneCycleLR pct_start', lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5)),
    ('OneCycleLR anneal', lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy='exp')),
    ('OneCycleLR past the end', lambda L, o: [(o.step(), s.step()) for s in [L.OneCycleLR(o, max_lr=0.1,
                                                                                          total_steps=3)]
                                              for _ in range(4)]),
    ('Plateau factor', lambda L, o: L.ReduceLROnPlateau(o, factor=1.0)),
    ('Plateau mode', lambda L, o: L.ReduceLROnPlateau(o, mode='up')),
    ('Plateau threshold mode', lambda L, o: L.ReduceLROnPlateau(o, threshold_mode='pct')),
    ('Plateau min_lr count', lambda L, o: L.ReduceLROnPlateau(o, min_lr=[0.1])),
    ('SequentialLR empty', lambda L, o: L.SequentialLR(o, [], milestones=[])),
    ('SequentialLR milestones', lambda L, o: L.SequentialLR(o, [L.StepLR(o, 2), L.StepLR(o, 3)], milestones=[])),
    ('SequentialLR plateau', lambda L, o: L.SequentialLR(o, [L.StepLR(o, 2), L.ReduceLROnPlateau(o)],
                                                         milestones=[3])),
    ('ChainedScheduler empty', lambda L, o: L.ChainedScheduler([])),
    ('ChainedScheduler other optimizer', lambda L, o: L.ChainedScheduler([L.StepLR(o, 2), L.StepLR(_rprop(L), 2)])),
    ('SWALR swa_lr count', lambda L, o: _swa(L).SWALR(o, swa_lr=[0.1])),
]


def _rprop(lr_scheduler_module):
    lib = ember if lr_scheduler_module is ember.optim.lr_scheduler else torch
    return lib.optim.Rprop([lib.nn.Parameter(lib.ones(1))])


@pytest.mark.parametrize('fn', [f for _, f in BAD], ids=[n for n, _ in BAD])
def test_bad_input_matches_torch(fn):
    with pytest.raises(Exception) as te:
        fn(torch.optim.lr_scheduler, _sgd(torch))
    with pytest.raises(type(te.value)) as ee:
        fn(ember.optim.lr_scheduler, _sgd(ember))
    assert type(ee.value) is type(te.value)
    msg = str(te.value)
    if 'object at 0x' not in msg and 'SGD (' not in msg:
        assert str(ee.value) == msg
