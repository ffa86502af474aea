"""The open doors: a read/write JSON API, Atom feeds and an OPDS catalogue for e-readers."""
