"""Demo data: a small, realistic CRM for trying Sambandh, and a large one for benchmarks.

``load_demo("small", admin=...)`` writes through the services (cleaned, audited, indexed);
``load_demo("large", admin=...)`` writes the same rows in bulk. See ``generate.py``, ``small/`` and
``bulk/``.
"""
