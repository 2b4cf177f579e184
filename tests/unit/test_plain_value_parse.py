"""The direct reading of plain values (`-0.25`, `[0.1, 2]`) builds the tree the full parser builds.

`parse_answer` reads the texts the grader's `answer_text` writes without tokenizing them; these tests
run the same texts through the tokenizer and parser and compare the trees, value types included
(`Num(1)` and `Num(1.0)` are equal but grade differently).
"""

from __future__ import annotations

import numpy as np
import pytest

from trainer.core.language.answer_syntax import _default_functions, _Parser, _plain_value, parse_answer
from trainer.core.language.answer_tokens import split_rows, tokenize
from trainer.core.language.nodes import MathInputError


def _full(text: str, arrays: bool):
    return _Parser(split_rows(tokenize(text), arrays), (), _default_functions(), False, arrays, None).parse()


def _texts() -> list[str]:
    rng = np.random.default_rng(20261205)
    numbers = [repr(float(x)) for x in rng.normal(0, 10.0 ** rng.integers(-8, 9, 300))]
    numbers += [str(int(x)) for x in rng.integers(-10**6, 10**6, 50)]
    numbers += ["0", "-0", "0.0", "-0.0", "007", "1e-05", "-1e-05", "1.5e+20", "2E3", "1e300", "123456789012345678901234567890"]
    out = list(numbers)
    for _ in range(100):
        k = int(rng.integers(1, 5))
        out.append("[" + ", ".join(rng.choice(numbers, k)) + "]")
        rows = [("[" + ", ".join(rng.choice(numbers, k)) + "]") for _ in range(int(rng.integers(1, 4)))]
        out.append("[" + ", ".join(rows) + "]")
    return out


@pytest.mark.parametrize("arrays", [False, True])
def test_plain_values_read_as_the_parser_reads_them(arrays):
    texts = _texts()
    for text in texts:
        fast = _plain_value(text)
        assert fast is not None, text
        assert repr(fast) == repr(_full(text, arrays)), text


@pytest.mark.parametrize("text", ["1.", ".5", "1,2", "[1,2]", "[1 2]", " 1", "1 ", "- 1", "−1", "[[[1]]]",
                                  "[1, 2", "1e", "2x", "1%", "x = 1", "[]", "+1", "--1", "1e400"])
def test_other_texts_are_left_to_the_parser(text):
    assert _plain_value(text) is None


def test_a_number_beyond_the_bounds_keeps_the_parsers_error():
    with pytest.raises(MathInputError, match="exponent"):
        parse_answer("1e400", variables=())


def test_reading_a_plain_value_leaves_no_cycle_for_the_collector():
    # `check` reads tens of thousands of typed answers; a reference cycle per reading (a recursive
    # closure) made the garbage collector run every few hundred of them.
    import gc

    gc.collect()
    gc.disable()
    try:
        for text in ("-0.25", "[0.1, 2]", "[[1.0, 2.0], [3.0, 4.5]]"):
            assert _plain_value(text) is not None
        assert gc.collect() == 0
    finally:
        gc.enable()
