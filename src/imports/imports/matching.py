"""Which catalog movie each row of an export means: ``match_films``.

A row names a film by its TMDB id, its IMDb id, or its title and year (Letterboxd). Ids decide
alone: a row that gives one is never matched by its title, since a title that matches beside an
id nobody knows would be a guess. Titles are compared by key (``title_key``): folded as search
folds them (accents, case), without punctuation, a trailing article moved to the front
("Matrix, The"), and each title also under its main part and the original titles it holds in
parentheses ("Amelie (Fabuleux destin d'Amélie Poulain, Le)"). The year must be the row's; one
year off is accepted only when a single film is that close and TMDB (when there is a client) did
not know one of the exact year: the demo catalog's years are MovieLens', one year off TMDB's (the
year Letterboxd shows) for 3% of its films (106 of the 3,477 whose TMDB date is known). Two
films equally good are ``ambiguous``, none is ``not_found``: a wrong match is worse than none.

The catalog answers first, for every row at once (a few queries whatever the number of rows);
then TMDB, through the caller's client, for what is left, adding what it knows to the catalog
through the catalog's own services. TMDB trouble raises ``TMDBRetryLater``: what was matched and
added before stays, so a later call resumes where this one stopped.
"""

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from catalog.models import Movie
from catalog.search import fold
from catalog.services import movies_add, movies_sync_by_tmdb_ids
from tmdb.client import TMDBClient
from tmdb.exceptions import (
    TMDBBadRequest,
    TMDBError,
    TMDBNotFound,
    TMDBRateLimited,
)
from tmdb.types import MovieSummary

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Articles a title may carry at its end, after a comma, as MovieLens and some exports write
# them ("Matrix, The", "Dernier métro, Le", "Atalante, L'"): English, French, Spanish, Italian,
# German, Portuguese, Dutch and Scandinavian ones.
ARTICLES = frozenset({
    "THE", "A", "AN", "LE", "LA", "LES", "L'", "UN", "UNE", "EL", "LOS", "LAS", "UNA", "IL", "LO",
    "I", "GLI", "UNO", "DER", "DIE", "DAS", "EIN", "EINE", "O", "OS", "AS", "UM", "UMA", "DE",
    "HET", "EEN", "DEN", "DET", "EN", "ETT",
})  # fmt: skip
# Letters NFKD does not decompose, spelled as people type them without the key.
_LETTERS = str.maketrans({"Ø": "O", "Æ": "AE", "Œ": "OE", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH"})
_TRAILING_PARENTHESES = re.compile(r"^(?P<rest>.*\S)\s*\((?P<inner>[^()]*)\)\s*$")
_AKA = re.compile(r"^a\.?\s?k\.?\s?a\.?\s+", re.IGNORECASE)
_TRAILING_ARTICLE = re.compile(r"^(?P<rest>.*\S)\s*,\s*(?P<article>[^\s,]+)$")
_WORD = re.compile(r"[^\W_]+")  # letters and digits
_IMDB_ID = re.compile(r"^tt0*(?P<number>\d{1,10})$")
CHUNK = 500  # ids per IN query: far below every database's limit on parameters


@dataclass(frozen=True)
class FilmRef:
    """What a row says about a film."""

    tmdb_id: int | None = None
    imdb_id: str | None = None  # "tt0111161"
    title: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Unmatched:
    reason: str  # "not_found" or "ambiguous"


NOT_FOUND = Unmatched("not_found")
AMBIGUOUS = Unmatched("ambiguous")


class TMDBRetryLater(Exception):
    """TMDB cannot answer now: it asked to wait (429, ``retry_after`` seconds from its
    ``Retry-After``), or it is unavailable, refuses the key or the client's own rate cap would
    not wait (``retry_after`` None: the caller's backoff). Nothing matched before is lost."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def match_films(
    refs: Collection[FilmRef], *, client: TMDBClient | None
) -> dict[FilmRef, int | Unmatched]:
    """Each ref's catalog Movie id (``Movie.pk``, not the TMDB id), adding films TMDB knows to
    the catalog; ``client`` None: the catalog only. Raises ``TMDBRetryLater``."""
    catalog = _Catalog.load(refs)
    tmdb = None if client is None else _TMDB(client, catalog)
    result: dict[FilmRef, int | Unmatched] = {}
    for ref in dict.fromkeys(refs):  # the catalog's answers first, for every ref (in order)
        result[ref] = catalog.match(ref, final=tmdb is None) or NOT_FOUND
    if tmdb is not None:
        left = [ref for ref, found in result.items() if found == NOT_FOUND]
        tmdb.details_add(left)
        for ref in left:
            result[ref] = tmdb.match(ref) or catalog.match_near_year(ref) or NOT_FOUND
    return result


# Titles


def title_names(title: str) -> tuple[str, list[str]]:
    """A title's main part and the other titles it gives in parentheses at its end:
    "Amelie (Fabuleux destin d'Amélie Poulain, Le)" -> ("Amelie", ["Fabuleux destin ..., Le"]);
    "a.k.a." is dropped."""
    main, others = title.strip(), list[str]()
    while (found := _TRAILING_PARENTHESES.match(main)) is not None:
        main = found["rest"]
        others.insert(0, _AKA.sub("", found["inner"].strip()))
    return main, [other for other in others if other]


def article_moved(name: str) -> str:
    """The title with a trailing article moved to the front: "Matrix, The" -> "The Matrix"."""
    name = name.strip()
    moved = _TRAILING_ARTICLE.match(name)
    if moved is not None and (fold(moved["article"]) or "") in ARTICLES:
        return f"{moved['article']} {moved['rest']}"
    return name


def title_key(name: str) -> str:
    """What two spellings of one title have in common: folded (accents, case), a trailing
    article moved to the front, its words' letters and digits only, without "and" ("&",
    "and" or neither: "Thelma & Louise")."""
    folded = (fold(article_moved(name)) or "").translate(_LETTERS)
    words = _WORD.findall(folded)
    return "".join(word for word in words if word != "AND") or folded.strip()


def title_keys(title: str) -> tuple[set[str], set[str]]:
    """The keys of a title itself (whole, and its main part), and of the other titles it
    gives in parentheses (not the ones made of digits only)."""
    main, others = title_names(title)
    own = {title_key(title), title_key(main)} - {""}
    other = {title_key(name) for name in others} - own
    return own, {key for key in other if key and not key.isdigit()}


class _Titled(NamedTuple):
    """A film under one of its titles."""

    ident: int  # a Movie pk, or a TMDB id for TMDB's results
    title: str
    year: int | None
    dated: bool  # the year is TMDB's release date's, not another source's (MovieLens')
    tier: int = 0  # 0: its own title, 1: another title (its original title, for TMDB)


@dataclass(frozen=True)
class _Candidate:
    ident: int
    year: int | None
    dated: bool
    tier: int  # 0: by its own title, 1: through another (in parentheses, original)


def _candidates(ref_title: str, titles: Iterable[_Titled]) -> list[_Candidate]:
    """The films of ``titles`` whose keys meet the ref's, each at its best tier."""
    own, other = title_keys(ref_title)
    best: dict[int, _Candidate] = {}
    for film in titles:
        film_own, film_other = title_keys(film.title)
        if own & film_own:
            tier = film.tier
        elif (own | other) & (film_own | film_other):
            tier = 1
        else:
            continue
        if film.ident not in best or tier < best[film.ident].tier:
            best[film.ident] = _Candidate(film.ident, film.year, film.dated, tier)
    return list(best.values())


def _pick(candidates: list[_Candidate], year: int | None) -> _Candidate | Unmatched:
    """The one best candidate of the year (of any year when the row gives none)."""
    pool = [c for c in candidates if year is None or c.year == year]
    if not pool:
        return NOT_FOUND
    best = min(c.tier for c in pool)
    top = {c.ident: c for c in pool if c.tier == best}
    return next(iter(top.values())) if len(top) == 1 else AMBIGUOUS


def _pick_near_year(candidates: list[_Candidate], year: int) -> _Candidate | Unmatched:
    """The only candidate one year off, if there is exactly one and its year may be off: not
    TMDB's own (the year of its release date), which is the year the ref gives."""
    near = {c.ident: c for c in candidates if c.year is not None and abs(c.year - year) == 1}
    if len(near) > 1:
        return AMBIGUOUS
    return next((c for c in near.values() if not c.dated), NOT_FOUND)


# The catalog


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def imdb_id_normal(imdb_id: str | None) -> str | None:
    """ "tt" and at least 7 digits, as IMDb writes its ids; None for anything else."""
    found = _IMDB_ID.match((imdb_id or "").strip().lower())
    return None if found is None else f"tt{int(found['number']):07d}"


def _tmdb_id(ref: FilmRef) -> int | None:
    return ref.tmdb_id if ref.tmdb_id is not None and ref.tmdb_id > 0 else None


def _has_id(ref: FilmRef) -> bool:
    """Whether the ref gives an id (an empty or malformed one is none: its title decides)."""
    return _tmdb_id(ref) is not None or imdb_id_normal(ref.imdb_id) is not None


class _Catalog:
    """What the catalog holds for a set of refs, loaded in a few queries."""

    def __init__(self) -> None:
        self.by_tmdb_id: dict[int, int] = {}
        self.by_imdb_id: dict[str, set[int]] = defaultdict(set)
        self.by_title: dict[str, list[_Titled]] = defaultdict(list)

    @classmethod
    def load(cls, refs: Collection[FilmRef]) -> "_Catalog":
        catalog = cls()
        catalog.tmdb_ids_load({tmdb_id for ref in refs if (tmdb_id := _tmdb_id(ref))})
        catalog.imdb_ids_load({imdb for ref in refs if (imdb := imdb_id_normal(ref.imdb_id))})
        catalog.titles_load([ref for ref in refs if not _has_id(ref) and ref.title.strip()])
        return catalog

    def tmdb_ids_load(self, tmdb_ids: Collection[int]) -> None:
        for chunk in _chunks(tmdb_ids):
            rows = Movie.objects.filter(tmdb_id__in=chunk).values_list("tmdb_id", "id")
            self.by_tmdb_id.update(rows)

    def imdb_ids_load(self, imdb_ids: Collection[str]) -> None:
        for chunk in _chunks(imdb_ids):
            for imdb_id, pk in Movie.objects.filter(imdb_id__in=chunk).values_list("imdb_id", "id"):
                self.by_imdb_id[imdb_id].add(pk)

    def titles_load(self, refs: Collection[FilmRef]) -> None:
        """The catalog's films that share a title key with a ref, by key: one pass over the
        films of the refs' years (and one year off; every film if a ref gives no year),
        streamed, keeping only those (memory grows with the refs, not the catalog)."""
        wanted = {key for ref in refs for keys in title_keys(ref.title) for key in keys}
        if not wanted:
            return
        movies = Movie.objects.all()
        if all(ref.year is not None for ref in refs):
            years = {ref.year + off for ref in refs if ref.year is not None for off in (-1, 0, 1)}
            movies = movies.filter(release_year__in=sorted(years))
        rows = movies.values_list("id", "title", "release_year", "release_date")
        for pk, title, year, date in rows.iterator(chunk_size=5000):
            own, other = title_keys(title)
            keys = (own | other) & wanted
            if keys:
                film = _Titled(pk, title, year, dated=date is not None and date.year == year)
                for key in keys:
                    self.by_title[key].append(film)

    def match(self, ref: FilmRef, *, final: bool) -> int | Unmatched | None:
        """The catalog's answer; None when TMDB may know better. ``final``: no TMDB to ask
        (a row of ids unknown here is not found; a title may then be one year off)."""
        if _has_id(ref):
            tmdb_id = _tmdb_id(ref)
            if tmdb_id is not None and not final:  # TMDB says whether the id is known
                return self.by_tmdb_id.get(tmdb_id)
            return self.match_ids(ref, tmdb_id_unknown=False) or (NOT_FOUND if final else None)
        found = self._pick_title(ref, _pick)
        if found == NOT_FOUND and final:
            return self.match_near_year(ref) or NOT_FOUND
        return None if found == NOT_FOUND else found

    def match_ids(self, ref: FilmRef, *, tmdb_id_unknown: bool) -> int | Unmatched | None:
        """By the ref's TMDB id, else its IMDb id. A movie found by the IMDb id alone whose
        TMDB id is not the ref's is another film, unless TMDB said the ref's TMDB id is
        unknown (``tmdb_id_unknown``)."""
        tmdb_id = _tmdb_id(ref)
        if tmdb_id is not None and tmdb_id in self.by_tmdb_id:
            return self.by_tmdb_id[tmdb_id]
        imdb_id = imdb_id_normal(ref.imdb_id)
        found = self.by_imdb_id.get(imdb_id) if imdb_id else None
        if not found:
            return None
        if len(found) > 1 or (tmdb_id is not None and not tmdb_id_unknown):
            return AMBIGUOUS  # two catalog movies, or the row's two ids name two films
        return next(iter(found))

    def match_near_year(self, ref: FilmRef) -> int | Unmatched | None:
        if _has_id(ref) or ref.year is None:
            return None
        found = self._pick_title(ref, _pick_near_year)
        return None if found == NOT_FOUND else found

    def _pick_title(
        self, ref: FilmRef, pick: Callable[[list[_Candidate], int], _Candidate | Unmatched]
    ) -> int | Unmatched:
        own, other = title_keys(ref.title)
        films = {film for key in own | other for film in self.by_title.get(key, ())}
        candidates = _candidates(ref.title, films)
        found = _pick(candidates, None) if ref.year is None else pick(candidates, ref.year)
        return found if isinstance(found, Unmatched) else found.ident


# TMDB


class _TMDB:
    """TMDB's answers for what the catalog did not know, each film added to the catalog."""

    def __init__(self, client: TMDBClient, catalog: _Catalog) -> None:
        self.client = client
        self.catalog = catalog

    def details_add(self, refs: Collection[FilmRef]) -> None:
        """Add the films of the refs' TMDB ids that TMDB knows to the catalog (their details,
        stored 20 at a time, as a sync does)."""
        tmdb_ids = [tmdb_id for ref in refs if (tmdb_id := _tmdb_id(ref)) is not None]
        if tmdb_ids:
            tmdb_ids = list(dict.fromkeys(tmdb_ids))
            _calling(lambda: movies_sync_by_tmdb_ids(client=self.client, tmdb_ids=tmdb_ids))
            self.catalog.tmdb_ids_load(tmdb_ids)

    def match(self, ref: FilmRef) -> int | Unmatched | None:
        """After ``details_add``: a TMDB id the catalog still lacks is one TMDB does not know
        (its IMDb id decides, then), a title is searched."""
        if not _has_id(ref):
            return self.match_title(ref)
        tmdb_id = _tmdb_id(ref)
        if tmdb_id is not None and tmdb_id in self.catalog.by_tmdb_id:
            return self.catalog.by_tmdb_id[tmdb_id]
        found = self.catalog.match_ids(ref, tmdb_id_unknown=True)
        if found is not None:
            return found
        imdb_id = imdb_id_normal(ref.imdb_id)
        if imdb_id is None:
            return NOT_FOUND
        results = _calling(lambda: self.client.find_by_imdb_id(imdb_id)) or []
        movies = {movie.id: movie for movie in results}
        if len(movies) != 1:
            return AMBIGUOUS if movies else NOT_FOUND
        (movie,) = movies.values()
        return movies_add(items=[movie], imdb_ids={movie.id: imdb_id})[movie.id]

    def match_title(self, ref: FilmRef) -> int | Unmatched | None:
        """TMDB's search for the title (its main part, article in front) in the ref's year:
        the one result whose title or original title is the ref's."""
        query = article_moved(title_names(ref.title)[0])
        page = _calling(lambda: self.client.search_movies(query, year=ref.year))
        results: dict[int, MovieSummary] = (
            {movie.id: movie for movie in page.results} if page else {}
        )
        titles = [
            _Titled(movie.id, name, movie.release_date.year, dated=True, tier=tier)
            for movie in results.values()
            if movie.release_date is not None
            for tier, name in enumerate((movie.title, movie.original_title))
            if name
        ]
        found = _pick(_candidates(ref.title, titles), ref.year)
        if isinstance(found, Unmatched):
            return None if found == NOT_FOUND else found
        return movies_add(items=[results[found.ident]])[found.ident]


def _calling(call: Callable[[], T]) -> T | None:
    """``call()``, None when TMDB does not know the thing asked (or refused the question);
    ``TMDBRetryLater`` when TMDB cannot answer now."""
    try:
        return call()
    except TMDBNotFound:
        return None
    except TMDBBadRequest as exc:
        logger.warning("TMDB refused a question of an import: %s", exc)
        return None
    except TMDBRateLimited as exc:
        raise TMDBRetryLater(str(exc), retry_after=exc.retry_after) from exc
    except TMDBError as exc:
        raise TMDBRetryLater(str(exc)) from exc
