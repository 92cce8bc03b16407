"""The model itself (recommendations.engine): planted structure, popularity discount, content
blend, table shape, and the ranking of a user's recommendations."""

import numpy as np
import pytest

from recommendations.engine import ItemContent, ModelParams, build_neighbours, recommend

A, B, C, D, E, F = 1, 2, 3, 4, 5, 6
POPULAR = 99


def planted(users_per_group: int = 10, popular: bool = False) -> list[tuple[int, int]]:
    """Users 1..n favorite A, B, C; users 101..100+n favorite D, E, F (everyone P if asked)."""
    pairs = []
    for user in range(1, users_per_group + 1):
        pairs += [(user, A), (user, B), (user, C)]
        pairs += [(100 + user, D), (100 + user, E), (100 + user, F)]
        if popular:
            pairs += [(user, POPULAR), (100 + user, POPULAR)]
    return pairs


def neighbours_of(result, item: int) -> list[int]:
    row = result.neighbours[list(result.item_ids).index(item)]
    return [int(n) for n in row if n >= 0]


def test_build_neighbours_finds_the_planted_co_favorites():
    result = build_neighbours(planted(), [A, B, C, D, E, F], params=ModelParams(k=5))

    assert set(neighbours_of(result, A)) == {B, C}
    assert set(neighbours_of(result, B)) == {A, C}
    assert set(neighbours_of(result, E)) == {D, F}
    assert list(result.item_ids) == [A, B, C, D, E, F]


def test_build_neighbours_scores_are_best_first_and_positive():
    pairs = [*planted(), (1, D), (2, D)]  # a weaker link from A to D

    result = build_neighbours(pairs, [A, B, C, D, E, F], params=ModelParams(k=5))

    row = list(result.item_ids).index(A)
    kept = result.neighbours[row] >= 0
    scores = result.scores[row][kept]
    assert neighbours_of(result, A)[:2] in ([B, C], [C, B])
    assert neighbours_of(result, A)[2] == D
    assert np.all(scores > 0)
    assert np.all(np.diff(scores) <= 0)


def test_build_neighbours_discounts_a_movie_everyone_favorites():
    items = [A, B, C, D, E, F, POPULAR]

    result = build_neighbours(planted(popular=True), items, params=ModelParams(k=6))

    for item in (A, B, C, D, E, F):
        top_two = neighbours_of(result, item)[:2]
        assert POPULAR not in top_two, (item, top_two)
    assert set(neighbours_of(result, A)[:2]) == {B, C}
    assert set(neighbours_of(result, D)[:2]) == {E, F}


def test_build_neighbours_without_the_discount_lets_the_popular_movie_climb():
    """In the neighbourhood rows (no linear model: linear_items = 0), the discount is what keeps
    POPULAR down: with alpha = 0 (no discount) it ties with the real co-favorites; with the
    default alpha = 0.75 it is strictly below them."""
    items = [A, B, C, D, E, F, POPULAR]
    pairs = planted(popular=True)
    discounted = build_neighbours(pairs, items, params=ModelParams(k=6, linear_items=0))
    plain = build_neighbours(pairs, items, params=ModelParams(k=6, alpha=0.0, linear_items=0))

    def score(result, item, neighbour):
        row = list(result.item_ids).index(item)
        return float(result.scores[row][list(result.neighbours[row]).index(neighbour)])

    assert score(discounted, A, POPULAR) < score(discounted, A, B)
    assert score(plain, A, POPULAR) == pytest.approx(score(plain, A, B), rel=1e-5)


def test_build_neighbours_gives_a_movie_without_fans_content_neighbours():
    lonely, old = 50, 51
    content = ItemContent(
        genres={A: [1], B: [1], C: [1, 2], D: [3], E: [3], F: [3], lonely: [1], old: [3]},
        years={A: 2000, B: 2001, C: 1999, D: 2000, E: 2000, F: 2000, lonely: 2000, old: 1950},
    )

    result = build_neighbours(planted(), [A, B, C, D, E, F, lonely, old], content, ModelParams(k=7))

    lonely_neighbours = neighbours_of(result, lonely)
    assert set(lonely_neighbours[:3]) == {A, B, C}
    assert lonely_neighbours[2] == C  # shares only one of its two genres
    assert not {D, E, F} & set(lonely_neighbours)
    assert set(neighbours_of(result, old)) == {D, E, F}  # genre counts even decades apart
    # Collaborative similarity still dominates for movies with fans.
    assert set(neighbours_of(result, A)[:2]) == {B, C}


def test_build_neighbours_era_breaks_ties_between_same_genre_movies():
    lonely, close, far = 50, 51, 52
    content = ItemContent(
        genres={lonely: [1], close: [1], far: [1]},
        years={lonely: 1980, close: 1982, far: 2020},
    )

    result = build_neighbours([], [lonely, close, far], content, ModelParams(k=2))

    assert neighbours_of(result, lonely) == [close, far]


def test_build_neighbours_respects_k_and_pads_with_minus_one():
    result = build_neighbours(planted(), [A, B, C, D, E, F, 7], params=ModelParams(k=4))

    assert result.neighbours.shape == (7, 4)
    assert result.scores.shape == (7, 4)
    assert list(result.neighbours[list(result.item_ids).index(A)])[2:] == [-1, -1]
    assert list(result.neighbours[list(result.item_ids).index(7)]) == [-1, -1, -1, -1]
    assert np.all(result.scores[result.neighbours < 0] == 0)


def test_build_neighbours_k_is_capped_by_the_catalog_and_never_self():
    pairs = [(user, item) for user in range(5) for item in (A, B, C)]

    result = build_neighbours(pairs, [A, B, C], params=ModelParams(k=100))

    assert result.neighbours.shape == (3, 2)
    for i, item in enumerate(result.item_ids):
        assert item not in result.neighbours[i]
        assert set(result.neighbours[i]) == {A, B, C} - {item}


def test_build_neighbours_small_blocks_give_the_same_table():
    pairs = [*planted(popular=True), (1, D), (102, A)]
    items = [A, B, C, D, E, F, POPULAR]

    whole = build_neighbours(pairs, items, params=ModelParams(k=3))
    blocked = build_neighbours(pairs, items, params=ModelParams(k=3, block=2))

    assert np.array_equal(whole.neighbours, blocked.neighbours)
    assert np.allclose(whole.scores, blocked.scores)


def test_build_neighbours_ignores_unknown_items_and_duplicate_favorites():
    pairs = [*planted(), (1, 777), (1, A), (1, A)]

    result = build_neighbours(pairs, [A, B, C, D, E, F], params=ModelParams(k=5))
    clean = build_neighbours(planted(), [A, B, C, D, E, F], params=ModelParams(k=5))

    assert np.array_equal(result.neighbours, clean.neighbours)
    assert np.allclose(result.scores, clean.scores)


def test_build_neighbours_with_no_items_or_no_favorites():
    empty = build_neighbours([], [])
    no_fans = build_neighbours([], [A, B], params=ModelParams(k=3))

    assert empty.neighbours.shape == (0, 0)
    assert no_fans.neighbours.tolist() == [[-1], [-1]]
    assert list(no_fans.rows()) == []


def test_neighbours_rows_and_mapping_list_kept_pairs_only():
    result = build_neighbours(planted(), [A, B, C, D, E, F, 7], params=ModelParams(k=3))

    rows = list(result.rows())
    table = result.as_mapping()

    assert len(rows) == 12  # 6 movies with 2 neighbours each; 7 has none
    assert all(neighbour != -1 for _, neighbour, _ in rows)
    assert {n for n, _ in table[A]} == {B, C}
    assert 7 not in table


TABLE = {
    A: [(B, 0.9), (C, 0.5), (D, 0.1)],
    B: [(A, 0.9), (C, 0.4), (E, 0.3)],
    F: [(E, 0.6), (D, 0.2)],
}


def test_recommend_sums_scores_and_excludes_favorites():
    picks = recommend(TABLE, [A, B], limit=10)

    assert [p.item for p in picks] == [C, E, D]
    assert picks[0].score == pytest.approx(0.9)  # 0.5 from A plus 0.4 from B
    assert {A, B}.isdisjoint(p.item for p in picks)


def test_recommend_reason_is_the_strongest_favorite():
    picks = {p.item: p for p in recommend(TABLE, [A, B, F], limit=10)}

    assert picks[C].because == A  # 0.5 > 0.4
    assert picks[E].because == F  # 0.6 > 0.3
    assert picks[D].because == F  # 0.2 > 0.1
    assert picks[E].score == pytest.approx(0.9)


def test_recommend_weighs_each_seed_and_names_the_largest_weighted_part():
    picks = {p.item: p for p in recommend(TABLE, [A, B, F], limit=10, weights={F: 0.25})}

    assert picks[E].score == pytest.approx(0.3 + 0.25 * 0.6)
    assert picks[E].because == B  # 0.3 > 0.25 * 0.6
    assert picks[D].score == pytest.approx(0.1 + 0.25 * 0.2)
    assert picks[C].score == pytest.approx(0.9)  # A and B: weight 1 when not given


def test_recommend_honours_exclude_and_limit():
    assert [p.item for p in recommend(TABLE, [A, B], limit=10, exclude=[C])] == [E, D]
    assert [p.item for p in recommend(TABLE, [A, B], limit=1)] == [C]
    assert recommend(TABLE, [A], limit=0) == []


def test_recommend_breaks_ties_by_item_id_whatever_the_order():
    table = {A: [(9, 0.5), (7, 0.5), (8, 0.5)], B: [(7, 0.5)]}

    picks = recommend(table, [A], limit=10)
    reordered = recommend({A: list(reversed(table[A]))}, [A], limit=10)

    assert [p.item for p in picks] == [7, 8, 9]
    assert picks == reordered
    # Two favorites equally close: the first one given (the newest, when serving) is the reason.
    assert recommend(table, [B, A], limit=1)[0].because == B
    assert recommend(table, [A, B], limit=1)[0].because == A


def test_recommend_with_no_favorites_or_unknown_favorites_is_empty():
    assert recommend(TABLE, [], limit=10) == []
    assert recommend(TABLE, [12345], limit=10) == []


def test_recommend_counts_a_repeated_favorite_once():
    assert recommend(TABLE, [A, A], limit=10) == recommend(TABLE, [A], limit=10)


# The community prior


def test_build_neighbours_prior_gives_neighbours_the_site_favorites_lack():
    site = [(1, 10), (1, 11)]  # the site knows only that 10 and 11 go together
    prior = [(1, 12), (1, 13), (2, 12), (2, 13)]  # prior user 1 is not site user 1

    without = build_neighbours(site, [10, 11, 12, 13], prior=prior, prior_weight=0.0)
    with_prior = build_neighbours(site, [10, 11, 12, 13], prior=prior, prior_weight=1.0)

    assert 12 not in without.as_mapping()
    assert [n for n, _ in with_prior.as_mapping()[12]] == [13]
    assert [n for n, _ in with_prior.as_mapping()[10]] == [11]  # not mixed with prior user 1


def test_build_neighbours_prior_weight_scales_the_prior_against_the_site():
    site = [(u, 10) for u in range(3)] + [(u, 11) for u in range(3)]
    prior = [(u, 10) for u in range(3)] + [(u, 12) for u in range(3)]
    items = [10, 11, 12]

    def order(weight: float) -> list[int]:
        table = build_neighbours(site, items, prior=prior, prior_weight=weight).as_mapping()
        return [n for n, _ in table[10]]

    assert order(0.1) == [11, 12]
    assert order(10.0) == [12, 11]


# The linear (EASE) rows


def random_interactions(users: int = 60, items: int = 25, seed: int = 3) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    taste = rng.random((users, 3)) @ rng.random((3, items))  # low-rank tastes: real structure
    chosen = taste > np.quantile(taste, 0.8, axis=1, keepdims=True)
    return [(int(u), int(i) + 1) for u, i in zip(*np.nonzero(chosen), strict=True)]


def dense_ease(pairs, items, l2: float, dropout: float = 0.0) -> np.ndarray:
    index = {item: i for i, item in enumerate(items)}
    users = sorted({u for u, _ in pairs})
    x = np.zeros((len(users), len(items)))
    for u, i in pairs:
        x[users.index(u), index[i]] = 1.0
    gram = x.T @ x
    gram[np.diag_indices_from(gram)] += l2 + dropout / (1 - dropout) * np.diag(gram)
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0.0
    return b


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_linear_rows_are_eases_largest_weights(dropout):
    """Every row holds EASE's k largest positive weights of that movie, exactly, best first."""
    pairs = random_interactions()
    items = sorted({i for _, i in pairs})
    b = dense_ease(pairs, items, l2=5.0, dropout=dropout)
    params = ModelParams(k=6, l2=5.0, dropout=dropout, popularity=0.0, block=7)

    result = build_neighbours(pairs, items, params=params)

    for row in range(len(items)):
        expected = np.argsort(-b[row], kind="stable")[:6]
        expected = [items[j] for j in expected if b[row, j] > 0]
        kept = result.neighbours[row] >= 0
        assert result.neighbours[row][kept].tolist() == expected
        np.testing.assert_allclose(
            result.scores[row][kept], np.sort(b[row])[::-1][: kept.sum()], rtol=1e-4
        )


def test_linear_popularity_discount_divides_by_fans():
    pairs = random_interactions()
    items = sorted({i for _, i in pairs})
    fans = {i: sum(1 for _, j in pairs if j == i) for i in items}
    plain = build_neighbours(pairs, items, params=ModelParams(k=24, popularity=0.0)).as_mapping()
    discounted = build_neighbours(pairs, items, params=ModelParams(k=24, popularity=0.5))

    for item, row in discounted.as_mapping().items():
        before = dict(plain[item])
        for neighbour, score in row:
            assert score == pytest.approx(before[neighbour] / (1 + fans[neighbour]) ** 0.5, 1e-4)


def test_serving_the_linear_table_is_ease_scoring():
    """Summed over a user's favorites with k = all, the table ranks as x_u B does."""
    pairs = random_interactions()
    items = sorted({i for _, i in pairs})
    b = dense_ease(pairs, items, l2=5.0)
    table = build_neighbours(
        pairs, items, params=ModelParams(k=len(items), l2=5.0, dropout=0.0, popularity=0.0)
    ).as_mapping()
    favorites = [i for u, i in pairs if u == 0]
    x = np.isin(items, favorites).astype(float)
    scores = x @ np.where(b > 0, b, 0.0)
    scores[x > 0] = -np.inf  # never a favorite

    picks = recommend(table, favorites, limit=5)

    assert [p.item for p in picks] == [items[j] for j in np.argsort(-scores)[: len(picks)]]
    for pick in picks:  # the reason: the favorite with the largest weight towards the pick
        j = items.index(pick.item)
        assert pick.because == max(favorites, key=lambda f: b[items.index(f), j])


def test_only_the_most_favorited_movies_get_linear_rows():
    """linear_items = 3: A, B, C (most fans) are modelled by EASE among themselves; the others
    keep neighbourhood rows over the whole catalog, on the linear rows' scale."""
    pairs = planted(users_per_group=10)
    pairs += [(u, A) for u in range(200, 205)] + [(u, B) for u in range(200, 203)]
    pairs += [(200, C)]
    items = [A, B, C, D, E, F]
    params = ModelParams(k=5, linear_items=3, popularity=0.0, l2=1.0)

    result = build_neighbours(pairs, items, params=params)

    assert set(neighbours_of(result, A)) <= {B, C}
    linear = build_neighbours(
        [(u, i) for u, i in pairs if i in (A, B, C)], [A, B, C], params=params
    )
    np.testing.assert_allclose(result.scores[:3, :2], linear.scores, rtol=1e-5)
    assert not result.scores[:3, 2:].any()
    assert set(neighbours_of(result, E)) == {D, F}
    best = result.scores[:, 0]
    assert np.median(best[3:]) == pytest.approx(np.median(best[:3]), rel=1e-5)


def test_build_neighbours_accepts_weighted_interactions():
    """(user, movie, weight): a weight scales that user's row (a weight-1 triple is a pair)."""
    pairs = random_interactions()
    items = sorted({i for _, i in pairs})
    as_pairs = build_neighbours(pairs, items, params=ModelParams(k=5))
    as_triples = build_neighbours([(u, i, 1.0) for u, i in pairs], items, params=ModelParams(k=5))
    heavier = build_neighbours(
        [(u, i, 3.0 if u < 10 else 1.0) for u, i in pairs], items, params=ModelParams(k=5)
    )

    np.testing.assert_array_equal(as_pairs.neighbours, as_triples.neighbours)
    assert not np.allclose(as_pairs.scores, heavier.scores)


def test_overview_words_give_a_movie_without_fans_its_neighbours():
    lonely = 50
    content = ItemContent(
        genres={A: [1], B: [1], C: [1], D: [1], E: [1], F: [1], lonely: [1]},
        years={},
        overviews={
            A: "A replicant hunter in a rainy city.", B: "A comedy of manners.",
            C: "Manners and weddings.", D: "Space pirates.", E: "Pirates of the space lanes.",
            F: "Weddings again.", lonely: "The hunter tracks a replicant.",
        },
    )  # fmt: skip

    result = build_neighbours(planted(), [A, B, C, D, E, F, lonely], content, ModelParams(k=6))

    assert neighbours_of(result, lonely)[0] == A
