"""Notifications to professionals: in the app, and by e-mail as each person chooses."""
