"""POST Coder: team coding of open-ended survey responses.

The core (this package, minus :mod:`post_coder.ui`) has no Qt: it can be scripted,
tested and run from the command line (``post-coder --help``).
"""

__version__ = "0.1.0"
