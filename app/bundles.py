"""webassets bundles: one CSS and two JS files, named by content hash for far-future caching."""
from flask_assets import Bundle, Environment

BUNDLES = {
    "css_all": Bundle("src/css/app.css", filters="rcssmin", output="gen/app.%(version)s.css"),
    "css_poster": Bundle("src/css/poster.css", filters="rcssmin", output="gen/poster.%(version)s.css"),
    "js_app": Bundle("src/js/app.js", filters="rjsmin", output="gen/app.%(version)s.js"),
    # Separate from app.js: the service worker imports it to send queued reports on its own.
    "js_queue": Bundle("src/js/queue.js", filters="rjsmin", output="gen/queue.%(version)s.js"),
    # The back office's own small stylesheet: staff pages share nothing with the public ones.
    "css_staff": Bundle("src/css/staff.css", filters="rcssmin", output="gen/staff.%(version)s.css"),
}


def register_bundles(assets: Environment) -> None:
    # The environment outlives one app (tests build many): register each bundle once.
    for name, bundle in BUNDLES.items():
        if name not in assets:
            assets.register(name, bundle)
