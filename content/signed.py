"""What a clinical sign-off recorded (content/signoff.yaml), as the bot reads it: frozen data only.

Kept apart from content/signoff.py (which reads, compares and writes the file) so the content model
can carry the sign-off without importing the machinery that computes fingerprints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class SignedItem:
    fingerprint: str
    texts: Mapping[str, Mapping[str, str]]  # language -> field -> the words approved
    attributes: Mapping[str, str] = field(default_factory=dict)
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Signature:
    reviewer: str
    role: str  # a role id: strings `governance.roles.<id>` say it in every language
    registration: str
    date: date
    version: str


@dataclass(frozen=True, slots=True)
class SignOff:
    signature: Signature
    scope: str
    items: Mapping[str, SignedItem]
    history: tuple[Signature, ...] = ()  # earlier sign-offs, newest first
