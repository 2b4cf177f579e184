"""The bundled bank: every template loads, generates deterministically, and covers every equation."""

import numpy as np
import pytest

from tests.support.paths import PROBLEMS
from trainer.core.templates.bank import load_bank, template_files
from trainer.core.checking.check import same_value
from trainer.core.solvers.equations import equations
from trainer.core.templates.generation import generate

SEEDS = 200
# Every equation of the two seed articles must be drilled by at least one template.
SEED_EQUATIONS = {
    "bayes-theorem", "entropy", "joint-conditional-probability", "kl-divergence", "cross-entropy",
    "binary-cross-entropy", "linear-transformation", "eigen", "svd", "linear-system", "gradient-descent",
    "regression-cost-partials", "gradient-vector", "backpropagation", "mse", "diffusion-forward",
    "convolution", "conv-output-size", "softmax", "attention", "bernoulli", "gaussian-pdf", "z-score",
    "z-test-p-value", "mean-median-variance", "naive-bayes",
}
TEMPLATE_IDS = sorted(load_bank([PROBLEMS]).templates)


def test_every_bundled_file_loads(bank):
    assert bank.errors == []
    assert len(bank.templates) == len(template_files(PROBLEMS))


def test_the_bank_is_big_and_mixed(bank):
    assert len(bank.templates) >= 40
    kinds = {t.kind for t in bank.templates.values()}
    types = {t.answer_type for t in bank.templates.values()}
    assert kinds == {"compute", "recall", "concept"}
    assert {"number", "vector", "matrix", "formula", "choice"} <= types


def test_every_seed_equation_has_a_template_and_a_card(bank):
    drilled = {t.equation for t in bank.templates.values()}
    assert SEED_EQUATIONS <= drilled
    assert SEED_EQUATIONS <= set(equations())
    assert drilled <= set(equations()), drilled - set(equations())


def test_files_live_in_their_topic_folder_named_after_their_id(bank):
    for t in bank.templates.values():
        assert t.path.stem == t.id
        assert t.path.parent.name == t.topic


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_template_generates_200_seeds_finite_deterministic_with_distinct_mistakes(bank, template_id):
    template = bank.get(template_id)
    assert template.mistakes, "every template lists at least one anticipated mistake"
    prompts = set()
    for seed in range(SEEDS):
        inst = generate(template, seed)
        prompts.add(inst.prompt)
        answer = inst.answer
        parts = answer.parts if answer.type == "multi" else (answer,)
        for part in parts:
            if part.type not in ("choice", "formula"):
                assert np.all(np.isfinite(np.asarray(part.value, dtype=float))), (seed, part.display)
        for mistake in inst.mistakes:
            if mistake.option is not None:
                assert mistake.option != answer.correct
            elif answer.type != "formula":
                target = answer.parts[mistake.part] if mistake.part is not None else answer
                assert not same_value(target, mistake.value), (seed, mistake.id)
        if seed < 5:
            assert generate(template, seed).to_dict() == inst.to_dict()
    if template.params:
        assert len(prompts) > 1, "a randomized template must vary"


def test_template_files_skip_hidden_drafts_graph_and_linked_folders(tmp_path):
    for rel in ("a/b.yaml", "a-b/c.yml", "top.yaml", "sub/graph.yaml", ".hidden/h.yaml", "_drafts/d.yaml",
                "_w.yaml", ".v.yml", "graph.yaml", "notes.txt", "a/deep/e.YAML", "outside/o.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("id: x\n")
    bank = tmp_path / "bank"
    bank.mkdir()
    for name in ("a", "a-b", "sub", ".hidden", "_drafts"):
        (tmp_path / name).rename(bank / name)
    for name in ("top.yaml", "_w.yaml", ".v.yml", "graph.yaml", "notes.txt"):
        (tmp_path / name).rename(bank / name)
    (bank / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    found = [p.relative_to(bank).as_posix() for p in template_files(bank)]
    # Path order compares name by name: "a" sorts before "a-b" although "/" > "-".
    assert found == ["a/b.yaml", "a-b/c.yml", "sub/graph.yaml", "top.yaml"]
