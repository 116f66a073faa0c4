"""Product adapters and parsers for the MFT areas (ProFTPD, SFTPGo, generic)."""
