"""Pipelines from data to finished outputs: one commune's dossier, a batch."""
