"""`python -m digitnet`: the command line of `digitnet`, for a Python with no scripts on PATH."""

from .cli import main

raise SystemExit(main())
