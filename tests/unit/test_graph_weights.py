"""Weights measured from the solver: what an instance's answer computation really performs, the
share over seeds, the weights file, and the graph part of `trainer check`."""

import json

import pytest

from trainer.core.checking.check import check_template
from trainer.core.checking.graph_check import check_graph
from trainer.core.checking.weights import (
    answer_performs,
    measure_weights,
    merged_weights,
    resolve_performs,
    stale_weights,
)
from trainer.core.learning import merge_graph_files, read_graph_file
from trainer.core.templates.bank import load_bank
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text

BASE = """\
id: {tid}
equation: {equation}
topic: deep-learning
title: T
kind: compute
params:
  z: {{vector: 3, int: [-3, 3]}}
  k: {{int: [1, 4]}}
{params}
prompt: "z = {{z}}, k = {{k}}"
answer: {answer}
mistakes:
  - {{id: m, {mistake}, message: slip}}
solution: "{{answer}}"
"""


def template(answer, *, tid="t", equation="attention", params="", mistake=None, path=None):
    mistake = mistake or ("z + 99" if answer == ALWAYS else "99")
    mistake = "option: 2" if "choice" in answer else f"value: {mistake}"
    text = BASE.format(tid=tid, equation=equation, params=params, answer=answer, mistake=mistake)
    return parse_template_text(text, path)


def performs(answer, seed=0, **kw):
    t = template(answer, **kw)
    return answer_performs(t, generate(t, seed))


def test_a_solver_call_is_seen_and_an_expression_without_it_is_not():
    assert "softmax" in performs("{type: vector, value: softmax(z)}", mistake="z + 99")
    assert "softmax" not in performs(NEVER)
    assert "+" in performs(NEVER)


def test_solvers_called_by_solvers_are_seen():
    # attention → attention_weights → softmax inside the solver, never in the expression.
    found = performs("{type: matrix, value: 'attention(outer(z, z), outer(z, z), outer(z, z))'}",
                     mistake="'outer(z, z) + 99'")
    assert {"attention", "softmax"} <= found


def test_aliases_are_one_computation():
    assert "logsumexp" in performs("{type: number, value: lse(z)}")


def test_degenerate_calls_perform_nothing():
    # x * 1 and a clip that changes nothing return an argument unchanged.
    found = performs("{type: vector, value: 'clip(z, -10, 10) * 1 + softmax(z)'}", mistake="z + 99")
    assert "*" not in found and "clip" not in found
    assert {"softmax", "+"} <= found


def test_only_the_answer_path_counts():
    found = performs("{type: number, value: 's[0] * 2'}", params="  s: {expr: softmax(z)}\n  u: {expr: log(k + 1)}",
                     mistake="'exp(z[0])'")
    assert "softmax" in found  # through the expr parameter the answer reads
    assert "log" not in found and "exp" not in found  # a parameter it does not read, and a mistake


def test_a_choice_answer_computes_nothing():
    answer = "{type: choice, options: ['a {softmax(z)}', b], correct: 1}"
    assert performs(answer) == frozenset()


def test_a_formula_answer_is_evaluated_at_a_point():
    answer = "{type: formula, value: 'log(x) + 1', variables: {x: {float: [2, 3]}}}"
    assert {"log", "+"} <= performs(answer, mistake="'log(x)'")


ALWAYS = "{type: vector, value: softmax(z)}"
NEVER = "{type: number, value: 'z[0] + 10'}"
# softmax exactly on the seeds that drew k = 1 (k uniform on 1..4).
SOMETIMES = "{type: number, value: 'softmax(z)[0] if k == 1 else z[0] + 10'}"
GRAPH = "softmax:\n  performs: [softmax]\nattention:\n  performs: [attention]\n  requires: [softmax]\n"
SEEDS = 200


def measured_reports(templates):
    return [check_template(t, SEEDS, measure=True).to_dict() for t in templates]


def test_weights_are_the_share_of_instances_that_perform_the_prerequisite():
    always, never, sometimes = (template(a, tid=tid) for a, tid in
                                ((ALWAYS, "always"), (NEVER, "never"), (SOMETIMES, "sometimes")))
    concept = parse_template_text(BASE.format(tid="concept", equation="attention", params="", mistake="option: 2",
                                              answer="{type: choice, options: [a, b], correct: 1}")
                                  .replace("kind: compute", "kind: concept"))
    reports = measured_reports([always, never, sometimes, concept])
    # The oracle: how many instances drew k = 1, read from the generated parameters themselves.
    instances = [generate(sometimes, seed) for seed in range(SEEDS)]
    expected = sum(int(i.params["k"]) == 1 for i in instances) / SEEDS
    assert 0.15 < expected < 0.35  # k = 1 a quarter of the time, give or take the seeds' luck
    authored = merge_graph_files([read_graph_file(GRAPH)])
    table, unknown = resolve_performs(authored)
    assert unknown == []
    templates = {t.id: t for t in (always, never, sometimes, concept)}
    weights = measure_weights(reports, templates, authored, table, SEEDS)
    assert weights["templates"]["always"] == {"softmax": 1.0}
    assert weights["templates"]["never"] == {"softmax": 0.0}
    assert weights["templates"]["sometimes"] == {"softmax": round(expected, 4)}
    assert weights["templates"]["concept"] == {"softmax": 0.0}
    # The edge: the mean over the templates that compute an answer (the concept question does not).
    [edge] = weights["edges"]
    assert edge == {"from": "attention", "to": "softmax", "weight": round((1.0 + 0.0 + expected) / 3, 4),
                    "templates": 3}


def test_stale_missing_and_merged_weights():
    measured = {"version": 1, "seeds": 200, "edges": [{"from": "a", "to": "b", "weight": 0.5, "templates": 2}],
                "templates": {"t1": {"b": 0.5}}}
    assert stale_weights(measured, None) == ["missing"]
    assert stale_weights(measured, json.loads(json.dumps(measured))) == []
    old = {"version": 1, "seeds": 200, "edges": [{"from": "a", "to": "b", "weight": 0.25}],
           "templates": {"t1": {"b": 0.5}, "t2": {"b": 1.0}}}
    [line] = stale_weights(measured, old)
    assert "a → b" in line and "0.25" in line and "0.5" in line
    assert stale_weights(measured, {**old, "seeds": 50})[0].startswith("measured over 50 seeds")
    merged = merged_weights(measured, old)
    assert merged["templates"] == {"t1": {"b": 0.5}, "t2": {"b": 1.0}}  # t2 was not measured: kept
    assert merged["edges"] == [{"from": "a", "to": "b", "weight": 0.5, "templates": 2}]


def bank_folder(tmp_path, graph):
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "graph.yaml").write_text(graph)
    for tid, equation, answer in (("always", "attention", ALWAYS), ("base", "softmax", ALWAYS)):
        (folder / f"{tid}.yaml").write_text(BASE.format(tid=tid, equation=equation, params="", answer=answer,
                                                        mistake="value: z + 99"))
    return folder


def test_check_graph_finds_cycles_and_unknown_names_with_file_and_line(tmp_path):
    folder = bank_folder(tmp_path, "softmax:\n  requires: [attention]\nattention: [softmax]\n")
    bank = load_bank([folder], lazy=True)
    [finding] = check_graph([folder], bank.templates).findings
    assert finding.path == folder / "graph.yaml" and finding.line == 3  # attention: [softmax]
    assert "attention → softmax → attention" in finding.message
    (folder / "graph.yaml").write_text("softmax:\n  performs: [softmaxx]\nattention: [softmax]\n")
    [finding] = check_graph([folder], bank.templates).findings
    assert finding.line == 1 and "softmaxx" in finding.message


def test_check_graph_measures_writes_and_then_finds_nothing_stale(tmp_path):
    folder = bank_folder(tmp_path, GRAPH)
    bank = load_bank([folder])
    reports = measured_reports(bank.templates.values())
    first = check_graph([folder], bank.templates, reports, SEEDS)
    [missing] = first.findings
    assert missing.kind == "weights" and "missing" in missing.message
    content = first.weights[folder]
    assert content["edges"] == [{"from": "attention", "to": "softmax", "weight": 1.0, "templates": 1}]
    (folder / "graph-weights.json").write_text(json.dumps(content))
    assert check_graph([folder], bank.templates, reports, SEEDS).findings == []
    content["edges"][0]["weight"] = 0.5
    (folder / "graph-weights.json").write_text(json.dumps(content))
    [stale] = check_graph([folder], bank.templates, reports, SEEDS).findings
    assert "stale" in stale.message and "attention → softmax" in stale.message


@pytest.mark.parametrize("text", ["{", '{"version": 1, "edges": [{"from": "a"}]}'])
def test_a_broken_weights_file_is_a_finding(tmp_path, text):
    folder = bank_folder(tmp_path, GRAPH)
    (folder / "graph-weights.json").write_text(text)
    [finding] = check_graph([folder], load_bank([folder], lazy=True).templates).findings
    assert finding.kind == "weights" and finding.path == folder / "graph-weights.json"


def test_the_tally_key_remembered_for_equal_inputs_is_the_key_worked_out_afresh():
    from trainer.core.checking.weights import performed_key

    # k * z performs `*` unless it returns z itself (k = 1, or z all zeros): remembered keys must
    # follow the values, not the first seed.
    t = template("{type: vector, value: 'k * z'}", mistake="z + 99")
    keys = set()
    for seed in range(120):
        inst = generate(t, seed)
        fresh = ",".join(sorted(answer_performs(t, inst)))
        assert performed_key(t, inst) == fresh
        assert performed_key(t, inst) == fresh  # the remembered one
        keys.add(fresh)
        assert fresh == ("*" if inst.params["k"] != 1 and any(inst.params["z"] != 0) else "")
    assert len(keys) >= 2
