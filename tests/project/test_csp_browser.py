"""ReDoc, the admin and (under `make run`) the browsable API in a real browser (Debian's headless
Chromium through Selenium), offline, under their Content-Security-Policy: each works as without
one, without a CSP violation (the page's `securitypolicyviolation` events and the console's CSP
messages) but the one the policy is there for (ReDoc's logo from Redocly's CDN), and a script
injected into the page does not run. Swagger UI: test_swagger_ui.py."""

import json

import pytest
import requests
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.catalog.factories import GenreFactory, MovieFactory
from tests.project.chromium import CHROMEDRIVER, CHROMIUM, csp_violations, injected_script_runs

# ReDoc 2.5's sidebar footer ("API docs by Redocly") always loads Redocly's logo from its CDN.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="needs Debian's chromium and chromium-driver (apt-get install them)",
    ),
]


def test_redoc_renders_every_operation_and_searches(live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    schema = requests.get(
        f"{live_server.url}/api/schema/", headers={"Accept": "application/json"}, timeout=10
    ).json()
    operations = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}

    browser.get(f"{live_server.url}/api/redoc/")
    wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, "[id*='/operation/']"))
    shown = {
        element.get_attribute("id").rsplit("/operation/", 1)[1]
        for element in browser.find_elements(By.CSS_SELECTOR, "[id*='/operation/']")
    }
    title = browser.find_element(By.CSS_SELECTOR, ".api-info h1").text
    # The search index is built in ReDoc's web worker (worker-src blob:).
    browser.find_element(By.CSS_SELECTOR, "input.search-input").send_keys("favorite")
    results = wait.until(
        lambda _: browser.find_elements(By.CSS_SELECTOR, "[data-role='search:results'] li")
    )

    violations = csp_violations(browser)
    logo = [line for line in violations if REDOCLY_LOGO in line]

    assert operations <= shown
    assert title.startswith("Movie Recommendation API")
    assert any("favorite" in result.text.lower() for result in results)
    assert [line for line in violations if line not in logo] == []
    # Blocked on purpose (the docs fetch nothing from elsewhere); ReDoc then drops the image.
    assert logo and all("img-src" in line for line in logo)
    assert not browser.find_elements(By.CSS_SELECTOR, f"img[src='{REDOCLY_LOGO}']")
    assert not injected_script_runs(browser)


def test_the_admin_logs_in_and_its_forms_work(live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    admin = UserFactory(is_staff=True, is_superuser=True)
    movie = MovieFactory(genres=[GenreFactory(id=18, name="Drama")])
    violations = {}

    def visit(name: str, url: str, ready: str) -> None:
        browser.get(f"{live_server.url}{url}")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ready)))
        violations[name] = csp_violations(browser)

    visit("login", reverse("admin:login"), "#id_username")
    browser.find_element(By.ID, "id_username").send_keys(admin.username)
    browser.find_element(By.ID, "id_password").send_keys(DEFAULT_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type='submit']").click()
    # The login page has a #site-name too: wait for what only a logged-in page shows.
    wait.until(ec.presence_of_element_located((By.ID, "user-tools")))
    index = browser.current_url
    violations["index"] = csp_violations(browser)
    # The richest pages here: filter_horizontal (SelectFilter2.js), the calendar and clock
    # shortcuts (DateTimeShortcuts.js), raw-id lookups, actions and filters on a list, and a
    # form posted back to the admin.
    visit("movie list", reverse("admin:catalog_movie_changelist"), "#action-toggle")
    browser.find_element(By.ID, "action-toggle").click()  # actions.js selects every row
    visit("favorite form", reverse("admin:favorites_favoritemovie_add"), "#lookup_id_movie")
    visit(
        "movie form",
        reverse("admin:catalog_movie_change", args=[movie.pk]),
        ".datetimeshortcuts a[id^='calendarlink']",
    )
    wait.until(ec.presence_of_element_located((By.ID, "id_genres_filter")))
    browser.find_element(By.CSS_SELECTOR, ".datetimeshortcuts a[id^='calendarlink']").click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".calendarbox")))
    browser.find_element(By.ID, "id_title").clear()
    browser.find_element(By.ID, "id_title").send_keys("Renamed in the admin")
    browser.find_element(By.NAME, "_save").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    violations["movie saved"] = csp_violations(browser)
    movie.refresh_from_db()

    assert index == f"{live_server.url}{reverse('admin:index')}"
    assert movie.title == "Renamed in the admin"
    assert violations == {page: [] for page in violations}
    assert not injected_script_runs(browser)


def test_the_browsable_api_of_make_run_works_under_its_policy(live_server, browser, settings):
    """config.settings.dev adds DRF's browsable API, an HTML page, and its own default policy."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from config.settings import dev

    wait = WebDriverWait(browser, 30)
    settings.ROOT_URLCONF = "tests.project.urls_browsable"
    settings.CONTENT_SECURITY_POLICY = dev.CONTENT_SECURITY_POLICY
    MovieFactory.create_batch(3)
    violations = {}

    browser.get(f"{live_server.url}/api/movies/")
    browser.find_element(By.CSS_SELECTOR, "button[data-target='#filtersModal']").click()
    wait.until(ec.visibility_of_element_located((By.ID, "filtersModal")))  # bootstrap.js ran
    violations["movies"] = csp_violations(browser)
    browser.get(f"{live_server.url}/api/register/")
    content = browser.find_element(By.ID, "id__content")
    content.clear()
    content.send_keys(
        json.dumps({"username": "newbie", "email": "n@example.com", "password": DEFAULT_PASSWORD})
    )
    browser.find_element(By.CSS_SELECTOR, "#post-generic-content-form button").click()  # ajax
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".response-info"), "201"))
    violations["register"] = csp_violations(browser)

    assert violations == {page: [] for page in violations}
    assert not injected_script_runs(browser)
