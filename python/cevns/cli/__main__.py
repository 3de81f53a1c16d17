"""``python -m cevns.cli``."""

import sys

from . import main

sys.exit(main())
