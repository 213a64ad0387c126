"""The exports built from each cycle's stored piece where it is current, and storing new pieces."""
