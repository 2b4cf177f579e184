"""The authored graph: graph.yaml read safely with file and line in every error, merged over bank
folders, templates' own `requires:`, weights, and the bundled bank's graph."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from trainer.core.learning import (
    GraphFileError,
    bank_graph,
    load_bank_graph,
    read_graph_file,
    read_weights,
)
from trainer.core.templates.bank import load_bank, load_index, template_files

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ROOT / "problems"


def tpl(tid, equation, requires=(), path="bank/t.yaml", line=7):
    return SimpleNamespace(id=tid, equation=equation, requires=tuple(requires), path=Path(path),
                           lines={"requires": line})


# Three equations: attention builds on softmax, softmax on exp (hand-drawn).
THREE = """\
exp: []
softmax:
  requires:
    - exp       # the softmax exponentiates each logit
attention:
  requires: [softmax]  # the weights are a softmax
"""
TEMPLATES = [tpl("exp-t", "exp"), tpl("softmax-t", "softmax"), tpl("attention-t", "attention")]


def test_a_hand_written_three_node_file():
    g = bank_graph(TEMPLATES, THREE, path="g.yaml")
    assert set(g.nodes) == {"exp", "softmax", "attention"}
    assert [e.to_dict() for e in g.edges] == [{"from": "softmax", "to": "exp", "weight": 1.0},
                                             {"from": "attention", "to": "softmax", "weight": 1.0}]
    assert g.order() == ["exp", "softmax", "attention"]
    assert g.ancestors("attention") == {"softmax", "exp"}
    parsed = read_graph_file(THREE, "g.yaml")
    assert parsed.equations["softmax"].requires_lines == (4,)
    assert parsed.equations["attention"].line == 5


def test_a_cycle_is_refused_naming_the_cycle_file_and_line():
    text = THREE + "exp: [attention]\n"  # a duplicate key is refused first, with its line
    with pytest.raises(GraphFileError) as err:
        bank_graph(TEMPLATES, text, path="g.yaml")
    assert "g.yaml:7:" in str(err.value) and "duplicate" in str(err.value)
    cyclic = "exp:\n  requires: [attention]\nsoftmax: [exp]\nattention: [softmax]\n"
    with pytest.raises(GraphFileError) as err:
        bank_graph(TEMPLATES, cyclic, path="g.yaml")
    message = str(err.value)
    assert "cycle" in message
    assert "exp → attention → softmax → exp" in message
    assert message.startswith("g.yaml:2:")  # exp's requires list, where the cycle's first edge is written


@pytest.mark.parametrize("text, line, named", [
    ("exp: []\nsoftmax: [exq]\n", 2, "'exq'"),
    ("exp: []\nsoftmaxx: [exp]\n", 2, "'softmaxx'"),
    ("softmax:\n  requires:\n    - exp\n    - matmul\n", 4, "'matmul'"),
])
def test_an_unknown_id_is_named_with_its_line(text, line, named):
    with pytest.raises(GraphFileError) as err:
        bank_graph(TEMPLATES, text, path="g.yaml")
    assert str(err.value).startswith(f"g.yaml:{line}:") and named in str(err.value)
    assert err.value.line == line


@pytest.mark.parametrize("text, line, words", [
    ("softmax: [softmax]\n", 1, "itself"),
    ("softmax: &a [exp]\nattention: *a\n", 1, "anchors"),
    ("softmax: !!python/object:os.system [exp]\n", 1, "not allowed"),
    ("softmax: [exp, exp]\n", 1, "twice"),
    ("softmax: {requires: [exp], weight: 1}\n", 1, "unknown field"),
    ("softmax: exp\n", 1, "must be a list"),
    ("- softmax\n", 1, "maps equation ids"),
    ("Softmax: [exp]\n", 1, "not an equation id"),
    ("softmax: {performs: ['os.system(1)']}\n", 1, "performs"),
    ("softmax: [exp\n", 1, "syntax"),  # the unclosed bracket, where it opened
])
def test_bad_files_are_refused_with_file_and_line(text, line, words):
    with pytest.raises(GraphFileError) as err:
        bank_graph(TEMPLATES, text, path="g.yaml")
    assert str(err.value).startswith(f"g.yaml:{line}:"), str(err.value)
    assert words in str(err.value)


def test_a_template_requires_adds_its_own_prerequisites():
    templates = [*TEMPLATES, tpl("attention-masked", "attention", ["exp"])]
    g = bank_graph(templates, THREE)
    assert g.exercised("attention-masked", "attention") == {"softmax": 1.0, "exp": 1.0}
    assert g.exercised("attention-t", "attention") == {"softmax": 1.0}


def test_a_template_requires_is_checked_against_the_graph():
    unknown = [*TEMPLATES, tpl("attention-x", "attention", ["matmul"], "bank/a.yaml", 9)]
    with pytest.raises(GraphFileError) as err:
        bank_graph(unknown, THREE)
    assert str(err.value).startswith("bank/a.yaml:9:") and "'matmul'" in str(err.value)
    # exp requiring attention closes exp → attention → softmax → exp.
    cyclic = [*TEMPLATES, tpl("exp-x", "exp", ["attention"], "bank/e.yaml", 4)]
    with pytest.raises(GraphFileError) as err:
        bank_graph(cyclic, THREE)
    assert str(err.value).startswith("bank/e.yaml:4:")
    assert "exp → attention → softmax → exp" in str(err.value)


def test_measured_weights_replace_the_authored_one_point_zero():
    weights = read_weights('{"version": 1, "edges": [{"from": "attention", "to": "softmax", "weight": 0.5}],'
                           ' "templates": {"attention-t": {"softmax": 0.25}}}')
    g = bank_graph(TEMPLATES, THREE, weights)
    assert {(e.source, e.target): e.weight for e in g.edges} == {("attention", "softmax"): 0.5,
                                                                ("softmax", "exp"): 1.0}
    assert g.exercised("attention-t", "attention") == {"softmax": 0.25}
    assert g.exercised("softmax-t", "softmax") == {"exp": 1.0}


@pytest.mark.parametrize("text", ['{"version": 2}', "not json", '{"version": 1, "edges": [{"from": "a", '
                                  '"to": "b", "weight": 1.5}]}', '{"version": 1, "templates": {"t": {"a": true}}}'])
def test_bad_weights_are_refused(text):
    with pytest.raises(GraphFileError):
        read_weights(text, "w.json")


def write_bank(folder: Path, graph: str | None, equations=("exp", "softmax", "attention")):
    folder.mkdir(parents=True, exist_ok=True)
    if graph is not None:
        (folder / "graph.yaml").write_text(graph)
    return [tpl(f"{e}-{folder.name}", e) for e in equations]


def test_a_user_folder_adds_to_the_bundled_edges(tmp_path):
    templates = write_bank(tmp_path / "bundled", THREE) + write_bank(tmp_path / "user", "attention: [exp]\n")
    loaded = load_bank_graph([tmp_path / "bundled", tmp_path / "user", tmp_path / "missing"], templates)
    assert loaded.errors == []
    assert {(e.source, e.target) for e in loaded.graph.edges} == {
        ("softmax", "exp"), ("attention", "softmax"), ("attention", "exp")}


def test_a_bad_graph_file_never_stops_the_app(tmp_path):
    templates = write_bank(tmp_path / "bundled", THREE) + write_bank(tmp_path / "user", "softmax: [attention]\n")
    loaded = load_bank_graph([tmp_path / "bundled", tmp_path / "user"], templates)
    assert loaded.graph.edges == () and set(loaded.graph.nodes) == {"exp", "softmax", "attention"}
    [error] = loaded.errors
    assert "cycle" in error and str(tmp_path / "user" / "graph.yaml") + ":1:" in error
    (tmp_path / "user" / "graph.yaml").write_bytes(b"softmax: [\xff]\n")
    loaded = load_bank_graph([tmp_path / "bundled", tmp_path / "user"], templates)
    assert loaded.graph.edges == () and "UTF-8" in loaded.errors[0]
    (tmp_path / "user" / "graph.yaml").write_text("attention: [exp]\n")
    (tmp_path / "user" / "graph-weights.json").write_text("{")
    loaded = load_bank_graph([tmp_path / "bundled", tmp_path / "user"], templates)
    assert len(loaded.graph.edges) == 3 and "graph-weights.json" in loaded.errors[0]
    assert all(e.weight == 1.0 for e in loaded.graph.edges)


def test_graph_yaml_is_not_a_template(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "graph.yaml").write_text(THREE)
    (tmp_path / "t" / "graph.yaml").write_text("x: 1\n")
    assert template_files(tmp_path) == [tmp_path / "t" / "graph.yaml"]


# --- the bundled bank -------------------------------------------------------------------------------

def test_the_bundled_graph_is_acyclic_and_every_id_exists():
    bank = load_bank([PROBLEMS])
    assert bank.errors == []
    loaded = load_bank_graph([PROBLEMS], bank.templates.values())
    assert loaded.errors == []
    graph = loaded.graph
    equations = {t.equation for t in bank.templates.values()}
    assert len(equations) == 30 and set(graph.nodes) == equations
    assert set(loaded.authored) == equations  # every equation has an entry, even without prerequisites
    assert len(graph.order()) == 30
    edges = {(e.source, e.target) for e in graph.edges}
    # The examples and the dependencies every ML text states.
    assert {("attention", "softmax"), ("kl-divergence", "cross-entropy"), ("kl-divergence", "entropy"),
            ("backpropagation", "gradient-vector"), ("backpropagation", "sigmoid-derivative"),
            ("z-test-p-value", "z-score"), ("z-test-p-value", "gaussian-cdf"),
            ("gaussian-cdf", "gaussian-pdf"), ("svd", "eigen")} <= edges


def test_the_template_requires_reaches_lazy_templates_and_the_index(tmp_path):
    lazy = load_bank([PROBLEMS], lazy=True)
    assert lazy.templates["naive-bayes-gaussian-posterior"].requires == ("gaussian-pdf",)
    index = load_index([PROBLEMS], tmp_path / "index.json")
    assert index.templates["naive-bayes-gaussian-posterior"].requires == ("gaussian-pdf",)
    again = load_index([PROBLEMS], tmp_path / "index.json")  # from the cache this time
    assert again.rebuilt == 0 and again.templates["bce-logit-gradient"].requires == ("sigmoid-derivative",)
    assert again.templates["softmax-compute"].requires == ()


def test_the_session_reports_a_bad_graph_and_runs_without_edges(tmp_path):
    from datetime import datetime, timezone

    from trainer.session import Session
    from trainer.storage import Store

    user = tmp_path / "user"
    user.mkdir()
    (user / "graph.yaml").write_text("softmax:\n  requires: [attention]\n")
    bank = load_bank([PROBLEMS, user], lazy=True)
    session = Session(bank, Store.open(":memory:"), clock=lambda: datetime(2026, 12, 4, tzinfo=timezone.utc))
    assert session.graph.edges == () and len(session.graph.nodes) == 30
    [notice] = session.notices
    assert f"{user / 'graph.yaml'}:2:" in notice and "cycle" in notice and "without it" in notice
    good = Session(load_bank([PROBLEMS], lazy=True), Store.open(":memory:"),
                   clock=lambda: datetime(2026, 12, 4, tzinfo=timezone.utc))
    assert ("attention", "softmax") in {(e.source, e.target) for e in good.graph.edges}
    assert good.notices == []


SPEC = """\
id: t
equation: attention
topic: deep-learning
title: T
kind: compute
requires: {requires}
params:
  k: {{int: [1, 9]}}
prompt: "{{k}}"
answer: {{type: number, value: k}}
mistakes:
  - {{id: m, value: k + 1, message: slip}}
solution: "{{answer}}"
"""


@pytest.mark.parametrize("requires, words", [
    ("[attention]", "own equation"),
    ("[softmax, softmax]", "twice"),
    ("[Softmax]", "kebab-case"),
    ("{a: b}", "list of equation ids"),
])
def test_a_bad_requires_field_is_refused_at_its_line(requires, words):
    from trainer.core.templates.spec import TemplateError, parse_template_text

    with pytest.raises(TemplateError) as err:
        parse_template_text(SPEC.format(requires=requires), "t.yaml")
    assert err.value.line == 6 and words in err.value.message


def test_a_good_requires_field_is_kept():
    from trainer.core.templates.spec import parse_template_text

    assert parse_template_text(SPEC.format(requires="[softmax, linear-transformation]")).requires == (
        "softmax", "linear-transformation")
    assert parse_template_text(SPEC.format(requires="softmax")).requires == ("softmax",)
