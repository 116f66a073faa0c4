"""Reports: render check results (drift records) for people (HTML) and machines (JSON)."""
