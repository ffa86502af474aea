"""Ficarchive: a fan fiction archive anyone can run."""

__version__ = "0.1.0"
