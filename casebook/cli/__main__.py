"""``python -m casebook.cli``."""

import sys

from . import main

sys.exit(main())
