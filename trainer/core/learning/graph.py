"""The prerequisite graph: which equations build on which, and how much of each prerequisite an
instance really exercises.

Core layer, pure. Nodes are equation ids. An edge goes from the equation that builds on (`source`)
to its prerequisite (`target`), as `trainer graph --json` prints it. Its weight in [0, 1] is the
share of the source's instances whose solution performs the prerequisite's computation; the same
share per template (`exercises`) scales the implicit credit a passed review gives. `Graph.build`
refuses unknown ids, self-edges and cycles, naming them, so a bad `requires:` never reaches a learner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from heapq import heapify, heappop, heappush
from math import isfinite


class GraphError(ValueError):
    """An authored graph that cannot be used: an unknown id, a self-edge, a cycle or a bad weight."""


@dataclass(frozen=True)
class Edge:
    """`source` builds on `target`; `weight` is the share of `source`'s instances that exercise it."""

    source: str
    target: str
    weight: float = 1.0

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "weight": self.weight}


@dataclass(frozen=True)
class Graph:
    """A validated prerequisite graph (build it with `Graph.build`).

    Attributes:
        nodes: the equation ids, in the order given (ties in `order()` keep it).
        edges: every edge, at most one per (source, target).
        exercises: per template id, {prerequisite equation: share of that template's instances whose
            solution performs it}; templates without an entry use their equation's edges.
    """

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    exercises: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def build(cls, nodes: Iterable[str], edges: Iterable[Edge],
              exercises: Mapping[str, Mapping[str, float]] | None = None) -> Graph:
        """Check and freeze a graph.

        Args:
            nodes: every equation id.
            edges: the authored edges with their weights.
            exercises: optional per-template weights (template id → {prerequisite equation: weight}).

        Returns:
            The Graph.

        Raises:
            GraphError: an edge names an unknown node, points at itself, repeats, has a weight outside
                [0, 1], or the edges form a cycle (the message lists the cycle in order).
        """
        nodes = tuple(dict.fromkeys(nodes))
        known = set(nodes)
        seen: dict[tuple[str, str], Edge] = {}
        for edge in edges:
            for end in (edge.source, edge.target):
                if end not in known:
                    raise GraphError(f"{edge.source} requires {edge.target}: no equation {end!r}")
            if edge.source == edge.target:
                raise GraphError(f"{edge.source} cannot require itself")
            if not (isfinite(edge.weight) and 0.0 <= edge.weight <= 1.0):
                raise GraphError(f"{edge.source} → {edge.target}: weight {edge.weight!r} is not in [0, 1]")
            if (edge.source, edge.target) in seen:
                raise GraphError(f"{edge.source} requires {edge.target} twice")
            seen[(edge.source, edge.target)] = edge
        for template_id, weights in (exercises or {}).items():
            for target, weight in weights.items():
                if target not in known:
                    raise GraphError(f"template {template_id} exercises unknown equation {target!r}")
                if not (isfinite(weight) and 0.0 <= weight <= 1.0):
                    raise GraphError(f"template {template_id} → {target}: weight {weight!r} is not in [0, 1]")
        graph = cls(nodes, tuple(seen.values()), {k: dict(v) for k, v in (exercises or {}).items()})
        cycle = graph._cycle()
        if cycle:
            raise GraphError("prerequisites form a cycle: " + " → ".join(cycle))
        return graph

    def __post_init__(self) -> None:
        out: dict[str, list[Edge]] = {}
        into: dict[str, list[Edge]] = {}
        for edge in self.edges:
            out.setdefault(edge.source, []).append(edge)
            into.setdefault(edge.target, []).append(edge)
        object.__setattr__(self, "_out", out)
        object.__setattr__(self, "_in", into)

    def prerequisites(self, node: str) -> list[Edge]:
        """The edges out of `node`: what it directly builds on."""
        return list(self._out.get(node, ()))

    def dependents(self, node: str) -> list[Edge]:
        """The edges into `node`: what directly builds on it."""
        return list(self._in.get(node, ()))

    def ancestors(self, node: str) -> set[str]:
        """Every prerequisite of `node`, direct or not (`node` excluded)."""
        return self._reach(node, lambda n: (e.target for e in self.prerequisites(n)))

    def descendants(self, node: str) -> set[str]:
        """Every node that builds on `node`, directly or not (`node` excluded)."""
        return self._reach(node, lambda n: (e.source for e in self.dependents(n)))

    def order(self) -> list[str]:
        """The nodes with every prerequisite before what builds on it (ties keep `nodes` order)."""
        rank = {n: i for i, n in enumerate(self.nodes)}
        waiting = {n: len(self.prerequisites(n)) for n in self.nodes}
        ready = [(rank[n], n) for n, k in waiting.items() if k == 0]
        heapify(ready)
        out = []
        while ready:
            _, node = heappop(ready)
            out.append(node)
            for edge in self.dependents(node):
                waiting[edge.source] -= 1
                if waiting[edge.source] == 0:
                    heappush(ready, (rank[edge.source], edge.source))
        return out

    def exercised(self, template_id: str, equation: str) -> dict[str, float]:
        """The prerequisite equations one template's review exercises, with their weights.

        Args:
            template_id: the template reviewed.
            equation: its equation id (used when the template has no measured weights of its own).

        Returns:
            {prerequisite equation: weight}; empty for an equation outside the graph.
        """
        own = self.exercises.get(template_id)
        if own is not None:
            return dict(own)
        return {e.target: e.weight for e in self.prerequisites(equation)}

    def to_dict(self) -> dict:
        """`{"nodes": [...], "edges": [{"from", "to", "weight"}, ...]}` for `trainer graph --json`."""
        return {"nodes": list(self.nodes), "edges": [e.to_dict() for e in self.edges]}

    def _reach(self, start: str, step) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in step(todo.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        seen.discard(start)
        return seen

    def _cycle(self) -> list[str]:
        """One cycle as a closed path [a, b, …, a], or [] when there is none (iterative: a long
        authored chain must not hit the recursion limit)."""
        colour = dict.fromkeys(self.nodes, 0)  # 0 unvisited, 1 on the current path, 2 done
        for root in self.nodes:
            if colour[root]:
                continue
            path = [root]
            stack = [iter(self.prerequisites(root))]
            colour[root] = 1
            while stack:
                edge = next(stack[-1], None)
                if edge is None:
                    colour[path.pop()] = 2
                    stack.pop()
                elif colour[edge.target] == 1:
                    return path[path.index(edge.target):] + [edge.target]
                elif colour[edge.target] == 0:
                    colour[edge.target] = 1
                    path.append(edge.target)
                    stack.append(iter(self.prerequisites(edge.target)))
        return []
