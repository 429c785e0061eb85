"""Signals sent by the provinces app (which imports nothing from the apps that listen)."""

from django.dispatch import Signal

#: Sent after a bulk load changed units (bulk writes send no post_save), so that caches of
#: pages showing unit names can start afresh. No arguments.
units_loaded = Signal()
