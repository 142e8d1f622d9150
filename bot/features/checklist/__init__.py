"""The referral checklist: a short conversation over the decision graph (content/triage.py).

screens.py is pure (content -> Screen); handlers.py is the flow; feature.py declares it all.
"""
