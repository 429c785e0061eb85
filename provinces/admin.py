"""Admin for administrative units."""
