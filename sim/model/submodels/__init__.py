"""The submodels, one file per section of the ODD protocol's "Submodels" (docs/MODEL.md).

Each file holds a submodel's maths as small pure functions (arrays in, arrays
out) and its *phase*: a function of (state, parameters, topology, today's
uniforms, day) that applies the rules to the state in place and returns what
happened as a small dataclass of events. Phases know nothing of Mesa or of
recording; :mod:`sim.model.recorder` consumes their events.

Arrays carry the replication axis last (length R) and the actors of one kind
first: parties (P, R), armed groups (G, R), mediators (M, R). Randomness enters
only as uniform numbers from :class:`sim.model.streams.Streams`, one per stream,
replication and day, so a rule consumes the same draws whatever its parameters.

Phases of a day, in order (see :mod:`sim.model.model`):

1. :func:`talks.talk_phase` (talk days only), with :mod:`mediation`;
2. :func:`armed_groups.attack_phase`;
3. :func:`violence.strike_phase` and :func:`violence.retaliation_phase`, restrained by
   :func:`mediation.restraint_phase`;
4. :func:`domestic.domestic_phase`;
5. :func:`breakdown.escalation_phase` (open war);
6. :func:`armed_groups.sanctuary_phase` (recovery, recruitment, crackdown);
7. :func:`breakdown.breakdown_phase`.
"""
