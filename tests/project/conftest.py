import pytest

from tests.project.chromium import start_chromium


@pytest.fixture
def browser():
    """Headless Chromium (tests/project/chromium.py); the test marks itself `browser` and skips
    without it."""
    driver = start_chromium()
    yield driver
    driver.quit()
