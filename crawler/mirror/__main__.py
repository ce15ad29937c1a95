"""``python -m crawler.mirror [--source tiki|sendo|lazada|shopee|tiktok|facebook] [--port 0] [--host 127.0.0.1] [--seed N] [--synthetic N] [fault flags]``

Prints exactly one line, ``MIRROR_URL=http://HOST:PORT``, then serves until SIGTERM/SIGINT.
``--export-labels FILE`` instead writes the hand-written listings as labelled JSONL and exits.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from types import FrameType

from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.faults import DRIFTS
from crawler.mirror.server import SITES, MirrorOptions, MirrorServer

logger = logging.getLogger("crawler.mirror")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m crawler.mirror", description="Local marketplace mirror (demo marketplace)."
    )
    p.add_argument("--source", choices=sorted(SITES), default="tiki", help="whose shapes to serve")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = an ephemeral port (default)")
    p.add_argument("--seed", type=int, default=0, help="varies default ordering and synthetic listings")
    p.add_argument("--synthetic", type=int, default=0, metavar="N", help="serve N generated listings instead")
    p.add_argument("--paging-cap", type=int, default=2000, help="cap on paging.total like Tiki; 0 = none")
    p.add_argument("--max-limit", type=int, default=40, help="largest accepted limit= on /api/v2/products")
    p.add_argument(
        "--fail-429", type=int, default=0, metavar="N", help="answer the next N API requests with 429"
    )
    p.add_argument(
        "--fail-500", type=int, default=0, metavar="N", help="answer the next N API requests with 500"
    )
    p.add_argument("--truncate", type=int, default=0, metavar="N", help="cut the next N API bodies in half")
    p.add_argument("--slow-ms", type=int, default=0, help="delay API answers by this many ms")
    p.add_argument("--slow-count", type=int, default=0, help="how many answers to delay (default 1)")
    p.add_argument("--drift", choices=DRIFTS, default=None, help="serve a drifted layout (the source's own)")
    p.add_argument(
        "--bad-items", action="store_true", help="inject a blank-title and a 'Liên hệ' item on page 1"
    )
    p.add_argument("--require-guest-token", action="store_true", help="403 without an x-guest-token header")
    p.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds sent with 429")
    p.add_argument(
        "--captcha", type=int, default=0, metavar="N", help="lazada: slider captcha for N requests"
    )
    p.add_argument(
        "--silent-empty", type=int, default=0, metavar="N", help="lazada: 'no results' page for N searches"
    )
    for name, what in (("anti-bot", 'shopee: {"error":90309999} JSON'), ("forbidden", "shopee: HTTP 403"),
                       ("traffic-error", "shopee: a redirect to /verify/traffic/error"),
                       ("login-wall", "facebook: the login wall")):  # fmt: skip
        p.add_argument(f"--{name}", type=int, default=0, metavar="N", help=f"{what} for N requests")
    p.add_argument("--log-level", default="WARNING")
    p.add_argument("--export-labels", type=Path, metavar="FILE", help="write labelled JSONL and exit")
    p.add_argument("--crawled-at", default=date.today().isoformat(), help="crawled_at for --export-labels")
    return p.parse_args(argv)


def export_labels(path: Path, crawled_at: str) -> int:
    rows = list(load_catalogue().labelled_listings(crawled_at))
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    logger.warning("wrote %d labelled listings to %s", len(rows), path)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.export_labels:
        return export_labels(args.export_labels, args.crawled_at)
    options = MirrorOptions(
        source=args.source,
        seed=args.seed,
        synthetic=args.synthetic,
        paging_cap=args.paging_cap,
        max_limit=args.max_limit,
        fail_429=args.fail_429,
        fail_500=args.fail_500,
        truncate=args.truncate,
        slow_ms=args.slow_ms,
        slow_count=args.slow_count,
        drift=args.drift,
        bad_items=args.bad_items,
        require_guest_token=args.require_guest_token,
        retry_after=args.retry_after,
        captcha=args.captcha,
        silent_empty=args.silent_empty,
        anti_bot=args.anti_bot,
        forbidden=args.forbidden,
        traffic_error=args.traffic_error,
        login_wall=args.login_wall,
    )
    try:
        server = MirrorServer((args.host, args.port), options)
    except ValueError as error:
        logger.error("%s", error)
        return 2

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("mirror got signal %d, shutting down", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"MIRROR_URL={server.url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
