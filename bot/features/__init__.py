"""Features: each a module or package exposing a FEATURE object (see bot/ui/feature.py)."""
