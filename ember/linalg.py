"""``ember.linalg``: norms, inverses, decompositions and solvers, like ``torch.linalg``."""
from __future__ import annotations

from .ops.blas import matmul
from .ops.linalg import (LinAlgError, cholesky_ex, det, eig, eigh, eigvals, eigvalsh, inv, inv_ex, lstsq,
                         matrix_norm, matrix_power, matrix_rank, multi_dot, pinv, solve, svdvals, vecdot, vector_norm)
from .ops.linalg import (linalg_cholesky as cholesky, linalg_cross as cross, linalg_diagonal as diagonal,
                         linalg_norm as norm, linalg_qr as qr, linalg_slogdet as slogdet, linalg_svd as svd)

__all__ = ['LinAlgError', 'cholesky', 'cholesky_ex', 'cross', 'det', 'diagonal', 'eig', 'eigh', 'eigvals',
           'eigvalsh', 'inv', 'inv_ex', 'lstsq', 'matmul', 'matrix_norm', 'matrix_power', 'matrix_rank', 'multi_dot',
           'norm', 'pinv', 'qr', 'slogdet', 'solve', 'svd', 'svdvals', 'vecdot', 'vector_norm']
