"""Lighthouse (npm `lighthouse`, tests/e2e/node_modules) against a page served on loopback.

Launched on Debian's Chromium with the flags a headless CI machine needs. The
report's category scores are returned as 0–100, or None where Lighthouse
could not score one (a null score is a failure to the callers, never a pass).
"""

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tests" / "e2e" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
FORM_FACTORS = ("mobile", "desktop")


@dataclass
class Report:
    url: str
    form_factor: str
    scores: dict  # category id → 0–100 or None
    failing: dict  # category id → [audit titles that cost points]
    metrics: dict  # audit id → (numeric value, display value) for the page's timings

    def score(self, category):
        return self.scores.get(category)


def run(url, form_factor, categories, *, timeout=240):
    """Run Lighthouse once on `url` ("mobile" or "desktop") for these category ids."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: npm ci --prefix tests/e2e")
    with tempfile.TemporaryDirectory(prefix="immunoblog-lighthouse-") as tmp:
        output = Path(tmp) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={output}",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(categories)}",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": tmp}
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
        if result.returncode != 0 or not output.exists():
            raise RuntimeError(f"lighthouse {url} ({form_factor}) failed:\n{result.stderr[-3000:]}")
        return parse(json.loads(output.read_text()), url, form_factor)


METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def parse(lhr, url, form_factor):
    scores, failing = {}, {}
    for category_id, category in lhr["categories"].items():
        score = category.get("score")
        scores[category_id] = None if score is None else round(score * 100)
        failing[category_id] = [
            lhr["audits"][ref["id"]]["title"]
            for ref in category["auditRefs"]
            if ref.get("weight")
            and lhr["audits"][ref["id"]].get("score") is not None
            and lhr["audits"][ref["id"]]["score"] < 1
        ]
    metrics = {
        audit: (lhr["audits"][audit].get("numericValue"), lhr["audits"][audit].get("displayValue"))
        for audit in METRICS
        if audit in lhr["audits"]
    }
    return Report(url, form_factor, scores, failing, metrics)
