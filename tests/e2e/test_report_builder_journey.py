"""An administrator builds a report (views by achievement), sees the table beside the chart,
saves it, and downloads it as CSV; the file holds the numbers the table shows (real
Chromium, Northwind's demo activity)."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect


def test_admin_builds_saves_and_downloads_a_report(signed_in, shot) -> None:
    page: Page = signed_in("admin@northwind.example")
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Report builder")).to_be_visible()
    page.get_by_label("Measure").select_option(label="Views")
    page.get_by_label("Broken down by").select_option(label="Achievement")
    page.get_by_role("combobox", name="Chart").select_option(label="Bars")
    page.get_by_role("button", name="Show", exact=True).click()
    table = page.locator("#report-table")
    expect(table).to_be_visible()
    chart = page.locator("svg.report-chart")
    expect(chart).to_be_visible()
    assert "Views" in (chart.locator("title").first.text_content() or "")
    expect(chart).to_have_attribute("role", "img")
    assert chart.locator("rect").count() >= 1
    rows = [
        [cell.inner_text().strip() for cell in row.locator("td").all()]
        for row in table.locator("tbody tr").all()
    ]
    assert rows and all(row[1].isdigit() for row in rows)
    shown_total = page.locator("#report-total").inner_text()
    assert int(shown_total) == sum(int(row[1]) for row in rows) > 0
    shot("report-builder")

    page.get_by_label("Name").fill("Views per achievement")
    page.get_by_label("Shared with").select_option("organisation")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Views per achievement")).to_be_visible()
    expect(page.locator("#saved-reports")).to_contain_text("Views per achievement")

    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    download = download_info.value
    assert download.suggested_filename.startswith("views-per-achievement-")
    with open(download.path(), encoding="utf-8-sig") as handle:
        lines = list(csv.reader(io.StringIO(handle.read())))
    assert lines[0] == ["Achievement", "Views"]
    assert sorted(lines[1:]) == sorted(rows)
    shot("report-saved")

    page.get_by_role("link", name="Dashboards").first.click()
    expect(page.get_by_role("heading", name="Dashboards", exact=True)).to_be_visible()
    expect(page.locator("#funnel-programme")).to_be_visible()  # the SVG funnel
    expect(page.locator("#funnel-programme-table")).to_contain_text("Forklift Safety Level 1")
    shot("report-dashboard")
