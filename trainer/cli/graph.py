"""`trainer graph [--json]`: the prerequisite graph of the bank in use, equation by equation.

CLI layer. Reads the bank index (no template is compiled) and each folder's `graph.yaml` and
`graph-weights.json` through `trainer.core.learning.load_bank_graph`. The human form lists the
equations in layers, each after everything it builds on, with its prerequisites and their measured
weights, wrapped to 80 columns; `--json` prints the nodes, the edges and the per-template weights.
A graph file that cannot be used is reported (exit 1) and the graph is shown without edges.
"""

from __future__ import annotations

import json
import sys
import textwrap

WIDTH = 80
NAME_WIDTH = 34


def register(subparsers, common) -> None:
    """Add `trainer graph` to the `trainer` parser."""
    p = subparsers.add_parser("graph", parents=[common], help="show the prerequisite graph of the equations",
                              description="Show which equations build on which (problems/graph.yaml and each "
                              "problem folder's graph.yaml) with the weights measured by `trainer check "
                              "--write-weights`: the share of an equation's instances whose solution performs "
                              "the prerequisite's computation.")
    p.add_argument("--json", action="store_true",
                   help='print JSON: {"nodes": [...], "edges": [{"from", "to", "weight"}], "templates": {...}}')
    p.set_defaults(handler=run_graph)


def run_graph(args) -> int:
    """`trainer graph [--json]`."""
    from trainer.cli.context import bank_index, problem_folders
    from trainer.cli.terminal_text import json_safe
    from trainer.core.learning import load_bank_graph

    index = bank_index(args)
    loaded = load_bank_graph(problem_folders(args), index.templates.values())
    for error in loaded.errors:
        print(f"trainer: graph: {error} (shown without edges)" if not loaded.graph.edges and loaded.files
              else f"trainer: graph: {error}", file=sys.stderr)
    if args.json:
        out = loaded.graph.to_dict()
        out["templates"] = {tid: dict(w) for tid, w in sorted(loaded.graph.exercises.items())}
        out["measured_seeds"] = loaded.seeds
        print(json_safe(json.dumps(out, indent=2, ensure_ascii=False)))
    else:
        print(graph_text(loaded, index.templates.values()))
    return 1 if loaded.errors else 0


def layers(graph) -> list[list[str]]:
    """The equations by depth: layer 0 builds on nothing, layer k on at least one equation of layer k − 1
    (and nothing deeper), each layer in the graph's prerequisite order."""
    depth: dict[str, int] = {}
    for node in graph.order():
        depth[node] = 1 + max((depth[e.target] for e in graph.prerequisites(node)), default=-1)
    out: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node in graph.order():
        out[depth[node]].append(node)
    return out


def graph_text(loaded, templates) -> str:
    """The human form of `trainer graph`: layered equations with their prerequisites and weights."""
    graph = loaded.graph
    unmeasured = any((e.source, e.target) not in loaded.measured for e in graph.edges)
    measured = f", measured over {loaded.seeds} seeds" if loaded.seeds else ""
    lines = textwrap.wrap(
        f"{len(graph.nodes)} equations, {len(graph.edges)} prerequisite edges. Each equation comes after what it "
        "builds on, with its prerequisites (←) and their weights: the share of its instances whose solution "
        f"performs the prerequisite's computation{measured}.", WIDTH)
    for depth, nodes in enumerate(layers(graph)):
        lines.append("")
        lines.append("Layer 0: builds on nothing" if depth == 0 else f"Layer {depth}")
        for node in nodes:
            edges = graph.prerequisites(node)
            if not edges:
                lines.append(f"  {node}")
                continue
            parts = [f"{e.target} {e.weight:.2f}{'' if (e.source, e.target) in loaded.measured else '*'}"
                     for e in edges]
            lines.extend(_row(node, parts))
    own = [(t.id, t.equation, tuple(getattr(t, "requires", ()) or ())) for t in templates]
    own = [row for row in own if row[2]]
    if own:
        lines.append("")
        lines.append("Templates that also require other equations (requires:)")
        for tid, equation, requires in own:
            weights = graph.exercised(tid, equation)
            parts = [f"{r} {weights.get(r, 1.0):.2f}" for r in requires]
            lines.extend(_row(tid, parts))
    if unmeasured:
        lines.append("")
        lines.append("* not measured yet: 1.00 until `trainer check --write-weights` measures it")
    return "\n".join(lines)


def _row(name: str, parts: list[str]) -> list[str]:
    """`name`, then "← " and the prerequisites, wrapped to WIDTH between prerequisites (a name and its
    weight stay together), continuation lines under the first prerequisite."""
    head = f"  {name}"
    indent = " " * NAME_WIDTH
    lines = [head] if len(head) >= NAME_WIDTH - 1 else []
    current = (indent if lines else head.ljust(NAME_WIDTH)) + "← "
    start = len(current)
    for i, part in enumerate(parts):
        piece = part + ("," if i < len(parts) - 1 else "")
        if len(current) > start and len(current) + 1 + len(piece) > WIDTH:
            lines.append(current)
            current = indent + "  " + piece
        else:
            current += ("" if len(current) == start else " ") + piece
    lines.append(current)
    return lines
