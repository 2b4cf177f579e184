"""The shipped JSON Schema is the loader's own model, and agrees with the loader on real files."""

import json

import jsonschema
import pytest

from tests.support.paths import PROBLEMS, ROOT
from trainer.core.templates.bank import template_files
from trainer.core.templates.schema import template_schema
from trainer.core.templates.safe_yaml import load_yaml

SHIPPED = ROOT / "trainer" / "schema" / "template.schema.json"


def test_shipped_schema_is_generated_from_the_model():
    assert json.loads(SHIPPED.read_text()) == template_schema(), \
        "regenerate with: trainer schema > trainer/schema/template.schema.json"


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(template_schema())


@pytest.mark.parametrize("path", template_files(PROBLEMS), ids=lambda p: p.stem)
def test_every_bundled_template_validates(path):
    jsonschema.validate(load_yaml(path.read_text()), template_schema())


@pytest.mark.parametrize("mutation", [
    lambda d: d.pop("answer"),
    lambda d: d.update(kind="quiz"),
    lambda d: d.update(id="Not Kebab"),
    lambda d: d.update(extra_field=1),
    lambda d: d.update(mistakes=[]),
])
def test_schema_rejects_what_the_loader_rejects(mutation):
    data = json.loads(json.dumps(load_yaml(template_files(PROBLEMS)[0].read_text())))
    mutation(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, template_schema())
