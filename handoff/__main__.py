"""``python -m handoff``: the same as the ``handoff`` command."""

import sys

from handoff.cli.main import main

sys.exit(main())
