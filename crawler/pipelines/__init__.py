"""Item pipelines, in order: validate → normalise → rules → store."""
