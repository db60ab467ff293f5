"""Relatiebot: business-relationship advice quoted verbatim from a folder of Dutch articles."""

__version__ = "0.1.0"
