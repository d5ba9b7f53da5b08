"""Use cases. Each public method checks permissions, applies the rules and owns its commit."""
