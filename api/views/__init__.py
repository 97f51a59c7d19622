"""View models of the browser views: one dict per page, rendered as HTML or returned as its JSON twin."""
