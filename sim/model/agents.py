"""The actors: Mesa agents whose state is held as arrays over replications.

Each agent advances R replications at once: every state variable below is a
numpy array of shape (R,) (R = 1 is an ordinary single run). Parameters come
from the scenario through :class:`~sim.model.params.ParameterSampler`: floats,
or arrays of shape (R,) where the scenario gives a distribution.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from .model import CeasefireModel


class Actor(mesa.Agent):
    """Common to all actors: id, display name, role, issue priorities."""

    role: str = ""

    def __init__(self, model: CeasefireModel, actor_id: str, params: SimpleNamespace, index: int) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = params.name
        self.params = params
        self.index = index  # position in the model's trust arrays

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.actor_id!r})"


class Party(Actor):
    """A state or de facto authority, party to the ceasefire.

    State (each shape (R,)): ``pressure`` (domestic pressure to act, >= 0),
    ``support`` (domestic support, [0, 1]), ``resentment`` toward the adversary
    (>= 0), ``decree`` (a jihad decree has been issued), ``last_attacked_day``
    (last day an armed group's attack hurt it; -10^9 if never), ``threat_deadline`` (last day of
    the window to carry out an open-war threat after talks collapsed; -1 if none), and today's
    ``casualties_suffered`` and ``civilians_suffered``.
    """

    role = "party"

    def __init__(self, model: CeasefireModel, actor_id: str, params: SimpleNamespace, index: int) -> None:
        super().__init__(model, actor_id, params, index)
        n = model.n_replications
        self.pressure = np.zeros(n)
        self.support = np.broadcast_to(np.asarray(params.domestic.initial_support, dtype=float), (n,)).copy()
        self.resentment = np.zeros(n)
        self.decree = np.zeros(n, dtype=bool)
        self.decree_day = np.full(n, -1, dtype=np.int64)
        self.last_attacked_day = np.full(n, -(10**9), dtype=np.int64)
        self.threat_deadline = np.full(n, -1, dtype=np.int64)  # last day to carry out an open-war threat
        self.casualties_suffered = np.zeros(n, dtype=np.int64)
        self.civilians_suffered = np.zeros(n, dtype=np.int64)
        self.adversary: Party | None = None  # linked by the model once all agents exist

    def start_day(self) -> None:
        """Clear today's tallies."""
        self.casualties_suffered[:] = 0
        self.civilians_suffered[:] = 0


class ArmedGroup(Actor):
    """A non-state armed group that can spoil the deal.

    State (each shape (R,)): ``capacity`` (share of capacity the sanctuary
    supports, lowered for good by a crackdown), ``damage`` (share destroyed by
    strikes, recovering), ``recruitment`` (backlash boost to the attack rate),
    ``crackdown_level`` (agreed crackdown, 0 before an agreement).
    """

    role = "armed_group"

    def __init__(self, model: CeasefireModel, actor_id: str, params: SimpleNamespace, index: int) -> None:
        super().__init__(model, actor_id, params, index)
        n = model.n_replications
        self.capacity = np.broadcast_to(np.asarray(params.sanctuary, dtype=float), (n,)).copy()
        self.damage = np.zeros(n)
        self.recruitment = np.zeros(n)
        self.crackdown_level = np.zeros(n)
        self.host: Party | None = None
        self.target: Party | None = None

    @property
    def sanctuary(self) -> np.ndarray:
        """Effective sanctuary today, capacity x (1 - damage), shape (R,)."""
        return self.capacity * (1.0 - self.damage)


class Mediator(Actor):
    """A third party at (or near) the table.

    State (each shape (R,)): ``engaged`` (at the table), ``restart_used`` (its
    last-ditch restart has been spent).
    """

    role = "mediator"

    def __init__(self, model: CeasefireModel, actor_id: str, params: SimpleNamespace, index: int) -> None:
        super().__init__(model, actor_id, params, index)
        n = model.n_replications
        start = params.engagement.from_day
        self.engaged = np.full(n, start is not None and start == 0)
        self.restart_used = np.zeros(n, dtype=bool)
