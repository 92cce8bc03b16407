from django.http import QueryDict
from django_filters import rest_framework as filters

from catalog.filters import MovieFilter
from catalog.models import Movie


def test_the_form_class_is_built_once_and_every_form_validates_its_own_data():
    bad = MovieFilter(QueryDict("year=abc&ordering=title"), queryset=Movie.objects.none())
    good = MovieFilter(QueryDict("year=1999"), queryset=Movie.objects.none())

    assert type(bad.form) is type(good.form)
    assert not bad.is_valid()
    assert set(bad.form.errors) == {"year"}
    assert good.is_valid()
    assert good.form.cleaned_data["year"] == 1999
    assert not good.form.errors


def test_a_subclass_builds_a_form_of_its_own_fields():
    class WithTitle(MovieFilter):
        title = filters.CharFilter(lookup_expr="icontains")

    def form(filter_class: type[MovieFilter]):
        return filter_class(QueryDict(), queryset=Movie.objects.none()).form

    assert "title" not in form(MovieFilter).fields  # the parent's, built first
    assert "title" in form(WithTitle).fields
    assert "title" not in form(MovieFilter).fields
