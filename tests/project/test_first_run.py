"""The first `make run` on a fresh clone: its data commands, then the recommendation features a
newcomer tries first answer at once, with no favorites on the site yet (the community prior)."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from catalog.models import Genre, Movie
from recommendations.models import NeighbourList, RecommenderBuild
from recommendations.selectors import POPULAR_ON_TMDB, POPULAR_WITH_USERS
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.project.chromium import CHROMEDRIVER, CHROMIUM

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "first-run.png"
DEV_PRIOR = "prior/movielens-cofavorites.csv.gz"


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """`make run`'s data steps (migrate is the test database's) with the development settings'
    prior, as config/settings/dev.py has it: run once for the module, committed, then removed."""
    with (
        django_db_blocker.unblock(),
        override_settings(RECOMMENDATIONS={**settings.RECOMMENDATIONS, "PRIOR_FILE": DEV_PRIOR}),
    ):
        call_command("load_demo_catalog", "--if-empty", verbosity=0)
        call_command(
            "build_recommendations", "--if-stale", stdout=io.StringIO(), stderr=io.StringIO()
        )
        yield
        NeighbourList.objects.all().delete()
        RecommenderBuild.objects.all().delete()
        Movie.objects.all().delete()
        Genre.objects.all().delete()


def movie(tmdb_id: int) -> Movie:
    return Movie.objects.get(tmdb_id=tmdb_id)


def test_similar_movies_answer_for_nearly_every_demo_movie(api_client, first_run, db):
    with_neighbours = NeighbourList.objects.count()  # one list per movie with neighbours
    toy_story = movie(862)

    response = api_client.get(f"/api/movies/{toy_story.pk}/similar/")

    assert with_neighbours >= 0.99 * Movie.objects.count()
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["results"]]
    assert "Toy Story 2" in titles[:5]
    assert response.json()["results"][0]["reason"] == "Similar to Toy Story"


def test_a_new_user_with_three_favorites_gets_personal_picks_with_reasons(first_run, db):
    client = client_for(UserFactory())
    liked = [movie(862), movie(863), movie(10193)]  # Toy Story 1, 2 and 3
    for favorite in liked:
        assert (
            client.post(
                "/api/favorite-movies/", {"movie_id": favorite.pk}, format="json"
            ).status_code
            == 201
        )

    results = client.get("/api/recommendations/").json()["results"]

    titles = {m.title for m in liked}
    assert len(results) >= 10
    assert not {item["title"] for item in results} & titles
    for item in results[:10]:
        assert item["reason"] not in (POPULAR_WITH_USERS, POPULAR_ON_TMDB)
        assert item["reason"].removeprefix("Because you liked ") in titles


def test_a_later_run_keeps_the_table(first_run, db):
    before = list(RecommenderBuild.objects.values_list("pk", flat=True))

    call_command("load_demo_catalog", "--if-empty", verbosity=0)
    call_command("build_recommendations", "--if-stale", stdout=io.StringIO())

    assert list(RecommenderBuild.objects.values_list("pk", flat=True)) == before


@pytest.mark.browser
@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install them)",
)
def test_swagger_ui_shows_similar_movies_at_once(first_run, db, live_server, browser, tmp_path):
    """What a newcomer sees: "Try it out" on Toy Story's similar movies in Swagger UI. With
    UPDATE_SCREENSHOTS=1 it refreshes docs/img/first-run.png, the README's picture."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    browser.get(f"{live_server.url}/api/docs/#/movies/movies_similar_list")
    operation = wait.until(
        ec.presence_of_element_located((By.ID, "operations-movies-movies_similar_list"))
    )
    if not operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"):
        operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    fields = {
        field.get_attribute("placeholder"): field
        for field in operation.find_elements(By.CSS_SELECTOR, ".parameters input")
    }
    fields["movie_id"].send_keys(str(movie(862).pk))
    fields["page_size"].send_keys("3")
    operation.find_element(By.CSS_SELECTOR, ".execute").click()
    body = wait.until(
        lambda _: operation.find_elements(By.CSS_SELECTOR, ".live-responses-table .microlight")
    )[0]

    assert '"title": "Toy Story 2"' in body.text
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / SCREENSHOT.name
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", body)
    assert browser.save_screenshot(str(target))
