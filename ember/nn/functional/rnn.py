"""The time loops of the recurrent layers as fused primitives: one call runs one layer in one direction.

The input projection of every time step is one ``F.linear`` over the whole sequence, done by the caller; a
primitive here takes those projected gates ``xg`` and runs the recurrence: per step one matrix product with
``W_hh`` and the gate math in a few in-place NumPy calls, saving the gate activations.

Sequences are in the packed layout of ``PackedSequence``: the rows of time step ``t`` are
``xg[off[t]:off[t] + bs[t]]`` and the batch sizes never grow, so at every step the active sequences are a prefix
of the batch and the others keep their state. A padded (T, B) batch is the case ``bs = (B,) * T``.

Backward through time is one NumPy loop over the saved activations, with everything that does not depend on
the step order (activation derivatives, the previous states of every row, the weight gradients) done in whole-
sequence vectorised calls. That loop works on arrays, so it only runs when backward builds no graph; under
``create_graph=True`` the vjp recomputes the layer with ember ops and differentiates it, so higher-order
gradients stay exact (slow, but exact).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..._tensor import Tensor
from ...autograd import grad_mode
from ...backend import xp_of
from ...ops._primitive import primitive

_wrap = Tensor._wrap


@lru_cache(maxsize=512)
def _layout(batch_sizes: tuple, reverse: bool):
    """The steps ``(offset, batch size)`` in processing order, and for every packed row the row of its previous
    hidden state in ``concat([h0, out])`` (``h0`` for a sequence's first step)."""
    offs = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]]).tolist()
    order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    steps = tuple((offs[t], batch_sizes[t]) for t in order)
    n_b = batch_sizes[0] if batch_sizes else 0
    prev = np.empty(sum(batch_sizes), np.int64)
    last = None
    for off, b in steps:
        if last is None:
            prev[off:off + b] = np.arange(b)
        else:
            k = min(b, last[1])
            prev[off:off + k] = n_b + last[0] + np.arange(k)
            prev[off + k:off + b] = np.arange(k, b)  # sequences starting here (reverse direction): from h0
        last = (off, b)
    return steps, prev


def _state0(h0, n_b: int, width: int, like):
    xp = xp_of(like)
    return xp.zeros((n_b, width), like.dtype) if h0 is None else h0.copy()


def _prev_rows(h0, out, prev, n_b: int):
    xp = xp_of(out)
    first = xp.zeros((n_b, out.shape[1]), out.dtype) if h0 is None else h0
    return xp.concatenate([first, out]).take(xp.asarray(prev), 0)


def _grad_or_none(arr, h0):
    return None if h0 is None else _wrap(arr)


def _needs(inputs: tuple, needs_input_grad: tuple) -> list:
    """``needs_input_grad`` (one flag per tensor given) spread over the inputs, None ones included."""
    flags = iter(needs_input_grad)
    return [t is not None and next(flags) for t in inputs]


# ------------------------------------------------------------------------------------------------ Elman RNN

@primitive(n_out=2, backward_name='RnnBackward0')
def _rnn_layer(xg, w_hh, h0, batch_sizes, reverse, relu):
    steps, _ = _layout(batch_sizes, reverse)
    h = _state0(h0, batch_sizes[0], w_hh.shape[1], xg)
    out = np.empty_like(xg)
    w_t = w_hh.T
    for off, b in steps:
        a = out[off:off + b]
        np.matmul(h[:b], w_t, out=a)
        a += xg[off:off + b]
        if relu:
            np.maximum(a, 0, out=a)
        else:
            np.tanh(a, out=a)
        h[:b] = a
    return out, h


@_rnn_layer.vjp
def _(grad, xg, w_hh, h0, batch_sizes, reverse, relu, out, needs_input_grad):
    if grad_mode.is_grad_enabled():
        return _exact_vjp(_rnn_ref, grad, (xg, w_hh, h0), batch_sizes, reverse, relu)
    g_out, g_h = grad[0]._data, grad[1]._data
    y, wh = out[0]._data, w_hh._data
    steps, prev = _layout(batch_sizes, reverse)
    deriv = (y > 0).astype(y.dtype) if relu else 1 - y * y
    dh = g_h.copy()
    dz = np.empty_like(y)
    for off, b in reversed(steps):
        d = dz[off:off + b]
        np.add(dh[:b], g_out[off:off + b], out=d)
        d *= deriv[off:off + b]
        np.matmul(d, wh, out=dh[:b])
    g_w = dz.T @ _prev_rows(None if h0 is None else h0._data, y, prev, batch_sizes[0]) if needs_input_grad[1] else None
    return _wrap(dz), _wrap(g_w) if g_w is not None else None, _grad_or_none(dh, h0)


# ------------------------------------------------------------------------------------------------ LSTM

@primitive(n_out=3, aux=('acts', 'cs', 'tcs'), backward_name='LstmBackward0')
def _lstm_layer(xg, w_hh, h0, c0, w_hr, batch_sizes, reverse):
    steps, _ = _layout(batch_sizes, reverse)
    hid = w_hh.shape[0] // 4
    n_b = batch_sizes[0]
    h = _state0(h0, n_b, w_hh.shape[1], xg)
    c = _state0(c0, n_b, hid, xg)
    # All four gates from one exp: sigmoid(x) = 1 / (1 + exp(-x)) and tanh(x) = 2 sigmoid(2x) - 1, so the
    # pre-activations are scaled by -1 (i, f, o) and -2 (g), folded into W_hh and into xg once.
    xp = xp_of(xg)
    s = xp.full(4 * hid, -1, xg.dtype)
    s[2 * hid:3 * hid] = -2
    xs = xg * s
    w_t = (w_hh * s[:, None]).T
    acts = np.empty_like(xg)
    cs = xp.empty((xg.shape[0], hid), xg.dtype)
    tcs = np.empty_like(cs)
    out = xp.empty((xg.shape[0], h.shape[1]), xg.dtype)
    with np.errstate(over='ignore'):  # exp overflows to inf for saturated gates: 1 / (1 + inf) = 0 is right
        for off, b in steps:
            a = acts[off:off + b]
            np.matmul(h[:b], w_t, out=a)
            a += xs[off:off + b]
            _sigmoid_of_exp(a)
            g = a[:, 2 * hid:3 * hid]
            g *= 2
            g -= 1
            cn = cs[off:off + b]
            np.multiply(a[:, hid:2 * hid], c[:b], out=cn)
            cn += a[:, :hid] * g
            c[:b] = cn
            tc = tcs[off:off + b]
            np.multiply(cn, -2, out=tc)
            _sigmoid_of_exp(tc)
            tc *= 2
            tc -= 1
            hn = out[off:off + b]
            if w_hr is None:
                np.multiply(a[:, 3 * hid:], tc, out=hn)
            else:
                np.matmul(a[:, 3 * hid:] * tc, w_hr.T, out=hn)
            h[:b] = hn
    return out, h, c, acts, cs, tcs


def _sigmoid_of_exp(a) -> None:
    """In place: ``a <- 1 / (1 + exp(a))`` (the sigmoid of ``-a``)."""
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


@_lstm_layer.vjp
def _(grad, xg, w_hh, h0, c0, w_hr, batch_sizes, reverse, out, acts, cs, tcs, needs_input_grad):
    if grad_mode.is_grad_enabled():
        return _exact_vjp(_lstm_ref, grad, (xg, w_hh, h0, c0, w_hr), batch_sizes, reverse)
    g_out, g_h, g_c = (g._data for g in grad)
    a_all, c_all, tc, y = acts._data, cs._data, tcs._data, out[0]._data
    wh = w_hh._data
    hid = wh.shape[0] // 4
    n_b = batch_sizes[0]
    steps, prev = _layout(batch_sizes, reverse)
    o_all = a_all[:, 3 * hid:]
    # Whole-sequence factors: d(gate)/d(pre-activation), and d(h)/d(c) through o * tanh(c).
    deriv = a_all * (1 - a_all)
    g_all = a_all[:, 2 * hid:3 * hid]
    deriv[:, 2 * hid:3 * hid] = 1 - g_all * g_all
    do_dc = o_all * (1 - tc * tc)
    c_prev = _prev_rows(None if c0 is None else c0._data, c_all, prev, n_b)
    proj = w_hr is not None
    whr = w_hr._data if proj else None
    dh = g_h.copy()
    dc = g_c.copy()
    dz = np.empty_like(a_all)
    dhs = np.empty_like(y) if proj else None
    for off, b in reversed(steps):
        sl = slice(off, off + b)
        d = dh[:b] + g_out[sl]
        if proj:
            dhs[sl] = d
            d = d @ whr
        z = dz[sl]
        a = a_all[sl]
        np.multiply(d, tc[sl], out=z[:, 3 * hid:])
        dct = d * do_dc[sl]
        dct += dc[:b]
        np.multiply(dct, a[:, 2 * hid:3 * hid], out=z[:, :hid])
        np.multiply(dct, c_prev[sl], out=z[:, hid:2 * hid])
        np.multiply(dct, a[:, :hid], out=z[:, 2 * hid:3 * hid])
        np.multiply(dct, a[:, hid:2 * hid], out=dc[:b])
        z *= deriv[sl]
        np.matmul(z, wh, out=dh[:b])
    g_w = dz.T @ _prev_rows(None if h0 is None else h0._data, y, prev, n_b) if needs_input_grad[1] else None
    g_wr = dhs.T @ (o_all * tc) if proj and _needs((xg, w_hh, h0, c0, w_hr), needs_input_grad)[4] else None
    return (_wrap(dz), None if g_w is None else _wrap(g_w), _grad_or_none(dh, h0), _grad_or_none(dc, c0),
            None if g_wr is None else _wrap(g_wr))


# ------------------------------------------------------------------------------------------------ GRU

@primitive(n_out=2, aux=('acts', 'hn'), backward_name='GruBackward0')
def _gru_layer(xg, w_hh, b_hh, h0, batch_sizes, reverse):
    steps, _ = _layout(batch_sizes, reverse)
    hid = w_hh.shape[1]
    h = _state0(h0, batch_sizes[0], hid, xg)
    # sigmoid(x) = 1 / (1 + exp(-x)) and tanh(x) = 2 sigmoid(2x) - 1: the r and z rows of W_hh (and b_hh, xg)
    # are negated once, so each step's gates need one exp.
    xp = xp_of(xg)
    s = xp.ones(3 * hid, xg.dtype)
    s[:2 * hid] = -1
    w_t = (w_hh * s[:, None]).T
    bs = None if b_hh is None else b_hh * s
    xs = -xg[:, :2 * hid]
    acts = np.empty_like(xg)
    hn_all = xp.empty((xg.shape[0], hid), xg.dtype)
    out = xp.empty((xg.shape[0], hid), xg.dtype)
    with np.errstate(over='ignore'):  # exp overflows to inf for saturated gates: 1 / (1 + inf) = 0 is right
        for off, b in steps:
            hg = h[:b] @ w_t
            if bs is not None:
                hg += bs
            a = acts[off:off + b]
            rz = a[:, :2 * hid]
            np.add(hg[:, :2 * hid], xs[off:off + b], out=rz)
            _sigmoid_of_exp(rz)
            hn_all[off:off + b] = hg[:, 2 * hid:]
            n = a[:, 2 * hid:]
            np.multiply(a[:, :hid], hg[:, 2 * hid:], out=n)
            n += xg[off:off + b, 2 * hid:]
            n *= -2
            _sigmoid_of_exp(n)
            n *= 2
            n -= 1
            hb = out[off:off + b]
            np.subtract(h[:b], n, out=hb)  # h' = n + z * (h - n)
            hb *= a[:, hid:2 * hid]
            hb += n
            h[:b] = hb
    return out, h, acts, hn_all


@_gru_layer.vjp
def _(grad, xg, w_hh, b_hh, h0, batch_sizes, reverse, out, acts, hn, needs_input_grad):
    if grad_mode.is_grad_enabled():
        return _exact_vjp(_gru_ref, grad, (xg, w_hh, b_hh, h0), batch_sizes, reverse)
    g_out, g_h = grad[0]._data, grad[1]._data
    a_all, hn_all, y = acts._data, hn._data, out[0]._data
    wh = w_hh._data
    hid = wh.shape[1]
    n_b = batch_sizes[0]
    steps, prev = _layout(batch_sizes, reverse)
    h_prev = _prev_rows(None if h0 is None else h0._data, y, prev, n_b)
    r, z, n = a_all[:, :hid], a_all[:, hid:2 * hid], a_all[:, 2 * hid:]
    # Whole-sequence factors of d(h')/d(pre-activations).
    f_n = (1 - z) * (1 - n * n)
    f_z = (h_prev - n) * z * (1 - z)
    f_r = hn_all * r * (1 - r)
    dx = np.empty_like(a_all)
    dhg = np.empty_like(a_all)
    dh = g_h.copy()
    for off, b in reversed(steps):
        sl = slice(off, off + b)
        d = dh[:b] + g_out[sl]
        x = dx[sl]
        dn = x[:, 2 * hid:]
        np.multiply(d, f_n[sl], out=dn)
        np.multiply(d, f_z[sl], out=x[:, hid:2 * hid])
        np.multiply(dn, f_r[sl], out=x[:, :hid])
        g = dhg[sl]
        g[:, :2 * hid] = x[:, :2 * hid]
        np.multiply(dn, r[sl], out=g[:, 2 * hid:])
        d *= z[sl]
        np.matmul(g, wh, out=dh[:b])
        dh[:b] += d
    g_w = dhg.T @ h_prev if needs_input_grad[1] else None
    g_b = dhg.sum(0) if b_hh is not None and needs_input_grad[2] else None
    return (_wrap(dx), None if g_w is None else _wrap(g_w), None if g_b is None else _wrap(g_b),
            _grad_or_none(dh, h0))


# ------------------------------------------------------------------------------------------------ exact path

def _zeros(like: Tensor, n: int, width: int) -> Tensor:
    from ...ops.creation import zeros
    return zeros((n, width), dtype=like.dtype, device=like.device)


def _run_ref(cell, xg: Tensor, states: list, batch_sizes: tuple, reverse: bool):
    """Run ``cell(x_rows, [state[:b] ...]) -> (out_rows, new states)`` over the packed layout with ember ops."""
    from ...ops.joining import cat
    steps, _ = _layout(batch_sizes, reverse)
    n_b = batch_sizes[0]
    outs = {}
    for off, b in steps:
        y, new = cell(xg[off:off + b], [s[:b] for s in states])
        states = [v if b == n_b else cat([v, s[b:]]) for v, s in zip(new, states)]
        outs[off] = y
    return cat([outs[k] for k in sorted(outs)]), states


def _rnn_ref(xg, w_hh, h0, batch_sizes, reverse, relu):
    h0 = _zeros(xg, batch_sizes[0], w_hh.shape[1]) if h0 is None else h0

    def cell(x, st):
        a = x + st[0].matmul(w_hh.t())
        a = a.relu() if relu else a.tanh()
        return a, [a]
    out, (h,) = _run_ref(cell, xg, [h0], batch_sizes, reverse)
    return out, h


def _lstm_ref(xg, w_hh, h0, c0, w_hr, batch_sizes, reverse):
    hid = w_hh.shape[0] // 4
    h0 = _zeros(xg, batch_sizes[0], w_hh.shape[1]) if h0 is None else h0
    c0 = _zeros(xg, batch_sizes[0], hid) if c0 is None else c0

    def cell(x, st):
        i, f, g, o = (x + st[0].matmul(w_hh.t())).chunk(4, 1)
        c = f.sigmoid() * st[1] + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        if w_hr is not None:
            h = h.matmul(w_hr.t())
        return h, [h, c]
    out, (h, c) = _run_ref(cell, xg, [h0, c0], batch_sizes, reverse)
    return out, h, c


def _gru_ref(xg, w_hh, b_hh, h0, batch_sizes, reverse):
    hid = w_hh.shape[1]
    h0 = _zeros(xg, batch_sizes[0], hid) if h0 is None else h0

    def cell(x, st):
        hg = st[0].matmul(w_hh.t())
        if b_hh is not None:
            hg = hg + b_hh
        xr, xz, xn = x.chunk(3, 1)
        hr, hz, hn = hg.chunk(3, 1)
        r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
        n = (xn + r * hn).tanh()
        h = n + z * (st[0] - n)
        return h, [h]
    out, (h,) = _run_ref(cell, xg, [h0], batch_sizes, reverse)
    return out, h


def _exact_vjp(ref, grad, inputs: tuple, *args):
    """The vjp under ``create_graph=True``: recompute with ember ops and differentiate (higher orders exact)."""
    from ...autograd import grad as autograd_grad
    outs = ref(*inputs, *args)
    wanted = [t for t in inputs if t is not None and t.requires_grad]
    got = iter(autograd_grad(outs, wanted, grad_outputs=grad, create_graph=True, allow_unused=True))
    return tuple(next(got) if t is not None and t.requires_grad else None for t in inputs)


# ------------------------------------------------------------------------------------------------ entry points

def rnn_layer(mode: str, xg: Tensor, w_hh: Tensor, b_hh: Tensor | None, h0: Tensor | None, c0: Tensor | None,
              w_hr: Tensor | None, batch_sizes: tuple, reverse: bool) -> tuple:
    """One layer in one direction over projected gates ``xg`` (packed layout): ``(out, h_n)`` or, for LSTM,
    ``(out, h_n, c_n)``. ``b_hh`` is only taken by GRU (the others fold it into ``xg``)."""
    if mode == 'LSTM':
        return _lstm_layer(xg, w_hh, h0, c0, w_hr, batch_sizes, reverse)
    if mode == 'GRU':
        return _gru_layer(xg, w_hh, b_hh, h0, batch_sizes, reverse)
    return _rnn_layer(xg, w_hh, h0, batch_sizes, reverse, mode == 'RNN_RELU')


__all__: list = []
