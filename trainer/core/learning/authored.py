"""The authored prerequisite graph: `graph.yaml` (equation → prerequisites) read safely, merged over
bank folders, and turned with the templates' own `requires:` and the measured weights into a `Graph`.

Core layer. `graph.yaml` is read with the project's safe YAML reader (no tags, no aliases, lines kept),
so every error names its file and line. `bank_graph` is strict (it raises); `load_bank_graph` is what
the session and the CLI call: a bad graph file is reported and the trainer runs with no edges.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.core.learning.graph import Edge, Graph, GraphError

GRAPH_FILE = "graph.yaml"
WEIGHTS_FILE = "graph-weights.json"
WEIGHTS_VERSION = 1
# As `trainer.core.templates.spec.ID_PATTERN` (not imported: spec pulls in numpy and the solvers).
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ENTRY_KEYS = ("requires", "performs")
_PERFORMS = re.compile(r"^(?:(?:[a-z]+\.)?[A-Za-z_][A-Za-z0-9_]*|@|\*\*|\*|/|\+|-)$")


class GraphFileError(GraphError):
    """A graph file (or a template's `requires:`) that cannot be used: `path:line: message`."""

    def __init__(self, path: Path | str | None, line: int | None, message: str):
        self.path = Path(path) if path else None
        self.line = line
        self.message = message
        where = f"{self.path}:{line}: " if self.path and line else f"{self.path}: " if self.path else (
            f"line {line}: " if line else "")
        super().__init__(where + message)


@dataclass(frozen=True)
class AuthoredEquation:
    """One equation's entry in a graph file.

    Attributes:
        id: the equation id.
        requires: its prerequisite equation ids, as written.
        performs: the solver functions (registry names) or operators whose call in an instance's
            answer computation counts as performing this equation (used to measure weights).
        line: the line of the entry; `requires_lines` the line of each prerequisite.
    """

    id: str
    requires: tuple[str, ...] = ()
    performs: tuple[str, ...] = ()
    line: int = 0
    requires_lines: tuple[int, ...] = ()
    path: Path | None = None
    requires_paths: tuple[Path | None, ...] = ()

    def where(self, target: str) -> tuple[Path | None, int]:
        """The file and line where `target` was written as a prerequisite of this equation."""
        i = self.requires.index(target)
        paths = self.requires_paths or (self.path,) * len(self.requires)
        return paths[i], self.requires_lines[i]


@dataclass(frozen=True)
class GraphFile:
    """A parsed graph file: its entries by equation id, in file order."""

    path: Path | None
    equations: Mapping[str, AuthoredEquation] = field(default_factory=dict)


def read_graph_file(text: str, path: Path | str | None = None) -> GraphFile:
    """Parse a `graph.yaml` text.

    The file maps each equation id to either a list of prerequisite ids or a mapping with `requires:`
    (that list) and `performs:` (solver function names or operators, for measuring weights).

    Args:
        text: the file's contents.
        path: the file, for error messages.

    Returns:
        The parsed file (an empty or comment-only file has no entries).

    Raises:
        GraphFileError: the YAML is unsafe or malformed, or an entry is not of that shape (with the
            file and line).
    """
    from trainer.core.templates.safe_yaml import LineDict, LineList, YamlError, load_yaml

    where = Path(path) if path else None
    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise GraphFileError(where, exc.line, exc.message) from None
    if data is None:
        return GraphFile(where, {})
    if not isinstance(data, LineDict):
        raise GraphFileError(where, getattr(data, "line", None) or 1,
                             "a graph file maps equation ids to their prerequisites")
    out: dict[str, AuthoredEquation] = {}
    for key, value in data.items():
        line = _key_line(text, key) or data.line_of(key)
        if not isinstance(key, str) or not _ID.match(key):
            raise GraphFileError(where, line, f"{key!r} is not an equation id (kebab-case)")
        performs: list = []
        if isinstance(value, LineDict):
            for extra in value:
                if extra not in _ENTRY_KEYS:
                    raise GraphFileError(where, value.line_of(extra),
                                         f"{key}: unknown field {extra!r} (expected requires or performs)")
            requires = value.get("requires")
            performs = value.get("performs") or []
            req_line = value.line_of("requires")
            if not isinstance(performs, list) or not all(isinstance(p, str) and _PERFORMS.match(p) for p in performs):
                raise GraphFileError(where, value.line_of("performs"),
                                     f"{key}: 'performs' must be a list of solver function names or operators")
        else:
            requires, req_line = value, line
        if requires is None:
            requires = LineList()
        if not isinstance(requires, list):
            raise GraphFileError(where, req_line, f"{key}: 'requires' must be a list of equation ids")
        lines = []
        for i, target in enumerate(requires):
            at = requires.line_of(i) if isinstance(requires, LineList) else req_line
            if not isinstance(target, str) or not _ID.match(target):
                raise GraphFileError(where, at, f"{key}: {target!r} is not an equation id")
            if target in requires[:i]:
                raise GraphFileError(where, at, f"{key} requires {target} twice")
            lines.append(at)
        out[key] = AuthoredEquation(key, tuple(requires), tuple(dict.fromkeys(performs)), line, tuple(lines), where,
                                    (where,) * len(lines))
    return GraphFile(where, out)


def _key_line(text: str, key: Any) -> int | None:
    """The line of a top-level key (the reader keeps the line of a block value, one line below)."""
    if not isinstance(key, str):
        return None
    found = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def merge_graph_files(files: Iterable[GraphFile]) -> dict[str, AuthoredEquation]:
    """Merge graph files in bank order: an equation's prerequisites are the union over the files (a
    user bank adds to the bundled edges, never removes), its `performs` the first non-empty one.

    Args:
        files: the parsed files, bundled first.

    Returns:
        The merged entries by equation id.
    """
    merged: dict[str, AuthoredEquation] = {}
    for gf in files:
        for eq in gf.equations.values():
            old = merged.get(eq.id)
            if old is None:
                merged[eq.id] = eq
                continue
            extra = [(t, ln) for t, ln in zip(eq.requires, eq.requires_lines) if t not in old.requires]
            merged[eq.id] = AuthoredEquation(
                eq.id, old.requires + tuple(t for t, _ in extra), old.performs or eq.performs, old.line,
                old.requires_lines + tuple(ln for _, ln in extra), old.path,
                old.requires_paths + (eq.path,) * len(extra))
    return merged


def template_requires(template: Any) -> tuple[str, ...]:
    """A template's own `requires:` (equation ids), read without compiling a lazy template."""
    value = getattr(template, "requires", ())
    return tuple(value or ())


def bank_graph(templates: Iterable[Any], edges_file_text: str | GraphFile | Iterable[GraphFile] | None = None,
               weights: Mapping[str, Any] | None = None, *, path: Path | str | None = None) -> Graph:
    """The prerequisite graph of a bank.

    Args:
        templates: the bank's templates (compiled, lazy, or index headers): their equations are the
            nodes, their `requires:` add per-template prerequisites.
        edges_file_text: a `graph.yaml` text, an already parsed file, several parsed files (merged in
            order, see `merge_graph_files`), or None for no authored edges.
        weights: the measured weights as read from `graph-weights.json` (see `read_weights`); an
            authored edge without a measured weight weighs 1.0.
        path: the file `edges_file_text` came from, for error messages.

    Returns:
        The validated Graph: one edge per authored prerequisite, and for every template that has
        its own `requires:` or measured weights, its `exercises` entry.

    Raises:
        GraphFileError: an unknown equation id, a self-edge or a cycle, naming the file and line.
    """
    templates = list(templates)
    nodes = list(dict.fromkeys(t.equation for t in templates))
    known = set(nodes)
    if edges_file_text is None:
        files: list[GraphFile] = []
    elif isinstance(edges_file_text, str):
        files = [read_graph_file(edges_file_text, path)]
    elif isinstance(edges_file_text, GraphFile):
        files = [edges_file_text]
    else:
        files = list(edges_file_text)
    authored = merge_graph_files(files)
    edge_weights, template_weights = _weight_tables(weights)
    edges = []
    for eq in authored.values():
        if eq.id not in known:
            raise GraphFileError(eq.path, eq.line, f"no template drills equation {eq.id!r}{_suggest(eq.id, known)}")
        for target in eq.requires:
            where, line = eq.where(target)
            if target not in known:
                raise GraphFileError(where, line, f"{eq.id} requires {target!r}, which no template drills"
                                     f"{_suggest(target, known)}")
            if target == eq.id:
                raise GraphFileError(where, line, f"{eq.id} cannot require itself")
            edges.append(Edge(eq.id, target, edge_weights.get((eq.id, target), 1.0)))
    try:
        graph = Graph.build(nodes, edges)
    except GraphError as exc:
        where, line = _cycle_at(str(exc), authored, [gf.path for gf in files])
        raise GraphFileError(where, line, str(exc)) from None
    exercises: dict[str, dict[str, float]] = {}
    for t in templates:
        own = template_requires(t)
        for target in own:
            if target not in known:
                raise GraphFileError(t.path, _requires_line(t), f"template {t.id} requires {target!r}, which no "
                                     f"template drills{_suggest(target, known)}")
            if target == t.equation:
                raise GraphFileError(t.path, _requires_line(t), f"template {t.id} requires its own equation "
                                     f"{target!r}")
            if t.equation in graph.ancestors(target):
                chain = _path(graph, target, t.equation)
                raise GraphFileError(t.path, _requires_line(t), f"template {t.id} ({t.equation}) requires {target}, "
                                     "which builds on it: prerequisites form a cycle: "
                                     + " → ".join([t.equation, *chain]))
        measured = template_weights.get(t.id)
        if not own and measured is None:
            continue
        base = {e.target: e.weight for e in graph.prerequisites(t.equation)}
        base.update({target: 1.0 for target in own if target not in base})
        exercises[t.id] = {target: float(measured.get(target, w)) if measured else w for target, w in base.items()}
    if not exercises:
        return graph
    return Graph.build(graph.nodes, graph.edges, exercises)


def _requires_line(template: Any) -> int | None:
    """The line of a template's `requires:` (read only for an error: a lazy template known from the
    bank index compiles to answer it)."""
    try:
        return (getattr(template, "lines", None) or {}).get("requires")
    except Exception:  # the template does not compile: its file is reported by the bank anyway
        return None


def _path(graph: Graph, start: str, goal: str) -> list[str]:
    """A prerequisite path start → … → goal (goal is an ancestor of start)."""
    todo, back = [start], {start: None}
    while todo:
        node = todo.pop(0)
        if node == goal:
            break
        for e in graph.prerequisites(node):
            if e.target not in back:
                back[e.target] = node
                todo.append(e.target)
    out, node = [], goal
    while node is not None:
        out.append(node)
        node = back[node]
    return out[::-1]


def _cycle_at(message: str, authored: Mapping[str, AuthoredEquation],
              order: list[Path | None]) -> tuple[Path | None, int | None]:
    """Where to blame a reported cycle "…: a → b → … → a": the edge written in the latest file (a
    user's graph that closes a loop through bundled edges), else the first edge."""
    names = [n.strip() for n in message.split(":", 1)[-1].split("→")]
    places = [authored[a].where(b) for a, b in zip(names, names[1:])
              if a in authored and b in authored[a].requires]
    if not places:
        eq = authored.get(names[0])
        return (eq.path, eq.line) if eq else (None, None)
    rank = {path: i for i, path in enumerate(order)}
    return max(places, key=lambda place: rank.get(place[0], -1))


def _suggest(name: str, known: set[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _weight_tables(weights: Mapping[str, Any] | None) -> tuple[dict[tuple[str, str], float],
                                                               dict[str, dict[str, float]]]:
    if not weights:
        return {}, {}
    edges = {(e["from"], e["to"]): float(e["weight"]) for e in weights.get("edges", ())}
    templates = {tid: {k: float(v) for k, v in table.items()} for tid, table in weights.get("templates", {}).items()}
    return edges, templates


def read_weights(text: str, path: Path | str | None = None) -> dict[str, Any]:
    """Parse and validate a `graph-weights.json` text.

    Args:
        text: the file's contents.
        path: the file, for error messages.

    Returns:
        `{"version", "seeds", "edges": [{"from", "to", "weight"}], "templates": {id: {equation: weight}}}`.

    Raises:
        GraphFileError: not JSON, another version, or a weight that is not a number in [0, 1].
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise GraphFileError(path, getattr(exc, "lineno", None), f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != WEIGHTS_VERSION:
        raise GraphFileError(path, None, f"not a version {WEIGHTS_VERSION} weights file")
    edges, templates = data.get("edges", []), data.get("templates", {})
    ok = isinstance(edges, list) and isinstance(templates, dict)
    ok = ok and all(isinstance(e, dict) and isinstance(e.get("from"), str) and isinstance(e.get("to"), str)
                    and _is_weight(e.get("weight")) for e in edges)
    ok = ok and all(isinstance(k, str) and isinstance(v, dict) and all(
        isinstance(a, str) and _is_weight(w) for a, w in v.items()) for k, v in templates.items())
    if not ok:
        raise GraphFileError(path, None, "edges must be {from, to, weight} and templates {id: {equation: weight}}, "
                             "every weight a number in [0, 1]")
    return data


def _is_weight(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 <= value <= 1.0


@dataclass
class LoadedGraph:
    """What `load_bank_graph` found: the graph to use, the problems it set aside, and the files read.

    Attributes:
        graph: the graph (with no edges when a graph file was refused).
        errors: one line per problem, `path:line: message`; empty when all is well.
        files: the graph files that were read, in bank order.
        authored: the merged authored entries (empty when refused).
        measured: the edges (source, target) whose weight came from a weights file; the others
            weigh 1.0 until `trainer check --write-weights` measures them.
        seeds: the seeds per template the weights were measured over (None: no weights file).
    """

    graph: Graph
    errors: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    authored: dict[str, AuthoredEquation] = field(default_factory=dict)
    measured: set[tuple[str, str]] = field(default_factory=set)
    seeds: int | None = None


def load_bank_graph(folders: Iterable[Path | str], templates: Iterable[Any]) -> LoadedGraph:
    """The graph of a bank from the `graph.yaml` and `graph-weights.json` at the root of each folder.

    Never raises: a file that cannot be read or used is reported in `errors` and the graph then has
    no edges (the trainer runs as with plain per-card scheduling); unreadable weights fall back to
    1.0 per authored edge.

    Args:
        folders: the bank folders, bundled first (missing folders and files are skipped).
        templates: the bank's templates.

    Returns:
        The loaded graph and what went wrong.
    """
    templates = list(templates)
    parsed: list[GraphFile] = []
    weights: dict[str, Any] = {"edges": [], "templates": {}}
    errors: list[str] = []
    paths: list[Path] = []
    refused = False
    seeds = None
    for folder in (Path(f) for f in folders):
        if not folder.is_dir():
            continue
        gpath = folder / GRAPH_FILE
        if gpath.is_file():
            paths.append(gpath)
            try:
                parsed.append(read_graph_file(_read_text(gpath), gpath))
            except (GraphFileError, OSError, ValueError) as exc:
                errors.append(_located(exc, gpath))
                refused = True
        wpath = folder / WEIGHTS_FILE
        if wpath.is_file():
            try:
                data = read_weights(_read_text(wpath), wpath)
                weights["edges"].extend(data.get("edges", []))
                weights["templates"].update(data.get("templates", {}))
                seeds = data.get("seeds") if isinstance(data.get("seeds"), int) else seeds
            except (GraphFileError, OSError, ValueError) as exc:
                errors.append(_located(exc, wpath))
    empty = Graph.build(dict.fromkeys(t.equation for t in templates), [])
    if refused:
        return LoadedGraph(empty, errors, paths)
    try:
        graph = bank_graph(templates, parsed, weights)
    except GraphError as exc:
        return LoadedGraph(empty, [*errors, str(exc)], paths)
    measured = {(e["from"], e["to"]) for e in weights["edges"]}
    return LoadedGraph(graph, errors, paths, merge_graph_files(parsed),
                       {(e.source, e.target) for e in graph.edges} & measured, seeds)


def _read_text(path: Path) -> str:
    from trainer.core.templates.safe_yaml import read_yaml_file

    return read_yaml_file(path)


def _located(exc: Exception, path: Path) -> str:
    if isinstance(exc, GraphFileError):
        return str(exc)
    line = getattr(exc, "line", None)
    message = getattr(exc, "message", None) or str(exc)
    return f"{path}:{line}: {message}" if line else f"{path}: {message}"
