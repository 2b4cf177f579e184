"""`trainer graph` and the graph part of `trainer check`, run as a user would (through `trainer.cli.main`)."""

import json

from trainer.cli import main

TEMPLATE = """\
id: {tid}
equation: {equation}
topic: deep-learning
title: T
kind: compute
params:
  z: {{vector: 3, int: [-3, 3]}}
prompt: "z = {{z}}"
answer: {{type: vector, value: softmax(z)}}
mistakes:
  - {{id: m, value: z + 99, message: slip}}
solution: "{{answer}}"
"""


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_graph_json_has_the_issue_shape(capsys):
    code, out, err = run(capsys, "graph", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert len(data["nodes"]) == 30 and "attention" in data["nodes"]
    edges = {(e["from"], e["to"]): e for e in data["edges"]}
    assert set(data["edges"][0]) == {"from", "to", "weight"}
    assert ("attention", "softmax") in edges and ("z-test-p-value", "gaussian-cdf") in edges
    assert all(0.0 <= e["weight"] <= 1.0 for e in data["edges"])
    # Every attention compute template's answer runs the softmax (measured into graph-weights.json).
    assert data["templates"]["attention-compute"]["softmax"] == 1.0
    assert data["templates"]["naive-bayes-gaussian-posterior"].keys() >= {"gaussian-pdf"}


def test_graph_text_lists_prerequisites_first_within_80_columns(capsys):
    code, out, _ = run(capsys, "graph")
    lines = out.splitlines()
    assert code == 0 and max(len(line) for line in lines) <= 80
    first = {}
    for i, line in enumerate(lines):
        words = line.split()
        if line.startswith("  ") and not line.startswith("   ") and words:
            first.setdefault(words[0], i)
    assert first["softmax"] < first["attention"] < len(lines)
    assert first["gaussian-pdf"] < first["gaussian-cdf"] < first["z-test-p-value"]
    attention = next(line for line in lines if line.split()[:1] == ["attention"])
    assert "← softmax" in attention


def test_a_bad_user_graph_is_reported_and_the_graph_shown_without_edges(capsys, tmp_path):
    (tmp_path / "graph.yaml").write_text("softmax:\n  requires: [attention]\n")
    code, out, err = run(capsys, "graph", "--json", "--problems", str(tmp_path))
    assert code == 1 and "Traceback" not in err
    assert f"{tmp_path / 'graph.yaml'}:2:" in err and "cycle" in err
    data = json.loads(out)
    assert data["edges"] == [] and len(data["nodes"]) == 30


def test_check_writes_the_weights_then_finds_them_fresh(capsys, tmp_path):
    (tmp_path / "graph.yaml").write_text("my-attention:\n  performs: [attention]\n  requires: [softmax]\n")
    (tmp_path / "mine.yaml").write_text(TEMPLATE.format(tid="my-attention-softmax", equation="my-attention"))
    code, out, _ = run(capsys, "check", str(tmp_path), "--seeds", "30", "--jobs", "1")
    assert code == 1 and "graph-weights.json" in out and "missing" in out
    code, out, err = run(capsys, "check", str(tmp_path), "--seeds", "30", "--jobs", "1", "--write-weights")
    assert code == 0, out
    weights = json.loads((tmp_path / "graph-weights.json").read_text())
    assert weights["seeds"] == 30
    assert weights["edges"] == [{"from": "my-attention", "to": "softmax", "weight": 1.0, "templates": 1}]
    assert weights["templates"] == {"my-attention-softmax": {"softmax": 1.0}}
    code, out, _ = run(capsys, "check", str(tmp_path), "--seeds", "30", "--jobs", "1")
    assert code == 0, out
    code, out, _ = run(capsys, "graph", "--json", "--problems", str(tmp_path))
    assert {"from": "my-attention", "to": "softmax", "weight": 1.0} in json.loads(out)["edges"]


def test_check_refuses_an_unknown_requires_with_file_and_line(capsys, tmp_path):
    text = TEMPLATE.format(tid="needs-x", equation="softmax").replace("kind: compute\n",
                                                                       "kind: compute\nrequires: [softmaks]\n")
    (tmp_path / "needs-x.yaml").write_text(text)
    code, out, _ = run(capsys, "check", str(tmp_path), "--seeds", "5", "--jobs", "1")
    assert code == 1
    assert f"{tmp_path / 'needs-x.yaml'}:6: error: [graph]" in out and "'softmaks'" in out and "softmax" in out
