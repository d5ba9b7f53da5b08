"""API shapes: what requests may carry and what responses return."""
