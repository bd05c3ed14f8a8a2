"""Changes made by the public site and its editors."""
