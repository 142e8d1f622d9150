"""The checklist feature: everything it owns is declared in feature.py."""
