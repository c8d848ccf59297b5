"""``python -m handouts.cli``: the command line."""

import sys

from handouts.cli import main

sys.exit(main())
