"""Signing and verifying PDFs the way Decree 30/2020 describes electronic
documents (PAdES with pyHanko): the signer's signature image between title and
name, the organisation's seal over its left third, the top-right information
of appendices and copies; keys from PKCS#12 files or PKCS#11 tokens, checked
against Circular 15/2025/TT-BKHCN; verification in Vietnamese.

Modules: :mod:`.keys` (where keys live), :mod:`.policy` (what keys may sign),
:mod:`.locate` (where a signature goes), :mod:`.appearance` (what it looks
like), :mod:`.fields` (the draft's number and day), :mod:`.sign`,
:mod:`.verify`, :mod:`.dossier` (signed dossiers)."""

from __future__ import annotations

from .keys import KeyRef, OpenedKey, Secrets, open_key
from .sign import ROLES, SignRequest, SignResult, sign_bytes, sign_file

__all__ = ["ROLES", "KeyRef", "OpenedKey", "Secrets", "SignRequest", "SignResult", "open_key", "sign_bytes",
           "sign_file"]
