"""nianbao: read, check and write government information disclosure annual reports.

    >>> import nianbao
    >>> report = nianbao.parse("report.txt")
    >>> report.canonical()["t3"]["new_received"]["total"]
"""

from .errors import MissingDependency, NianbaoError, UnreadableInput
from .model import Cell, Report
from .parser import parse, parse_bytes

__version__ = "0.1.0"
__all__ = ["parse", "parse_bytes", "Report", "Cell", "NianbaoError", "UnreadableInput", "MissingDependency", "__version__"]
