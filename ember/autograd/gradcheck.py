"""Finite-difference checks of gradients (``gradcheck``, ``gradgradcheck``).

Each output element (and for complex outputs, its real and imaginary direction) is back-propagated as a
one-hot ``grad_output`` and compared with central differences of the real scalar
``L = Re(conj(v) * out_j)`` with respect to the real and imaginary parts of every input element; PyTorch's
convention makes the gradient of a complex input ``dL/dRe + i dL/dIm``.
"""
from __future__ import annotations

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(fn, inputs):
    from .._tensor import Tensor
    out = fn(*inputs)
    return tuple(o for o in _as_tuple(out) if isinstance(o, Tensor))


def _diff_inputs(inputs):
    from .._tensor import Tensor
    return [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def _numerical_jacobian(fn, inputs, idx, out_nr, eps):
    """Central differences of output ``out_nr`` w.r.t. each element (and each of its real/imaginary directions)
    of input ``idx``: an array ``[n_in, n_dirs, n_out]`` of complex output changes per unit step."""
    view = inputs[idx]._data.reshape(-1)
    dirs = (1, 1j) if np.iscomplexobj(view) else (1,)
    cols = []
    for k in range(view.size):
        per_dir = []
        for d in dirs:
            orig = view[k]
            view[k] = orig + eps * d
            plus = _outputs(fn, inputs)[out_nr]._host().reshape(-1).astype(np.complex128)
            view[k] = orig - eps * d
            minus = _outputs(fn, inputs)[out_nr]._host().reshape(-1).astype(np.complex128)
            view[k] = orig
            per_dir.append((plus - minus) / (2 * eps))
        cols.append(per_dir)
    if not view.size:  # an empty input: a Jacobian with no rows (a -1 in the reshape would be ambiguous)
        return np.zeros((0, len(dirs), _outputs(fn, inputs)[out_nr]._data.size)), np.iscomplexobj(view)
    return np.array(cols).reshape(view.size, len(dirs), -1), np.iscomplexobj(view)


def _numerical_grad(jac, is_complex, j, v):
    """The gradient of ``Re(conj(v) * out_j)``: ``dL/dRe + i dL/dIm`` per input element."""
    g = np.real(np.conj(v) * jac[:, 0, j])
    if is_complex:
        return g + 1j * np.real(np.conj(v) * jac[:, 1, j])
    return g


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
              nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True, fast_mode: bool = False,
              masked=None) -> bool:
    """Check analytical gradients of ``func`` at ``inputs`` against central finite differences."""
    from . import grad as autograd_grad
    from ..ops.creation import zeros_like
    inputs = _as_tuple(inputs)
    diff = _diff_inputs(inputs)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    for i in diff:
        if inputs[i].dtype.name not in ('float64', 'complex128'):
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating "
                          "point or complex. ", UserWarning, stacklevel=2)
    outs = _outputs(func, inputs)
    for o_nr, out in enumerate(outs):
        if not out.requires_grad:
            continue
        n = out.numel()
        jacs = {i: _numerical_jacobian(func, inputs, i, o_nr, eps) for i in diff}
        directions = (1.0, 1j) if out.is_complex() else (1.0,)
        for j in range(n):
            for v in directions:
                go = zeros_like(out)
                go._data.reshape(-1)[j] = v
                outs_now = _outputs(func, inputs)
                grads = autograd_grad(outs_now[o_nr], [inputs[i] for i in diff], go, retain_graph=False,
                                      allow_unused=True)
                for i, g in zip(diff, grads):
                    num = _numerical_grad(*jacs[i], j, v).reshape(inputs[i].shape)
                    ana = np.zeros_like(num) if g is None else g._host().astype(num.dtype)
                    if not np.allclose(ana, num, rtol=rtol, atol=atol):
                        if not raise_exception:
                            return False
                        raise GradcheckError(
                            f"Jacobian mismatch for output {o_nr} with respect to input {i},\n"
                            f"output element {j}, direction {v}:\nnumerical:{num}\nanalytical:{ana}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True, nondet_tol: float = 0.0,
                  check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: gradcheck of the gradient of ``func`` (with random ``grad_outputs``)."""
    from . import grad as autograd_grad
    from .._tensor import Tensor
    inputs = _as_tuple(inputs)
    diff = _diff_inputs(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = []
        for o in outs:
            g = rng.standard_normal(o.shape)
            if o.is_complex():
                g = g + 1j * rng.standard_normal(o.shape)
            grad_outputs.append(Tensor._wrap(g.astype(o.dtype.np), requires_grad=True))
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_grad(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _outputs(func, ins)
        pairs = [(o, g) for o, g in zip(outs, gos) if o.requires_grad]
        gs = autograd_grad([o for o, _ in pairs], [ins[i] for i in diff], [g for _, g in pairs],
                           create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grad, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
