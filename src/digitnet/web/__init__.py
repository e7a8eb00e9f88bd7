"""The web app: a local FastAPI server and a static page (HTML, CSS, ES modules, no build step).

`app.create_app` builds the app from its routes; `state` holds the models, the data and the
training run; `limits` says what a request may carry; `page` is what the page needs from Python
(no FastAPI: `export.export_html` writes the self-contained drawing page with it).
"""
