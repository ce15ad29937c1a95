"""Scrapy settings for ecomwatch. Values from the environment come through crawler.config only."""

from __future__ import annotations

from crawler import __version__
from crawler.config import get_config

_config = get_config()

BOT_NAME = "ecomwatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = _config.user_agent
ROBOTSTXT_OBEY = False  # marketplace JSON APIs; generic web shops turn it on per spider
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False

# Politeness: AutoThrottle adapts to the site's latency; per-domain concurrency stays modest.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 30

# Retries: 429 and 5xx are retried with exponential backoff (crawler.middlewares).
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ECOMWATCH_BACKOFF_BASE = (
    _config.backoff_base
)  # seconds before the first retry of a 429/5xx (doubles each time)
ECOMWATCH_BACKOFF_MAX = 60.0  # longest single wait, also the cap on a site's Retry-After

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.normalize.NormalizePipeline": 200,
    "crawler.pipelines.rules.RulesPipeline": 300,
    "crawler.pipelines.store.StorePipeline": 400,
}
ECOMWATCH_RULES_DIR = str(_config.rules_dir)  # YAML rule packs the rules pipeline loads
ECOMWATCH_RULES_THRESHOLD = _config.rules_threshold  # category score needed to flag; None: engine default
ECOMWATCH_STORAGE_URL = _config.database_url  # database the store pipeline writes to
ECOMWATCH_STORAGE_BATCH_SIZE = _config.storage_batch_size  # items buffered per write
ECOMWATCH_STORAGE_SPOOL_DIR = str(_config.evidence_dir / "spool")  # batches the database refused
ECOMWATCH_STORAGE_WRITER = "process"  # where batches are written: "process" (a writer process) or "thread"
ECOMWATCH_RULES_IN_WRITER = (
    True  # with the "process" writer, listings are judged there (off the crawl's core)
)
ECOMWATCH_STORAGE_ENABLED = True  # False: crawl without writing (benchmarks, extract)

# Tips (citizens' URLs, `ecomwatch crawl urls --tips`): crawled by the urls spider, marked by this extension.
EXTENSIONS = {
    "crawler.pipelines.tips.TipOutcomes": 500,  # NotConfigured unless the crawl reads tips
    "crawler.extensions.GcTuning": 510,
}
ECOMWATCH_GC_FREEZE = True  # keep the start-up heap (Scrapy, rules engine) out of full GC passes
ECOMWATCH_GC_THRESHOLD = [10_000, 20, 10]  # gc.set_threshold() while a spider runs (Python: 700, 10, 10)
ECOMWATCH_TIPS_MAX_PER_RUN = 200  # queued tips one crawl takes, oldest first
ECOMWATCH_TIPS_MAX_URL_LENGTH = 2048  # longer tip URLs are refused (the tip form's own limit)
ECOMWATCH_TIPS_MAX_PAGE_BYTES = 10_000_000  # a tipped web-shop page larger than this is dropped
ECOMWATCH_TIPS_ALLOW_PRIVATE = _config.tips_allow_private  # True lets tip URLs reach 127.0.0.1/private nets
ECOMWATCH_TIPS_TRUSTED_HOSTS: list[str] = []  # "host" or "host:port" tips may reach even when private
# The urls spider opens Shopee product and Facebook post URLs in Chromium only when this is on; else
# they are counted as skipped (ecomwatch/urls/skipped/needs_browser).
ECOMWATCH_URLS_BROWSER = _config.urls_browser

FEED_EXPORT_ENCODING = "utf-8"
ECOMWATCH_VERSION = __version__
LOG_FORMATTER = "crawler.logformatter.EcomwatchLogFormatter"  # names listings by source:id, no item dumps

# Browser (Playwright via scrapy-playwright): only the browser spiders (shopee…) install its download
# handlers, at spider priority (crawler.browser.BrowserSpiderMixin); requests opt in per request.
ECOMWATCH_BROWSER_EXECUTABLE = "/usr/bin/chromium"  # Debian's Chromium (`playwright install` is not used)
ECOMWATCH_BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]  # fmt: skip
ECOMWATCH_BROWSER_MAX_PAGES = 4  # pages open at once per browser context
ECOMWATCH_BROWSER_NAVIGATION_TIMEOUT = 30  # seconds for a page load
ECOMWATCH_BROWSER_CAPTURE_TIMEOUT = 15.0  # seconds to wait for the JSON the page itself fetches
