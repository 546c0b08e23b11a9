"""SHACL validation of the graph and the checks SHACL cannot express, as one report."""

from ipbes_kg.validate.engine import ENGINES, validate_files
from ipbes_kg.validate.results import SEVERITIES, Report, Result

__all__ = ["ENGINES", "SEVERITIES", "Report", "Result", "validate_files"]
