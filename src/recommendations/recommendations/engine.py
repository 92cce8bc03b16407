"""The recommender itself: plain numpy/scipy, no Django, shared by the API's neighbour-table
build and by the offline evaluation, so what is measured is what is served.

Input: implicit feedback as (user, movie[, weight]) interactions (a favorite weighs 1).
The ``linear_items`` most favorited movies get their neighbours from a closed-form linear
item-item model (EASE, ``recommendations.linear``) fitted on them: serving sums a user's
favorites' rows, which is EASE's ``x_u B`` truncated to each movie's top ``k`` weights.

The rest of the catalog (movies with few or no fans, and everything past ``linear_items`` on a
large catalog) keeps item-to-item collaborative filtering: users with many favorites weigh less
per favorite, the similarity is an asymmetric cosine that discounts very popular neighbours,
damped when two movies share few fans, blended with a content similarity (shared genres, close
release years, overview words) whose weight fades as a movie gains fans, so rarely favorited
movies still get neighbours. Those rows are put on the linear rows' scale (their median best
scores matched) so a user's favorites of both kinds add up.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from recommendations import linear

Interaction = tuple[int, int] | tuple[int, int, float]  # (user, movie[, weight]): weight 1
WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class ModelParams:
    k: int = 100  # neighbours kept per movie
    linear_items: int = 8000  # most favorited movies modelled by EASE (memory: 8 n^2 bytes)
    l2: float = 200.0  # EASE's ridge penalty
    dropout: float = 0.25  # DLAE's per-movie penalty: l2 + dropout / (1 - dropout) * fans
    popularity: float = 0.2  # EASE weights towards j divided by (1 + fans_j)^popularity
    alpha: float = 0.75  # > 0.5 discounts popular neighbours: sim = co / (n_i^(1-a) * n_j^a)
    shrink: float = 3.0  # damping of pairs with little support: co / (co + shrink)
    content_weight: float = 0.1  # content similarity's weight for a movie with no fans
    content_fade: float = 10.0  # fans at which the content weight has halved
    era_years: float = 15.0  # release-year distance that divides content similarity by e
    block: int = 512  # movies per block of the computation (memory bound)


@dataclass(frozen=True)
class ItemContent:
    """What the content similarity uses of each movie: genre ids, release year and (where
    known) overview text."""

    genres: Mapping[int, Sequence[int]]
    years: Mapping[int, int | None]
    overviews: Mapping[int, str] = field(default_factory=dict)


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

    def lists(self) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """(movie id, neighbour ids, scores) for every movie with neighbours, best first."""
        for item, neighbours, scores in zip(
            self.item_ids.tolist(), self.neighbours, self.scores, strict=True
        ):
            kept = neighbours >= 0
            if kept.any():
                yield item, neighbours[kept], scores[kept]

    def as_mapping(self) -> dict[int, list[tuple[int, float]]]:
        table: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for item, neighbour, score in self.rows():
            table[item].append((neighbour, score))
        return table


def build_neighbours(
    interactions: Iterable[Interaction],
    item_ids: Sequence[int],
    content: ItemContent | None = None,
    params: ModelParams = ModelParams(),
    *,
    prior: Iterable[Interaction] = (),
    prior_weight: float = 0.0,
    on_progress: Callable[[int], object] = lambda movies: None,
) -> Neighbours:
    """Top-k neighbours of each of ``item_ids`` from (user id, item id[, weight]) interactions.

    ``prior``: more interactions from elsewhere (a community prior), their users apart from the
    site's, each weighing ``prior_weight`` times the site's (0: the prior is ignored): rows of
    their own in the users x movies matrix, for both models. ``on_progress`` is called with
    each block's number of movies done."""
    items = np.asarray(sorted(set(item_ids)), dtype=np.int64)
    index = {int(item): i for i, item in enumerate(items)}
    users_raw, items_raw, values = _pairs(interactions, index)
    if prior_weight > 0:
        prior_users, prior_items, prior_values = _pairs(prior, index)
        # Apart from the site's users: the site's ids as 2u, the prior's as 2u + 1.
        users_raw = np.concatenate([users_raw * 2, prior_users * 2 + 1])
        items_raw = np.concatenate([items_raw, prior_items])
        values = np.concatenate([values, prior_values])
    n_items = len(items)
    user_ids, user_index = np.unique(users_raw, return_inverse=True)
    x = _matrix(user_index, items_raw, values, (len(user_ids), n_items))
    is_prior = user_ids % 2 == 1 if prior_weight > 0 else np.zeros(len(user_ids), dtype=bool)
    row_weight = np.where(is_prior, prior_weight, 1.0)  # per user, on X^T X and co-counts
    fans = np.asarray((x > 0).sum(axis=0)).ravel()  # users per movie
    k = min(params.k, max(n_items - 1, 0))
    neighbours = np.full((n_items, k), -1, dtype=np.int64)
    scores = np.zeros((n_items, k), dtype=np.float32)
    if k == 0:
        return Neighbours(items, neighbours, scores)
    by_fans = np.lexsort((np.arange(n_items), -fans))
    head = np.sort(by_fans[: min(params.linear_items, int((fans > 0).sum()))])
    if len(head) > 1:
        weighted = (sparse.diags(np.sqrt(row_weight)) @ x[:, head]).tocsr()
        for rows, top, weights in linear.top_weights(
            weighted, k=k, l2=params.l2, dropout=params.dropout, popularity=params.popularity
        ):
            width = top.shape[1]
            neighbours[head[rows], :width] = np.where(top >= 0, items[head[np.maximum(top, 0)]], -1)
            scores[head[rows], :width] = weights
            on_progress(len(rows))
    tail = np.setdiff1d(np.arange(n_items), head if len(head) > 1 else [])
    if len(tail):
        _neighbourhood(x, row_weight, items, tail, fans, content, params, k, neighbours, scores,
                       on_progress)  # fmt: skip
        if len(head) > 1:
            scores[tail] *= _scale(scores[head, 0], scores[tail, 0])
    return Neighbours(items, neighbours, scores)


def _matrix(
    users: np.ndarray, items: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> sparse.csr_matrix:
    """Users x movies, a duplicate interaction counting once (its largest weight)."""
    order = np.lexsort((-values, items, users))
    users, items, values = users[order], items[order], values[order]
    first = np.r_[True, (np.diff(users) != 0) | (np.diff(items) != 0)] if len(users) else []
    return sparse.csr_matrix(
        (values[first].astype(np.float64), (users[first], items[first])), shape=shape
    )


def _scale(head_best: np.ndarray, tail_best: np.ndarray) -> float:
    """Factor putting the neighbourhood rows on the linear rows' scale (median best scores)."""
    head_best, tail_best = head_best[head_best > 0], tail_best[tail_best > 0]
    if not (len(head_best) and len(tail_best)):
        return 1.0
    return float(np.median(head_best) / np.median(tail_best))


def _neighbourhood(
    x: sparse.csr_matrix,
    row_weight: np.ndarray,
    items: np.ndarray,
    targets: np.ndarray,
    fans: np.ndarray,
    content: ItemContent | None,
    params: ModelParams,
    k: int,
    neighbours: np.ndarray,
    scores: np.ndarray,
    on_progress: Callable[[int], object],
) -> None:
    """Item-kNN + content rows for the movies ``targets`` (positions), written in place."""
    binary = x.copy()
    binary.data[:] = 1.0
    per_user = np.asarray(binary.sum(axis=1)).ravel()
    user_weight = row_weight / np.log2(1.0 + np.maximum(per_user, 1.0))
    xt = binary.T.tocsr()
    xw = sparse.diags(user_weight) @ binary
    weighted_fans = np.asarray(xw.sum(axis=0)).ravel()
    features = _content_arrays(items, content)
    fade = params.content_weight * params.content_fade / (params.content_fade + fans)
    for start in range(0, len(targets), params.block):
        rows = targets[start : start + params.block]
        block = _collaborative((xt[rows] @ xw).tocoo(), rows, weighted_fans, params)
        if features is not None:
            _add_content(block, features, rows, fade[rows].astype(np.float32), params)
        block[np.arange(len(rows)), rows] = -np.inf  # never its own neighbour
        np.negative(block, out=block)  # in place: argpartition takes the smallest
        top = np.argpartition(block, k - 1, axis=1)[:, :k]
        top_scores = -np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_scores = np.take_along_axis(top_scores, order, axis=1)
        keep = top_scores > 0
        neighbours[rows] = np.where(keep, items[top], -1)
        scores[rows] = np.where(keep, top_scores, 0.0)
        on_progress(len(rows))


def _pairs(
    interactions: Iterable[Interaction], index: Mapping[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    users, items, values = [], [], []
    for user, item, *weight in interactions:
        position = index.get(item)
        if position is not None:
            users.append(user)
            items.append(position)
            values.append(weight[0] if weight else 1.0)
    return (
        np.asarray(users, dtype=np.int64),
        np.asarray(items, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
    )


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


@dataclass(frozen=True)
class _Features:
    genres: np.ndarray  # (n, genres) rows of unit norm (zero: none known)
    years: np.ndarray  # (n,) float32, nan: unknown
    unknown_years: np.ndarray  # (n,) bool
    words: sparse.csr_matrix | None  # (n, words) tf-idf rows of unit norm, None: no overviews


def _content_arrays(items: np.ndarray, content: ItemContent | None) -> _Features | None:
    if content is None:
        return None
    genre_ids = sorted({g for item in items.tolist() for g in content.genres.get(item, ())})
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
    words = _tf_idf([content.overviews.get(item, "") for item in items.tolist()])
    if not genre_ids and words is None:
        return None
    return _Features(matrix, years, np.isnan(years), words)


def _tf_idf(texts: Sequence[str]) -> sparse.csr_matrix | None:
    """Unit rows of inverse document frequency over the words of each text (3+ letters). A
    word in one text only is no link, one in more than 5% of them (and 10) says little and
    costs most: both are dropped. None: no words."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for word in set(WORD.findall(text.lower())):
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    if not cols:
        return None
    matrix = sparse.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(texts), len(vocabulary))
    )
    documents = matrix.getnnz(axis=0)  # texts per word
    useful = (documents > 1) & (documents <= max(10, 0.05 * len(texts)))
    idf = np.where(useful, np.log(len(texts) / np.maximum(documents, 1)), 0.0)
    matrix = (matrix @ sparse.diags(idf.astype(np.float32))).tocsr()
    matrix.eliminate_zeros()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = (sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0))
              @ matrix).tocsr()  # fmt: skip
    return matrix if matrix.nnz else None


def _add_content(
    block: np.ndarray,
    features: _Features,
    rows: np.ndarray,
    weight: np.ndarray,
    params: ModelParams,
) -> None:
    """``block += weight[:, None] * content``, in place (blocks are 512 x catalog): content is
    the genre cosine times a release-year closeness (0.5 when a year is unknown), plus the
    overviews' cosine."""
    era = features.years[rows, None] - features.years[None, :]
    np.abs(era, out=era)
    era *= np.float32(-1.0 / params.era_years)
    np.exp(era, out=era)
    if features.unknown_years.any():  # nan distances
        era[features.unknown_years[rows]] = 0.5
        era[:, features.unknown_years] = 0.5
    similarity: np.ndarray = features.genres[rows] @ features.genres.T
    similarity *= era
    del era
    if features.words is not None:
        text = (features.words[rows] @ features.words.T).tocoo()
        similarity[text.row, text.col] += text.data
    similarity *= weight[:, None]
    block += similarity


@dataclass(frozen=True)
class Recommendation:
    item: int
    score: float
    because: int  # the favorite that contributes most


NeighbourArrays = tuple[np.ndarray, np.ndarray]  # (neighbour ids, scores) of one movie


def recommend(
    table: Mapping[int, Sequence[tuple[int, float]]],
    favorites: Iterable[int],
    *,
    limit: int,
    exclude: Iterable[int] = (),
    weights: Mapping[int, float] | None = None,
) -> list[Recommendation]:
    """``rank`` over a neighbour table held as {movie: [(neighbour, score), ...]}."""
    favorites = list(dict.fromkeys(favorites))
    lists = {
        movie: (
            np.array([item for item, _ in table[movie]], dtype=np.int64),
            np.array([score for _, score in table[movie]], dtype=np.float64),
        )
        for movie in favorites
        if movie in table
    }
    return rank(lists, favorites, limit=limit, exclude=exclude, weights=weights)


def rank(
    lists: Mapping[int, NeighbourArrays],
    favorites: Iterable[int],
    *,
    limit: int,
    exclude: Iterable[int] = (),
    weights: Mapping[int, float] | None = None,
) -> list[Recommendation]:
    """Rank the neighbours of a user's favorites from each favorite's neighbour list: a movie's
    score is the sum of its similarity to each favorite times that favorite's weight
    (``weights``, default 1: a weaker signal, a watched movie, counts less), ``because`` the
    favorite that gives it the largest such part (the earlier one in ``favorites`` on a tie).
    Never a favorite or an excluded movie; ties by item id. Vectorised: a user with 50
    favorites brings ~5,000 pairs."""
    favorites = list(dict.fromkeys(favorites))
    present = [(position, f) for position, f in enumerate(favorites) if f in lists]
    if limit <= 0 or not present:
        return []
    items = np.concatenate([lists[f][0] for _, f in present])
    weight = weights or {}
    scores = np.concatenate([lists[f][1] * weight.get(f, 1.0) for _, f in present])
    order = np.repeat([p for p, _ in present], [len(lists[f][0]) for _, f in present])
    banned = np.fromiter({*favorites, *exclude}, dtype=np.int64)
    keep = ~np.isin(items, banned)
    items, scores, order = items[keep], scores[keep], order[keep]
    if not len(items):
        return []
    candidates, inverse = np.unique(items, return_inverse=True)
    totals = np.bincount(inverse, weights=scores)
    by_strength = np.lexsort((order, -scores, inverse))  # per candidate: best score, then order
    first = by_strength[np.r_[True, np.diff(inverse[by_strength]) != 0]]
    because = np.asarray(favorites, dtype=np.int64)[order[first]]
    top = np.lexsort((candidates, -totals))[:limit]
    return [
        Recommendation(int(candidates[i]), float(totals[i]), int(because[i])) for i in top.tolist()
    ]
