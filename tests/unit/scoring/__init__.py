"""Unit tests of the pure scoring engine."""
