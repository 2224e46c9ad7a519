"""``python -m discagg``."""

import sys

from discagg.cli import main

sys.exit(main())
