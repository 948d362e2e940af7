"""Pages carry an ETag and are revalidated, so a phone that has a page gets a 304, not the page."""
from flask import Flask, request


def register_page_caching(app: Flask) -> None:
    @app.after_request
    def etag_pages(response):
        if (request.method != "GET" or response.status_code != 200 or response.direct_passthrough
                or response.mimetype != "text/html"):
            return response
        response.headers.setdefault("Cache-Control", "no-cache")
        if "no-store" not in response.headers["Cache-Control"]:
            response.add_etag()
            response.make_conditional(request)
        return response
