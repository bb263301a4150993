"""Administrative units as data (``dossier/units/data/*.yaml``): codes,
hierarchy, predecessors and effective dates, and the parties (issuer,
recipient, signer) documents are addressed from."""

from .parties import Party, party
from .registry import Unit, Units, bundled_units, load_units

__all__ = ["Party", "Unit", "Units", "bundled_units", "load_units", "party"]
