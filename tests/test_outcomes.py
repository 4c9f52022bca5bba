"""Tests for sim.outcomes (statistical estimators over replication outcomes)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.outcomes import (
    breakdown_day_quantiles,
    cause_shares,
    mean_ci,
    paired_difference_ci,
    proportion_ci,
    survival_at,
    survival_difference_ci,
    survival_table,
)


def geometric_days(rng: np.random.Generator, p: float, n: int, horizon: int) -> np.ndarray:
    """Breakdown day ~ Geometric(p) on 1, 2, ...; NaN if beyond the horizon."""
    days = rng.geometric(p, size=n).astype(np.float64)
    days[days > horizon] = np.nan
    return days


# --------------------------------------------------------------------------- #
# proportion_ci
# --------------------------------------------------------------------------- #
def test_wilson_matches_hand_formula():
    k, n, conf = 37, 100, 0.95
    z = stats.norm.ppf(0.5 + conf / 2)
    phat = k / n
    denom = 1 + z**2 / n
    centre = (phat + z**2 / (2 * n)) / denom
    half = z / denom * math.sqrt(phat * (1 - phat) / n + z**2 / (4 * n**2))
    est, low, high = proportion_ci(k, n, conf)
    assert est == phat
    # Closed-form vs scipy: only floating-point rounding differs.
    assert low == pytest.approx(centre - half, abs=1e-12)
    assert high == pytest.approx(centre + half, abs=1e-12)


def test_wilson_edges():
    est, low, high = proportion_ci(0, 20)
    assert est == 0.0 and low == 0.0 and 0.0 < high < 0.25
    est, low, high = proportion_ci(20, 20)
    assert est == 1.0 and high == 1.0 and 0.75 < low < 1.0


# --------------------------------------------------------------------------- #
# survival_table
# --------------------------------------------------------------------------- #
def test_survival_table_geometric_large():
    p_break, n, horizon = 0.05, 200_000, 60
    rng = np.random.default_rng(20240601)
    table = survival_table(geometric_days(rng, p_break, n, horizon), horizon)

    assert list(table.columns) == ["day", "at_risk", "breakdowns", "p", "ci_low", "ci_high"]
    assert table.shape == (horizon + 1, 6)
    assert table["day"].tolist() == list(range(horizon + 1))
    assert table.loc[0, "p"] == 1.0 and table.loc[0, "at_risk"] == n

    truth = (1 - p_break) ** table["day"].to_numpy()
    # S_hat(d) is a binomial proportion over n: SE = sqrt(S(1-S)/n) <= 0.0012.
    # Allow 5 SE per day (false-failure chance ~1e-6 per day).
    se = np.sqrt(truth * (1 - truth) / n)
    assert np.all(np.abs(table["p"].to_numpy() - truth) <= 5 * se + 1e-15)

    p, lo, hi = (table[c].to_numpy() for c in ("p", "ci_low", "ci_high"))
    assert np.all(np.diff(p) <= 0)
    assert np.all((0 <= lo) & (lo <= p) & (p <= hi) & (hi <= 1))
    assert not table.isna().any().any()
    # CI half-width should be about 1.96 SE; check it's the right order (>1, <3 SE).
    mid = slice(1, horizon + 1)
    half = (hi - lo)[mid] / 2
    assert np.all(half > 1.0 * se[mid]) and np.all(half < 3.0 * se[mid])


def test_km_equals_empirical_under_horizon_censoring():
    rng = np.random.default_rng(7)
    n, horizon = 5_000, 30
    days = geometric_days(rng, 0.03, n, horizon)
    table = survival_table(days, horizon)
    d = np.arange(horizon + 1)
    empirical = np.array([np.mean(~(days <= k)) for k in d])  # NaN <= k is False
    # KM is a cumulative product that telescopes to the empirical fraction;
    # only floating-point rounding of the product can differ.
    np.testing.assert_allclose(table["p"].to_numpy(), empirical, rtol=0, atol=1e-12)
    assert table["breakdowns"].tolist() == [int(np.sum(days == k)) for k in d]
    assert table["at_risk"].tolist() == [int(np.sum(~(days < k))) for k in d]


def test_survival_ci_coverage():
    # 400 independent experiments of n=500; 95% log-log CI at day 10 should
    # cover the truth ~95% of the time. SD of the coverage fraction is
    # sqrt(.95*.05/400) ~ 0.011; accept +-3 SD.
    rng = np.random.default_rng(11)
    p_break, n, horizon, day = 0.04, 500, 20, 10
    truth = (1 - p_break) ** day
    covered = 0
    for _ in range(400):
        row = survival_at(survival_table(geometric_days(rng, p_break, n, horizon), horizon), [day])[0]
        covered += row["ci_low"] <= truth <= row["ci_high"]
    assert 0.917 <= covered / 400 <= 0.983


def test_survival_table_no_breakdowns():
    n, horizon = 50, 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the scipy NaN warning must be handled
        table = survival_table(np.full(n, np.nan), horizon)
    assert (table["p"] == 1.0).all()
    assert (table["ci_high"] == 1.0).all()
    wilson_low = proportion_ci(n, n)[1]
    assert table.loc[0, "ci_low"] == 1.0
    np.testing.assert_array_equal(table["ci_low"].to_numpy()[1:], wilson_low)
    assert wilson_low < 1.0
    assert table["breakdowns"].sum() == 0 and (table["at_risk"] == n).all()


def test_survival_table_all_broken_day_one():
    n, horizon = 40, 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = survival_table(np.ones(n), horizon)
    assert table["p"].tolist() == [1.0] + [0.0] * horizon
    assert (table["ci_low"].to_numpy()[1:] == 0.0).all()
    np.testing.assert_array_equal(table["ci_high"].to_numpy()[1:], proportion_ci(0, n)[2])
    assert not table.isna().any().any()
    assert table["at_risk"].tolist() == [n, n] + [0] * (horizon - 1)


def test_survival_table_before_first_breakdown_uses_wilson():
    # Nothing breaks before day 4: S_hat = 1 there, but the CI must not be [1, 1].
    days = np.array([4.0, 4.0, 6.0] + [np.nan] * 17)
    table = survival_table(days, 8)
    assert (table.loc[1:3, "ci_low"] == proportion_ci(20, 20)[1]).all()
    assert table.loc[4, "p"] == pytest.approx(18 / 20, abs=1e-12)
    assert table.loc[4, "ci_low"] < 0.9 < table.loc[4, "ci_high"]


# --------------------------------------------------------------------------- #
# survival_at / breakdown_day_quantiles
# --------------------------------------------------------------------------- #
def constructed_table() -> pd.DataFrame:
    # 10 replications; cumulative broken fraction by day:
    # d1 0.2, d2 0.3, d3 0.6, d4 0.6, d5 0.7, d6 0.7 (3 held).
    days = np.array([1, 1, 2, 3, 3, 3, 5, np.nan, np.nan, np.nan])
    return survival_table(days, 6)


def test_survival_at_matches_table():
    table = constructed_table()
    rows = survival_at(table, [0, 3, 6])
    assert [r["day"] for r in rows] == [0, 3, 6]
    assert rows[1]["p"] == pytest.approx(0.4, abs=1e-12)
    for r in rows:
        assert set(r) == {"day", "p", "ci_low", "ci_high"}
        assert r["ci_low"] == table.loc[r["day"], "ci_low"]
        assert r["ci_high"] == table.loc[r["day"], "ci_high"]


def test_survival_ci_is_exponential_greenwood():
    # Hand-computed log-log interval at day 3 of the constructed case:
    # (at risk, breakdowns) = (10, 2), (8, 1), (7, 3) -> S = 0.4.
    s = 0.4
    greenwood = 2 / (10 * 8) + 1 / (8 * 7) + 3 / (7 * 4)
    se = math.sqrt(greenwood) / abs(math.log(s))
    z = stats.norm.ppf(0.975)
    row = survival_at(constructed_table(), [3])[0]
    # Same closed form as scipy; only floating-point rounding differs.
    assert row["ci_low"] == pytest.approx(s ** math.exp(z * se), abs=1e-12)
    assert row["ci_high"] == pytest.approx(s ** math.exp(-z * se), abs=1e-12)


@pytest.mark.parametrize("bad", [[-1], [7], [2.5], [True]])
def test_survival_at_rejects_bad_days(bad):
    with pytest.raises(ValueError):
        survival_at(constructed_table(), bad)


def test_breakdown_quantiles_exact():
    table = constructed_table()
    assert breakdown_day_quantiles(table) == {"q10": 1, "q50": 3, "q90": None}
    # 3/10 and 7/10 hit exactly; 1 - 0.7 rounds below 0.3 without the slack.
    assert breakdown_day_quantiles(table, (0.3, 0.7, 0.71)) == {"q30": 2, "q70": 5, "q71": None}
    with pytest.raises(ValueError):
        breakdown_day_quantiles(table, (0.0,))


# --------------------------------------------------------------------------- #
# mean_ci
# --------------------------------------------------------------------------- #
def test_mean_ci_coverage_normal():
    # 500 experiments of n=20 from N(3, 2^2); t-interval is exact for normal
    # data, so coverage ~0.95 with SD sqrt(.95*.05/500) ~ 0.0097; accept +-3 SD.
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(500):
        _, lo, hi = mean_ci(rng.normal(3.0, 2.0, size=20))
        hits += lo <= 3.0 <= hi
    assert 0.921 <= hits / 500 <= 0.979


def test_mean_ci_values_and_edges():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    m, lo, hi = mean_ci(x, 0.9)
    half = stats.t.ppf(0.95, 3) * np.std(x, ddof=1) / 2  # sqrt(4) = 2
    assert m == 2.5
    assert lo == pytest.approx(2.5 - half, abs=1e-12) and hi == pytest.approx(2.5 + half, abs=1e-12)
    m, lo, hi = mean_ci(np.array([5.0]))
    assert m == 5.0 and math.isnan(lo) and math.isnan(hi)
    assert mean_ci(np.full(10, 0.5)) == (0.5, 0.5, 0.5)


# --------------------------------------------------------------------------- #
# paired differences
# --------------------------------------------------------------------------- #
def test_paired_identical_is_exactly_zero():
    rng = np.random.default_rng(5)
    a = (rng.random(1_000) < 0.6).astype(float)
    res = paired_difference_ci(a, a.copy())
    assert res["difference"] == 0.0
    assert res["ci_low"] == 0.0 and res["ci_high"] == 0.0 and res["se_paired"] == 0.0
    assert res["se_independent"] > 0.0
    assert res["width_ratio"] == math.inf


def test_paired_narrower_for_correlated_pairs():
    # Common random numbers: the same uniform decides both scenarios.
    rng = np.random.default_rng(9)
    n = 20_000
    u = rng.random(n)
    a = (u < 0.60).astype(float)
    b = (u < 0.65).astype(float)
    res = paired_difference_ci(a, b)
    assert res["difference"] == pytest.approx(b.mean() - a.mean(), abs=1e-12)
    # Truth 0.05; paired SE = sqrt(.05*.95/n) ~ 0.0015, accept 5 SE.
    assert abs(res["difference"] - 0.05) < 5 * res["se_paired"]
    assert res["ci_low"] < 0.05 < res["ci_high"]
    assert res["se_paired"] < res["se_independent"]
    assert res["width_ratio"] > 1.0
    assert res["ci_low_independent"] < res["ci_low"] and res["ci_high"] < res["ci_high_independent"]


def test_survival_difference_ci():
    rng = np.random.default_rng(13)
    n, horizon = 5_000, 30
    da = geometric_days(rng, 0.05, n, horizon)
    db = da + 3.0  # scenario B delays every breakdown by three days
    db[db > horizon] = np.nan
    rows = survival_difference_ci(da, db, horizon, [0, 10, 30])
    assert [r["day"] for r in rows] == [0, 10, 30]
    assert rows[0]["difference"] == 0.0 and rows[0]["width_ratio"] is None
    ta, tb = survival_table(da, horizon), survival_table(db, horizon)
    for r in rows[1:]:
        d = r["day"]
        expected = tb.loc[d, "p"] - ta.loc[d, "p"]
        assert r["difference"] == pytest.approx(expected, abs=1e-12)
        assert r["difference"] > 0 and r["width_ratio"] > 1.0
    same = survival_difference_ci(da, da, horizon, [5, 20])
    assert all(r["difference"] == 0.0 and r["ci_low"] == r["ci_high"] == 0.0 for r in same)


# --------------------------------------------------------------------------- #
# cause_shares
# --------------------------------------------------------------------------- #
def test_cause_shares_order_and_sum():
    causes = ["x", "y", "x", None, "", "z", "y", "w", None]
    shares = cause_shares(causes)
    assert list(shares) == ["x", "y", "w", "z"]  # ties broken by name
    assert shares["x"] == pytest.approx(2 / 6)
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    rng = np.random.default_rng(2)
    shuffled = [causes[i] for i in rng.permutation(len(causes))]
    assert list(cause_shares(shuffled)) == list(shares)
    assert cause_shares([None, ""]) == {}
    assert cause_shares([]) == {}


# --------------------------------------------------------------------------- #
# input errors
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "call",
    [
        lambda: proportion_ci(0, 0),
        lambda: proportion_ci(5, 4),
        lambda: proportion_ci(1, 4, confidence=1.0),
        lambda: survival_table(np.array([0.0, 1.0]), 5),  # day 0 is not a breakdown day
        lambda: survival_table(np.array([6.0]), 5),  # past the horizon
        lambda: survival_table(np.array([1.5]), 5),  # non-integer day
        lambda: survival_table(np.array([np.inf]), 5),
        lambda: survival_table(np.array([]), 5),
        lambda: survival_table(np.ones((2, 2)), 5),
        lambda: survival_table(np.array([1.0]), 0),
        lambda: survival_table(np.array([1.0]), 5, confidence=0.0),
        lambda: survival_at(pd.DataFrame({"day": [0]}), [0]),
        lambda: mean_ci(np.array([])),
        lambda: mean_ci(np.array([1.0, np.nan])),
        lambda: paired_difference_ci(np.ones(3), np.ones(4)),
        lambda: paired_difference_ci(np.ones(3), np.array([1.0, np.nan, 0.0])),
        lambda: survival_difference_ci(np.ones(3), np.ones(3), 5, [6]),
        lambda: survival_difference_ci(np.ones(3), np.ones(2), 5, [1]),
        lambda: cause_shares(["a", 3]),
    ],
)
def test_input_errors(call):
    with pytest.raises(ValueError):
        call()
