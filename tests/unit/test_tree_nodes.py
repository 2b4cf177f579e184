"""The expression tree's node types behave as the frozen dataclasses they replaced."""

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from trainer.core.language.nodes import BinOp, Call, Name, Num, Slice, Str


def test_fields_by_position_or_name_compare_and_hash_by_value():
    a = BinOp("+", Num(1), Name("x"))
    assert a == BinOp(op="+", left=Num(1), right=Name("x"))
    assert hash(a) == hash(BinOp("+", Num(1), Name("x")))
    assert a != BinOp("-", Num(1), Name("x"))
    assert Num(1) != Str(1)  # another type is never equal, even with the same fields
    assert len({Num(2), Num(2), Num(3)}) == 2


def test_defaults_missing_and_unknown_fields():
    assert Call("f", (Num(1),)).kwargs == ()
    with pytest.raises(TypeError, match="missing required argument: 'value'"):
        Num()
    with pytest.raises(TypeError, match="unexpected keyword argument 'size'"):
        Num(1, size=2)
    with pytest.raises(TypeError, match="multiple values"):
        Num(1, value=2)


def test_nodes_are_immutable_and_have_no_instance_dict():
    node = Name("x")
    with pytest.raises(FrozenInstanceError):
        node.id = "y"
    with pytest.raises(FrozenInstanceError):
        del node.id
    assert not hasattr(node, "__dict__")


def test_repr_copy_pickle_and_match():
    tree = BinOp("*", Num(2), Slice(None, Num(3)))
    assert repr(tree) == "BinOp(op='*', left=Num(value=2), right=Slice(lower=None, upper=Num(value=3)))"
    assert pickle.loads(pickle.dumps(tree)) == tree
    assert copy.deepcopy(tree) == tree
    match tree:
        case BinOp("*", Num(value=k), Slice(lower, upper)):
            assert (k, lower, upper) == (2, None, Num(3))
        case _:
            pytest.fail("positional and keyword patterns match as on a dataclass")
