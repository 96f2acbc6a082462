"""Storage: the extraction dataset on disk and the articles uploaded in the dashboard."""
