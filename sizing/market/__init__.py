"""The P2P market: the hourly price band, the published pricing mechanisms and the settlement.

:mod:`.ceiling` (what a buyer's alternative costs: a diesel kWh, or today's energy),
:mod:`.mechanisms` (mid-market rate, supply–demand ratio, bill sharing, double auction,
fixed price), :mod:`.settlement` (every P2P kWh paid for; who pays whom).
"""
from .ceiling import ceiling_per_kwh, diesel_cost_per_kwh
from .mechanisms import (PRICING_MECHANISMS, MechanismPrices, battery_ask_per_kwh, bill_sharing, double_auction,
                         fixed_price, mid_market_rate, supply_demand_ratio)
from .settlement import Settlement, settle, settle_site

__all__ = ["PRICING_MECHANISMS", "MechanismPrices", "Settlement", "battery_ask_per_kwh", "bill_sharing",
           "ceiling_per_kwh", "diesel_cost_per_kwh", "double_auction", "fixed_price", "mid_market_rate", "settle",
           "settle_site", "supply_demand_ratio"]
