"""The web app: a local FastAPI server and a static page (HTML, CSS, ES modules, no build step).

`server.create_app` builds the app; `export.export_html` writes the self-contained drawing page.
"""
