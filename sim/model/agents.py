"""The actors as Mesa agents: named views on the stacked state.

The state of every actor lives in :class:`sim.model.state.State`, stacked by
kind; an agent is a window on its own row, addressed by its actor id, so that
``model.actors["pakistan"].pressure`` is Pakistan's domestic pressure in every
replication, shape (R,). Agents hold no state of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from .model import CeasefireModel


class _Row:
    """A read-only attribute: one row of a stacked state array."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name

    def __get__(self, agent: Actor | None, owner: type) -> Any:
        if agent is None:
            return self
        block = getattr(agent.model.state, self.kind)
        return getattr(block, self.name)[agent.index]


class Actor(mesa.Agent):
    """Common to all actors: id, display name, and row in its kind's arrays.

    Attributes
    ----------
    actor_id : str
    name : str
    index : int
        Row of this actor in its kind's state and parameter arrays.
    trust_index : int
        Row of this actor in the trust ledger.
    """

    role: str = ""
    kind: str = ""
    model: CeasefireModel

    def __init__(self, model: CeasefireModel, actor_id: str, name: str) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = name
        self.index = getattr(model.topology, f"{self.kind}_ids").index(actor_id)
        self.trust_index = model.topology.actor_index(actor_id)

    def trust_in(self, other: str) -> np.ndarray:
        """This actor's trust in another (an actor id) today, shape (R,)."""
        return self.model.trust(self.actor_id, other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.actor_id!r})"


class Party(Actor):
    """A state or de facto authority, party to the ceasefire (see :class:`sim.model.state.PartyState`)."""

    role, kind = "party", "party"
    pressure = _Row("parties", "pressure")
    support = _Row("parties", "support")
    resentment = _Row("parties", "resentment")
    decree = _Row("parties", "decree")
    decree_day = _Row("parties", "decree_day")
    casualties_30d = _Row("parties", "casualties_30d")
    usual_attack_casualties = _Row("parties", "usual_attack_casualties")
    last_provocation_day = _Row("parties", "last_provocation_day")


class ArmedGroup(Actor):
    """A non-state armed group that can spoil the deal (see :class:`sim.model.state.GroupState`)."""

    role, kind = "armed_group", "group"
    capacity = _Row("groups", "capacity")
    damage = _Row("groups", "damage")
    recruitment = _Row("groups", "recruitment")
    crackdown_level = _Row("groups", "crackdown_level")

    @property
    def sanctuary(self) -> np.ndarray:
        """Effective sanctuary today, capacity x (1 - damage), shape (R,)."""
        return self.capacity * (1.0 - self.damage)


class Mediator(Actor):
    """A third party at (or near) the table (see :class:`sim.model.state.MediatorState`)."""

    role, kind = "mediator", "mediator"
    engaged = _Row("mediators", "engaged")


AGENT_KINDS: dict[str, type[Actor]] = {"Party": Party, "ArmedGroup": ArmedGroup, "Mediator": Mediator}
"""Agent class by the schema class name of an actor's spec."""
