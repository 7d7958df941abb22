"""Exporters: views over one :class:`aligner.model.Alignment` (json, csv, tei, html)."""
