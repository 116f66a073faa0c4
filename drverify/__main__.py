"""``python -m drverify``: the ``drverify`` command."""

from drverify.cli import main

raise SystemExit(main())
