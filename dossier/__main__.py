"""``python -m dossier``: the same command as ``dossier`` (useful where the
venv's bin/ is not on PATH, e.g. a scheduled task on a district office PC)."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="dossier")
