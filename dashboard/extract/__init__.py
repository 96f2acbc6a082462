"""Pure extraction stages: one job per module, records in, new records out."""
