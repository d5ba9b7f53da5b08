"""Procurement social-value scoring service for UK councils."""
