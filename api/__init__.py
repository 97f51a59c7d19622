"""The HTTP service: build it with `api.app.create_app(settings, store=None)`."""
