"""Where the bargaining range lies: each party's value of a round's proposal against its reservation.

Usage: ``python benchmarks/bargaining_range.py SCENARIO [--replications N]``

Builds the model's day-0 state (trust priors, pre-ceasefire evidence, mediators
engaged on day 0) and evaluates a round's proposal with the model's own talk
functions (:func:`sim.model.submodels.talks.round_offer` and
:func:`~sim.model.submodels.talks.valuation`), without principals' overrides,
at several levels of concession: each party's value of the deal, its
reservation value (fighting) and the surplus, with and without the mediators'
pressure. Then, for each issue, the interval of levels at which both parties'
surplus is positive, the other issues as proposed: the bargaining range.
``docs/MODEL.md`` quotes its output for the baseline.
"""

from __future__ import annotations

import argparse

import numpy as np

from sim.api import load_scenario
from sim.model.model import CeasefireModel
from sim.model.submodels import mediation, talks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--replications", type=int, default=200)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario, warn=False)
    model = CeasefireModel(scenario, seed=1, replications=args.replications)
    state, parameters, topology = model.state, model.parameters, model.topology
    pp, mp = parameters.parties, parameters.mediators
    now = mediation.presence(state, parameters)
    shaped = talks.mediation_in_round(now.engaged, now.leverage, mediation.trust_in_mediators(state, topology),
                                      mp.style, mp.bias)
    print(f"{scenario.name}: a round at the day-0 state (means over {args.replications} replications)")
    for level in (0.0, 0.2, 0.4):
        state.talks.concession[:] = level
        ordinary = talks.conceded_positions(pp.positions, topology.adversary, state.talks.concession)
        positions = np.broadcast_to(ordinary, ordinary.shape[:2] + (args.replications,))
        table = talks.round_offer(state, parameters, topology, positions, shaped, now)
        value_of, reservation, inducements = talks.valuation(state, parameters, topology, positions, shaped, now)
        pressure = inducements + parameters.talks.manipulation_weight * shaped.manipulation
        print(f"concession {level:.0%}: offer " + ", ".join(f"{k} {table.offer[i].mean():.2f}"
                                                           for i, k in enumerate(topology.issue_ids)))
        for p, pid in enumerate(topology.party_ids):
            print(f"  {pid:>16}: value {table.value[p].mean():+.3f}  reservation {table.reservation[p].mean():+.3f}"
                  f"  surplus {(table.value[p] - table.reservation[p]).mean():+.3f}"
                  f"  without pressure {(table.value[p] - pressure[p] - table.reservation[p]).mean():+.3f}")
        for i, issue in enumerate(topology.issue_ids):
            inside = []
            for x in np.linspace(0.0, 1.0, 101):
                moved = table.offer.copy()
                moved[i] = x
                if ((value_of(moved) - reservation).mean(axis=1) > 0).all():
                    inside.append(x)
            span = f"[{min(inside):.2f}, {max(inside):.2f}]" if inside else "empty"
            print(f"  both gain on {issue} within {span} (other issues as offered)")


if __name__ == "__main__":
    main()
