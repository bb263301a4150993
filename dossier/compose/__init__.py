"""Composing documents from data: each function turns the commune's dossier
input and its assessment facts into a validated document and its view."""
