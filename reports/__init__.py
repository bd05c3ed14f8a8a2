"""The province's indicators against the targets of Plan 215."""
