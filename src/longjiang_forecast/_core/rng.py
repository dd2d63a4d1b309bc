"""Random streams: one seed in, independent child streams keyed by block index.

Follows NumPy's parallel random-number guide: a :class:`numpy.random.SeedSequence`
is spawned into one child per fixed block of draws, so results do not depend on
how blocks are shared among threads or workers.
"""

from __future__ import annotations

import enum
import warnings
import zlib
from typing import Any, Final

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


def named_stream(ss: np.random.SeedSequence, label: str) -> np.random.Generator:
    """The random stream of one series (or family shock) ``label``: a child of ``ss`` keyed by the label.

    The key is the label's CRC-32, so the stream depends on the seed and the name only, not on
    which other series are drawn or in which order (NumPy's ``SeedSequence`` spawn keys; SPEC 7).

    Parameters
    ----------
    ss : numpy.random.SeedSequence
        The seed of the draws.
    label : str
        The name of the stream, e.g. ``"09a/harbin"`` (indicator/region).

    Returns
    -------
    numpy.random.Generator
    """
    key = zlib.crc32(label.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 0, key)))


class _Unset(enum.Enum):
    """The marker of an argument not given (distinct from None, which means fresh entropy)."""

    UNSET = "unset"


#: Default of a renamed seed argument (``rng=``, ``random_seed=``), kept for one release.
UNSET: Final = _Unset.UNSET


def renamed_seed(seed: Any, old: Any, *, old_name: str, owner: str, default: Any = None) -> Any:
    """Return the seed given as ``seed=``, or under its old name with a :class:`FutureWarning`.

    The library's seed argument is ``seed=`` everywhere (an int, a ``SeedSequence`` or a ``Generator``);
    ``rng=`` (``sample_parameters``) and ``random_seed=`` (``HierarchicalModel``) still work for one
    release.

    Parameters
    ----------
    seed : object
        The value given as ``seed=``.
    old : object
        The value given under the old name, :data:`UNSET` when not given.
    old_name, owner : str
        The old name and the function or class, for the messages.
    default : object, default None
        The default of ``seed=``: giving both names is refused unless ``seed`` is at its default.

    Returns
    -------
    object
        The seed to use.

    Raises
    ------
    TypeError
        If both names are given.
    """
    if old is UNSET:
        return seed
    if seed is not default:
        raise TypeError(f"{owner} got both 'seed' and its old name '{old_name}'; pass 'seed' only.")
    warnings.warn(
        f"The '{old_name}' parameter of {owner} is renamed 'seed'; '{old_name}' will be removed in the "
        "next release. Pass 'seed=' instead.",
        FutureWarning,
        stacklevel=3,
    )
    return old
