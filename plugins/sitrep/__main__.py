"""Run `python -m sitrep check ...`."""

import sys

from .cli import main

sys.exit(main())
