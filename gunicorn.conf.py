"""gunicorn settings for `make run` and `make serve`. No log names a client: the access log leaves
out the client's address, user agent and query string, and the error log goes through a logger that
removes addresses and query strings from every line (gunicorn writes "Invalid request from ip=..."
for a malformed request). Reporters are anonymous (see the What we store page)."""
import ipaddress
import logging
import os
import re

from gunicorn.glogging import Logger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Rate-limit and sign-in counters in memory:// (the default) belong to one process: two workers
# would each let the whole limit through. So one worker unless the counters are shared (Redis);
# asking for more without Redis is refused at start (app/serving.py, whose rule this repeats:
# the app cannot be imported yet), see DEPLOYING.md.
_STORAGE = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
_COUNTERS_SHARED = not _STORAGE.startswith(("memory:", "async+memory:"))
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 if _COUNTERS_SHARED else 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app is built, and its catalogs read and checked, once in the master before the workers fork
# (when_ready): each worker starts warm. A code change therefore needs a restart, not a HUP.
preload_app = True

# Runs of characters an IPv4 or IPv6 address (bracketed or not, with or without a port) is made of.
ADDRESS_LIKE = re.compile(r"\[?[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*\]?(?::\d{1,5})?")
# A (host, port) pair as Python prints it, once its host is removed: the port names the client too.
ADDRESS_PAIR = re.compile(r"\(\s*'\[address\]'\s*,\s*\d+\s*\)")
# A request line or URI quoted in an error: its query string may hold a place's manage key.
QUERY_STRING = re.compile(r"\?[^\s'\"]+")


def _is_address(text: str) -> bool:
    host = text.strip("[]")
    if text.startswith("[") and "]:" in text:  # [::1]:51234
        host = text[1:text.index("]")]
    elif text.count(":") == 1 and "." in text:  # 203.0.113.9:51234
        host = text.split(":")[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _address_removed(match: re.Match) -> str:
    found = match.group(0)
    core = found.rstrip(":.")  # "ip=203.0.113.9: bad request": the colon belongs to the sentence
    return "[address]" + found[len(core):] if _is_address(core) else found


def without_client_details(text: str, keep: tuple[str, ...] = ()) -> str:
    """The text with every IP address (and its port) and every query string removed; the server's
    own listening addresses in `keep` stay, so "Listening at" still says where."""
    kept = {f"\x00{index}\x00": address for index, address in enumerate(keep) if address in text}
    for marker, address in kept.items():
        text = text.replace(address, marker)
    text = ADDRESS_LIKE.sub(_address_removed, text)
    text = ADDRESS_PAIR.sub("[client]", text)
    text = QUERY_STRING.sub("?[query]", text)
    for marker, address in kept.items():
        text = text.replace(marker, address)
    return text


class ClientDetailsFilter(logging.Filter):
    """Rewrites each record of gunicorn's error log without client details, traceback included."""

    def __init__(self, listening: tuple[str, ...]):
        super().__init__()
        self.listening = listening

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = without_client_details(record.getMessage(), self.listening)
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = without_client_details(text, self.listening)
            record.exc_info = None
        return True


class AnonymousLogger(Logger):
    """gunicorn's logger, its error log filtered by ClientDetailsFilter."""

    def setup(self, cfg):
        super().setup(cfg)
        for old in [f for f in self.error_log.filters if isinstance(f, ClientDetailsFilter)]:
            self.error_log.removeFilter(old)  # a configuration reload runs setup again
        self.error_log.addFilter(ClientDetailsFilter(tuple(cfg.bind)))


logger_class = AnonymousLogger


def _listens_beyond_loopback(addresses: list[str]) -> list[str]:
    public = []
    for address in addresses:
        if address.startswith(("unix:", "fd://")):
            continue
        host = address.rsplit(":", 1)[0].strip("[]") if ":" in address else address
        try:
            if ipaddress.ip_address(host).is_loopback:
                continue
        except ValueError:
            if host == "localhost":
                continue
        public.append(address)
    return public


def on_starting(server):
    # With TRUSTED_PROXIES the app believes X-Forwarded-For: reachable without the proxy, anyone
    # could send a new made-up address with each request and never meet a rate limit.
    if os.environ.get("TRUSTED_PROXIES", "0").strip() not in {"", "0"}:
        public = _listens_beyond_loopback(server.cfg.bind)
        if public:
            server.log.warning(
                "TRUSTED_PROXIES is set, but gunicorn also listens on %s, beyond this machine's loopback: "
                "anyone reaching it without the proxy can send a made-up X-Forwarded-For with each request "
                "and pass every rate limit. Listen on this machine's loopback only (the default HOST) or on "
                "a unix socket, see DEPLOYING.md.", ", ".join(public))


def when_ready(server):
    # With preload_app the app is built before this, once, in the master; the workers are forked
    # after it. Connections that arrive meanwhile wait in the listening socket's queue.
    from app import NoticedFlask
    from app.serving import several_workers_refusal, warm_up

    app = server.app.wsgi()
    if isinstance(app, NoticedFlask):  # not bench/hello.py
        refusal = several_workers_refusal(app.config, server.cfg.workers)
        if refusal:
            raise RuntimeError(refusal)  # gunicorn prints "Error: <refusal>" and exits with 1
        warm_up(app)


def post_worker_init(worker):
    # Forked from the warm master, a worker finds the files read (in a configuration that turns
    # preload_app off, it reads them here); it reads what the database holds before its first request.
    from app import NoticedFlask
    from app.serving import warm_up_worker

    if isinstance(worker.wsgi, NoticedFlask):
        warm_up_worker(worker.wsgi)
