"""The HTML report as a person sees it, in headless Chromium (Debian's, driven by Playwright).

No browser is ever downloaded: the test uses /usr/bin/chromium, which .ci/run installs
with apt, and skips with a reason where it is absent. ``ALIGNER_SCREENSHOT=PATH`` writes
the screenshot of the three-witness report, filtered to its differences, there (the
README's docs/report.png).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aligner.export import html_report as html
from aligner.model import Alignment
from aligner.pipeline import align_files

from .conftest import PARAS, PDF, WEB

CHROMIUM = Path("/usr/bin/chromium")
INJECTED = "<script>window.__pwned = 1</script> & co"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


def open_report(browser: Any, alignment: Alignment, path: Path, anchor: str = "") -> Any:
    path.write_text(html.render(alignment), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 760})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri() + anchor)
    page.wait_for_selector("body[data-ready=true]")
    page.requests = requests
    return page


def write(tmp_path: Path, name: str, paragraphs: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(f"\u3000\u3000{p}\n" for p in paragraphs), encoding="utf-8")
    return path


@pytest.fixture
def three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Alignment:
    base = PARAS[:40]
    changed = list(base)
    changed[10] = changed[10].replace("保障", "保护", 1)
    injected = base[:-2]  # and it lacks the last two paragraphs
    injected[12] = injected[12] + INJECTED
    monkeypatch.chdir(tmp_path)  # relative paths, as a user would type them, in the report
    for name, paragraphs in (("web.txt", base), ("print.txt", changed), ("ocr.txt", injected)):
        write(tmp_path, name, paragraphs)
    return align_files(["web.txt", "print.txt", "ocr.txt"])


def test_seed_report_shows_the_counts_and_takes_the_screenshot(browser: Any, tmp_path: Path) -> None:
    alignment = align_files([WEB, PDF])
    page = open_report(browser, alignment, tmp_path / "report.html")
    counts = {
        el.get_attribute("data-count"): int(el.inner_text().split()[0])
        for el in page.query_selector_all(".count[data-count]")
    }
    assert (counts["units"], counts["equal"], counts["gap"]) == (285, 94, 191)
    assert page.inner_text("#shown") == "285"
    assert page.locator("#rows tr").count() == html.PAGE_SIZE
    assert page.locator("td.missing").count() > 0  # the pdf's missing tail, on the second page
    assert all(url.startswith("file://") for url in page.requests)  # nothing fetched
    page.close()


def test_three_witnesses_highlight_filter_and_escape(browser: Any, three: Alignment, tmp_path: Path) -> None:
    page = open_report(browser, three, tmp_path / "three.html")
    row = page.locator("tr#u11")
    marks = row.locator(".mark.substantive")
    assert marks.count() == 3  # the changed word in all three columns
    assert "保护" in marks.nth(1).inner_text() and "保障" in marks.nth(0).inner_text()
    assert page.evaluate("window.__pwned") is None  # the injected script did not run
    assert INJECTED in page.locator("tr#u13").inner_text()  # ... and shows as text
    page.check("#only-diff")
    assert page.locator("#rows tr").count() == 4 and page.locator("#rows tr.equal").count() == 0
    assert page.locator("tr#u39 td.missing").inner_text() == "no paragraph in ocr"
    target = os.environ.get("ALIGNER_SCREENSHOT")
    if target:
        page.screenshot(path=target)
    page.select_option("#type", "substantive")
    assert page.locator("#rows tr").count() == 2  # the changed word, and the injected text
    page.close()


def test_anchor_opens_the_page_that_holds_the_unit(browser: Any, tmp_path: Path) -> None:
    page = open_report(browser, align_files([WEB, PDF]), tmp_path / "report.html", "#u250")
    assert page.locator("tr#u250").is_visible()
    page.close()


def test_two_one_megabyte_editions_open_within_seconds(browser: Any, tmp_path: Path) -> None:
    paragraphs: list[str] = []
    while sum(len(p.encode()) for p in paragraphs) < 1_000_000:
        paragraphs += [f"{p}（{len(paragraphs)}）" for p in PARAS]
    edited = [p.replace("保障", "保护", 1) if i % 7 == 0 else p for i, p in enumerate(paragraphs)]
    alignment = align_files([write(tmp_path, "a.txt", paragraphs), write(tmp_path, "b.txt", edited)])
    started = time.perf_counter()
    page = open_report(browser, alignment, tmp_path / "big.html")
    seconds = time.perf_counter() - started
    print(f"\n1 MB report: {len(alignment.units)} units, interactive after {seconds:.2f} s")
    page.check("#only-diff")
    differing = sum(1 for u in alignment.units if u.status.value != "equal")
    assert page.locator("#rows tr").count() == min(differing, html.PAGE_SIZE) > 0
    page.close()


def test_a_linked_unit_shows_below_the_sticky_header_and_is_marked(browser: Any, tmp_path: Path) -> None:
    page = open_report(browser, align_files([WEB, PDF]), tmp_path / "report.html", "#u40")
    page.wait_for_timeout(500)  # the browser's own scroll to the fragment comes after the rows are drawn
    row = page.locator("tr#u40").bounding_box()
    header = page.locator("table.units th").first.bounding_box()  # sticky: where it shows on the screen
    assert row is not None and header is not None
    assert row["y"] >= header["y"] + header["height"] - 1, (row, header)  # not hidden under the header
    background = page.locator("tr#u40 td").first.evaluate("cell => getComputedStyle(cell).backgroundColor")
    other = page.locator("tr#u41 td").first.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert background != other  # the unit the link names stands out
    page.close()


def test_the_jump_list_marks_the_unit_it_jumps_to(browser: Any, tmp_path: Path) -> None:
    page = open_report(browser, align_files([WEB, PDF]), tmp_path / "report.html")
    first, second = page.locator("#jump a").nth(0), page.locator("#jump a").nth(1)
    for link in (first, second):
        target = link.get_attribute("href")
        assert target is not None and target.startswith("#")
        link.click()
        page.wait_for_timeout(200)
        row = page.locator(f"tr{target}")
        assert row.is_visible() and "linked" in (row.get_attribute("class") or "")
        assert page.locator("tr.linked").count() == 1  # only the unit jumped to last
    page.close()
