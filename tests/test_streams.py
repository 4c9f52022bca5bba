"""Tests for sim.model.streams: a replication's uniforms depend only on (seed, replication, name, day)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.streams import BLOCK_SIZE, Streams, block_generator, parameter_uniforms, stream_key

SEED = 20251019
NAMES = ["shock", "strike/pakistan", "strike/afghanistan", "attacks/ttp"]


def draw_days(streams: Streams, n_days: int, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """Uniforms of each stream for days 1..n_days, each of shape (n_days, R)."""
    names = names if names is not None else streams.names
    out: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for _ in range(n_days):
        streams.advance()
        for name in names:
            out[name].append(streams[name].copy())
    return {name: np.stack(rows) for name, rows in out.items()}


@pytest.fixture(scope="module")
def full_run() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Reference: all of replications 0..2999 in one instance, 5 days."""
    reps = np.arange(3 * BLOCK_SIZE)
    return reps, draw_days(Streams(SEED, reps, NAMES), 5)


def test_block_size_constant():
    assert BLOCK_SIZE == 1000


def test_uniforms_shape_and_range(full_run):
    reps, days = full_run
    for name in NAMES:
        values = days[name]
        assert values.shape == (5, reps.size)
        assert np.all((values >= 0.0) & (values < 1.0))
        # 15 000 uniforms: SE of the mean sqrt(1/12 / 15000) = 0.0024; allow 5 SE.
        assert abs(values.mean() - 0.5) < 5 * np.sqrt(1 / 12 / values.size)


@pytest.mark.parametrize(
    "subset",
    [
        np.arange(1000, 2000),  # one whole block
        np.array([1500]),  # a single replication
        np.arange(998, 1003),  # across a block boundary
        np.concatenate([np.arange(0, 1000), np.arange(2000, 3000)]),  # whole blocks, not adjacent
        np.array([0, 5, 999, 1000, 1001, 1999, 2000, 2999]),  # sparse
        np.arange(500, 2500),  # partial blocks at both ends
    ],
    ids=["block", "single", "boundary", "gap", "sparse", "partial"],
)
def test_subset_gives_same_numbers(full_run, subset):
    reps, days = full_run
    got = draw_days(Streams(SEED, subset, NAMES), 5)
    for name in NAMES:
        np.testing.assert_array_equal(got[name], days[name][:, subset])


def test_chunking_gives_same_numbers(full_run):
    reps, days = full_run
    for chunks in ([np.arange(0, 1000), np.arange(1000, 3000)], [np.arange(0, 1700), np.arange(1700, 3000)]):
        parts = [draw_days(Streams(SEED, c, NAMES), 5) for c in chunks]
        for name in NAMES:
            np.testing.assert_array_equal(np.concatenate([p[name] for p in parts], axis=1), days[name])


def test_days_follow_the_block_generator(full_run):
    # Day d of replication r is draw (d - 1) * B + r % B of the block's generator.
    reps, days = full_run
    for block in range(3):
        seq = block_generator(SEED, block, "strike/pakistan").random(5 * BLOCK_SIZE).reshape(5, BLOCK_SIZE)
        np.testing.assert_array_equal(days["strike/pakistan"][:, block * BLOCK_SIZE:(block + 1) * BLOCK_SIZE], seq)


def test_days_and_blocks_differ(full_run):
    _, days = full_run
    v = days["shock"]
    assert not np.array_equal(v[0], v[1])
    assert not np.array_equal(v[0, :BLOCK_SIZE], v[0, BLOCK_SIZE:2 * BLOCK_SIZE])
    # Consecutive days are uncorrelated: |r| for 3000 pairs has SE 1/sqrt(3000) = 0.018; allow 5 SE.
    assert abs(np.corrcoef(v[0], v[1])[0, 1]) < 5 / np.sqrt(v.shape[1])


def test_names_give_different_numbers(full_run):
    _, days = full_run
    for i, a in enumerate(NAMES):
        for b in NAMES[i + 1:]:
            # Independent continuous uniforms coincide with probability 0.
            assert not np.any(days[a] == days[b])
            assert abs(np.corrcoef(days[a].ravel(), days[b].ravel())[0, 1]) < 5 / np.sqrt(days[a].size)


def test_name_order_duplicates_and_other_names_do_not_matter(full_run):
    reps, days = full_run
    sub = np.arange(1000, 2000)
    shuffled = ["attacks/ttp", "strike/afghanistan", "shock", "shock", "extra/stream", "strike/pakistan"]
    got = draw_days(Streams(SEED, sub, shuffled), 5)
    for name in NAMES:
        np.testing.assert_array_equal(got[name], days[name][:, sub])
    assert Streams(SEED, sub, shuffled).names.count("shock") == 1


def test_seed_changes_numbers(full_run):
    reps, days = full_run
    other = draw_days(Streams(SEED + 1, reps, NAMES), 1)
    assert not np.any(other["shock"][0] == days["shock"][0])


def test_occasional_streams_match_daily_draws(full_run):
    # An occasional stream read only on some days must give exactly what it
    # would give if drawn every day.
    reps, days = full_run
    for subset in (reps, np.arange(500, 2500), np.array([1500])):
        s = Streams(SEED, subset, ["shock"], ["strike/pakistan", "attacks/ttp"])
        for day in range(1, 6):
            s.advance()
            np.testing.assert_array_equal(s["shock"], days["shock"][day - 1, subset])
            if day in (2, 5):
                np.testing.assert_array_equal(s["strike/pakistan"], days["strike/pakistan"][day - 1, subset])
                # A second read the same day gives the same numbers.
                np.testing.assert_array_equal(s["strike/pakistan"], days["strike/pakistan"][day - 1, subset])
            if day == 4:
                np.testing.assert_array_equal(s["attacks/ttp"], days["attacks/ttp"][day - 1, subset])


def test_stream_key_is_stable():
    # crc32, fixed across processes and Python versions (unlike hash()); these
    # values are part of every seed's results.
    assert stream_key("strike/pakistan") == 3457115683
    assert stream_key("shock") == 1375321671
    names = [f"{rule}/{actor}" for rule in ("strike", "retaliation", "decree", "accept", "walkout", "join")
             for actor in ("pakistan", "afghanistan", "ttp", "qatar", "turkey", "us")]
    assert len({stream_key(n) for n in names}) == len(names)


# --------------------------------------------------------------------------- #
# parameter_uniforms
# --------------------------------------------------------------------------- #
def test_parameter_uniforms_subsets_agree():
    full = parameter_uniforms(SEED, np.arange(3 * BLOCK_SIZE), "actors.us.leverage")
    assert full.shape == (3000,) and np.all((full >= 0) & (full < 1))
    for subset in (np.arange(1000, 2000), np.array([1500]), np.array([0, 999, 1000, 2999]), np.arange(500, 2600)):
        np.testing.assert_array_equal(parameter_uniforms(SEED, subset, "actors.us.leverage"), full[subset])


def test_parameter_uniforms_block_boundaries():
    u = parameter_uniforms(SEED, np.arange(998, 1002), "talks.acceptance_temperature")
    np.testing.assert_array_equal(
        u[2:], block_generator(SEED, 1, "parameter/talks.acceptance_temperature").random(2))
    np.testing.assert_array_equal(
        u[:2], block_generator(SEED, 0, "parameter/talks.acceptance_temperature").random(BLOCK_SIZE)[998:])


def test_parameter_uniforms_names_and_seeds_differ():
    reps = np.arange(2000)
    a = parameter_uniforms(SEED, reps, "actors.us.leverage")
    b = parameter_uniforms(SEED, reps, "actors.qatar.leverage")
    c = parameter_uniforms(SEED + 1, reps, "actors.us.leverage")
    assert not np.any(a == b) and not np.any(a == c)
    # Parameter draws are independent of the daily stream of the same name.
    s = Streams(SEED, reps, ["actors.us.leverage"])
    s.advance()
    assert not np.any(s["actors.us.leverage"] == a)
