"""The one exception of the analysis subsystem."""

from __future__ import annotations


class AnalysisError(Exception):
    """Input an analysis cannot use (bad sweep directory, wrong design, bad option).

    The message is one line, ``where: field: value: what was allowed``; the CLI
    prints it and exits with status 2.
    """
