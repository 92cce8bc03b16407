"""The OpenAPI schema as a contract a generated client can trust: typed errors on every
operation, examples that match their own schemas, names and parameters a generator handles."""

from typing import Any

import jsonschema
import pytest
from django.urls import reverse
from referencing import Registry, Resource

pytestmark = pytest.mark.django_db

ERRORS = {"ErrorDetail", "FieldErrors", "ErrorDetailOrFieldErrors"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get(
            reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def response_schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def ref_name(schema_object: dict | None) -> str:
    return (schema_object or {}).get("$ref", "").rsplit("/", 1)[-1]


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's schema objects as JSON Schema: ``nullable`` becomes a null type."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    if "$ref" in converted:
        converted["$ref"] = "urn:schema" + converted["$ref"]
    return converted


def validator(schema, subschema: dict):
    root = as_json_schema({"components": schema["components"]})
    registry = Registry().with_resource("urn:schema", Resource.opaque(root))
    return jsonschema.Draft202012Validator(as_json_schema(subschema), registry=registry)


# The probes answer their own body (a 503 says which part failed); liveness touches nothing that
# could fail.
PROBES = {"GET /api/health/", "GET /api/health/ready/", "GET /api/health/live/"}


def test_every_error_response_has_a_typed_body(schema):
    for name, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) and name not in PROBES:
                assert ref_name(response_schema(response)) in ERRORS, f"{name} {status}"


def test_each_operation_declares_the_errors_it_can_answer(schema):
    for name, operation in operations(schema):
        statuses = set(operation["responses"])
        assert "503" in statuses or name == "GET /api/health/live/", name
        if "requestBody" in operation:
            assert {"400", "415"} <= statuses, name
        if "{" in name:
            assert "404" in statuses, name
        if operation.get("security") != [{}] and name not in PROBES:
            assert "401" in statuses, name


@pytest.mark.parametrize(
    "name",
    ["POST /api/register/", "POST /api/token/", "POST /api/token/refresh/",
     "POST /api/favorite-movies/", "DELETE /api/favorite-movies/{id}/", "POST /api/me/password/"],
)  # fmt: skip
def test_throttled_operations_declare_429(schema, name):
    method, path = name.split(" ")
    assert "429" in schema["paths"][path][method.lower()]["responses"]


def test_field_errors_and_detail_components(schema):
    components = schema["components"]["schemas"]

    assert components["ErrorDetail"]["required"] == ["detail"]
    assert components["FieldErrors"]["additionalProperties"]["items"]["type"] == "string"
    assert {ref_name(s) for s in components["ErrorDetailOrFieldErrors"]["oneOf"]} == {
        "ErrorDetail",
        "FieldErrors",
    }


def test_every_example_matches_its_own_schema(schema):
    checked = 0
    for name, operation in operations(schema):
        bodies = [
            (f"{status}", response_schema(response), response)
            for status, response in operation["responses"].items()
        ]
        request = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if request:
            bodies.append(("request", request["schema"], request))
        for where, body_schema, response in bodies:
            content = response.get("content", {}).get("application/json", response)
            for example_name, example in content.get("examples", {}).items():
                errors = list(validator(schema, body_schema).iter_errors(example["value"]))
                assert not errors, f"{name} {where} example {example_name}: {errors[0].message}"
                checked += 1
    assert checked > 30


def test_list_examples_are_one_page_of_items(schema):
    examples = schema["paths"]["/api/movies/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["examples"]
    page = next(iter(examples.values()))["value"]

    assert set(page) == {"count", "next", "previous", "results"}
    assert "results" not in page["results"][0]


def test_names_and_metadata_a_generator_handles(schema):
    assert not [name for name in schema["components"]["schemas"] if name.endswith("RequestRequest")]
    assert schema["servers"]
    for name, operation in operations(schema):
        assert operation.get("summary"), name
        assert operation.get("tags"), name


def test_page_parameters_have_bounds(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/movies/"]["get"]["parameters"]}

    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}


def test_password_rules_are_described(schema):
    password = schema["components"]["schemas"]["UserRegisterRequest"]["properties"]["password"]

    assert "at least 8 characters" in password["description"]


def resolved(schema, node: dict) -> dict:
    """``node`` with its ``$ref`` followed, and the one-item ``allOf`` drf-spectacular wraps a
    nested read-only serializer in."""
    while "$ref" in node or len(node.get("allOf", [])) == 1:
        node = node["allOf"][0] if "allOf" in node else node
        if "$ref" in node:
            node = schema["components"]["schemas"][ref_name(node)]
    return node


def undeclared_or_optional(schema, node: dict, value: Any, where: str = "$") -> list[str]:
    """Keys of ``value`` its schema leaves out, or lists as optional although the server sends
    them on every answer: a generated client would type them ``?:`` or not at all."""
    node = resolved(schema, node)
    found = []
    if isinstance(value, dict) and "properties" in node:
        for key, item in value.items():
            if key not in node["properties"]:
                found.append(f"{where}.{key} undeclared")
            elif key not in node.get("required", []):
                found.append(f"{where}.{key} optional")
            else:
                found += undeclared_or_optional(
                    schema, node["properties"][key], item, f"{where}.{key}"
                )
    if isinstance(value, list) and "items" in node:
        for item in value[:1]:
            found += undeclared_or_optional(schema, node["items"], item, f"{where}[0]")
    return found


def test_the_spec_endpoints_answers_are_their_schema_all_fields_required(schema):
    """What the API spec's endpoints send, checked against the schema a client is generated
    from: valid, and every field sent is declared and required (the spec's pages always carry
    ``next`` and ``previous``, null or not)."""
    from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
    from tests.catalog.factories import GenreFactory, MovieFactory
    from tests.conftest import client_for

    movie = MovieFactory(release_date=None, poster_path="", runtime=None)
    movie.genres.add(GenreFactory())
    user = UserFactory()
    client = client_for(user)
    tokens = client.post(
        "/api/token/", {"username": user.username, "password": DEFAULT_PASSWORD}, format="json"
    )
    added = client.post("/api/favorite-movies/", {"movie_id": movie.pk}, format="json")
    answers = {
        ("/api/register/", "post"): client.post(
            "/api/register/",
            {"username": "spec", "email": "spec@example.com", "password": "s3cret-Pass!"},
            format="json",
        ),
        ("/api/token/", "post"): tokens,
        ("/api/token/refresh/", "post"): client.post(
            "/api/token/refresh/", {"refresh": tokens.json()["refresh"]}, format="json"
        ),
        ("/api/movies/", "get"): client.get("/api/movies/?page=1"),
        ("/api/movies/{id}/", "get"): client.get(f"/api/movies/{movie.pk}/"),
        ("/api/favorite-movies/", "post"): added,
        ("/api/favorite-movies/", "get"): client.get("/api/favorite-movies/?page=1"),
    }
    for (path, method), response in answers.items():
        status = str(response.status_code)
        assert status in {"200", "201"}, (path, response.content)
        body_schema = response_schema(schema["paths"][path][method]["responses"][status])
        errors = list(validator(schema, body_schema).iter_errors(response.json()))
        assert not errors, f"{method} {path}: {errors[0].message}"
        assert not undeclared_or_optional(schema, body_schema, response.json()), (method, path)
