"""The answer engine: articles -> chunks -> analysis -> index -> answer.

Pure computation over files it is handed: no Telegram, no event loop, no file watching (tests/test_layers.py checks).
"""
