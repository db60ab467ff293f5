"""Keeping an engine serving while operators change files: live reloads, builds in a child process, the cache."""
