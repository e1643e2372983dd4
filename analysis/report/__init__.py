"""The report: sections (tables -> plots -> findings), labels, export, findings, style, CLI."""
