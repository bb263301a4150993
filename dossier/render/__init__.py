"""Renderers behind one interface: DOCX (docxtpl) and HTML (Jinja2 + WeasyPrint)."""
