"""`python -m digitnet.cli`: the same as the `digitnet` command."""

import sys

from .entry import main

sys.exit(main())
