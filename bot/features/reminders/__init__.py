"""Reminders: the user's side (handlers), the time zone flow, the schedule maths, the delivery
worker; declared in feature.py."""
