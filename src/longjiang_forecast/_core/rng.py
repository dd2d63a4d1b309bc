"""Random streams: one seed in, independent child streams keyed by block index.

Follows NumPy's parallel random-number guide: a :class:`numpy.random.SeedSequence`
is spawned into one child per fixed block of draws, so results do not depend on
how blocks are shared among threads or workers.
"""

from __future__ import annotations

import numpy as np

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Return a :class:`~numpy.random.SeedSequence` for any accepted seed.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
        ``None`` draws fresh entropy from the operating system (recorded in
        the outputs, so the run can be repeated). A ``Generator`` contributes
        the seed sequence it was built from.

    Returns
    -------
    numpy.random.SeedSequence

    Raises
    ------
    TypeError
        If ``seed`` is none of the accepted types.
    ValueError
        If ``seed`` is a negative integer.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        ss = seed.bit_generator.seed_seq
        if not isinstance(ss, np.random.SeedSequence):  # pragma: no cover - exotic bit generators
            raise TypeError("The 'seed' Generator must be built from a numpy SeedSequence.")
        return ss
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(
            f"The 'seed' parameter must be an int, a numpy SeedSequence or Generator, or None. "
            f"Got {type(seed).__name__} instead."
        )
    if seed < 0:
        raise ValueError(f"The 'seed' parameter must be a non-negative int. Got {seed} instead.")
    return np.random.SeedSequence(int(seed))


def spawn_generators(seed: SeedLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` independent generators, child ``i`` always the same for block ``i``.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
        See :func:`as_seed_sequence`.
    n : int
        Number of child streams (one per block of draws, not per worker).

    Returns
    -------
    list of numpy.random.Generator
    """
    ss = as_seed_sequence(seed)
    # Re-create the parent from its entropy so spawning never mutates the caller's object.
    parent = np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key)
    return [np.random.default_rng(child) for child in parent.spawn(n)]
