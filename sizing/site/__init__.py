"""The site-file boundary: the schema, the YAML and data-file readers, and their problems.

Everything a user writes enters here and leaves as a validated :class:`Site` (or one
:class:`~p2p_size.sizing.errors.SiteError` listing every problem). Modules:
:mod:`.schema` (the grammar: every key, type, unit, default and range),
:mod:`.site_file` (:func:`load_site`), :mod:`.safe_yaml`, :mod:`.problems` (pydantic
errors in the site file's words), :mod:`.textfile` (the screen every data file passes),
:mod:`.weather_file` (TMY3/TMY2/EPW/PVGIS/plain CSV), :mod:`.load_profile_file`, and
:mod:`.reference` (the README's generated reference).
"""
from .load_profile_file import LoadProfile, read_load_profile
from .reference import reference_markdown
from .safe_yaml import read_yaml
from .schema import Site
from .site_file import check_data_files, data_files, load_site, validate_data
from .weather_file import WeatherData, read_weather

__all__ = ["LoadProfile", "Site", "WeatherData", "check_data_files", "data_files", "load_site", "read_load_profile",
           "read_weather", "read_yaml", "reference_markdown", "validate_data"]
