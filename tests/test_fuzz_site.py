"""Fuzzing the site-file loader: whatever the YAML, a SiteError with a message — never a crash."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from p2p_size.sizing.errors import SiteError
from p2p_size.sizing.site import load_site, read_yaml

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_sites").glob("*/site.yaml"))
BASES = [read_yaml(p) for p in SAMPLES]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def _paths(node, prefix=()):
    """Every key path in a nested mapping/list."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _set(node, path, value):
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _check(tmp_path, data):
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_site(path, check_files=False)
    except SiteError as exc:
        assert exc.problems and all(p.message for p in exc.problems)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=values)
def test_random_documents_never_crash(tmp_path, data):
    _check(tmp_path, data)


@pytest.mark.slow
@FUZZ
@given(base=st.sampled_from(range(len(BASES))), pick=st.integers(0, 10**6), value=values)
def test_mutated_samples_never_crash(tmp_path, base, pick, value):
    data = copy.deepcopy(BASES[base])
    paths = [p for p in _paths(data) if p]
    _set(data, paths[pick % len(paths)], value)
    _check(tmp_path, data)


@pytest.mark.slow
@FUZZ
@given(base=st.sampled_from(range(len(BASES))), pick=st.integers(0, 10**6), key=st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True))
def test_unknown_keys_anywhere_are_refused_by_name(tmp_path, base, pick, key):
    data = copy.deepcopy(BASES[base])
    mappings = [p for p in _paths(data) if isinstance(_get(data, p), dict)]
    target = _get(data, mappings[pick % len(mappings)])
    where = mappings[pick % len(mappings)]
    # an existing key, or the free-form sources map: not a case (assume, so Hypothesis
    # draws another example instead of counting a silent pass)
    assume(key not in target and where[-1:] != ("sources",))
    target[key] = 1
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_site(path, check_files=False)
    except SiteError as exc:
        assert any(p.key.endswith(key) and "unknown key" in p.message for p in exc.problems), exc.render()
    else:
        raise AssertionError(f"unknown key {key!r} accepted")


def _get(node, path):
    for part in path:
        node = node[part]
    return node
