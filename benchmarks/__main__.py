"""`python -m benchmarks [--quick] [--only 1,4] [--output FILE] [--no-readme]`.

Kept light at import time: spawned worker processes re-import this module.
"""

from __future__ import annotations

import sys


def _main() -> int:
    from benchmarks.runner import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(_main())
