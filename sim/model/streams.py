"""Random streams: one generator per (replication block, named stream), from SeedSequence.

Replications are grouped in fixed blocks of :data:`BLOCK_SIZE`. Each block has,
for every named stream (a rule and the actor it concerns, e.g.
``"strike/pakistan"``), its own generator derived from the run's seed with
``numpy.random.SeedSequence(seed, spawn_key=(block, crc32(name)))``. Every day
each stream yields exactly one uniform number per replication of the block,
whether or not the rule uses it that day. Hence:

- a seed gives the same numbers whatever the number of processes or the way
  blocks are grouped into model instances (the chunking);
- a replication's numbers do not depend on the other replications;
- two scenarios that differ in parameter values (or in actors that other
  streams do not name) consume identical numbers: common random numbers.

References
----------
.. [1] O'Neill, M. E. (2014). PCG: A family of simple fast space-efficient
       statistically good algorithms for random number generation. HMC-CS-2014-0905.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

BLOCK_SIZE = 1000
"""Replications per random-stream block. Part of the definition of a seed's
results: changing it changes every number, so it is a constant, not an option."""


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (Python's ``hash`` varies between processes)."""
    return zlib.crc32(name.encode("utf-8"))


def block_generator(seed: int, block: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` in replication block ``block``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, stream_key(name)))))


class Streams:
    """Daily uniforms for a set of named streams over a set of replications.

    Every stream yields ``BLOCK_SIZE`` uniforms per block per day: day d uses
    positions [(d - 1) B, d B) of the block's stream. *Daily* streams are drawn at
    each :meth:`advance`; *occasional* streams (rules that act only on some days,
    such as talk rounds) are drawn on first use in a day, after jumping the
    generator over the days not used (PCG64 ``advance``), which yields the very
    same numbers as drawing every day, at a fraction of the cost.

    Parameters
    ----------
    seed : int
        The run's seed (>= 0).
    replications : ndarray of int, shape (R,)
        Global indices of the replications this model instance advances, sorted.
    daily : sequence of str
        Names of streams used every day.
    occasional : sequence of str
        Names of streams used on some days only.
    """

    def __init__(self, seed: int, replications: np.ndarray, daily: list[str], occasional: Sequence[str] = ()) -> None:
        self.replications = np.asarray(replications, dtype=np.int64)
        blocks = np.unique(self.replications // BLOCK_SIZE)
        self.blocks = blocks
        first = int(blocks[0]) * BLOCK_SIZE
        contiguous_full = (
            self.replications.size == blocks.size * BLOCK_SIZE
            and self.replications[0] == first
            and np.all(np.diff(blocks) == 1)
        )
        # Positions of our replications within the concatenated full blocks.
        self._take = None if contiguous_full else (
            np.searchsorted(blocks, self.replications // BLOCK_SIZE) * BLOCK_SIZE + self.replications % BLOCK_SIZE
        )
        self.names = list(dict.fromkeys(list(daily) + list(occasional)))
        self._index = {name: i for i, name in enumerate(self.names)}
        self._n_daily = len(dict.fromkeys(daily))
        self._generators = [[block_generator(seed, int(b), name) for b in blocks] for name in self.names]
        self._buffer = np.empty((len(self.names), blocks.size * BLOCK_SIZE))
        self.today = self._buffer if self._take is None else np.empty((len(self.names), self.replications.size))
        self.day = 0
        self._drawn_through = np.zeros(len(self.names), dtype=np.int64)  # last day each stream was drawn for
        self._rows: dict[tuple[str, tuple[str, ...]], slice | list[int]] = {}

    def _draw(self, i: int) -> None:
        row = self._buffer[i]
        skip = (self.day - 1 - int(self._drawn_through[i])) * BLOCK_SIZE
        for j, gen in enumerate(self._generators[i]):
            if skip:
                gen.bit_generator.advance(skip)  # one 64-bit draw per double
            gen.random(out=row[j * BLOCK_SIZE:(j + 1) * BLOCK_SIZE])
        self._drawn_through[i] = self.day
        if self._take is not None:
            np.take(row, self._take, out=self.today[i])

    def advance(self) -> None:
        """Move to the next day and draw its uniforms for every daily stream."""
        self.day += 1
        for i in range(self._n_daily):
            self._draw(i)

    def __getitem__(self, name: str) -> np.ndarray:
        """Today's uniforms of one stream, shape (R,)."""
        i = self._index[name]
        if self._drawn_through[i] != self.day:
            self._draw(i)
        return self.today[i]

    def rows(self, rule: str, actor_ids: list[str]) -> np.ndarray:
        """Today's uniforms of one rule for several actors (streams ``rule/actor``), shape (A, R).

        A view when the streams were declared next to each other (as the model declares them).
        """
        key = (rule, tuple(actor_ids))
        where = self._rows.get(key)
        if where is None:
            where = [self._index[f"{rule}/{aid}"] for aid in actor_ids]
            if where and where == list(range(where[0], where[0] + len(where))):
                where = slice(where[0], where[0] + len(where))
            self._rows[key] = where
        span = range(where.start, where.stop) if isinstance(where, slice) else where
        for i in span:
            if self._drawn_through[i] != self.day:
                self._draw(i)
        return self.today[where]


def parameter_uniforms(seed: int, replications: np.ndarray, name: str) -> np.ndarray:
    """One uniform per replication for an uncertain parameter, from its own stream.

    Drawn once, from a stream named after the parameter's path, so adding or
    removing an uncertain parameter leaves the others' draws unchanged.
    """
    replications = np.asarray(replications, dtype=np.int64)
    blocks = np.unique(replications // BLOCK_SIZE)
    full = np.concatenate([block_generator(seed, int(b), "parameter/" + name).random(BLOCK_SIZE) for b in blocks])
    pos = np.searchsorted(blocks, replications // BLOCK_SIZE) * BLOCK_SIZE + replications % BLOCK_SIZE
    return full[pos]
