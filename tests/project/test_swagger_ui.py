"""Swagger UI in a real browser (Debian's headless Chromium through Selenium), offline, under
its Content-Security-Policy: it renders, lists every endpoint, authorizes with a token from
/api/token/, and "Try it out" on GET /api/favorite-movies/ answers 200, without a single CSP
violation, while a script injected into the page does not run. With UPDATE_SCREENSHOTS=1 it
refreshes docs/img/swagger-ui.png for the README (otherwise the screenshot goes to a temporary
folder, so a test run leaves the work tree clean). ReDoc and the admin: test_csp_browser.py."""

import os
from pathlib import Path

import pytest
import requests

from tests.accounts.factories import DEFAULT_PASSWORD
from tests.project.chromium import CHROMEDRIVER, CHROMIUM, csp_violations, injected_script_runs

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "swagger-ui.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="needs Debian's chromium and chromium-driver (apt-get install them)",
    ),
]


def test_swagger_ui_renders_authorizes_and_tries_favorites(live_server, browser, user, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    token = requests.post(
        f"{live_server.url}/api/token/",
        json={"username": user.username, "password": DEFAULT_PASSWORD},
        timeout=10,
    ).json()["access"]
    schema = requests.get(
        f"{live_server.url}/api/schema/", headers={"Accept": "application/json"}, timeout=10
    ).json()

    browser.get(f"{live_server.url}/api/docs/")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    listed = {
        (block.get_attribute("class").split("opblock-")[-1].split()[0],
         block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"))
        for block in browser.find_elements(By.CSS_SELECTOR, ".opblock")
    }  # fmt: skip
    expected = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert expected <= listed

    browser.find_element(By.CSS_SELECTOR, ".btn.authorize").click()
    field = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux input")))
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, ".modal-ux .auth-btn-wrapper .authorize").click()
    browser.find_element(By.CSS_SELECTOR, ".modal-ux .btn-done, .modal-ux .close-modal").click()

    operation = browser.find_element(By.ID, "operations-favorites-favorite_movies_list")
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    operation.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    operation.find_element(By.CSS_SELECTOR, ".execute").click()
    status = wait.until(
        lambda _: operation.find_elements(
            By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status"
        )
    )[0].text

    assert status.startswith("200"), status
    assert csp_violations(browser) == []
    assert not injected_script_runs(browser)
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / SCREENSHOT.name
    assert browser.save_screenshot(str(target))
