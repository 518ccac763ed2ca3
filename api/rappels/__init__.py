"""Rendez-vous reminders to households, on their consent (docs/rappels.md)."""
