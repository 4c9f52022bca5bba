"""The model kernel: explicit state stacked by actor kind, one submodel per ODD section, a recorder.

- :mod:`.parameters`: the scenario's numbers, typed and stacked by actor kind;
- :mod:`.state`: the state and the topology (who hosts, targets, opposes whom);
- :mod:`.trust`: the trust ledger;
- :mod:`.streams` and :mod:`.draws`: random streams and inversion sampling;
- :mod:`.submodels`: the rules, one file per ODD submodel, each with its phase;
- :mod:`.recorder`: counters, daily totals, trajectories and the timeline;
- :mod:`.model` and :mod:`.agents`: the Mesa face that schedules the phases.
"""
