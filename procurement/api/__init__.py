"""The JSON API under /api/v1: thin controllers over the services."""
