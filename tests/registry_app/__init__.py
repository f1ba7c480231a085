"""A record type that exists only in the tests, declared once (apps.py), to prove that a new
record type needs nothing but its own app and its declaration."""
