"""Views for protection."""
