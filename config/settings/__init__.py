"""Settings for Onward, read from the environment (see docs/adr/0004-settings-from-environment.md)."""
