"""Renderers of a ``HandoutDoc``. ``render.pdf`` is the one shipped; each draws the same document."""
