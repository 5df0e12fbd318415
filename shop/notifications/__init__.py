"""notifications service: emails customers about what happened to their orders, from events."""
