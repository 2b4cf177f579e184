"""`trainer check` for the prerequisite graph: the graph files and `requires:` fields are sound, and
each folder's committed `graph-weights.json` matches what the solver measures.

Core layer, checking. Reads the `graph.yaml` and `graph-weights.json` at the root of each bank folder
(as the bank loader reads templates) and turns every problem into a `Finding` with its file and line.
Measuring needs the check reports made with `measure=True` (see `trainer.core.checking.weights`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.core.checking.check import Finding
from trainer.core.checking.weights import measure_weights, merged_weights, resolve_performs, stale_weights
from trainer.core.learning.authored import (
    GRAPH_FILE,
    WEIGHTS_FILE,
    GraphFile,
    GraphFileError,
    bank_graph,
    merge_graph_files,
    read_graph_file,
    read_weights,
)
from trainer.core.templates.safe_yaml import YamlError, read_yaml_file

STALE_SHOWN = 3  # differences quoted in a stale-weights finding


@dataclass
class GraphCheck:
    """What checking the graph found.

    Attributes:
        findings: problems with file and line ("error" fails the check).
        weights: per folder with a graph file, the weights file it should hold (committed values
            updated with everything measured now); `trainer check --write-weights` writes them.
        edges: how many authored edges the graph has (0 when it was refused).
    """

    findings: list[Finding] = field(default_factory=list)
    weights: dict[Path, dict[str, Any]] = field(default_factory=dict)
    edges: int = 0


def graph_folders(folders: Iterable[Path | str]) -> list[Path]:
    """The folders (not files) among `folders` that carry a graph or weights file, in order, once each."""
    out: list[Path] = []
    for folder in (Path(f) for f in folders):
        if folder.is_dir() and ((folder / GRAPH_FILE).is_file() or (folder / WEIGHTS_FILE).is_file()) \
                and folder.resolve() not in [o.resolve() for o in out]:
            out.append(folder)
    return out


def check_graph(folders: Sequence[Path | str], templates: Mapping[str, Any],
                reports: Iterable[Mapping[str, Any]] = (), seeds: int | None = None,
                functions: Mapping[str, Any] | None = None) -> GraphCheck:
    """Check the graph of a bank and compare its measured weights with the committed ones.

    Args:
        folders: the bank folders in use, bundled first (files and folders without a graph are skipped).
        templates: every template of those folders by id (lazy ones will do: equation, requires, lines,
            path and answer type are read, nothing is compiled).
        reports: `Report.to_dict()` of the templates just checked with `measure=True`.
        seeds: the seeds per template of those reports (None: weights are not compared).
        functions: the expression whitelist (default: the solver registry).

    Returns:
        The findings and the weights each folder's file should hold.
    """
    out = GraphCheck()
    folders = graph_folders(folders)
    parsed: list[GraphFile] = []
    committed: dict[Path, dict[str, Any] | None] = {}
    for folder in folders:
        gpath, wpath = folder / GRAPH_FILE, folder / WEIGHTS_FILE
        if gpath.is_file():
            try:
                parsed.append(read_graph_file(read_yaml_file(gpath), gpath))
            except (GraphFileError, YamlError) as exc:
                out.findings.append(_finding(gpath, exc.line, "graph", exc.message))
            except OSError as exc:
                out.findings.append(_finding(gpath, None, "graph", f"cannot be read: {exc}"))
        committed[folder] = None
        if wpath.is_file():
            try:
                committed[folder] = read_weights(wpath.read_text(encoding="utf-8"), wpath)
            except (GraphFileError, OSError, ValueError) as exc:
                out.findings.append(_finding(wpath, getattr(exc, "line", None), "weights",
                                             f"{getattr(exc, 'message', exc)}; rewrite it with "
                                             "`trainer check --write-weights`"))
    if out.findings:
        return out
    try:
        graph = bank_graph(templates.values(), parsed)
    except GraphFileError as exc:
        out.findings.append(_finding(exc.path, exc.line, "graph", exc.message))
        return out
    out.edges = len(graph.edges)
    authored = merge_graph_files(parsed)
    performs, unknown = resolve_performs(authored, functions)
    for path, line, message in unknown:
        out.findings.append(_finding(path, line, "graph", message))
    targets = {e.target for e in graph.edges} | {r for t in templates.values() for r in (t.requires or ())}
    for eq in authored.values():
        if eq.id in targets and not eq.performs:
            out.findings.append(_finding(eq.path, eq.line, "graph", f"{eq.id} is a prerequisite but declares no "
                                         "'performs:', so no instance can be measured performing it (weight 0)",
                                         "warning"))
    reports = [r for r in reports if r.get("performed") is not None]
    if seeds is None or not reports or unknown:
        return out
    for folder in folders:
        mine = {tid: t for tid, t in templates.items() if t.path is not None and _inside(t.path, folder)}
        own_edges = next((gf.equations.values() for gf in parsed if gf.path == folder / GRAPH_FILE), [])
        own = [authored[eq.id] for eq in own_edges]
        measured = measure_weights([r for r in reports if r.get("id") in mine], mine, authored, performs, seeds,
                                   own)
        if not measured["edges"] and not measured["templates"]:
            continue
        old = committed.get(folder)
        new = merged_weights(measured, old)
        current = {(eq.id, target) for eq in own for target in eq.requires}
        new["edges"] = [e for e in new["edges"] if (e["from"], e["to"]) in current]
        new["templates"] = {k: v for k, v in new["templates"].items() if k in mine}
        out.weights[folder] = new
        wpath = folder / WEIGHTS_FILE
        if old is not None and old.get("seeds") != seeds:
            out.findings.append(_finding(wpath, None, "weights", f"not compared: measured over {old.get('seeds')} "
                                         f"seeds, checked with {seeds}", "warning"))
            continue
        differences = stale_weights(measured, old)
        if differences == ["missing"]:
            out.findings.append(_finding(wpath, None, "weights", "missing: the graph's weights have never been "
                                         "measured; run `trainer check --write-weights`"))
        elif differences:
            shown = "; ".join(differences[:STALE_SHOWN])
            more = f" (and {len(differences) - STALE_SHOWN} more)" if len(differences) > STALE_SHOWN else ""
            out.findings.append(_finding(wpath, None, "weights", f"stale: {shown}{more}; run "
                                         "`trainer check --write-weights`"))
    return out


def _inside(path: Path | str, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _finding(path: Path | str | None, line: int | None, kind: str, message: str, severity: str = "error") -> Finding:
    return Finding("graph", Path(path) if path else None, line, kind, message, None, severity)
