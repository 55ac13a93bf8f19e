"""The physical model and the design search of one village.

Sub-packages, in the order data flows through them: :mod:`.site` (the site-file
boundary), :mod:`.resource` (solar year and household loads), :mod:`.dispatch` (the
hourly kernel), :mod:`.market` (P2P prices and settlement), :mod:`.search` (designs,
optimiser, LP bound, alternatives). Shared by all: :mod:`.errors` (the one error family),
:mod:`.calendar` (the one calendar) and :mod:`.design` (what each home gets).

Nothing is imported here, so importing one sub-package does not import the others.
"""
