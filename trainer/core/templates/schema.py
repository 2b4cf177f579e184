"""The JSON Schema of the template format, generated from the loader's own field tables.

Core layer. Editors (VS Code's YAML extension, etc.) validate templates with it as the author types;
`trainer schema` prints it and the wheel ships it as `trainer/schema/template.schema.json`. A test
keeps the shipped file equal to what this module generates, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from trainer.core.templates import samplers
from trainer.core.templates import spec as model

SCHEMA_ID = "https://trainer.invalid/schema/template.schema.json"


def _expr(description: str = "An expression in the safe template language.") -> dict[str, Any]:
    return {"type": ["string", "number", "boolean"], "description": description}


def _sampler() -> dict[str, Any]:
    props: dict[str, Any] = {
        "int": {"description": "Whole numbers in [low, high], or entries of a vector/matrix.",
                "type": "array", "items": _expr(), "minItems": 2, "maxItems": 2},
        "float": {"description": "Decimals in [low, high], or entries of a vector/matrix.",
                  "type": "array", "items": _expr(), "minItems": 2, "maxItems": 2},
        "choice": {"description": "One of these values.", "type": "array", "minItems": 1},
        "simplex": {**_expr("Length of a probability vector that sums to exactly 1."),
                    "type": ["string", "integer"]},
        "vector": {**_expr("Length of a vector."), "type": ["string", "integer"]},
        "matrix": {"description": "Shape [rows, columns].", "type": "array", "items": _expr(),
                   "minItems": 2, "maxItems": 2},
        "expr": _expr("A derived value computed from earlier parameters."),
        "value": {"description": "A constant."},
        "decimals": {"type": "integer", "minimum": 0, "maximum": 8},
        "step": {"type": "number", "exclusiveMinimum": 0},
        "not": {"description": "Values to exclude.", "type": "array"},
        "min": {"type": "number", "minimum": 0, "exclusiveMaximum": 1,
                "description": "Smallest entry of a simplex."},
        "nonzero": {"type": "boolean"},
        "property": {"enum": list(samplers.PROPERTIES)},
        "max_cond": {"type": "number", "exclusiveMinimum": 1},
    }
    assert set(props) == set(samplers.KINDS) | set().union(*samplers.OPTIONS.values())
    return {
        "oneOf": [
            {"type": "object", "properties": props, "additionalProperties": False,
             "anyOf": [{"required": [k]} for k in samplers.KINDS]},
            {"type": "string", "description": "Shorthand for {expr: ...}."},
            {"type": "number", "description": "Shorthand for {value: ...}."},
        ]
    }


_TYPES: dict[str, Any] = {
    "id": {"type": "string", "pattern": model.ID_PATTERN},
    "string": {"type": "string", "minLength": 1},
    "text": {"type": "string", "minLength": 1},
    "kind": {"enum": list(model.KINDS)},
    "level": {"enum": list(model.LEVELS)},
    "strings": {"type": "array", "items": {"type": "string"}},
    "ids": {"type": "array", "items": {"type": "string", "pattern": model.ID_PATTERN}, "uniqueItems": True},
    "texts": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 8},
    "exprs": {"type": "array", "items": _expr()},
    "expr": _expr(),
    "number": {"type": ["number", "string"]},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "answer-type": {"enum": list(model.ANSWER_TYPES)},
    "card": {"enum": list(model.CARD_CHOICES)},
    "options": {"type": "array", "minItems": 2, "maxItems": 8, "items": {"oneOf": [
        {"type": "string"},
        {"type": "object", "properties": {"text": {"type": "string", "minLength": 1}, "truth": _expr()},
         "required": ["text"], "additionalProperties": False}]}},
}


def _field(kind: str, description: str) -> dict[str, Any]:
    if kind == "params":
        out = {"type": "object", "additionalProperties": {"$ref": "#/$defs/sampler"}}
    elif kind == "answer":
        out = {"$ref": "#/$defs/answer"}
    elif kind == "mistakes":
        out = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/mistake"}}
    elif kind == "parts":
        out = {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/answer"}}
    else:
        out = dict(_TYPES[kind])
    out["description"] = description
    return out


def template_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one template file."""
    answer_props = {k: _field(kind, d) for k, (kind, d) in model.ANSWER_FIELDS.items()}
    per_type = [
        {"if": {"properties": {"type": {"const": t}}},
         "then": {"propertyNames": {"enum": sorted(keys | {"type", "label"})}}}
        for t, keys in model.ANSWER_KEYS.items()
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "trainer problem template",
        "description": "One randomized problem about an ML equation. See docs/authoring.md.",
        "type": "object",
        "properties": {k: _field(kind, d) for k, (kind, _, d) in model.TOP_FIELDS.items()},
        "required": [k for k, (_, req, _) in model.TOP_FIELDS.items() if req],
        "additionalProperties": False,
        "$defs": {
            "sampler": _sampler(),
            "answer": {"type": "object", "properties": answer_props, "required": ["type"],
                       "additionalProperties": False, "allOf": per_type},
            "mistake": {"type": "object",
                        "properties": {k: _field(kind, d) for k, (kind, _, d) in model.MISTAKE_FIELDS.items()},
                        "required": [k for k, (_, req, _) in model.MISTAKE_FIELDS.items() if req],
                        "additionalProperties": False},
        },
    }
