"""Cookie mode end to end in a real browser (Debian's headless Chromium through Selenium): a
front-end page on another origin than the API logs in, is authenticated by the HttpOnly cookies
alone, writes with the X-CSRFToken header (and is refused without it), refreshes (the refresh
cookie is rotated) and logs out (the cookies are cleared).

The API is pytest-django's live server on http://localhost:<p1>; the page is served by a tiny
http.server thread on another port:

- same site, cross-origin: the page on http://localhost:<p2>, cookies SameSite=Lax (the default);
- cross-site: the page on http://127.0.0.1:<p2>, cookies SameSite=None (and Secure).

What a browser adds to the test-client tests (tests/accounts/test_cookie_mode.py):

- CORS with credentials, the preflight of X-CSRFToken and Content-Type, and the CSRF origin check
  of a front end allowed by CORS, all from a real page's fetch().
- Secure cookies over plain http: Chromium counts http://localhost and http://127.0.0.1 as secure
  contexts, so it stores the default ``ACCOUNTS['COOKIE_SECURE'] = True`` cookies set over http
  there and sends them back (checked in the browser's own cookie jar, through CDP).
- Cross-site, the API's cookies are third-party cookies: this headless Chromium blocks them by
  default (CDP reports the Set-Cookie lines ``blockedReasons: ["UserPreferences"]``), as Safari
  and private windows do. The cross-site scenarios allow them in the profile; the last test pins
  what a blocking browser does. A front end on another *site* needs a browser that allows them
  (or the API's cookies ``Partitioned``, CHIPS: tried by hand, the whole flow then works with
  third-party cookies blocked); one on the same site (app.example.com, api.example.com) does not.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import RotatedRefreshToken
from favorites.models import FavoriteMovie
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.catalog.factories import MovieFactory
from tests.project.chromium import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="needs Debian's chromium and chromium-driver (apt-get install them)",
    ),
]

TOKEN_COOKIES = ("access_token", "refresh_token")
# Served under /api/ like the token cookies (Path=/api/): on the API's host (cookies ignore
# ports) only HttpOnly keeps them out of the page's document.cookie, not their path.
PAGE_PATH = "/api/cookie-mode.html"

# The front end. Every call sends the cookies (credentials: "include") and never an
# Authorization header; each step's status and body go into `results`, which the test reads.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>cookie mode front end</title></head><body>
<script>
"use strict";
const API = __API__;
const results = {};
let csrf = null;

async function call(step, method, path, {body, withCsrf = false} = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (withCsrf) headers["X-CSRFToken"] = csrf;
  const response = await fetch(API + path, {
    method, headers, credentials: "include", cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch (error) { /* not JSON: keep text */ }
  results[step] = {status: response.status, body: parsed};
  results.documentCookie = document.cookie;
  return results[step];
}

async function logIn(username, password, movieId, otherMovieId) {
  // From another host document.cookie never shows the API's csrftoken cookie: ask for it.
  csrf = (await call("csrf", "GET", "/api/csrf/")).body.csrfToken;
  await call("login", "POST", "/api/token/", {body: {username, password}});
  await call("me", "GET", "/api/me/");
  await call("favorite", "POST", "/api/favorite-movies/",
             {body: {movie_id: movieId}, withCsrf: true});
  await call("favoriteWithoutCsrf", "POST", "/api/favorite-movies/",
             {body: {movie_id: otherMovieId}});
  return results;
}

// Empty bodies: the refresh token comes from its cookie.
async function refresh() {
  await call("refreshWithoutCsrf", "POST", "/api/token/refresh/");
  await call("refresh", "POST", "/api/token/refresh/", {withCsrf: true});
  await call("meAfterRefresh", "GET", "/api/me/");
  return results;
}

async function logOut() {
  await call("logout", "POST", "/api/logout/", {withCsrf: true});
  await call("meAfterLogout", "GET", "/api/me/");
  return results;
}
</script>
</body></html>
"""


@dataclass(frozen=True)
class Scenario:
    page_host: str
    samesite: str
    tokens_in_body: bool = True  # ACCOUNTS["COOKIE_TOKENS_IN_BODY"], True by default
    third_party_cookies: bool | None = None  # None: the browser's default


SCENARIOS = [
    pytest.param(Scenario("localhost", "Lax"), id="same-site-lax"),
    pytest.param(Scenario("127.0.0.1", "None", third_party_cookies=True), id="cross-site-none"),
    pytest.param(
        Scenario("127.0.0.1", "None", tokens_in_body=False, third_party_cookies=True),
        id="cross-site-none-tokens-out-of-bodies",
    ),
]


@pytest.fixture
def chromium() -> Iterator:
    """Starts headless Chromium: ``chromium(third_party_cookies=True/False/None)``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = []

    def start(*, third_party_cookies: bool | None = None):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        if third_party_cookies is not None:
            # Chromium's CookieControlsMode: 0 allows third-party cookies, 1 blocks them.
            mode = 0 if third_party_cookies else 1
            options.add_experimental_option("prefs", {"profile.cookie_controls_mode": mode})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        drivers.append(driver)
        driver.implicitly_wait(0)
        driver.set_script_timeout(20)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def front_end_port(live_server) -> Iterator[int]:
    """Serves PAGE (calling the live server) on 127.0.0.1:<port>, reached by either host name."""
    page = PAGE.replace("__API__", json.dumps(live_server.url)).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            found = self.path == PAGE_PATH
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(page)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def cookie_mode(settings, *, origin: str, samesite: str, tokens_in_body: bool = True) -> None:
    """Cookie mode for a front end on ``origin`` (the live server runs in a thread of this
    process, so it sees these settings)."""
    settings.ACCOUNTS = {
        **settings.ACCOUNTS,
        "JWT_COOKIE_MODE": True,
        "COOKIE_SAMESITE": samesite,
        "COOKIE_TOKENS_IN_BODY": tokens_in_body,
    }
    # What config/settings/base.py derives from JWT_COOKIE_SAMESITE for the csrftoken cookie
    # (pinned by tests/project/test_settings.py).
    settings.CSRF_COOKIE_SAMESITE = samesite
    settings.CSRF_COOKIE_SECURE = samesite == "None"
    settings.CORS_ALLOWED_ORIGINS = [origin]


def run(browser, function: str, *args) -> dict:
    """Call one of the page's async functions and answer what it resolved to."""
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"{function}(...Array.prototype.slice.call(arguments, 0, -1))"
        ".then(done, (error) => done({error: String(error && error.stack || error)}));",
        *args,
    )
    assert "error" not in result, result["error"]
    return result


def api_cookies(browser) -> dict[str, dict]:
    """The API host's cookies in the browser's jar, with their attributes (through CDP)."""
    cookies = browser.execute_cdp_cmd("Storage.getCookies", {})["cookies"]
    return {cookie["name"]: cookie for cookie in cookies if cookie["domain"] == "localhost"}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_cookie_mode_from_a_page_on_another_origin(
    scenario, settings, live_server, front_end_port, chromium, user
):
    origin = f"http://{scenario.page_host}:{front_end_port}"
    same_host = scenario.page_host == "localhost"  # the API's host, on another port
    cookie_mode(
        settings, origin=origin, samesite=scenario.samesite, tokens_in_body=scenario.tokens_in_body
    )
    movie, other_movie = MovieFactory(), MovieFactory()
    browser = chromium(third_party_cookies=scenario.third_party_cookies)

    browser.get(origin + PAGE_PATH)
    results = run(browser, "logIn", user.username, DEFAULT_PASSWORD, movie.id, other_movie.id)
    jar = api_cookies(browser)

    assert results["csrf"]["status"] == 200 and results["csrf"]["body"]["csrfToken"]
    login = results["login"]
    assert login["status"] == 200, login
    assert login["body"]["user"]["id"] == user.id
    assert {*TOKEN_COOKIES, "csrftoken"} <= set(jar), jar  # none refused by the browser
    for name in TOKEN_COOKIES:
        assert jar[name]["httpOnly"] is True, jar[name]
        assert jar[name]["secure"] is True, jar[name]  # kept although set over http
        assert jar[name]["sameSite"] == scenario.samesite, jar[name]
        assert jar[name]["path"] == "/api/", jar[name]
    assert jar["csrftoken"]["sameSite"] == scenario.samesite
    assert jar["csrftoken"]["secure"] is (scenario.samesite == "None")
    if scenario.tokens_in_body:  # the default: the body has the tokens, the script can read them
        assert login["body"]["access"] == jar["access_token"]["value"]
        assert login["body"]["refresh"] == jar["refresh_token"]["value"]
    else:
        assert set(login["body"]) == {"user"}
    # The page's script never sees the token cookies: HttpOnly on the API's host, another host
    # otherwise (then not even the csrftoken cookie: hence GET /api/csrf/).
    for name in TOKEN_COOKIES:
        assert f"{name}=" not in results["documentCookie"]
    assert ("csrftoken=" in results["documentCookie"]) is same_host

    assert results["me"]["status"] == 200, results["me"]  # by the cookie alone
    assert results["me"]["body"]["id"] == user.id
    assert results["favorite"]["status"] == 201, results["favorite"]
    assert results["favorite"]["body"]["movie"]["id"] == movie.id
    without_csrf = results["favoriteWithoutCsrf"]
    assert without_csrf["status"] == 403, without_csrf
    assert without_csrf["body"]["detail"] == "CSRF Failed: CSRF token missing."
    favorites = FavoriteMovie.objects.filter(user=user).values_list("movie", flat=True)
    assert list(favorites) == [movie.id]

    results = run(browser, "refresh")
    rotated = api_cookies(browser)

    assert results["refreshWithoutCsrf"]["status"] == 403, results["refreshWithoutCsrf"]
    refreshed = results["refresh"]
    assert refreshed["status"] == 200, refreshed
    if scenario.tokens_in_body:
        assert refreshed["body"] == {
            "access": rotated["access_token"]["value"],
            "refresh": rotated["refresh_token"]["value"],
        }
    else:
        assert refreshed["body"] == {}
    # Rotation (on in cookie mode): a new refresh cookie; the old token is recorded as rotated.
    old_refresh, new_refresh = jar["refresh_token"]["value"], rotated["refresh_token"]["value"]
    assert new_refresh != old_refresh
    assert rotated["access_token"]["value"] != jar["access_token"]["value"]
    assert RotatedRefreshToken.objects.filter(token__token=old_refresh).exists()
    assert not RotatedRefreshToken.objects.filter(token__token=new_refresh).exists()
    assert results["meAfterRefresh"]["status"] == 200  # by the new access cookie
    if not scenario.tokens_in_body:  # no token ever reached the page's script
        page_saw = json.dumps(results)
        assert not any(jar[n]["value"] in page_saw or rotated[n]["value"] in page_saw
                       for n in TOKEN_COOKIES)  # fmt: skip

    results = run(browser, "logOut")

    assert results["logout"]["status"] == 204, results["logout"]
    assert not set(TOKEN_COOKIES) & set(api_cookies(browser))  # the cookies are cleared
    assert hasattr(OutstandingToken.objects.get(token=new_refresh), "blacklistedtoken")  # revoked
    assert results["meAfterLogout"]["status"] == 401, results["meAfterLogout"]


def test_a_browser_blocking_third_party_cookies_refuses_them_cross_site(
    settings, live_server, front_end_port, chromium, user
):
    """Same as the cross-site scenario, in a browser that blocks third-party cookies: the login
    answers 200 but no cookie is stored, so nothing is authenticated by cookie."""
    origin = f"http://127.0.0.1:{front_end_port}"
    cookie_mode(settings, origin=origin, samesite="None")
    movie, other_movie = MovieFactory(), MovieFactory()
    browser = chromium(third_party_cookies=False)

    browser.get(origin + PAGE_PATH)
    results = run(browser, "logIn", user.username, DEFAULT_PASSWORD, movie.id, other_movie.id)

    assert results["login"]["status"] == 200
    assert api_cookies(browser) == {}
    assert results["me"]["status"] == 401
    assert results["favorite"]["status"] == 401
    assert not FavoriteMovie.objects.exists()
