"""The site file schema: every key, its type, unit, default and allowed range.

This module is the boundary's grammar. :mod:`.site_file` reads YAML and turns
pydantic's errors into :class:`~p2p_size.sizing.errors.Problem` records
(:mod:`.problems`); the README's site-file reference is generated from these models
(:mod:`.reference`), so the documentation cannot drift from what is accepted.

Conventions: units are in key names (``_kwh``, ``_kwp``, ``_deg``...); money is in the
site's ``currency``; fractions are 0-1, never percent. Each field's ``unit`` is also
given in ``json_schema_extra`` so messages and docs can repeat it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

LOAD_SHAPES = (
    "evening_peak",
    "flat",
    "daytime_business",
    "morning_evening",
    "productive_use",
    "health_post",
    "school",
)


def rule(message: str, fix: str) -> PydanticCustomError:
    """A broken rule of the site file: what is wrong and how to fix it, kept apart.

    Raise it from a validator; :mod:`p2p_size.sizing.site` turns it into a
    :class:`~p2p_size.sizing.errors.Problem` with this message and fix.
    """
    return PydanticCustomError("site_rule", "{message}", {"message": message, "fix": fix})


def F(default=..., *, unit: str = "", description: str = "", **kw):
    """A pydantic Field whose unit travels with it (for messages and docs)."""
    extra = {"unit": unit} if unit else {}
    return Field(default, description=description, json_schema_extra=extra, **kw)


class Strict(BaseModel):
    """Base of every section: unknown keys are errors, assignment is validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, data):
        # YAML reads yes/no/on/off as booleans, which pydantic would take as 1/0 for a
        # number. Hand such a value on as text, so the number check reports it at its key.
        if isinstance(data, dict):
            for key, value in data.items():
                field = cls.model_fields.get(key) if isinstance(key, str) else None
                if isinstance(value, bool) and field is not None:
                    annotation = str(field.annotation)
                    if "bool" not in annotation and ("float" in annotation or "int" in annotation):
                        data = {**data, key: f"{str(value).lower()} (a YAML boolean)"}
        return data


# --------------------------------------------------------------------------- location
class Location(Strict):
    latitude: float = F(unit="deg", description="site latitude, north positive", ge=-90, le=90)
    longitude: float = F(unit="deg", description="site longitude, east positive", ge=-180, le=180)
    altitude_m: float = F(0.0, unit="m", description="altitude above sea level", ge=-500, le=9000)
    timezone: Optional[str] = F(
        None,
        description="IANA time zone (e.g. Asia/Kathmandu); default: the solar time zone round(longitude/15)",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v):
        if v is None:
            return v
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise rule(f"unknown IANA time zone {v!r}", "use a name like 'Africa/Niamey' or 'Asia/Kathmandu', or leave it out")
        return v


# --------------------------------------------------------------------------- solar
Month12 = Annotated[list[float], Field(min_length=12, max_length=12)]


class Solar(Strict):
    tmy_file: Optional[str] = F(
        None, description="TMY3, EPW, PVGIS TMY (csv/json) or plain CSV (timestamp, ghi[, dni, dhi], temp_air); relative to the site file"
    )
    monthly_ghi_kwh_m2_day: Optional[Month12] = F(
        None, unit="kWh/m2/day", description="12 monthly means of daily global horizontal irradiation -> a synthetic hourly year"
    )
    monthly_temp_air_c: Optional[Month12] = F(
        None, unit="degC", description="12 monthly mean air temperatures (with monthly_ghi_kwh_m2_day); default 25"
    )
    tilt_deg: Optional[float] = F(None, unit="deg", description="panel tilt from horizontal; default |latitude|", ge=0, le=90)
    azimuth_deg: Optional[float] = F(
        None, unit="deg", description="panel azimuth, 180 = south; default: facing the equator", ge=0, le=360
    )
    albedo: float = F(0.2, unit="fraction", description="ground reflectance", ge=0, le=1)

    @field_validator("monthly_ghi_kwh_m2_day")
    @classmethod
    def _ghi_range(cls, v):
        if v is not None:
            bad = [f"month {i + 1}: {x}" for i, x in enumerate(v) if not (0 <= x <= 12)]
            if bad:
                raise rule(f"each value must be between 0 and 12 kWh/m2/day; out of range: {', '.join(bad)}",
                           "give daily means in kWh/m2/day (MJ/m2/day divided by 3.6)")
        return v

    @field_validator("monthly_temp_air_c")
    @classmethod
    def _temp_range(cls, v):
        if v is not None:
            bad = [f"month {i + 1}: {x}" for i, x in enumerate(v) if not (-60 <= x <= 60)]
            if bad:
                raise rule(f"each value must be between -60 and 60 degC; out of range: {', '.join(bad)}",
                           "give monthly mean air temperatures in degC")
        return v

    @model_validator(mode="after")
    def _one_source(self):
        has_tmy = self.tmy_file is not None
        has_monthly = self.monthly_ghi_kwh_m2_day is not None
        if has_tmy and has_monthly:
            raise rule("two solar sources given (tmy_file and monthly_ghi_kwh_m2_day)", "keep exactly one of them")
        if not has_tmy and not has_monthly:
            raise rule("no solar source given", "set either tmy_file or monthly_ghi_kwh_m2_day (12 values)")
        if has_tmy and self.monthly_temp_air_c is not None:
            raise rule("monthly_temp_air_c goes with monthly_ghi_kwh_m2_day, not with tmy_file",
                       "remove monthly_temp_air_c: a TMY file carries its own temperature")
        return self


# --------------------------------------------------------------------------- households
class Appliance(Strict):
    name: str = F(description="appliance name")
    count: int = F(1, description="units per home", ge=1, le=1000)
    power_w: float = F(unit="W", description="rated power while on", gt=0, le=100_000)
    hours_per_day: float = F(unit="h/day", description="mean hours of use per day", ge=0, le=24)
    window: tuple[float, float] = F(
        (0.0, 24.0), unit="h", description="[start, end] hour of day when it may run; may wrap midnight, e.g. [18, 2]"
    )

    @field_validator("window")
    @classmethod
    def _window(cls, v):
        if not all(0 <= x <= 24 for x in v):
            raise rule(f"window hours must be between 0 and 24, got [{v[0]:g}, {v[1]:g}]",
                       "give [start, end] hours of the day; a window may wrap midnight, e.g. [18, 2]")
        return v

    @model_validator(mode="after")
    def _fits(self):
        start, end = self.window
        span = (end - start) % 24 or 24.0
        if self.hours_per_day > span + 1e-9:
            raise rule(
                f"hours_per_day {self.hours_per_day:g} does not fit in window [{start:g}, {end:g}] ({span:g} h)",
                "widen the window or reduce hours_per_day",
            )
        return self


class ExistingSystem(Strict):
    pv_kwp: float = F(0.0, unit="kWp", description="PV already installed per home", ge=0, le=1000)
    battery_kwh: float = F(0.0, unit="kWh", description="battery already installed per home", ge=0, le=10_000)


class FixedSize(Strict):
    pv_kwp: float = F(unit="kWp", description="PV per home", ge=0, le=1000)
    battery_kwh: float = F(0.0, unit="kWh", description="battery per home", ge=0, le=10_000)
    diesel_kw: float = F(0.0, unit="kW", description="per-home genset (placement per_home)", ge=0, le=1000)


class HouseholdGroup(Strict):
    name: str = F(description="group name, e.g. 'low income'", min_length=1, max_length=200)
    count: int = F(1, description="number of similar homes", ge=1, le=100_000)
    income_per_month: float = F(unit="currency/month", description="household income", ge=0, le=1e9)
    daily_load_kwh: Optional[float] = F(None, unit="kWh/day", description="mean daily energy per home", gt=0, le=10_000)
    load_shape: Literal[LOAD_SHAPES] = F(  # type: ignore[valid-type]
        "evening_peak", description="built-in daily shape: " + ", ".join(LOAD_SHAPES)
    )
    load_variability: float = F(
        0.15, unit="fraction", description="day-to-day and home-to-home randomness (coefficient of variation)", ge=0, le=1
    )
    load_profile_file: Optional[str] = F(
        None, description="CSV with column load_kw [kW] and optionally timestamp: one year of hourly rows (8760, or "
                          "8784 in a leap year), a regular 1–30 min series with timestamps (averaged to hours), or 24 "
                          "rows for one typical day; relative to the site file"
    )
    appliances: Optional[list[Appliance]] = F(None, description="appliance list (RAMP-style stochastic profile)", min_length=1)
    existing: Optional[ExistingSystem] = F(None, description="systems already in place, per home")
    size: Optional[FixedSize] = F(None, description="sizes per home, used when sizing.method is fixed")

    @model_validator(mode="after")
    def _one_load_source(self):
        given = [k for k in ("daily_load_kwh", "load_profile_file", "appliances") if getattr(self, k) is not None]
        if len(given) != 1:
            what = "none" if not given else " and ".join(given)
            raise rule(
                f"exactly one load source is needed (daily_load_kwh, load_profile_file or appliances); got {what}",
                "keep one of them" if given else "add daily_load_kwh (with load_shape), load_profile_file or appliances",
            )
        return self


# --------------------------------------------------------------------------- equipment
class PV(Strict):
    capex_per_kwp: float = F(650.0, unit="currency/kWp", description="installed PV price", ge=0, le=100_000)
    om_per_kwp_year: float = F(10.0, unit="currency/kWp/year", description="PV O&M", ge=0, le=10_000)
    lifetime_years: float = F(20.0, unit="years", description="PV life", gt=0, le=60)
    derating: float = F(0.85, unit="fraction", description="PVWatts-style derating (soiling, wiring, mismatch)", gt=0, le=1)
    temp_coeff_per_c: float = F(-0.004, unit="1/degC", description="power temperature coefficient", ge=-0.02, le=0)


class Battery(Strict):
    capex_per_kwh: float = F(280.0, unit="currency/kWh", description="installed battery price", ge=0, le=100_000)
    om_per_kwh_year: float = F(5.0, unit="currency/kWh/year", description="battery O&M", ge=0, le=10_000)
    lifetime_years: float = F(8.0, unit="years", description="calendar life", gt=0, le=40)
    cycle_life: float = F(4000.0, unit="cycles", description="equivalent full cycles to end of life", gt=0, le=100_000)
    depth_of_discharge: float = F(0.8, unit="fraction", description="usable share of nominal capacity", gt=0, le=1)
    round_trip_efficiency: float = F(0.92, unit="fraction", description="AC-to-AC round trip", gt=0, le=1)
    max_c_rate: float = F(0.5, unit="1/h", description="max charge/discharge power per kWh of capacity", gt=0, le=10)


class Controller(Strict):
    capex_per_home: float = F(60.0, unit="currency/home", description="charge controller / inverter / meter", ge=0, le=100_000)
    lifetime_years: float = F(10.0, unit="years", description="controller life", gt=0, le=60)


#: Keys renamed in the site file: old dotted path -> new name (the old key is refused, naming the new one).
RENAMED_KEYS = {"equipment.diesel.om_per_hour": "om_per_kw_running_hour"}


class Diesel(Strict):
    placement: Literal["per_home", "shared", "none"] = F("shared", description="per_home gensets, one shared genset, or none")
    capex_per_kw: float = F(500.0, unit="currency/kW", description="installed genset price", ge=0, le=100_000)
    om_per_kw_running_hour: float = F(
        0.05, unit="currency/kW/h", description="O&M per kW rated per running hour", ge=0, le=1000
    )
    lifetime_hours: float = F(20000.0, unit="h", description="running hours to replacement", gt=0, le=500_000)
    fuel_price_per_litre: float = F(1.1, unit="currency/L", description="delivered diesel price", ge=0, le=100)
    fuel_intercept_l_per_h_per_kw: float = F(
        0.08145, unit="L/h/kW", description="fuel curve intercept F0 (HOMER default)", ge=0, le=1
    )
    fuel_slope_l_per_kwh: float = F(0.246, unit="L/kWh", description="fuel curve slope F1 (HOMER default)", gt=0, le=2)
    min_load_ratio: float = F(0.25, unit="fraction", description="minimum output while running, share of rated", ge=0, le=1)
    smallest_rating_kw: float = F(
        0.5, unit="kW", description="smallest genset on sale: a genset the sizing chooses is none or at least this "
        "(0: any size)", ge=0, le=1000
    )

    def on_sale(self, rating_kw):
        """A genset rating as bought: none, or at least :attr:`smallest_rating_kw` [kW] (scalar or array)."""
        rating = np.asarray(rating_kw, dtype=float)
        bought = np.where((rating > 0.0) & (rating < self.smallest_rating_kw), self.smallest_rating_kw, rating)
        return float(bought) if bought.ndim == 0 else bought


class P2PLink(Strict):
    capex_per_home: float = F(45.0, unit="currency/home", description="link, meter and protection per home", ge=0, le=100_000)
    lifetime_years: float = F(20.0, unit="years", description="link life", gt=0, le=60)
    loss_fraction: float = F(0.05, unit="fraction", description="energy lost on every P2P transfer", ge=0, lt=1)
    max_transfer_kw: float = F(2.0, unit="kW", description="cap on each home's hourly import and export", gt=0, le=1000)


class MiniGrid(Strict):
    distribution_capex_per_home: float = F(
        150.0, unit="currency/home", description="poles, wire and service drop per home (central mini-grid alternative)", ge=0, le=100_000
    )
    distribution_loss_fraction: float = F(0.08, unit="fraction", description="distribution losses", ge=0, lt=1)
    lifetime_years: float = F(25.0, unit="years", description="distribution network life", gt=0, le=60)


class Logistics(Strict):
    transport_per_home: float = F(25.0, unit="currency/home", description="transport to site per home", ge=0, le=100_000)
    installation_per_home: float = F(30.0, unit="currency/home", description="installation labour per home", ge=0, le=100_000)
    transport_fraction_of_equipment: float = F(
        0.05, unit="fraction", description="extra transport cost as a share of equipment capex (remote sites)", ge=0, le=5
    )


class Equipment(Strict):
    pv: PV = Field(default_factory=PV)
    battery: Battery = Field(default_factory=Battery)
    controller: Controller = Field(default_factory=Controller)
    diesel: Diesel = Field(default_factory=Diesel)
    p2p_link: P2PLink = Field(default_factory=P2PLink)
    minigrid: MiniGrid = Field(default_factory=MiniGrid)
    logistics: Logistics = Field(default_factory=Logistics)


# --------------------------------------------------------------------------- economics
class KeroseneBaseline(Strict):
    kind: Literal["kerosene"] = "kerosene"
    spend_per_home_month: float = F(6.0, unit="currency/month", description="today's spend on kerosene, candles, phone charging", ge=0, le=1e6)
    kerosene_litres_per_home_month: float = F(4.0, unit="L/month", description="kerosene burnt per home", ge=0, le=1000)


class DieselBaseline(Strict):
    kind: Literal["diesel"] = "diesel"
    genset_kw_per_home: Optional[float] = F(
        None, unit="kW", description="each home's genset today; default: its peak load (at least the smallest "
        "genset on sale)", gt=0, le=1000
    )
    hours_per_day: float = F(
        5.0, unit="h/day", description="hours a day the gensets run today (each day's highest-load hours)", gt=0, le=24
    )


Baseline = Annotated[Union[KeroseneBaseline, DieselBaseline], Field(discriminator="kind")]


class CostRecoveryTariff(Strict):
    kind: Literal["cost_recovery"] = "cost_recovery"


class FixedTariff(Strict):
    kind: Literal["fixed"] = "fixed"
    price_per_kwh: float = F(unit="currency/kWh", description="energy price", ge=0, le=100)
    connection_fee_month: float = F(0.0, unit="currency/month", description="fixed monthly fee per home", ge=0, le=1e6)


Tariff = Annotated[Union[CostRecoveryTariff, FixedTariff], Field(discriminator="kind")]


class Economics(Strict):
    discount_rate: float = F(0.10, unit="fraction/year", description="real discount rate", ge=0, le=0.5)
    project_years: int = F(20, unit="years", description="project life", ge=1, le=50)
    baseline: Baseline = Field(default_factory=KeroseneBaseline, description="what homes use today")
    affordability_threshold: float = F(
        0.05, unit="fraction", description="share of income a bill may take (ESMAP MTF: 5 %)", gt=0, le=1
    )
    tariff: Tariff = Field(default_factory=CostRecoveryTariff, description="cost_recovery or fixed")


# --------------------------------------------------------------------------- p2p, sizing, failures
class P2P(Strict):
    enabled: bool = F(True, description="simulate sharing between homes")
    pricing: Literal["mid_market_rate", "supply_demand_ratio", "bill_sharing", "double_auction", "fixed"] = F(
        "mid_market_rate", description="P2P price mechanism"
    )
    share_batteries: bool = F(True, description="neighbours' batteries may discharge to the pool")
    battery_reserve_fraction: float = F(
        0.3, unit="fraction", description="never draw a neighbour's battery below this share of its usable capacity", ge=0, le=1
    )
    price_floor_per_kwh: float = F(0.02, unit="currency/kWh", description="lowest P2P price", ge=0, le=100)
    fixed_price_per_kwh: Optional[float] = F(None, unit="currency/kWh", description="the price when pricing is fixed", ge=0, le=100)

    @model_validator(mode="after")
    def _fixed_needs_price(self):
        if self.pricing == "fixed" and self.fixed_price_per_kwh is None:
            raise rule("pricing 'fixed' needs fixed_price_per_kwh", "add fixed_price_per_kwh or choose another pricing")
        return self


class RuleOfThumb(Strict):
    peak_sun_hours: Optional[float] = F(
        None, unit="h/day", description="effective sun-hours; default: from the site's resource (worst month)", gt=0, le=12
    )
    system_efficiency: float = F(0.7, unit="fraction", description="charging/system efficiency (field study: 70 %)", gt=0, le=1)
    safety_factor: float = F(1.2, unit="-", description="oversizing factor (field study: 1.2)", ge=1, le=5)
    days_of_autonomy: float = F(1.5, unit="days", description="battery autonomy", ge=0, le=10)


class Sizing(Strict):
    method: Literal["optimize", "rule_of_thumb", "fixed"] = F("optimize", description="how sizes are chosen")
    max_unmet_fraction: float = F(0.02, unit="fraction", description="per home, over the year", ge=0, le=1)
    objective: Literal["npc"] = F("npc", description="what the optimiser minimises")
    rule_of_thumb: RuleOfThumb = Field(default_factory=RuleOfThumb)


class Failures(Strict):
    rate_per_home_year: float = F(0.5, unit="1/year", description="outages per home per year", ge=0, le=50)
    mean_duration_days: float = F(7.0, unit="days", description="mean outage length", gt=0, le=365)


# --------------------------------------------------------------------------- site
class Site(Strict):
    """A validated site file. ``base_dir`` is the folder relative paths resolve against."""

    name: str = F(description="village name", min_length=1, max_length=200)
    location: Location
    currency: str = F("USD", description="ISO 4217 code all money is in", pattern=r"^[A-Z]{3}$")
    solar: Solar
    households: list[HouseholdGroup] = F(description="groups of similar homes", min_length=1)
    equipment: Equipment = Field(default_factory=Equipment)
    economics: Economics = Field(default_factory=Economics)
    p2p: P2P = Field(default_factory=P2P)
    sizing: Sizing = Field(default_factory=Sizing)
    failures: Optional[Failures] = F(None, description="equipment outages to test resilience")
    sources: dict[str, str] = F(default_factory=dict, description="where the numbers come from, by topic (shown in the report)")

    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _source_file: Optional[Path] = PrivateAttr(default=None)
    _parsed: dict = PrivateAttr(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        """Folder that relative data-file paths are resolved against."""
        return self._base_dir

    @property
    def source_file(self) -> Optional[Path]:
        return self._source_file

    def data_file(self, key: str, relative: str, reader):
        """A data file's parsed content, read once: validation stores what it read
        (key -> content), the model reuses it; otherwise ``reader(path, key=key)``."""
        if key not in self._parsed:
            self._parsed[key] = reader(self.resolve(relative), key=key)
        return self._parsed[key]

    def resolve(self, relative: str) -> Path:
        """A data-file path from the site file, made absolute."""
        p = Path(relative).expanduser()
        return p if p.is_absolute() else (self._base_dir / p)

    @property
    def n_homes(self) -> int:
        return sum(g.count for g in self.households)

    @field_validator("households")
    @classmethod
    def _unique_group_names(cls, v):
        names = [g.name for g in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise rule(f"household group names must be unique; repeated: {', '.join(dup)}",
                       "give each group its own name, or merge the groups")
        return v

    @field_validator("sizing")
    @classmethod
    def _fixed_needs_sizes(cls, v, info: ValidationInfo):
        # a field validator (not a model one) so the problem is reported at key `sizing`,
        # alongside every other problem; households are validated first (field order)
        households = info.data.get("households")
        if v.method == "fixed" and households:
            missing = [g.name for g in households if g.size is None]
            if missing:
                raise rule(
                    "method is fixed but these household groups have no 'size': " + ", ".join(missing),
                    "add size: {pv_kwp: .., battery_kwh: .., diesel_kw: ..} to each group, or use method: optimize",
                )
        return v
