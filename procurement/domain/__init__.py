"""Business rules that need no database: identifiers, postcodes, the tender lifecycle."""
