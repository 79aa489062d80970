"""The benchmark suite (issue 11): a bulk seed at the scale of a national network, a
production-like server and a bounded load generator. Nothing here is served in
production: the ceiling views live in ``bench.urls``, used only by ``bench.settings``.

    python -m bench.seed             # fill an empty database (bench.scale)
    make bench                       # python -m bench: measure, write the reports
"""
