"""``python -m post_coder.cli``: the command line without the app."""

import sys

from post_coder.cli import main

sys.exit(main())
