"""The claim graph's storage: tables in ``models``, the engine in ``engine``."""
