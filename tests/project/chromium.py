"""Debian's headless Chromium through Selenium, for the browser tests: where it is, how it is
started (offline), and the Content-Security-Policy violations a page caused."""

import re
import shutil

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
# Headless, and no background traffic: this machine has no network.
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,1600",
]  # fmt: skip

# Installed before any of a page's own scripts runs (and exempt from the page's CSP): every
# `securitypolicyviolation` event of the document, as one line each.
VIOLATION_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}`
    + ` in ${event.sourceFile || event.documentURI}:${event.lineNumber} ${event.sample}`
  );
});
"""


def start_chromium():
    """A headless Chromium that keeps the console (goog:loggingPrefs) and records CSP violations."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": VIOLATION_LISTENER})
    return driver


def csp_violations(driver) -> list[str]:
    """The violations of the page shown now (the listener's) and the console's CSP messages since
    the last call (workers' included, which the page's listener does not hear)."""
    events = driver.execute_script("return window.__cspViolations || [];")
    console = [
        entry["message"]
        for entry in driver.get_log("browser")
        if re.search("Content[ -]Security[ -]Policy", entry["message"])
    ]
    return [*events, *console]


def injected_script_runs(driver) -> bool:
    """Whether a script injected into the page shown now (as an XSS would) runs: never, under a
    policy without 'unsafe-inline'. Its violation is drained from csp_violations."""
    ran = driver.execute_script(
        "const script = document.createElement('script');"
        "script.textContent = 'window.__injected = true;';"
        "document.head.appendChild(script);"
        "return window.__injected === true;"
    )
    driver.execute_script("window.__cspViolations = [];")
    driver.get_log("browser")
    return ran
