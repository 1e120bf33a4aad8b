"""`python -m photoarchive`: the same as the `photoarchive` command."""

import sys

from photoarchive.launcher import main

sys.exit(main())
