"""Report rendering: Jinja HTML to PDF. Knows nothing of the database."""
