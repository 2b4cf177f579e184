"""The prerequisite graph's checks and walks, on hand-drawn graphs."""

import pytest

from trainer.core.learning import Edge, Graph, GraphError

# attention builds on softmax and matrix products; softmax builds on exp (the example).
NODES = ["exp", "matmul", "softmax", "attention"]
EDGES = [Edge("attention", "softmax", 1.0), Edge("attention", "matmul", 1.0), Edge("softmax", "exp", 0.5)]


def test_walks_follow_the_drawn_edges():
    g = Graph.build(NODES, EDGES)
    assert g.ancestors("attention") == {"softmax", "matmul", "exp"}
    assert g.descendants("exp") == {"softmax", "attention"}
    assert g.ancestors("exp") == set() and g.descendants("attention") == set()
    order = g.order()
    assert order.index("exp") < order.index("softmax") < order.index("attention")
    assert order.index("matmul") < order.index("attention")
    assert g.to_dict()["edges"][0] == {"from": "attention", "to": "softmax", "weight": 1.0}


def test_template_weights_override_the_equation_edges():
    g = Graph.build(NODES, EDGES, {"attention-scaled": {"softmax": 0.25}})
    assert g.exercised("attention-scaled", "attention") == {"softmax": 0.25}
    assert g.exercised("attention-plain", "attention") == {"softmax": 1.0, "matmul": 1.0}
    assert g.exercised("x", "not-in-graph") == {}


@pytest.mark.parametrize("edges, message", [
    ([Edge("a", "b"), Edge("b", "c"), Edge("c", "a")], "cycle: a → b → c → a"),
    ([Edge("a", "zzz")], "no equation 'zzz'"),
    ([Edge("a", "a")], "cannot require itself"),
    ([Edge("a", "b"), Edge("a", "b")], "twice"),
    ([Edge("a", "b", 1.5)], "not in [0, 1]"),
    ([Edge("a", "b", float("nan"))], "not in [0, 1]"),
])
def test_bad_graphs_are_refused_with_a_named_reason(edges, message):
    with pytest.raises(GraphError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Graph.build(["a", "b", "c"], edges)


def test_a_long_chain_is_checked_without_recursion():
    nodes = [f"n{i}" for i in range(5000)]
    edges = [Edge(nodes[i + 1], nodes[i]) for i in range(4999)]
    assert Graph.build(nodes, edges).order()[0] == "n0"
    with pytest.raises(GraphError, match="cycle"):
        Graph.build(nodes, edges + [Edge("n0", "n4999")])
