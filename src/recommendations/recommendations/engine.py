"""The recommender itself: plain numpy/scipy, no Django, shared by the API's neighbour-table
build and by the offline evaluation, so what is measured is what is served.

Model: item-to-item collaborative filtering on implicit feedback (each favorite is a positive).
Users with many favorites weigh less per favorite (an inverse-user-frequency weight), and the
similarity is an asymmetric cosine that discounts very popular neighbours, damped when two
movies share few fans. It is blended with a content similarity (shared genres, close release
years) whose weight fades as a movie gains fans, so rarely favorited movies still get neighbours.
Only the top ``k`` neighbours of each movie are kept.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class ModelParams:
    k: int = 100  # neighbours kept per movie
    alpha: float = 0.75  # > 0.5 discounts popular neighbours: sim = co / (n_i^(1-a) * n_j^a)
    shrink: float = 3.0  # damping of pairs with little support: co / (co + shrink)
    content_weight: float = 0.1  # content similarity's weight for a movie with no fans
    content_fade: float = 10.0  # fans at which the content weight has halved
    era_years: float = 15.0  # release-year distance that divides content similarity by e
    block: int = 512  # movies per block of the computation (memory bound)


@dataclass(frozen=True)
class ItemContent:
    """What the content similarity uses of each movie: genre ids and release year."""

    genres: Mapping[int, Sequence[int]]
    years: Mapping[int, int | None]


@dataclass(frozen=True)
class Neighbours:
    """Top-k neighbours per movie: ``neighbours[i]``/``scores[i]`` for ``item_ids[i]``, best
    first; -1 pads rows with fewer than k."""

    item_ids: np.ndarray  # (n,) int64
    neighbours: np.ndarray  # (n, k) int64 item ids, -1 = none
    scores: np.ndarray  # (n, k) float32

    def rows(self) -> Iterable[tuple[int, int, float]]:
        """(movie id, neighbour id, score) for every kept pair."""
        mask = self.neighbours >= 0
        item_rows = np.broadcast_to(self.item_ids[:, None], self.neighbours.shape)
        yield from zip(
            item_rows[mask].tolist(),
            self.neighbours[mask].tolist(),
            self.scores[mask].tolist(),
            strict=True,
        )

    def as_mapping(self) -> dict[int, list[tuple[int, float]]]:
        table: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for item, neighbour, score in self.rows():
            table[item].append((neighbour, score))
        return table


def build_neighbours(
    interactions: Iterable[tuple[int, int]],
    item_ids: Sequence[int],
    content: ItemContent | None = None,
    params: ModelParams = ModelParams(),
    *,
    prior: Iterable[tuple[int, int]] = (),
    prior_weight: float = 0.0,
) -> Neighbours:
    """Top-k neighbours of each of ``item_ids`` from (user id, item id) favorites.

    ``prior``: more (user id, item id) favorites from elsewhere (a community prior), their users
    apart from the site's, each weighing ``prior_weight`` times a site user with as many
    favorites (0: the prior is ignored)."""
    items = np.asarray(sorted(set(item_ids)), dtype=np.int64)
    index = {int(item): i for i, item in enumerate(items)}
    users_raw, items_raw = _pairs(interactions, index)
    if prior_weight > 0:
        prior_users, prior_items = _pairs(prior, index)
        # Apart from the site's users: the site's ids as 2u, the prior's as 2u + 1.
        users_raw = np.concatenate([users_raw * 2, prior_users * 2 + 1])
        items_raw = np.concatenate([items_raw, prior_items])
    n_items = len(items)
    user_ids, user_index = np.unique(users_raw, return_inverse=True)
    x = sparse.csr_matrix(
        (np.ones(len(items_raw), dtype=np.float32), (user_index, items_raw)),
        shape=(len(user_ids), n_items),
    )
    x.data[:] = 1.0  # duplicates count once
    x.sum_duplicates()
    x.data[:] = 1.0
    fans = np.asarray(x.sum(axis=0)).ravel()  # favorites per movie
    per_user = np.asarray(x.sum(axis=1)).ravel()
    user_weight = 1.0 / np.log2(1.0 + np.maximum(per_user, 1.0))
    if prior_weight > 0:
        user_weight = np.where(user_ids % 2 == 1, prior_weight * user_weight, user_weight)
    xt = x.T.tocsr()
    xw = sparse.diags(user_weight.astype(np.float32)) @ x
    weighted_fans = np.asarray(xw.sum(axis=0)).ravel()
    genre_matrix, years = _content_arrays(items, content)
    fade = params.content_weight * params.content_fade / (params.content_fade + fans)

    k = min(params.k, max(n_items - 1, 0))
    neighbours = np.full((n_items, k), -1, dtype=np.int64)
    scores = np.zeros((n_items, k), dtype=np.float32)
    if k == 0:
        return Neighbours(items, neighbours, scores)
    for start in range(0, n_items, params.block):
        rows = np.arange(start, min(start + params.block, n_items))
        block = _collaborative((xt[rows] @ xw).tocoo(), rows, weighted_fans, params)
        if genre_matrix is not None:
            block += fade[rows, None] * _content(genre_matrix, years, rows, params)
        block[np.arange(len(rows)), rows] = -np.inf  # never its own neighbour
        top = (
            np.argpartition(-block, k - 1, axis=1)[:, :k]
            if k < n_items
            else (np.tile(np.arange(n_items), (len(rows), 1)))
        )
        top_scores = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_scores = np.take_along_axis(top_scores, order, axis=1)
        keep = top_scores > 0
        neighbours[rows] = np.where(keep, items[top], -1)
        scores[rows] = np.where(keep, top_scores, 0.0)
    return Neighbours(items, neighbours, scores)


def _pairs(
    interactions: Iterable[tuple[int, int]], index: Mapping[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    users, items = [], []
    for user, item in interactions:
        position = index.get(item)
        if position is not None:
            users.append(user)
            items.append(position)
    return np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)


def _collaborative(
    co: sparse.coo_matrix, rows: np.ndarray, fans: np.ndarray, params: ModelParams
) -> np.ndarray:
    """Dense (len(rows), n) block of damped asymmetric-cosine similarities."""
    block = np.zeros(co.shape, dtype=np.float32)
    if co.nnz:
        own = np.maximum(fans[rows[co.row]], 1e-9) ** (1.0 - params.alpha)
        other = np.maximum(fans[co.col], 1e-9) ** params.alpha
        block[co.row, co.col] = (co.data / (own * other)) * (co.data / (co.data + params.shrink))
    return block


def _content_arrays(
    items: np.ndarray, content: ItemContent | None
) -> tuple[np.ndarray | None, np.ndarray]:
    if content is None:
        return None, np.full(len(items), np.nan)
    genre_ids = sorted({g for item in items.tolist() for g in content.genres.get(item, ())})
    if not genre_ids:
        return None, np.full(len(items), np.nan)
    column = {g: j for j, g in enumerate(genre_ids)}
    matrix = np.zeros((len(items), len(genre_ids)), dtype=np.float32)
    for i, item in enumerate(items.tolist()):
        for g in content.genres.get(item, ()):
            matrix[i, column[g]] = 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    years = np.array(
        [content.years.get(item) or np.nan for item in items.tolist()], dtype=np.float32
    )
    return matrix, years


def _content(
    genres: np.ndarray, years: np.ndarray, rows: np.ndarray, params: ModelParams
) -> np.ndarray:
    """Dense block: genre cosine times a release-year closeness (0.5 when a year is unknown)."""
    similarity: np.ndarray = genres[rows] @ genres.T
    distance = np.abs(years[rows, None] - years[None, :])
    era = np.where(np.isnan(distance), 0.5, np.exp(-distance / params.era_years))
    return similarity * era.astype(np.float32)


@dataclass(frozen=True)
class Recommendation:
    item: int
    score: float
    because: int  # the favorite that contributes most


def recommend(
    table: Mapping[int, Sequence[tuple[int, float]]],
    favorites: Iterable[int],
    *,
    limit: int,
    exclude: Iterable[int] = (),
) -> list[Recommendation]:
    """``rank`` over a neighbour table held as {movie: [(neighbour, score), ...]}."""
    favorites = list(dict.fromkeys(favorites))
    rows = [(f, item, score) for f in favorites for item, score in table.get(f, ())]
    return rank(rows, favorites, limit=limit, exclude=exclude)


def rank(
    rows: Iterable[tuple[int, int, float]],
    favorites: Sequence[int],
    *,
    limit: int,
    exclude: Iterable[int] = (),
) -> list[Recommendation]:
    """Rank the neighbours of a user's favorites from (favorite, neighbour, score) rows: a
    movie's score is the sum of its similarity to each favorite, ``because`` the favorite it is
    most similar to (the earlier one in ``favorites`` on a tie). Never a favorite or an excluded
    movie; ties by item id. Vectorised: a user with 50 favorites brings ~5,000 rows."""
    favorites = list(dict.fromkeys(favorites))
    data = np.array(list(rows), dtype=np.float64).reshape(-1, 3)
    position = {favorite: i for i, favorite in enumerate(favorites)}
    banned = np.fromiter({*favorites, *exclude}, dtype=np.int64)
    source, items, scores = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]
    keep = ~np.isin(items, banned) & np.isin(source, np.asarray(favorites, dtype=np.int64))
    source, items, scores = source[keep], items[keep], scores[keep]
    if limit <= 0 or not len(items):
        return []
    order = np.fromiter((position[f] for f in source.tolist()), dtype=np.int64, count=len(source))
    candidates, inverse = np.unique(items, return_inverse=True)
    totals = np.bincount(inverse, weights=scores)
    by_strength = np.lexsort((order, -scores, inverse))  # per candidate: best score, then order
    first = by_strength[np.r_[True, np.diff(inverse[by_strength]) != 0]]
    because = source[first]
    top = np.lexsort((candidates, -totals))[:limit]
    return [
        Recommendation(int(candidates[i]), float(totals[i]), int(because[i])) for i in top.tolist()
    ]
