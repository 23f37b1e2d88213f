"""Skillbook's MkDocs adapter: the ``skillbook`` plugin (``plugin.py``), the
atomic site write (``atomic.py``), `mkdocs serve`'s partial rebuilds
(``live.py``) and the one module that reaches MkDocs' internals
(``internals.py``), with the theme Skillbook adds to Material's (``theme/``).
The core (``skillbook/*.py``) imports none of it."""
