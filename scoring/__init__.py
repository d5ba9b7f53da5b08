"""Pure scoring engine: frozen inputs in, explained results out."""
