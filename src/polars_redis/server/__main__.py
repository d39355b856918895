"""`python -m polars_redis.server`: start a local Redis Stack until stopped (see ``--help``)."""

import sys

from polars_redis.server._command import main

sys.exit(main())
