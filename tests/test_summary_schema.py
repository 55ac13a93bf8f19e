"""summary.json's JSON Schema: shipped with the package, generated from the types, and strict."""
import json
from importlib import resources

import jsonschema

from p2p_size.study.summary import HomeResult, StudySummary, json_schema

SHIPPED = json.loads(resources.files("p2p_size.study").joinpath("summary.schema.json").read_text())


def test_shipped_schema_is_the_one_the_types_give():
    # fails when a field of StudySummary changes without `make schema`
    assert SHIPPED == json_schema(), "study/summary.schema.json is out of date: run `make schema`"


def test_schema_is_draft_2020_12_and_valid():
    assert SHIPPED["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SHIPPED)


def test_schema_refuses_unknown_and_missing_keys_and_wrong_types():
    validator = jsonschema.Draft202012Validator(SHIPPED)
    home = {name: 0.0 for name in HomeResult.model_fields if name not in (
        "failed_hours", "unmet_kwh_without_sharing", "unmet_hours_without_sharing")}
    home.update(home="h1", group="g", affordable=True, mtf_tier=3, simple_payback_years=None)
    sub = SHIPPED["$defs"]["HomeResult"]
    assert not list(jsonschema.Draft202012Validator(sub).iter_errors(home))
    assert any("additional" in e.message.lower() for e in jsonschema.Draft202012Validator(sub).iter_errors(
        {**home, "unmet_fraction_with_sharing": 0.1}))           # a spelling nobody writes
    missing = dict(home)
    del missing["npc"]
    assert any("'npc' is a required property" in e.message for e in jsonschema.Draft202012Validator(sub).iter_errors(missing))
    assert list(jsonschema.Draft202012Validator(sub).iter_errors({**home, "pv_kwp": "big"}))
    assert list(validator.iter_errors({"site": "x"}))              # a summary needs every section
