"""The spasm diary: log an episode in three taps, see the last 30 days, export a CSV.

chart.py, export.py and summary.py are pure (no Telegram, no database) and cheap to import:
chart.py imports matplotlib only inside the worker process that draws.
"""
