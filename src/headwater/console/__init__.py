"""The live web console at /_headwater/console: static pages, JSON read endpoints that call
the services in-process, and a server-sent event feed of what happens (core/events.py)."""
