"""The command line: parse → call → print, nothing more.

`main` and `build_parser` are in `entry.py`; each group of commands has its module (`train`:
data and train; `models`: evaluate, predict, show, serve, export-html; `interchange`: export
and import; `experiment`: the experiments), and `common` holds what they share. Nothing
outside this package imports it.
"""

from .entry import EXIT_FAILURE, EXIT_USAGE, build_parser, main

__all__ = ["EXIT_FAILURE", "EXIT_USAGE", "build_parser", "main"]
