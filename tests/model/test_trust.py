"""The trust ledger (sim.model.trust): Beta-Bernoulli beliefs with lazy exponential forgetting."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import trust
from sim.model.trust import TrustLedger


def ledger(a0, b0, half_life) -> TrustLedger:
    """A ledger of one observer (0) and one observed actor (1) over len(a0) replications."""
    a0, b0 = np.asarray(a0, dtype=float), np.asarray(b0, dtype=float)
    prior_cooperation = np.ones((2, 2, a0.size))
    prior_hostility = np.ones((2, 2, a0.size))
    prior_cooperation[0, 1], prior_hostility[0, 1] = a0, b0
    return TrustLedger(prior_cooperation, prior_hostility, half_life)


def test_daily_retention_half_life():
    h = np.array([1.0, 2.0, 7.0, 60.0, 3650.0])
    lam = trust.daily_retention(h)
    assert lam.shape == h.shape
    np.testing.assert_allclose(lam**h, 0.5, rtol=1e-12)
    assert trust.daily_retention(1.0) == 0.5
    assert np.all(np.diff(lam) > 0) and np.all(lam < 1)


def test_evidence_weight():
    lam = trust.daily_retention(10.0)
    assert trust.evidence_weight(lam, 5, 5) == 1.0
    np.testing.assert_allclose(trust.evidence_weight(lam, 0, 10), 0.5)
    np.testing.assert_allclose(trust.evidence_weight(lam, 20, 10), 2.0)


@pytest.mark.parametrize("day", [0, 17, 63, 64, 65, 200])
def test_mean_is_prior_mean_without_evidence(day):
    rng = np.random.default_rng(1)
    a0, b0 = rng.uniform(0.05, 50, (2, 100))
    book = ledger(a0, b0, rng.uniform(1, 500, 100))
    book.advance(day)
    np.testing.assert_allclose(book.mean(0, 1), a0 / (a0 + b0), rtol=1e-14)


def test_diagonal_prior_is_uniform_and_matrix_matches_mean():
    book = ledger([2.0, 3.0], [1.0, 5.0], 30.0)
    matrix = book.matrix()
    np.testing.assert_array_equal(matrix[0, 0], 0.5)
    np.testing.assert_array_equal(matrix[0, 1], book.mean(0, 1))
    np.testing.assert_allclose(matrix[0, 1], [2 / 3, 3 / 8])


def test_half_life_semantics():
    # Three units of cooperation seen on day 0 count for 1.5 after h = 12 days.
    book = ledger([1.0], [1.0], 12.0)
    book.advance(0)
    book.observe(0, 1, cooperation=np.array([3.0]))
    book.advance(12)
    np.testing.assert_allclose(book.mean(0, 1), (1 + 1.5) / (2 + 1.5), rtol=1e-12)


def test_observe_hostility_and_cooperation_exactly():
    book = ledger([2.0, 2.0], [2.0, 2.0], 30.0)
    book.advance(1)
    book.observe(0, 1, cooperation=np.array([1.0, 0.0]), hostility=np.array([0.0, 2.0]))
    np.testing.assert_allclose(book.mean(0, 1), [3 / 5, 2 / 6], rtol=1e-14)
    # Nothing else moved.
    np.testing.assert_array_equal(book.mean(1, 0), 0.5)


def test_repeated_pairs_add_up():
    book = ledger([1.0], [1.0], 30.0)
    book.advance(1)
    book.observe(np.array([0, 0, 1]), np.array([1, 1, 0]), hostility=np.array([[1.0], [2.0], [5.0]]))
    np.testing.assert_allclose(book.mean(0, 1), [1 / 5], rtol=1e-14)
    np.testing.assert_allclose(book.mean(1, 0), [1 / 7], rtol=1e-14)


def test_mean_at_selects_pairs_and_replications():
    book = ledger([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], 30.0)
    book.advance(2)
    got = book.mean_at(np.array([0, 1]), np.array([1, 0]), np.array([2, 0]))
    np.testing.assert_allclose(got, [[3 / 4, 1 / 2], [1 / 2, 1 / 2]], rtol=1e-14)


@pytest.mark.parametrize("rebase_every", [trust.REBASE_EVERY_DAYS, 5])
def test_lazy_discounting_equals_daily_decay(rebase_every, monkeypatch):
    monkeypatch.setattr(trust, "REBASE_EVERY_DAYS", rebase_every)
    rng = np.random.default_rng(2025)
    r, n_days = 6, 300
    half_life = np.array([1.0, 1.5, 7.0, 30.0, 365.0, 1e4])
    lam = trust.daily_retention(half_life)
    a0, b0 = rng.uniform(0.1, 20, (2, r))
    coop = rng.exponential(0.3, (n_days, r)) * (rng.random((n_days, r)) < 0.7)
    host = rng.poisson(0.2, (n_days, r)).astype(float)
    book = ledger(a0, b0, half_life)
    # Reference: decay yesterday's evidence by one day, then add today's.
    a_ev, b_ev = np.zeros(r), np.zeros(r)
    for day in range(1, n_days):
        a_ev = lam * a_ev + coop[day]
        b_ev = lam * b_ev + host[day]
        book.advance(day)
        book.observe(0, 1, cooperation=coop[day], hostility=host[day])
        got = book.mean(0, 1)
        np.testing.assert_allclose(got, (a0 + a_ev) / (a0 + a_ev + b0 + b_ev), rtol=1e-9, atol=1e-12)
        assert np.all((got > 0) & (got < 1))
    assert book.reference_day > 0  # the accumulators were rebased along the way


def test_rebase_happens_on_schedule_and_leaves_trust_unchanged():
    book = ledger([2.0], [3.0], 20.0)
    book.advance(1)
    book.observe(0, 1, hostility=np.array([4.0]))
    book.advance(trust.REBASE_EVERY_DAYS - 1)
    assert book.reference_day == 0
    before = book.mean(0, 1)
    book.advance(trust.REBASE_EVERY_DAYS)
    assert book.reference_day == trust.REBASE_EVERY_DAYS
    lam = trust.daily_retention(20.0)
    # Evidence of day 1, seen on day 64: discounted by 63 days, whether rebased or not.
    np.testing.assert_allclose(book.mean(0, 1), 2.0 / (2.0 + 3.0 + 4.0 * lam ** (trust.REBASE_EVERY_DAYS - 1)),
                               rtol=1e-12)
    assert book.mean(0, 1) > before  # one more day of forgetting


def test_trust_moves_with_evidence_and_forgets():
    base = ledger([2.0], [2.0], 30.0)
    base.advance(0)
    prior = base.mean(0, 1)[0]
    kind, hostile = ledger([2.0], [2.0], 30.0), ledger([2.0], [2.0], 30.0)
    for book in (kind, hostile):
        book.advance(0)
    kind.observe(0, 1, cooperation=np.array([1.0]))
    hostile.observe(0, 1, hostility=np.array([1.0]))
    assert kind.mean(0, 1)[0] > prior > hostile.mean(0, 1)[0]
    now = hostile.mean(0, 1)[0]
    hostile.advance(60)
    assert now < hostile.mean(0, 1)[0] < prior


@pytest.mark.parametrize("observer, observed", [(0, np.array([1, 1])), (np.array([0, 0]), 1),
                                                (np.array([0, 0]), np.array([1, 1]))])
def test_repeated_pairs_add_up_with_a_scalar_on_either_side(observer, observed):
    book = ledger([1.0], [1.0], 30.0)
    book.advance(1)
    book.observe(observer, observed, cooperation=np.array([[1.0], [2.0]]))
    np.testing.assert_allclose(book.mean(0, 1), [4 / 5], rtol=1e-14)


def test_mean_at_with_a_half_life_per_replication():
    book = ledger([1.0, 1.0, 1.0], [1.0, 1.0, 1.0], np.array([1.0, 2.0, 4.0]))
    book.advance(1)
    book.observe(0, 1, hostility=np.array([1.0, 1.0, 1.0]))
    book.advance(3)  # two days later: evidence kept 1/4, 1/2, 2^(-1/2)
    got = book.mean_at(np.array([0]), np.array([1]), np.array([2, 0]))
    np.testing.assert_allclose(got, [[1 / (2 + 0.5**0.5), 1 / 2.25]], rtol=1e-12)


def test_prior_is_the_prior_mean_whatever_the_evidence():
    book = ledger([2.0, 6.0], [6.0, 2.0], 30.0)
    book.advance(3)
    np.testing.assert_allclose(book.prior(0, 1), [0.25, 0.75], rtol=1e-14)
    book.observe(0, 1, hostility=np.array([4.0, 0.0]), cooperation=np.array([0.0, 4.0]))
    # The belief moves; the prior does not.
    np.testing.assert_allclose(book.mean(0, 1), [2 / 12, 10 / 12], rtol=1e-14)
    np.testing.assert_allclose(book.prior(0, 1), [0.25, 0.75], rtol=1e-14)
    book.advance(200)
    np.testing.assert_allclose(book.prior(0, 1), [0.25, 0.75], rtol=1e-14)
    assert np.all(np.abs(book.mean(0, 1) - book.prior(0, 1)) > 1e-3)  # not all forgotten after 197 days
    np.testing.assert_array_equal(book.prior(0, 0), [0.5, 0.5])  # the diagonal is Beta(1, 1)
    np.testing.assert_array_equal(book.prior(1, 0), [0.5, 0.5])


def test_prior_with_index_arrays_has_the_shape_of_mean():
    book = ledger([2.0, 6.0, 1.0], [6.0, 2.0, 3.0], 30.0)
    got = book.prior(np.array([0, 1, 0]), np.array([1, 0, 1]))
    assert got.shape == (3, 3) == book.mean(np.array([0, 1, 0]), np.array([1, 0, 1])).shape
    np.testing.assert_allclose(got, [[0.25, 0.75, 0.25], [0.5, 0.5, 0.5], [0.25, 0.75, 0.25]], rtol=1e-14)
    book.advance(1)
    book.observe(0, 1, cooperation=np.array([1.0, 1.0, 1.0]))
    # Trust lost against the prior, as the armed groups read it: zero before evidence, negative after cooperation.
    lost = book.prior(np.array([0]), np.array([1])) - book.mean(np.array([0]), np.array([1]))
    np.testing.assert_allclose(lost, [[0.25 - 3 / 9, 0.75 - 7 / 9, 0.25 - 2 / 5]], rtol=1e-12)
