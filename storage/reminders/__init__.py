"""Reminder claims: what is owed, and how each reminder is sent once whatever number of processes sweep."""
