"""``ember.linalg``: norms, inverses, decompositions and solvers, like ``torch.linalg``."""
from __future__ import annotations

from .ops.blas import matmul
from .ops.linalg import (LinAlgError, cholesky_ex, cond, det, eig, eigh, eigvals, eigvalsh, inv, inv_ex, lstsq,
                         matrix_exp, matrix_norm, matrix_power, matrix_rank, multi_dot, pinv, solve, solve_triangular,
                         svdvals, tensorinv, tensorsolve, vander, vecdot, vector_norm)
from .ops.linalg import (linalg_cholesky as cholesky, linalg_cross as cross, linalg_diagonal as diagonal,
                         linalg_norm as norm, linalg_qr as qr, linalg_slogdet as slogdet, linalg_svd as svd)

__all__ = ['LinAlgError', 'cholesky', 'cholesky_ex', 'cond', 'cross', 'det', 'diagonal', 'eig', 'eigh', 'eigvals',
           'eigvalsh', 'inv', 'inv_ex', 'lstsq', 'matmul', 'matrix_exp', 'matrix_norm', 'matrix_power', 'matrix_rank',
           'multi_dot', 'norm', 'pinv', 'qr', 'slogdet', 'solve', 'solve_triangular', 'svd', 'svdvals', 'tensorinv',
           'tensorsolve', 'vander', 'vecdot', 'vector_norm']
