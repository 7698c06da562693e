"""The chat UI: ``python -m ui`` or ``ui.build_demo(ask_fn=...)``."""

from ui.app import build_demo, launch_kwargs

__all__ = ["build_demo", "launch_kwargs"]
