"""Synthetic candidate villages for batch tests and benchmarks.

:func:`village_data` draws one plausible off-grid village (a site-file mapping) from a
seeded generator: its size, its climate (monthly GHI and air temperature from one of
several climates), its household groups (incomes, loads, load shapes) and its costs
(PV, battery and diesel prices, logistics). :func:`generate_villages` writes ``n`` of
them as ``<folder>/<slug>/site.yaml``, each validated against the schema first.

The same ``seed`` always gives the same villages. The sites need no data files: the
solar resource is given as 12 monthly means (a synthetic hourly year is drawn from
them) and loads as daily energy with a built-in shape.

The numbers are meant to span realistic ranges, not to describe real places: monthly
GHI and temperatures are rounded climate normals of the kind published by NASA POWER
and PVGIS for each region; prices are drawn around the defaults of the site schema
(IRENA and ESMAP mini-grid cost ranges).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ..sizing.site import validate_data


@dataclass(frozen=True)
class Climate:
    """A region's solar resource and temperature, by month (January first)."""

    name: str
    latitude: float                      # [deg], north positive
    longitude: float                     # [deg], east positive
    altitude_m: float                    # [m]
    timezone: str
    monthly_ghi_kwh_m2_day: tuple        # 12 monthly means [kWh/m2/day]
    monthly_temp_air_c: tuple            # 12 monthly means [degC]


#: Climates the generator draws from (rounded monthly normals of each region).
CLIMATES: tuple[Climate, ...] = (
    Climate("sahel", 14.0, -0.5, 280, "Africa/Ouagadougou",
            (5.5, 6.1, 6.5, 6.7, 6.7, 6.4, 6.0, 5.7, 6.0, 6.0, 5.7, 5.3),
            (24.5, 27.5, 31.5, 34.0, 34.0, 31.5, 29.0, 27.5, 28.5, 30.5, 28.5, 25.5)),
    Climate("east_african_highlands", -1.3, 36.8, 1700, "Africa/Nairobi",
            (6.3, 6.6, 6.1, 5.2, 4.6, 4.3, 4.0, 4.4, 5.4, 5.6, 5.1, 5.8),
            (19.0, 19.8, 20.0, 19.5, 18.4, 17.0, 16.3, 16.7, 18.0, 19.2, 18.7, 18.6)),
    Climate("south_asian_monsoon", 25.6, 85.1, 55, "Asia/Kolkata",
            (3.9, 4.9, 5.9, 6.5, 6.4, 5.3, 4.6, 4.6, 4.5, 4.8, 4.4, 3.8),
            (16.5, 20.0, 25.5, 30.0, 31.5, 31.0, 29.5, 29.3, 28.9, 26.8, 22.0, 17.8)),
    Climate("himalayan_foothills", 28.2, 84.0, 1500, "Asia/Kathmandu",
            (4.1, 4.9, 5.8, 6.3, 6.1, 5.0, 4.3, 4.4, 4.3, 4.8, 4.4, 3.9),
            (9.5, 11.5, 15.5, 19.0, 21.0, 22.5, 22.5, 22.4, 21.0, 17.8, 13.5, 10.2)),
    Climate("pacific_island", -17.7, 178.0, 10, "Pacific/Fiji",
            (5.9, 5.6, 5.1, 4.5, 4.0, 3.8, 4.0, 4.6, 5.2, 5.8, 6.1, 6.1),
            (27.0, 27.2, 27.0, 26.2, 25.0, 24.2, 23.5, 23.6, 24.2, 25.0, 25.8, 26.6)),
    Climate("andean_altiplano", -16.5, -68.2, 3800, "America/La_Paz",
            (5.9, 5.8, 5.6, 5.4, 5.0, 4.8, 5.0, 5.6, 6.3, 6.8, 7.0, 6.4),
            (9.0, 8.9, 8.6, 7.6, 5.2, 3.4, 3.1, 4.4, 6.3, 8.0, 9.1, 9.4)),
    Climate("southern_african_savanna", -15.4, 28.3, 1200, "Africa/Lusaka",
            (5.2, 5.4, 5.7, 5.8, 5.5, 5.1, 5.4, 6.2, 6.9, 7.0, 6.1, 5.2),
            (21.5, 21.5, 21.0, 19.8, 17.5, 15.0, 15.0, 17.8, 21.5, 24.0, 23.0, 21.8)),
)

#: Household archetypes: (group name, share of homes range, income [currency/month] range,
#: daily load [kWh/day] range, load shapes to draw from).
ARCHETYPES = (
    ("low income", (0.45, 0.75), (30.0, 80.0), (0.12, 0.45), ("evening_peak",)),
    ("middle income", (0.15, 0.40), (90.0, 220.0), (0.5, 1.5), ("evening_peak", "morning_evening")),
    ("businesses", (0.03, 0.12), (200.0, 500.0), (1.5, 4.0), ("daytime_business", "productive_use")),
)


def slug(index: int, climate: str) -> str:
    """The folder name of generated village ``index`` (1-based), e.g. ``v007_sahel``."""
    return f"v{index:03d}_{climate}"


def village_data(rng: np.random.Generator, index: int, homes: tuple[int, int] = (50, 200),
                 sizing_method: str | None = None) -> dict:
    """One synthetic village as a site-file mapping.

    See :func:`_draw` for the parameters; this returns its mapping only.
    """
    return _draw(rng, index, homes, sizing_method)[1]


def _draw(rng: np.random.Generator, index: int, homes: tuple[int, int],
          sizing_method: str | None) -> tuple[str, dict]:
    """One synthetic village: its climate's name and its site-file mapping.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness; successive calls give different villages.
    index : int
        1-based number of the village (its name and slug).
    homes : (int, int)
        Inclusive range of the village's number of homes.
    sizing_method : str, optional
        ``sizing.method`` to write; by default the key is left out (the schema default).

    Returns
    -------
    (str, dict)
        The climate's name and a mapping that validates as a
        :class:`~p2p_size.sizing.schema.Site`.
    """
    lo, hi = int(homes[0]), int(homes[1])
    if not 1 <= lo <= hi:
        raise ValueError(f"homes must be a range (low, high) with 1 <= low <= high, got {homes!r}")
    climate = CLIMATES[int(rng.integers(len(CLIMATES)))]
    n_homes = int(rng.integers(lo, hi + 1))

    # the resource: the climate's monthly means, scaled by a local factor (+-8 %)
    ghi_scale = float(rng.uniform(0.92, 1.08))
    ghi = [round(min(12.0, g * ghi_scale), 2) for g in climate.monthly_ghi_kwh_m2_day]
    temp = [round(t + float(rng.normal(0.0, 0.8)), 1) for t in climate.monthly_temp_air_c]
    latitude = round(float(np.clip(climate.latitude + rng.uniform(-1.5, 1.5), -89.0, 89.0)), 3)
    longitude = round(float(climate.longitude + rng.uniform(-1.5, 1.5)), 3)

    # household groups: shares drawn per archetype and normalised; every group >= 1 home
    n_groups = 1 + int(rng.integers(1, len(ARCHETYPES))) if n_homes >= len(ARCHETYPES) else 1
    shares = np.array([rng.uniform(*ARCHETYPES[k][1]) for k in range(n_groups)])
    counts = np.maximum(1, np.floor(shares / shares.sum() * n_homes)).astype(int)
    counts[0] += n_homes - counts.sum()  # the low-income group absorbs the rounding
    households = []
    for k in range(n_groups):
        name, _, income, load, shapes = ARCHETYPES[k]
        households.append({
            "name": name,
            "count": int(counts[k]),
            "income_per_month": round(float(rng.uniform(*income)), 0),
            "daily_load_kwh": round(float(rng.uniform(*load)), 3),
            "load_shape": shapes[int(rng.integers(len(shapes)))],
            "load_variability": round(float(rng.uniform(0.1, 0.3)), 2),
        })

    # costs around the schema defaults; remote sites pay more for transport
    placement = ("shared", "shared", "per_home", "none")[int(rng.integers(4))]
    data = {
        "name": f"Candidate village {index:03d} ({climate.name.replace('_', ' ')})",
        "location": {"latitude": latitude, "longitude": longitude,
                     "altitude_m": float(climate.altitude_m), "timezone": climate.timezone},
        "currency": "USD",
        "solar": {"monthly_ghi_kwh_m2_day": ghi, "monthly_temp_air_c": temp},
        "households": households,
        "equipment": {
            "pv": {"capex_per_kwp": round(float(rng.uniform(500, 1000)), 0)},
            "battery": {"capex_per_kwh": round(float(rng.uniform(200, 450)), 0)},
            "diesel": {"placement": placement, "fuel_price_per_litre": round(float(rng.uniform(0.8, 2.0)), 2)},
            "logistics": {"transport_fraction_of_equipment": round(float(rng.uniform(0.02, 0.25)), 3)},
        },
        "economics": {
            "discount_rate": round(float(rng.uniform(0.06, 0.14)), 3),
            "baseline": ({"kind": "kerosene", "spend_per_home_month": round(float(rng.uniform(3, 10)), 1)}
                         if rng.random() < 0.7 else {"kind": "diesel"}),
        },
        "p2p": {"pricing": ("mid_market_rate", "supply_demand_ratio", "bill_sharing")[int(rng.integers(3))]},
        "sources": {"all": "synthetic candidate village drawn by p2p_size.sizing.villages (not a real place)"},
    }
    if sizing_method is not None:
        data["sizing"] = {"method": sizing_method}
    if rng.random() < 0.25:
        data["failures"] = {"rate_per_home_year": round(float(rng.uniform(0.1, 1.0)), 2),
                            "mean_duration_days": round(float(rng.uniform(2, 14)), 1)}
    return climate.name, data


def generate_villages(n: int, folder: str | Path, seed: int = 0, homes: tuple[int, int] = (50, 200), *,
                      sizing_method: str | None = None) -> list[Path]:
    """Write ``n`` synthetic candidate villages as ``<folder>/<slug>/site.yaml``.

    Parameters
    ----------
    n : int
        Number of villages.
    folder : str or Path
        Where to write them (created if missing); existing villages of the same slug
        are overwritten.
    seed : int
        Seed of the generator: the same seed writes the same files.
    homes : (int, int)
        Inclusive range of homes per village.
    sizing_method : str, optional
        ``sizing.method`` for every village (e.g. ``rule_of_thumb`` for fast tests);
        by default the schema's default (``optimize``).

    Returns
    -------
    list of Path
        The site files written, in village order.
    """
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    paths = []
    for index in range(1, int(n) + 1):
        climate, data = _draw(rng, index, homes, sizing_method)
        path = folder / slug(index, climate) / "site.yaml"
        validate_data(data, str(path))  # a generated village is always a valid site
        path.parent.mkdir(parents=True, exist_ok=True)
        header = (f"# Synthetic candidate village {index} of {n} (p2p_size.sizing.villages, seed {seed}).\n"
                  "# Not a real place: drawn from climate normals and published cost ranges.\n")
        path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120), encoding="utf-8")
        paths.append(path)
    return paths


__all__ = ["CLIMATES", "Climate", "generate_villages", "village_data", "slug"]
