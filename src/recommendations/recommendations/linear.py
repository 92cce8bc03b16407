"""The closed-form linear item-item model (EASE, Steck 2019) behind the neighbour table's rows
for the most favorited movies.

``B = I - P / diag(P)`` with ``P = (X^T X + diag(l2 + dropout / (1 - dropout) * n_j))^-1`` and
a zero diagonal: ``x_u B`` scores every movie for a user, so a neighbour table holding each
movie's largest weights, summed over a user's favorites, serves it (the ``dropout`` term is the
per-movie regularisation of Steck's denoising variant, DLAE, 2020). The weights towards movie
``j`` are divided by ``(1 + n_j)^popularity`` before the top ``k`` are kept, which trades a
little accuracy on popular movies for catalog coverage. Memory: one dense ``n x n`` float32
matrix (4 n^2 bytes) plus one block; float32 halves memory and time, and with a penalty of a
few units or more the inverse keeps ample precision for ranking.
"""

from collections.abc import Iterator

import numpy as np
from scipy import sparse
from scipy.linalg import lapack


def top_weights(
    x: sparse.csr_matrix,
    *,
    k: int,
    l2: float,
    dropout: float,
    popularity: float,
    block: int = 1024,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For blocks of the columns of ``x`` (users x movies, the movies modelled): (row positions,
    (rows, k) column positions of the largest positive weights, best first, -1 = none, their
    weights)."""
    n = x.shape[1]
    gram = np.asarray((x.T @ x).toarray(), dtype=np.float32)
    fans = gram.diagonal().copy()
    gram[np.diag_indices(n)] += l2 + dropout / (1.0 - dropout) * fans
    # Cholesky factor and inverse in place (upper triangle): no second n x n matrix.
    upper, info = lapack.spotrf(gram, lower=0, overwrite_a=1, clean=0)
    if info == 0:
        upper, info = lapack.spotri(upper, lower=0, overwrite_c=1)
    if info != 0:  # not positive definite: only with l2 = 0 and a movie without fans
        raise np.linalg.LinAlgError(f"X^T X + l2 I is singular (LAPACK info {info})")
    diagonal = upper.diagonal().copy()
    discount = (1.0 + fans) ** -popularity
    k = min(k, n - 1)
    if k <= 0:
        return
    columns = np.arange(n)
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        stop = rows[-1] + 1
        full = upper[rows].copy()  # the row's upper part; the lower part is its column above
        lower = upper[:stop, rows].T
        full[:, :stop] = np.where(columns[None, :stop] < rows[:, None], lower, full[:, :stop])
        weights = -full / diagonal[None, :] * discount[None, :]
        weights[np.arange(len(rows)), rows] = -np.inf  # never its own neighbour
        top = np.argpartition(-weights, k - 1, axis=1)[:, :k]
        top_weights_ = np.take_along_axis(weights, top, axis=1)
        order = np.argsort(-top_weights_, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_weights_ = np.take_along_axis(top_weights_, order, axis=1)
        keep = top_weights_ > 0
        yield rows, np.where(keep, top, -1), np.where(keep, top_weights_, 0.0)
