"""Shape and view ops against PyTorch: values, dtypes, gradients (gradcheck + gradgradcheck), view semantics
(shared memory and version counter exactly where PyTorch's results are views) and bad inputs."""
import warnings

import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch

pytestmark = needs_torch


def _run(fn, m, arrays):
    ts = [m.tensor(a) for a in arrays]
    return ts, fn(m, *ts)


def _outs(o):
    return list(o) if isinstance(o, (tuple, list)) else [o]


def check_view(fn, *arrays):
    """``fn(m, *tensors)`` gives views of its input in ember exactly when it does in torch; writing through the
    result changes the input and bumps its version in both, or in neither."""
    e_in, e_out = _run(fn, ember, arrays)
    t_in, t_out = _run(fn, torch, arrays)
    e_outs, t_outs = _outs(e_out), _outs(t_out)
    assert len(e_outs) == len(t_outs)
    for k, (eo, to) in enumerate(zip(e_outs, t_outs)):
        t_view = to._base is not None and any(to._base is x for x in t_in)
        e_view = eo._base is not None and any(eo._base is x for x in e_in)
        assert e_view == t_view, f"output {k}: ember view={e_view}, torch view={t_view}"
        if t_view:
            src = next(i for i, x in enumerate(t_in) if to._base is x)
            assert eo._version_ctr is e_in[src]._version_ctr
            assert eo.untyped_storage().data_ptr() == e_in[src].untyped_storage().data_ptr()
    # Write through each output (PyTorch refuses writes into overlapping expanded memory; so must we).
    for k, (eo, to) in enumerate(zip(e_outs, t_outs)):
        if _self_overlapping(to):
            # PyTorch cannot always see this overlap and then adds once per alias; ember's views are read-only.
            with pytest.raises(RuntimeError, match="read-only"):
                eo.add_(1)
            continue
        try:
            to.add_(1)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                eo.add_(1)
            continue
        eo.add_(1)
        for ex, tx in zip(e_in, t_in):
            np.testing.assert_array_equal(ex.numpy(), tx.numpy())
            assert ex._version == tx._version, f"output {k}: version {ex._version} != torch {tx._version}"
        np.testing.assert_array_equal(eo.numpy(), to.numpy())


def _self_overlapping(t) -> bool:
    pos = np.zeros((), np.int64)
    for n, st in zip(t.shape, t.stride()):
        pos = pos[..., None] + np.arange(n) * st
    return len(np.unique(pos)) < pos.size


def _arr(rng, shape, dtype=np.float32):
    if np.dtype(dtype).kind == 'f':
        return np.asarray(rng.standard_normal(shape), dtype=dtype)
    if dtype == np.bool_:
        return np.asarray(rng.random(shape) > 0.5)
    return np.asarray(rng.integers(-5, 5, shape), dtype=dtype)


# (id, fn(m, x), input shape): one row per op and interesting argument pattern.
VIEW_CASES = [
    ('view', lambda m, x: x.view(4, 3), (3, 4)),
    ('view_infer', lambda m, x: x.view(-1, 2), (3, 4)),
    ('view_tuple', lambda m, x: x.view((2, 6)), (3, 4)),
    ('view_0d', lambda m, x: x.view(1, 1), ()),
    ('view_to_0d', lambda m, x: x.view(()), (1,)),
    ('view_empty', lambda m, x: x.view(0, 5), (5, 0)),
    ('view_noncontig_ok', lambda m, x: x.t().view(4, 3), (3, 4)),
    ('view_split_dim_of_t', lambda m, x: x.t().view(2, 2, 3), (3, 4)),
    ('view_as', lambda m, x: x.view_as(m.ones(6, 2)), (3, 4)),
    ('reshape_view', lambda m, x: x.reshape(2, 6), (3, 4)),
    ('reshape_copy', lambda m, x: x.t().reshape(12), (3, 4)),
    ('reshape_same', lambda m, x: x.reshape(3, 4), (3, 4)),
    ('reshape_as', lambda m, x: x.reshape_as(m.ones(4, 3)), (3, 4)),
    ('reshape_fn', lambda m, x: m.reshape(x, (-1,)), (3, 4)),
    ('reshape_empty_t', lambda m, x: x.t().reshape(-1), (0, 3)),
    ('ravel', lambda m, x: m.ravel(x), (3, 4)),
    ('ravel_t', lambda m, x: x.t().ravel(), (3, 4)),
    ('flatten', lambda m, x: x.flatten(), (2, 3, 4)),
    ('flatten_mid', lambda m, x: m.flatten(x, 1, 2), (2, 3, 4, 2)),
    ('flatten_neg', lambda m, x: x.flatten(-3, -2), (2, 3, 4)),
    ('flatten_0d', lambda m, x: x.flatten(), ()),
    ('flatten_t', lambda m, x: x.t().flatten(), (3, 4)),
    ('unflatten', lambda m, x: x.unflatten(1, (2, 2)), (3, 4)),
    ('unflatten_infer', lambda m, x: m.unflatten(x, -1, (2, -1)), (3, 4)),
    ('expand', lambda m, x: x.expand(2, 3, 4), (3, 1)),
    ('expand_keep', lambda m, x: x.expand(-1, 5), (3, 1)),
    ('expand_same', lambda m, x: x.expand(3, 4), (3, 4)),
    ('expand_lead_one', lambda m, x: x.expand(1, 3, 4), (3, 4)),
    ('expand_0d', lambda m, x: x.expand(2, 2), ()),
    ('expand_as', lambda m, x: x.expand_as(m.ones(2, 4)), (1, 4)),
    ('broadcast_to', lambda m, x: m.broadcast_to(x, (3, 2, 4)), (2, 1)),
    ('transpose', lambda m, x: x.transpose(0, 2), (2, 3, 4)),
    ('transpose_neg', lambda m, x: m.transpose(x, -1, -3), (2, 3, 4)),
    ('transpose_same', lambda m, x: x.transpose(1, 1), (2, 3)),
    ('transpose_0d', lambda m, x: x.transpose(0, -1), ()),
    ('swapaxes', lambda m, x: m.swapaxes(x, 0, 1), (2, 3)),
    ('swapdims', lambda m, x: x.swapdims(1, 0), (2, 3)),
    ('permute', lambda m, x: x.permute(2, 0, 1), (2, 3, 4)),
    ('permute_tuple_neg', lambda m, x: m.permute(x, (-1, 0, -2)), (2, 3, 4)),
    ('permute_0d', lambda m, x: x.permute(()), ()),
    ('t', lambda m, x: x.t(), (2, 3)),
    ('t_1d', lambda m, x: m.t(x), (3,)),
    ('t_0d', lambda m, x: x.t(), ()),
    ('T', lambda m, x: x.T, (2, 3)),
    ('mT', lambda m, x: x.mT, (2, 3, 4)),
    ('mH', lambda m, x: x.mH, (2, 3, 4)),
    ('H', lambda m, x: x.H, (3, 4)),
    ('adjoint', lambda m, x: x.adjoint(), (2, 3)),
    ('movedim', lambda m, x: x.movedim(0, -1), (2, 3, 4)),
    ('movedim_tuple', lambda m, x: m.movedim(x, (0, 1), (2, 0)), (2, 3, 4)),
    ('moveaxis', lambda m, x: m.moveaxis(x, -1, 0), (2, 3, 4)),
    ('unsqueeze', lambda m, x: x.unsqueeze(1), (2, 3)),
    ('unsqueeze_end', lambda m, x: m.unsqueeze(x, -1), (2, 3)),
    ('unsqueeze_0d', lambda m, x: x.unsqueeze(0), ()),
    ('squeeze', lambda m, x: x.squeeze(), (1, 3, 1, 2)),
    ('squeeze_dim', lambda m, x: x.squeeze(2), (1, 3, 1, 2)),
    ('squeeze_dim_noop', lambda m, x: x.squeeze(1), (1, 3, 1, 2)),
    ('squeeze_tuple', lambda m, x: m.squeeze(x, (0, -2, 1)), (1, 3, 1, 2)),
    ('squeeze_0d', lambda m, x: x.squeeze(0), ()),
    ('atleast_1d_0d', lambda m, x: m.atleast_1d(x), ()),
    ('atleast_2d_1d', lambda m, x: m.atleast_2d(x), (3,)),
    ('atleast_2d_0d', lambda m, x: m.atleast_2d(x), ()),
    ('atleast_3d_1d', lambda m, x: m.atleast_3d(x), (3,)),
    ('atleast_3d_2d', lambda m, x: m.atleast_3d(x), (2, 3)),
    ('atleast_3d_many', lambda m, x: m.atleast_3d(x, x[0]), (2, 3)),
    ('narrow', lambda m, x: x.narrow(1, 1, 2), (3, 4)),
    ('narrow_neg', lambda m, x: m.narrow(x, -1, -3, 2), (3, 4)),
    ('narrow_tensor_start', lambda m, x: x.narrow(0, m.tensor(1), 2), (3, 4)),
    ('narrow_empty', lambda m, x: x.narrow(0, 3, 0), (3, 4)),
    ('select', lambda m, x: x.select(1, 2), (3, 4)),
    ('select_neg', lambda m, x: m.select(x, -1, -1), (3, 4)),
    ('select_1d', lambda m, x: x.select(0, 1), (3,)),
    ('diagonal', lambda m, x: x.diagonal(), (3, 4)),
    ('diagonal_offset', lambda m, x: m.diagonal(x, 1), (3, 4)),
    ('diagonal_neg_offset', lambda m, x: x.diagonal(-1), (3, 4)),
    ('diagonal_dims', lambda m, x: x.diagonal(0, -1, 0), (3, 2, 4)),
    ('diagonal_batched', lambda m, x: x.diagonal(1, 1, 2), (2, 3, 4)),
    ('diagonal_off_far', lambda m, x: x.diagonal(7), (3, 4)),
    ('unfold', lambda m, x: x.unfold(1, 2, 1), (3, 5)),
    ('unfold_step', lambda m, x: x.unfold(0, 2, 3), (7, 2)),
    ('unfold_full', lambda m, x: x.unfold(-1, 4, 2), (3, 4)),
    ('unfold_0d', lambda m, x: x.unfold(0, 1, 1), ()),
    ('as_strided', lambda m, x: x.as_strided((2, 2), (1, 2)), (3, 4)),
    ('as_strided_offset', lambda m, x: m.as_strided(x, (3,), (4,), 1), (3, 4)),
    ('as_strided_overlap', lambda m, x: x.as_strided((3, 3), (1, 1)), (3, 4)),
    ('as_strided_of_view', lambda m, x: x[1].as_strided((2,), (2,)), (3, 4)),
    ('split', lambda m, x: x.split(2), (5, 3)),
    ('split_dim', lambda m, x: m.split(x, 2, dim=1), (2, 5)),
    ('split_sizes', lambda m, x: x.split([1, 3, 1], 1), (2, 5)),
    ('split_one', lambda m, x: x.split(5), (5, 3)),
    ('split_with_sizes', lambda m, x: x.split_with_sizes([2, 0, 3]), (5,)),
    ('chunk', lambda m, x: x.chunk(3), (5, 2)),
    ('chunk_fewer', lambda m, x: m.chunk(x, 4, 1), (2, 6)),
    ('chunk_empty', lambda m, x: x.chunk(2), (0, 2)),
    ('unbind', lambda m, x: x.unbind(), (3, 2)),
    ('unbind_dim', lambda m, x: m.unbind(x, -1), (3, 2)),
    ('unbind_one', lambda m, x: x.unbind(0), (1, 2)),
    ('tensor_split_sections', lambda m, x: x.tensor_split(3), (7, 2)),
    ('tensor_split_indices', lambda m, x: m.tensor_split(x, [1, 4], dim=1), (2, 6)),
    ('tensor_split_wild', lambda m, x: x.tensor_split([3, 1, 8, -2]), (6,)),
    ('tensor_split_tensor', lambda m, x: x.tensor_split(m.tensor([2, 3])), (6,)),
    ('tensor_split_tensor0d', lambda m, x: x.tensor_split(m.tensor(2)), (5,)),
    ('hsplit', lambda m, x: m.hsplit(x, 2), (2, 4)),
    ('hsplit_1d', lambda m, x: x.hsplit([1, 2]), (4,)),
    ('vsplit', lambda m, x: x.vsplit(2), (4, 2)),
    ('dsplit', lambda m, x: m.dsplit(x, [1]), (2, 2, 3)),
    ('broadcast_tensors', lambda m, x, y: m.broadcast_tensors(x, y), (3, 1), (1, 4)),
    ('meshgrid_like_chain', lambda m, x: x.t().unsqueeze(0).expand(2, 4, 3).select(2, 1), (3, 4)),
    # non-contiguous and expanded inputs
    ('unfold_of_t', lambda m, x: x.t().unfold(0, 2, 1), (3, 4)),
    ('diagonal_of_t', lambda m, x: x.t().diagonal(1), (3, 4)),
    ('split_of_t', lambda m, x: x.t().split(2, 1), (3, 4)),
    ('expand_of_t', lambda m, x: x.t().unsqueeze(1).expand(4, 2, 3), (3, 4)),
    ('expand_of_column', lambda m, x: x[:, :1].expand(3, 5), (3, 4)),
    ('view_of_expanded', lambda m, x: x.expand(2, 3, 4).view(2, 12), (3, 4)),
    ('unbind_of_expanded', lambda m, x: x.expand(2, 3).unbind(0), (3,)),
    ('narrow_of_strided', lambda m, x: x[::2].narrow(1, 1, 2).select(0, 1), (4, 3)),
]

# Ops whose result must NOT be a view even though it comes from shape ops (copies in PyTorch too).
COPY_CASES = [
    ('reshape_copy_strided', lambda m, x: x[:, ::2].reshape(-1), (3, 4)),
    ('ravel_copy', lambda m, x: x.t().ravel(), (3, 4)),
    ('reshape_expanded_copy', lambda m, x: x.expand(2, 3, 4).reshape(24), (3, 4)),
]


def _case_inputs(shapes, rng, dtype=np.float32):
    return [_arr(rng, s, dtype) for s in shapes]


def _split_case(case):
    name, fn, *shapes = case
    return name, fn, shapes


@pytest.mark.parametrize('case', VIEW_CASES + COPY_CASES, ids=lambda c: c[0])
def test_values_and_grads(case, rng):
    _, fn, shapes = _split_case(case)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_op(lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), *_case_inputs(shapes, rng))


@pytest.mark.parametrize('case', VIEW_CASES + COPY_CASES, ids=lambda c: c[0])
def test_views_share_memory_like_torch(case, rng):
    _, fn, shapes = _split_case(case)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_view(fn, *_case_inputs(shapes, rng))


@pytest.mark.parametrize('dtype', [np.int64, np.int32, np.bool_, np.float64, np.float16])
@pytest.mark.parametrize('case', VIEW_CASES[::3], ids=lambda c: c[0])
def test_dtypes(case, dtype, rng):
    _, fn, shapes = _split_case(case)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_op(lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), *_case_inputs(shapes, rng, dtype),
                 grad=dtype != np.float16)


@pytest.mark.parametrize('case', [c for c in VIEW_CASES if 'tensor_split_t' not in c[0]], ids=lambda c: c[0])
def test_gradcheck(case, rng):
    _, fn, shapes = _split_case(case)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_grads(lambda *a: fn(ember, *a), *_case_inputs(shapes, rng, np.float64))


def test_complex_mH_conjugates(rng):
    a = (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64)
    for f in (lambda m, x: x.mH, lambda m, x: x.H, lambda m, x: x.adjoint(), lambda m, x: x.mT):
        check_op(lambda x: f(ember, x), lambda x: f(torch, x).resolve_conj(), a)


def test_writing_through_diagonal_and_select():
    for m in (ember, torch):
        x = m.zeros(3, 3)
        x.diagonal().add_(2)
        x.select(0, 2).add_(1)
        x.narrow(1, 0, 1).mul_(3)
        if m is ember:
            e = x.numpy().copy()
            ev = x._version
        else:
            np.testing.assert_array_equal(e, x.numpy())
            assert ev == x._version


def test_chained_views_share_version_with_root():
    for m in (ember, torch):
        x = m.arange(12.).reshape(3, 4)
        base = x._base
        v = x.t().unsqueeze(0).narrow(2, 1, 2).select(0, 0)
        assert v._base is base
        v.add_(1)
        assert base._version == 1 and x._version == 1


def test_unbind_iteration_and_grads(rng):
    a = rng.standard_normal((4, 3))
    x = ember.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    sum(r * (i + 1) for i, r in enumerate(x)).sum().backward()
    sum(r * (i + 1) for i, r in enumerate(tx)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_split_partial_use_grads(rng):
    check_op(lambda x: x.split(2)[1] * 2, lambda x: x.split(2)[1] * 2, rng.standard_normal((5, 2)).astype(np.float32))
    check_op(lambda x: x.unbind(1)[0], lambda x: x.unbind(1)[0], rng.standard_normal((2, 3)).astype(np.float32))


def test_grad_fn_names():
    x = ember.ones(2, 3, requires_grad=True)
    tx = torch.ones(2, 3, requires_grad=True)
    for f in (lambda t: t.view(6), lambda t: t.expand(2, 2, 3), lambda t: t.transpose(0, 1), lambda t: t.permute(1, 0),
              lambda t: t.unsqueeze(0), lambda t: t.select(0, 1), lambda t: t.diagonal(), lambda t: t.unfold(1, 2, 1),
              lambda t: t.split(1)[0], lambda t: t.unbind()[0], lambda t: t.as_strided((2,), (1,))):
        assert type(f(x).grad_fn).__name__ == type(f(tx).grad_fn).__name__ or \
            f(x).grad_fn.name() == type(f(tx).grad_fn).__name__


def test_T_warns_like_torch():
    for shape in [(3,), (2, 3, 4), ()]:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            ember.ones(shape).T
        assert any(issubclass(x.category, UserWarning) and 'deprecated' in str(x.message) for x in w)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ember.ones(2, 3).T


def test_broadcast_shapes():
    for shapes in [((2, 1), (3,)), ((), (4, 1), (1, 5)), ((2,), 2), ((0, 1), (3,))]:
        assert tuple(ember.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))
    assert isinstance(ember.broadcast_shapes((2, 1), (3,)), ember.Size)


def test_storage_offset_and_stride_of_views():
    for f in (lambda t: t.narrow(1, 1, 2), lambda t: t.diagonal(1), lambda t: t.unfold(1, 2, 1),
              lambda t: t.as_strided((2,), (3,), 2), lambda t: t.select(0, 2), lambda t: t.t()):
        e, t = f(ember.arange(12.).reshape(3, 4)), f(torch.arange(12.).reshape(3, 4))
        assert e.storage_offset() == t.storage_offset()
        assert e.stride() == t.stride()


def test_as_strided_grad_of_non_contiguous_input(rng):
    a = rng.standard_normal((3, 4))
    f = lambda m, x: x.t()[1:].as_strided((2, 2), (1, 4), 1) * 2  # noqa: E731
    check_op(lambda x: f(ember, x), lambda x: f(torch, x), a.astype(np.float32))
    check_grads(lambda x: f(ember, x), a)


# (id, fn(m), exception class, message regex): each must raise in ember and (same class) in torch.
BAD = [
    ('view_bad_numel', lambda m: m.ones(4, 4).view(3, 5), RuntimeError,
     r"shape '\[3, 5\]' is invalid for input of size 16"),
    ('view_noncontig', lambda m: m.ones(4, 4).t().view(16), RuntimeError, "view size is not compatible"),
    ('view_two_infer', lambda m: m.ones(4).view(-1, -1), RuntimeError, "only one dimension can be inferred"),
    ('view_neg_dim', lambda m: m.ones(6).view(-2, 3), RuntimeError, r"invalid shape dimension -2"),
    ('view_empty_ambiguous', lambda m: m.ones(0, 3).view(-1, 0), RuntimeError, "can be any value and is ambiguous"),
    ('view_float_size', lambda m: m.ones(6).view(2.0, 3), TypeError, "view"),
    ('view_expanded_merge', lambda m: m.ones(3, 4).expand(2, 3, 4).view(24), RuntimeError,
     "view size is not compatible"),
    ('reshape_bad', lambda m: m.ones(6).reshape(4, -1), RuntimeError,
     r"shape '\[4, -1\]' is invalid for input of size 6"),
    ('expand_mismatch', lambda m: m.ones(4, 4).expand(3, 4), RuntimeError,
     r"The expanded size of the tensor \(3\) must match the existing size \(4\) at non-singleton dimension 0"),
    ('expand_too_few', lambda m: m.ones(4, 4).expand(4), RuntimeError,
     r"expand\(torch.FloatTensor\{\[4, 4\]\}, size=\[4\]\): the number of sizes provided \(1\)"),
    ('expand_int_dtype_name', lambda m: m.ones(2, 2, dtype=m.int64).expand(2), RuntimeError, r"torch.LongTensor"),
    ('expand_lead_neg', lambda m: m.ones(4).expand(-1, 4), RuntimeError, "isn't allowed in a leading"),
    ('broadcast_to_bad', lambda m: m.broadcast_to(m.ones(3), (2, 4)), RuntimeError, "must match the existing size"),
    ('broadcast_tensors_bad', lambda m: m.broadcast_tensors(m.ones(2, 3), m.ones(4)), RuntimeError,
     r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
    ('broadcast_shapes_bad', lambda m: m.broadcast_shapes((2, 3), (4, 3)), RuntimeError,
     "Attempting to broadcast a dimension of length 4"),
    ('broadcast_shapes_neg', lambda m: m.broadcast_shapes((2, -1)), ValueError, "negative length"),
    ('permute_len', lambda m: m.ones(2, 3).permute(0, 1, 2), RuntimeError,
     r"input.dim\(\) = 2 is not equal to len\(dims\) = 3"),
    ('permute_dup', lambda m: m.ones(2, 3).permute(0, 0), RuntimeError, "duplicate dims are not allowed"),
    ('permute_range', lambda m: m.ones(2, 3).permute(0, 2), IndexError, "Dimension out of range"),
    ('transpose_range', lambda m: m.ones(2, 3).transpose(0, 2), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    ('t_3d', lambda m: m.ones(2, 3, 4).t(), RuntimeError,
     r"t\(\) expects a tensor with <= 2 dimensions, but self is 3D"),
    ('mT_1d', lambda m: m.ones(3).mT, RuntimeError, "tensor.mT is only supported on matrices"),
    ('mH_1d', lambda m: m.ones(3).mH, RuntimeError, "tensor.mH is only supported on matrices"),
    ('H_3d', lambda m: m.ones(2, 3, 4).H, RuntimeError, r"tensor.H is only supported on matrices \(2-D tensors\)"),
    ('adjoint_1d', lambda m: m.ones(3).adjoint(), RuntimeError, r"tensor.adjoint\(\) is only supported"),
    ('unsqueeze_range', lambda m: m.ones(2, 3).unsqueeze(4), IndexError, r"range of \[-3, 2\], but got 4"),
    ('squeeze_range', lambda m: m.ones(2, 3).squeeze(3), IndexError, "Dimension out of range"),
    ('squeeze_0d_range', lambda m: m.tensor(2.).squeeze(1), IndexError, "Dimension out of range"),
    ('squeeze_dup', lambda m: m.ones(1, 3).squeeze((0, 0)), RuntimeError, "dim 0 appears multiple times"),
    ('flatten_order', lambda m: m.ones(2, 3).flatten(1, 0), RuntimeError, "start_dim cannot come after end_dim"),
    ('flatten_range', lambda m: m.ones(2, 3).flatten(0, 2), IndexError, "Dimension out of range"),
    ('unflatten_bad', lambda m: m.ones(3, 4).unflatten(1, (2, 3)), RuntimeError,
     r"unflatten: Provided sizes \[2, 3\] don't multiply up to the size of dim 1 \(4\)"),
    ('unflatten_empty', lambda m: m.ones(3, 4).unflatten(1, ()), RuntimeError, "sizes must be non-empty"),
    ('movedim_len', lambda m: m.ones(2, 3).movedim((0, 1), (1,)), RuntimeError, "should contain the same number"),
    ('movedim_dup', lambda m: m.ones(2, 3).movedim((0, 0), (1, 0)), RuntimeError, "repeated dim in `source`"),
    ('movedim_dup_dst', lambda m: m.ones(2, 3).movedim((0, 1), (1, 1)), RuntimeError, "repeated dim in `destination`"),
    ('narrow_start', lambda m: m.ones(4, 4).narrow(0, 5, 1), IndexError,
     r"start out of range \(expected to be in range of \[-4, 4\], but got 5\)"),
    ('narrow_length', lambda m: m.ones(4, 4).narrow(0, 2, 3), RuntimeError,
     r"start \(2\) \+ length \(3\) exceeds dimension size \(4\)"),
    ('narrow_neg_length', lambda m: m.ones(4).narrow(0, 1, -1), RuntimeError, "length must be non-negative"),
    ('narrow_0d', lambda m: m.tensor(1.).narrow(0, 0, 1), RuntimeError, "cannot be applied to a 0-dim tensor"),
    ('narrow_float_start', lambda m: m.ones(3).narrow(0, m.tensor(1.), 1), RuntimeError, "0-dim integral Tensor"),
    ('select_index', lambda m: m.ones(4, 4).select(0, 4), IndexError,
     r"select\(\): index 4 out of range for tensor of size \[4, 4\] at dimension 0"),
    ('select_0d', lambda m: m.tensor(1.).select(0, 0), IndexError, "cannot be applied to a 0-dim tensor"),
    ('diagonal_same', lambda m: m.ones(3, 3).diagonal(0, 0, 0), RuntimeError,
     "diagonal dimensions cannot be identical"),
    ('diagonal_range', lambda m: m.ones(3).diagonal(), IndexError, "Dimension out of range"),
    ('unfold_size', lambda m: m.ones(4, 4).unfold(0, 5, 1), RuntimeError,
     "maximum size for tensor at dimension 0 is 4 but size is 5"),
    ('unfold_step', lambda m: m.ones(4).unfold(0, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    ('unfold_neg_size', lambda m: m.ones(3).unfold(0, -1, 1), RuntimeError, "size is -1 but must be >= 0"),
    ('as_strided_oob', lambda m: m.ones(3, 3).as_strided((2, 2), (1, 2), 20), RuntimeError,
     "out of bounds for storage of size 36"),
    ('as_strided_neg', lambda m: m.ones(3, 3).as_strided((2, 2), (1, -2)), RuntimeError, "Negative strides"),
    ('as_strided_len', lambda m: m.ones(3, 3).as_strided((2,), (1, 2)), RuntimeError, "mismatch in length"),
    ('split_zero', lambda m: m.ones(4).split(0), RuntimeError,
     "split_size can only be 0 if dimension size is 0, but got dimension size of 4"),
    ('split_neg', lambda m: m.ones(4).split(-1), RuntimeError, "split expects split_size be non-negative"),
    ('split_sizes_sum', lambda m: m.ones(6).split([1, 4]), RuntimeError,
     r"split_with_sizes expects split_sizes to sum exactly to 6"),
    ('split_sizes_neg', lambda m: m.ones(4).split([2, -1, 3]), RuntimeError, "only non-negative entries"),
    ('split_0d', lambda m: m.tensor(3.).split(1), RuntimeError, "at least a 1-dimensional tensor"),
    ('chunk_zero', lambda m: m.ones(4).chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0"),
    ('unbind_0d', lambda m: m.tensor(3.).unbind(), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    ('unbind_range', lambda m: m.ones(3).unbind(1), IndexError, "Dimension out of range"),
    ('tensor_split_zero', lambda m: m.ones(4).tensor_split(0), RuntimeError,
     "number of sections must be larger than 0"),
    ('tensor_split_float', lambda m: m.ones(3).tensor_split(m.tensor(1.)), RuntimeError, "to have dtype of long"),
    ('tensor_split_2d', lambda m: m.ones(3).tensor_split(m.ones(2, 2, dtype=m.int64)), RuntimeError, "with 2 dims"),
    ('tensor_split_0d', lambda m: m.tensor(3.).tensor_split(1), RuntimeError, "got a tensor with 0 dims"),
    ('hsplit_indivisible', lambda m: m.ones(2, 4).hsplit(3), RuntimeError, "is not divisible by the split_size 3"),
    ('vsplit_1d', lambda m: m.ones(4).vsplit(2), RuntimeError, "at least 2 dimension"),
]


@pytest.mark.parametrize('case', BAD, ids=lambda c: c[0])
def test_bad_inputs(case):
    _, fn, exc, msg = case
    with pytest.raises(exc):
        fn(torch)
    with pytest.raises(exc, match=msg):
        fn(ember)
