"""`python -m bot bench`: speed and memory figures for the engine and the whole bot."""
