"""Shared fixtures: small valid sites written to a temporary folder."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_sites"

SMALL_SITE = {
    "name": "Test village",
    "location": {"latitude": 13.5, "longitude": 2.1, "altitude_m": 220, "timezone": "Africa/Niamey"},
    "currency": "USD",
    "solar": {
        "monthly_ghi_kwh_m2_day": [5.6, 6.3, 6.7, 6.8, 6.7, 6.3, 5.8, 5.5, 5.9, 6.0, 5.8, 5.4],
        "monthly_temp_air_c": [24, 27, 31, 34, 34, 31, 28, 27, 28, 30, 28, 25],
        "tilt_deg": 15,
        "azimuth_deg": 180,
    },
    "households": [
        {"name": "low income", "count": 6, "income_per_month": 55, "daily_load_kwh": 0.35,
         "load_shape": "evening_peak", "load_variability": 0.15},
        {"name": "shop", "count": 2, "income_per_month": 150, "daily_load_kwh": 1.2,
         "load_shape": "daytime_business"},
    ],
    "equipment": {"diesel": {"placement": "shared"}},
    "sizing": {"method": "rule_of_thumb"},
}


def schema_physics() -> dict:
    """The equipment's physics as the site file's schema defaults it (a site that sets none)."""
    from p2p_size.sizing.dispatch import equipment_parameters
    from p2p_size.sizing.site import validate_data

    return equipment_parameters(validate_data(copy.deepcopy(SMALL_SITE), "defaults.yaml"))


def village_inputs(**fields):
    """:class:`DispatchInputs` with the schema's default physics, ``fields`` overriding it."""
    from p2p_size.sizing.dispatch import DispatchInputs

    return DispatchInputs(**{**schema_physics(), **fields})


def write_site(folder: Path, data: dict, name: str = "site.yaml") -> Path:
    path = Path(folder) / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def small_site_data() -> dict:
    return copy.deepcopy(SMALL_SITE)


@pytest.fixture
def small_site(tmp_path, small_site_data) -> Path:
    return write_site(tmp_path, small_site_data)
