"""Parsing and rendering of text and files, in plain Python (no Django imports).

Everything here takes strings or bytes and returns strings or bytes, so it can be tested
and reused without a database.
"""
