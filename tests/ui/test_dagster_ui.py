"""What an operator sees opening `make dev`: the asset graph layer by layer, and the automation.

Guards against definitions that load in tests but not in the webserver (workspace.yaml, the code
location), and against schedules or sensors missing from the UI. Screenshots of both pages land
in test-output/ui/.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver import Chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.ui

LOCATION = "global@global"  # the global lineage's key for a group across code locations
LAYERS = ("raw", "staging", "intermediate", "marts", "published")
SCHEDULES = ("daily_refresh", "weekly_full_audit")
SENSORS = ("file_drop", "refresh_failure_alert")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WAIT_S = 60


def waiting(browser: Chrome) -> WebDriverWait:
    return WebDriverWait(browser, WAIT_S)


def sidebar_entry(name: str) -> tuple[str, str]:
    return By.CSS_SELECTOR, f'[class*="MiddleTruncate_container"][title="{name}"]'


def graph_group(name: str) -> tuple[str, str]:
    return By.CSS_SELECTOR, f'[class*="CollapsedGroupNode"] [data-tooltip="{name}"]'


def graph_assets(browser: Chrome) -> set[str]:
    names = browser.find_elements(By.CSS_SELECTOR, '[class*="AssetNode_assetName"]')
    return {name.text for name in names}


def page_text(browser: Chrome) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def assert_png(path: Path) -> None:
    assert path.is_file(), f"no screenshot at {path}"
    assert path.stat().st_size > 0
    assert path.read_bytes()[: len(PNG_SIGNATURE)] == PNG_SIGNATURE


def test_the_asset_graph_shows_every_layer_and_its_assets(
    dagster_ui: str, browser: Chrome, screenshots: Path
) -> None:
    # GIVEN the global lineage with the first and last layers opened, the middle ones collapsed
    expanded = ",".join(f"{LOCATION}:{group}" for group in ("raw", "published"))
    browser.get(f"{dagster_ui}/asset-groups?expanded={quote(expanded)}")

    # THEN the collapsed layers are group nodes of the graph, the open ones show their assets
    for group in ("staging", "intermediate", "marts"):
        waiting(browser).until(ec.visibility_of_element_located(graph_group(group)))
    waiting(browser).until(lambda b: {"okta__users", "applications"} <= graph_assets(b))

    # WHEN the raw and published groups are opened in the sidebar's asset tree too
    for group in ("published", "raw"):
        row = waiting(browser).until(ec.presence_of_element_located(sidebar_entry(group)))
        row.find_element(By.XPATH, "./ancestor::*[4]//*[@aria-label='arrow_drop_down']").click()

    # THEN every layer is listed, with a raw table and the published license utilization
    for name in (*LAYERS, "okta__users", "license_utilization"):
        waiting(browser).until(ec.presence_of_element_located(sidebar_entry(name)))

    screenshot = screenshots / "asset_graph.png"
    assert browser.save_screenshot(str(screenshot))
    assert_png(screenshot)


def test_the_automation_page_lists_both_schedules_and_the_sensors(
    dagster_ui: str, browser: Chrome, screenshots: Path
) -> None:
    browser.get(f"{dagster_ui}/automation")

    for name in (*SCHEDULES, *SENSORS):
        waiting(browser).until(
            ec.visibility_of_element_located((By.XPATH, f"//*[normalize-space(text())='{name}']"))
        )
    # Each schedule's cron, in words, arrives after the names: wait for both.
    waiting(browser).until(lambda b: page_text(b).count("Scheduled At") == len(SCHEDULES))
    assert "software_audit" in page_text(browser), "the automation page names no code location"

    screenshot = screenshots / "automation.png"
    assert browser.save_screenshot(str(screenshot))
    assert_png(screenshot)
