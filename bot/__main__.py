"""``python -m bot`` is the same as the ``udbudsbot`` command."""

from bot.cli import main

raise SystemExit(main())
