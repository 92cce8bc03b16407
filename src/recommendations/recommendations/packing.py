"""How a movie's neighbour list is stored (``models.NeighbourList``): its neighbours' ids and
their scores as two little-endian arrays, so a row reads back as numpy arrays with no parsing
whatever the machine or database."""

import numpy as np

IDS = np.dtype("<i8")
SCORES = np.dtype("<f4")


def pack(ids: np.ndarray, scores: np.ndarray) -> tuple[bytes, bytes]:
    return ids.astype(IDS).tobytes(), scores.astype(SCORES).tobytes()


def unpack(ids: bytes | memoryview, scores: bytes | memoryview) -> tuple[np.ndarray, np.ndarray]:
    """(ids as int64, scores as float64): the arrays ``engine.rank`` sums."""
    return np.frombuffer(ids, dtype=IDS).astype(np.int64), np.frombuffer(
        scores, dtype=SCORES
    ).astype(np.float64)
