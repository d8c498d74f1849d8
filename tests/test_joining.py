"""Joining and rearranging ops against PyTorch: cat/stack family, repeat/tile/repeat_interleave, flip/roll/rot90,
tril/triu, diag family, trace, block_diag, meshgrid, cartesian_prod, combinations: values, dtypes, gradients
(gradcheck + gradgradcheck), copy-vs-view semantics and bad inputs."""
import warnings

import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch
from test_shape import check_view, _arr

pytestmark = needs_torch

# (id, fn(m, *tensors), *input shapes)
CASES = [
    ('cat', lambda m, a, b: m.cat([a, b]), (2, 3), (4, 3)),
    ('cat_dim_neg', lambda m, a, b: m.cat((a, b), dim=-1), (2, 3), (2, 1)),
    ('cat_three', lambda m, a, b, c: m.cat([a, b, c], 1), (2, 1, 2), (2, 3, 2), (2, 0, 2)),
    ('cat_legacy_empty', lambda m, a, b: m.cat([a, b, a], 1), (2, 3), (0,)),
    ('cat_one', lambda m, a: m.cat([a]), (2, 3)),
    ('cat_same_tensor', lambda m, a: m.cat([a, a * 2], 0), (2, 3)),
    ('concat', lambda m, a, b: m.concat([a, b], 1), (2, 3), (2, 2)),
    ('concatenate', lambda m, a, b: m.concatenate([a, b], axis=0), (1, 3), (2, 3)),
    ('stack_axis', lambda m, a, b: m.stack([a, b], axis=1), (2,), (2,)),
    ('stack', lambda m, a, b: m.stack([a, b]), (2, 3), (2, 3)),
    ('stack_last', lambda m, a, b: m.stack((a, b), dim=-1), (2, 3), (2, 3)),
    ('stack_mid', lambda m, a, b, c: m.stack([a, b, c], 1), (2, 3), (2, 3), (2, 3)),
    ('stack_0d', lambda m, a, b: m.stack([a, b]), (), ()),
    ('stack_empty', lambda m, a, b: m.stack([a, b], 1), (0, 2), (0, 2)),
    ('hstack_1d', lambda m, a, b: m.hstack([a, b]), (3,), (2,)),
    ('hstack_2d', lambda m, a, b: m.hstack([a, b]), (2, 3), (2, 1)),
    ('hstack_0d', lambda m, a, b: m.hstack([a, b]), (), (2,)),
    ('vstack', lambda m, a, b: m.vstack([a, b]), (3,), (2, 3)),
    ('row_stack', lambda m, a, b: m.row_stack((a, b)), (3,), (3,)),
    ('dstack', lambda m, a, b: m.dstack([a, b]), (3,), (1, 3)),
    ('dstack_3d', lambda m, a, b: m.dstack([a, b]), (2, 3, 1), (2, 3, 2)),
    ('column_stack', lambda m, a, b, c: m.column_stack([a, b, c]), (3,), (3, 2), (3, 1)),
    ('column_stack_0d', lambda m, a, b: m.column_stack([a, b]), (), ()),
    ('repeat', lambda m, a: a.repeat(2, 1, 3), (2, 3)),
    ('repeat_tuple', lambda m, a: a.repeat((2, 2)), (2, 3)),
    ('repeat_zero', lambda m, a: a.repeat(0, 2), (2, 3)),
    ('repeat_0d', lambda m, a: a.repeat(3, 2), ()),
    ('repeat_0d_none', lambda m, a: a.repeat(()), ()),
    ('tile', lambda m, a: m.tile(a, (2,)), (2, 3)),
    ('tile_more', lambda m, a: a.tile((2, 1, 2)), (2, 3)),
    ('tile_empty_dims', lambda m, a: m.tile(a, ()), (2, 3)),
    ('repeat_interleave', lambda m, a: a.repeat_interleave(2), (2, 3)),
    ('repeat_interleave_dim', lambda m, a: m.repeat_interleave(a, 3, dim=1), (2, 3)),
    ('repeat_interleave_tensor', lambda m, a: a.repeat_interleave(m.tensor([1, 0, 3]), dim=-1), (2, 3)),
    ('repeat_interleave_tensor_1', lambda m, a: a.repeat_interleave(m.tensor([2]), dim=0), (2, 3)),
    ('repeat_interleave_zero', lambda m, a: a.repeat_interleave(0, dim=0), (2, 3)),
    ('repeat_interleave_out_size', lambda m, a: m.repeat_interleave(a, m.tensor([2, 1]), 0, output_size=3), (2, 3)),
    ('repeat_interleave_0d', lambda m, a: a.repeat_interleave(3), ()),
    ('repeat_interleave_0d_tensor', lambda m, a: a.repeat_interleave(m.tensor(2), dim=1), (2, 2)),
    ('flip', lambda m, a: m.flip(a, (0,)), (3, 4)),
    ('flip_many', lambda m, a: m.flip(a, [0, -1]), (2, 3, 4)),
    ('flip_method_varargs', lambda m, a: a.flip(1, 0), (2, 3)),
    ('flip_none', lambda m, a: m.flip(a, ()), (2, 3)),
    ('flip_0d', lambda m, a: a.flip(()), ()),
    ('fliplr', lambda m, a: m.fliplr(a), (2, 3, 2)),
    ('flipud', lambda m, a: a.flipud(), (3,)),
    ('roll_flat', lambda m, a: m.roll(a, 2), (3, 4)),
    ('roll_dim', lambda m, a: a.roll(-1, 1), (3, 4)),
    ('roll_dims', lambda m, a: m.roll(a, (1, 5), (0, -1)), (3, 4)),
    ('roll_big', lambda m, a: a.roll(7, dims=0), (3, 4)),
    ('roll_0d', lambda m, a: a.roll(1), ()),
    ('roll_empty', lambda m, a: a.roll(1, 0), (0, 3)),
    ('rot90', lambda m, a: m.rot90(a), (2, 3)),
    ('rot90_2', lambda m, a: a.rot90(2), (2, 3)),
    ('rot90_3', lambda m, a: m.rot90(a, 3), (2, 3)),
    ('rot90_neg', lambda m, a: m.rot90(a, -1), (2, 3)),
    ('rot90_0', lambda m, a: a.rot90(0), (2, 3)),
    ('rot90_dims', lambda m, a: m.rot90(a, 1, (2, 0)), (2, 3, 4)),
    ('tril', lambda m, a: m.tril(a), (3, 4)),
    ('tril_pos', lambda m, a: a.tril(1), (3, 4)),
    ('tril_neg_batched', lambda m, a: m.tril(a, -1), (2, 3, 3)),
    ('triu', lambda m, a: m.triu(a), (4, 3)),
    ('triu_diag', lambda m, a: a.triu(diagonal=2), (3, 4)),
    ('triu_empty', lambda m, a: m.triu(a), (0, 3)),
    ('diag_1d', lambda m, a: m.diag(a), (3,)),
    ('diag_1d_offset', lambda m, a: a.diag(2), (3,)),
    ('diag_1d_neg_offset', lambda m, a: m.diag(a, -1), (3,)),
    ('diag_2d', lambda m, a: m.diag(a), (3, 4)),
    ('diag_2d_offset', lambda m, a: a.diag(1), (3, 4)),
    ('diag_2d_neg', lambda m, a: m.diag(a, -2), (3, 4)),
    ('diag_2d_far', lambda m, a: m.diag(a, 9), (3, 4)),
    ('diag_embed', lambda m, a: m.diag_embed(a), (2, 3)),
    ('diag_embed_offset', lambda m, a: a.diag_embed(1), (2, 3)),
    ('diag_embed_dims', lambda m, a: m.diag_embed(a, -1, 0, 2), (2, 3)),
    ('diagflat', lambda m, a: m.diagflat(a), (2, 2)),
    ('diagflat_offset', lambda m, a: a.diagflat(-1), (3,)),
    ('diagflat_0d', lambda m, a: m.diagflat(a), ()),
    ('trace', lambda m, a: m.trace(a), (3, 3)),
    ('trace_rect', lambda m, a: a.trace(), (2, 4)),
    ('block_diag', lambda m, a, b, c: m.block_diag(a, b, c), (2, 2), (3,), ()),
    ('block_diag_one', lambda m, a: m.block_diag(a), (2, 3)),
    ('block_diag_empty_block', lambda m, a, b: m.block_diag(a, b), (0, 2), (2, 1)),
    ('cartesian_prod', lambda m, a, b: m.cartesian_prod(a, b), (3,), (2,)),
    ('cartesian_prod_3', lambda m, a, b, c: m.cartesian_prod(a, b, c), (2,), (2,), (3,)),
    ('cartesian_prod_1', lambda m, a: m.cartesian_prod(a), (3,)),
    ('combinations', lambda m, a: m.combinations(a), (4,)),
    ('combinations_r3', lambda m, a: m.combinations(a, 3), (5,)),
    ('combinations_repl', lambda m, a: m.combinations(a, 2, with_replacement=True), (3,)),
    ('combinations_too_many', lambda m, a: m.combinations(a, 4), (3,)),
    ('combinations_r0', lambda m, a: m.combinations(a, 0), (3,)),
    ('meshgrid_ij', lambda m, a, b: m.meshgrid(a, b, indexing='ij'), (3,), (2,)),
    ('meshgrid_xy', lambda m, a, b, c: m.meshgrid([a, b, c], indexing='xy'), (3,), (2,), (4,)),
    ('meshgrid_0d', lambda m, a, b: m.meshgrid(a, b, indexing='xy'), (), (2,)),
    ('meshgrid_one', lambda m, a: m.meshgrid(a, indexing='xy'), (3,)),
]


def _split(case):
    name, fn, *shapes = case
    return name, fn, shapes


def _inputs(shapes, rng, dtype=np.float32):
    return [_arr(rng, s, dtype) for s in shapes]


@pytest.mark.parametrize('case', CASES, ids=lambda c: c[0])
def test_values_and_grads(case, rng):
    _, fn, shapes = _split(case)
    check_op(lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), *_inputs(shapes, rng))


@pytest.mark.parametrize('case', CASES, ids=lambda c: c[0])
def test_copy_or_view_like_torch(case, rng):
    _, fn, shapes = _split(case)
    check_view(fn, *_inputs(shapes, rng))


@pytest.mark.parametrize('dtype', [np.int64, np.int32, np.uint8, np.bool_, np.float64, np.float16])
@pytest.mark.parametrize('case', CASES[::2], ids=lambda c: c[0])
def test_dtypes(case, dtype, rng):
    name, fn, shapes = _split(case)
    if name.startswith('trace') and dtype == np.bool_:
        return  # torch: "trace" not implemented for 'Bool' (a bad-input case below)
    check_op(lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), *_inputs(shapes, rng, dtype),
             grad=dtype != np.float16, rtol=1e-3 if dtype == np.float16 else 1e-5)


@pytest.mark.parametrize('case', CASES, ids=lambda c: c[0])
def test_gradcheck(case, rng):
    _, fn, shapes = _split(case)
    check_grads(lambda *a: fn(ember, *a), *_inputs(shapes, rng, np.float64))


@pytest.mark.parametrize('fn', [
    lambda m, a, b, c: m.cat([a, b, c], 1),
    lambda m, a, b, c: m.stack([a, b, c]),
    lambda m, a, b, c: m.block_diag(a, b, c),
    lambda m, a, b, c: m.hstack([a, b, c]),
], ids=['cat', 'stack', 'block_diag', 'hstack'])
@pytest.mark.parametrize('dtypes', [(np.float32, np.float64, np.float16), (np.int32, np.bool_, np.uint8),
                                    (np.int64, np.float16, np.bool_), (np.bool_, np.bool_, np.int8)])
def test_mixed_dtype_promotion(fn, dtypes, rng):
    arrays = [_arr(rng, (2, 3), dt) for dt in dtypes]
    check_op(lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), *arrays)


def test_cat_legacy_empty_dtype_and_grad():
    for m in (ember, torch):
        a = m.ones(2, 3, requires_grad=True)
        e = m.zeros(0, dtype=m.float64, requires_grad=True)
        y = m.cat([a, e])
        assert y.dtype == m.float64 and tuple(y.shape) == (2, 3)
        y.sum().backward()
        assert tuple(e.grad.shape) == (0,) and a.grad.dtype == m.float32
    assert tuple(ember.cat([ember.zeros(0), ember.zeros(0)]).shape) == (0,)


def test_cat_and_stack_out():
    for m in (ember, torch):
        out = m.zeros(1)
        r = m.cat([m.ones(2), m.zeros(1)], out=out)
        assert r is out and out.tolist() == [1, 1, 0]
        out = m.zeros(0)
        m.stack([m.ones(2), m.zeros(2)], 1, out=out)
        assert out.tolist() == [[1, 0], [1, 0]]


def test_repeat_interleave_counts_only():
    for reps in ([2, 0, 3], [1], []):
        e = ember.repeat_interleave(ember.tensor(reps, dtype=ember.int64))
        t = torch.repeat_interleave(torch.tensor(reps, dtype=torch.int64))
        assert e.tolist() == t.tolist() and e.dtype.name == 'int64'


def test_tril_triu_inplace(rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    for name in ('tril_', 'triu_'):
        for k in (0, 1, -2):
            e, t = ember.tensor(a), torch.tensor(a)
            re, rt = getattr(e, name)(k), getattr(t, name)(k)
            assert re is e and rt is t
            np.testing.assert_array_equal(e.numpy(), t.numpy())
            assert e._version == t._version == 1
    # through autograd: in-place on a non-leaf
    f = lambda m, x: (x * 2).tril_(-1).sum() * 1  # noqa: E731
    check_op(lambda x: f(ember, x), lambda x: f(torch, x), a)


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        g = ember.meshgrid(ember.ones(2), ember.ones(3))
    assert [tuple(x.shape) for x in g] == [(2, 3), (2, 3)]


def test_block_diag_no_args():
    e, t = ember.block_diag(), torch.block_diag()
    assert tuple(e.shape) == tuple(t.shape) and e.dtype.name == str(t.dtype).removeprefix('torch.')


def test_rot90_composes(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    x = ember.tensor(a)
    np.testing.assert_array_equal(x.rot90().rot90(-1).numpy(), a)
    np.testing.assert_array_equal(x.rot90(4).numpy(), a)


def test_cat_many_pieces_grad(rng):
    arrays = [rng.standard_normal((1, 3)).astype(np.float32) for _ in range(20)]
    check_op(lambda *a: ember.cat(a, 0), lambda *a: torch.cat(a, 0), *arrays)


def test_stack_grad_flows_through_unbind_double_backward(rng):
    check_grads(lambda a, b: ember.stack([a, b], 1).unbind(0)[1] ** 2, rng.standard_normal((2, 3)),
                rng.standard_normal((2, 3)))


# (id, fn(m), exception class, message regex): ember must raise it; torch must raise the same class.
BAD = [
    ('cat_sizes', lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)]), RuntimeError,
     r"Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the "
     r"list."),
    ('cat_sizes_dim1', lambda m: m.cat([m.ones(3, 2), m.ones(3, 1), m.ones(4, 2)], 1), RuntimeError,
     r"Sizes of tensors must match except in dimension 1. Expected size 3 but got size 4 for tensor number 2"),
    ('cat_empty_list', lambda m: m.cat([]), ValueError, r"expected a non-empty list of Tensors"),
    ('cat_0d', lambda m: m.cat([m.tensor(1.), m.tensor(2.)]), RuntimeError,
     r"zero-dimensional tensor \(at position 0\) cannot be concatenated"),
    ('cat_ndim', lambda m: m.cat([m.ones(2, 3), m.ones(3)]), RuntimeError,
     "Tensors must have same number of dimensions: got 2 and 1"),
    ('cat_dim_range', lambda m: m.cat([m.ones(2, 3), m.ones(2, 3)], 2), IndexError, "Dimension out of range"),
    ('cat_not_tensor', lambda m: m.cat([m.ones(2), 3]), TypeError, "expected Tensor as element 1 in argument 0"),
    ('cat_tensor_arg', lambda m: m.cat(m.ones(2)), TypeError, "must be tuple of Tensors, not Tensor"),
    ('cat_float_dim', lambda m: m.cat([m.ones(2)], dim=1.5), TypeError, "argument 'dim' must be int, not float"),
    ('cat_legacy_empty_2d', lambda m: m.cat([m.ones(2, 3), m.ones(2, 0)]), RuntimeError,
     "Expected size 3 but got size 0 for tensor number 1"),
    ('stack_shapes', lambda m: m.stack([m.ones(3), m.ones(4)]), RuntimeError,
     r"stack expects each tensor to be equal size, but got \[3\] at entry 0 and \[4\] at entry 1"),
    ('stack_empty', lambda m: m.stack([]), RuntimeError, "stack expects a non-empty TensorList"),
    ('stack_dim', lambda m: m.stack([m.ones(2), m.ones(2)], 2), IndexError, "Dimension out of range"),
    ('hstack_empty', lambda m: m.hstack([]), RuntimeError, "hstack expects a non-empty TensorList"),
    ('vstack_empty', lambda m: m.vstack([]), RuntimeError, "vstack expects a non-empty TensorList"),
    ('dstack_empty', lambda m: m.dstack(()), RuntimeError, "dstack expects a non-empty TensorList"),
    ('column_stack_empty', lambda m: m.column_stack([]), RuntimeError, "column_stack expects a non-empty TensorList"),
    ('repeat_fewer_dims', lambda m: m.ones(2, 3).repeat(2), RuntimeError,
     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"),
    ('repeat_negative', lambda m: m.ones(2, 3).repeat(-1, 2), RuntimeError,
     r"Trying to create tensor with negative dimension -2: \[-2, 6\]"),
    ('repeat_no_args', lambda m: m.ones(2).repeat(), TypeError, "missing 1 required positional arguments"),
    ('repeat_interleave_len', lambda m: m.repeat_interleave(m.ones(3), m.tensor([1, 2])), RuntimeError,
     r"repeats must have the same size as input along dim, but got repeats.size\(0\) = 2 and input.size\(0\) = 3"),
    ('repeat_interleave_neg_tensor', lambda m: m.ones(3).repeat_interleave(m.tensor([1, -2, 1])), RuntimeError,
     "repeats can not be negative"),
    ('repeat_interleave_neg_int', lambda m: m.ones(3).repeat_interleave(-1), RuntimeError,
     "Repeats must be non-negative"),
    ('repeat_interleave_2d', lambda m: m.ones(3).repeat_interleave(m.ones(1, 3, dtype=m.int64)), RuntimeError,
     "repeats must be 0-dim or 1-dim tensor"),
    ('repeat_interleave_float', lambda m: m.ones(3).repeat_interleave(m.tensor([1., 2., 3.])), NotImplementedError,
     "not implemented for 'Float'"),
    ('repeat_interleave_out_size', lambda m: m.ones(3).repeat_interleave(2, output_size=5), RuntimeError,
     "Invalid output_size, expected 6 but got 5"),
    ('repeat_interleave_counts_2d', lambda m: m.repeat_interleave(m.ones(1, 2, dtype=m.int64)), RuntimeError,
     "only accept 1D vector as repeat"),
    ('flip_dup', lambda m: m.flip(m.ones(2, 2), (0, 0)), RuntimeError, "dim 0 appears multiple times"),
    ('flip_int_dims', lambda m: m.flip(m.ones(2, 2), 0), TypeError, "must be tuple of ints, not int"),
    ('flip_range', lambda m: m.ones(2, 2).flip(2), IndexError, "Dimension out of range"),
    ('fliplr_1d', lambda m: m.fliplr(m.ones(3)), RuntimeError, "Input must be >= 2-d."),
    ('flipud_0d', lambda m: m.flipud(m.tensor(1.)), RuntimeError, "Input must be >= 1-d."),
    ('roll_align', lambda m: m.roll(m.ones(3, 3), (1, 2), (0,)), RuntimeError,
     "shifts and dimensions must align. shifts: 2, dims:1"),
    ('roll_no_shifts', lambda m: m.roll(m.ones(3, 3), (), ()), RuntimeError, "`shifts` required"),
    ('roll_range', lambda m: m.roll(m.ones(3), 1, 1), IndexError, "Dimension out of range"),
    ('rot90_same_dims', lambda m: m.rot90(m.ones(3, 3), 1, (0, 0)), RuntimeError,
     "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"),
    ('rot90_1d', lambda m: m.rot90(m.ones(3)), RuntimeError, "expected total dims >= 2, but got total dims = 1"),
    ('rot90_three_dims', lambda m: m.rot90(m.ones(3, 3), 1, (0, 1, 1)), RuntimeError,
     "expected total rotation dims == 2, but got dims = 3"),
    ('tril_1d', lambda m: m.tril(m.ones(3)), RuntimeError, "tril: input tensor must have at least 2 dimensions"),
    ('triu_0d', lambda m: m.triu(m.tensor(1.)), RuntimeError, "triu: input tensor must have at least 2 dimensions"),
    ('diag_3d', lambda m: m.diag(m.ones(2, 2, 2)), RuntimeError, r"diag\(\): Supports 1D or 2D tensors. Got 3D"),
    ('diag_0d', lambda m: m.diag(m.tensor(1.)), RuntimeError, "Supports 1D or 2D tensors. Got 0D"),
    ('diag_embed_same', lambda m: m.diag_embed(m.ones(2), 0, -2, -2), RuntimeError,
     "diagonal dimensions cannot be identical -2, -2"),
    ('diag_embed_range', lambda m: m.diag_embed(m.ones(2), 0, 2, 0), IndexError, "Dimension out of range"),
    ('trace_1d', lambda m: m.trace(m.ones(3)), RuntimeError, "trace: expected a matrix, but got tensor with dim 1"),
    ('trace_bool', lambda m: m.trace(m.ones(2, 2, dtype=m.bool)), NotImplementedError,
     "\"trace\" not implemented for 'Bool'"),
    ('block_diag_3d', lambda m: m.block_diag(m.ones(2), m.ones(2, 2, 2)), RuntimeError,
     "Input tensors must have 2 or fewer dimensions. Input 1 has 3 dimensions"),
    ('cartesian_2d', lambda m: m.cartesian_prod(m.ones(2, 2)), RuntimeError,
     r"Expect a 1D vector, but got shape \[2, 2\]"),
    ('combinations_2d', lambda m: m.combinations(m.ones(2, 2)), RuntimeError, "Expect a 1D vector"),
    ('combinations_neg', lambda m: m.combinations(m.ones(3), -1), RuntimeError,
     "Expect a non-negative number, but got -1"),
    ('meshgrid_indexing', lambda m: m.meshgrid(m.ones(2), indexing='foo'), RuntimeError,
     r"indexing must be one of \"xy\" or \"ij\", but received: foo"),
    ('meshgrid_dtype', lambda m: m.meshgrid(m.ones(2), m.ones(2, dtype=m.float64), indexing='ij'), RuntimeError,
     "meshgrid expects all tensors to have the same dtype"),
    ('meshgrid_2d', lambda m: m.meshgrid(m.ones(2, 2), indexing='ij'), RuntimeError, "Expected 0D or 1D tensor"),
    ('meshgrid_empty', lambda m: m.meshgrid(indexing='ij'), RuntimeError, "meshgrid expects a non-empty TensorList"),
]


@pytest.mark.parametrize('case', BAD, ids=lambda c: c[0])
def test_bad_inputs(case):
    _, fn, exc, msg = case
    with pytest.raises(exc):
        fn(torch)
    with pytest.raises(exc, match=msg):
        fn(ember)
