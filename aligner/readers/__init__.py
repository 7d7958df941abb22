"""One reader per format (text, PDF, HTML, DOCX, TEI); :func:`aligner.witness.read_witness` picks one."""
