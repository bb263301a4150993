"""dossier: Vietnamese administrative documents and NTM recognition dossiers from data."""

__version__ = "0.1.0"
