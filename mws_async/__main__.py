"""``python -m mws_async``: the ``mws-async`` command line."""

from mws_async.cli import main

main()
