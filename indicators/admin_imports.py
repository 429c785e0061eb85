"""Admin pages for importing value files: upload → preview → confirm."""
