"""Web actions on a real engine over real HTTP: every row of the contract's web-action section (part 2,
section 1): URL forms and extensions, methods, ``__ow_*`` fields, body decoding (raw and not), result
transcoding per extension, base64 binary replies, CORS and OPTIONS, ``require-whisk-auth``, ``final``,
not-exported 404 and upstream's error texts."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from helpers.engine import OwSession, deploy, unique

NOT_FOUND = "The requested resource does not exist."
NOT_ALLOWED = "Request defines parameters that are not allowed (e.g., reserved properties)."
AUTH_FAILED = "Authentication is possible but has failed or not yet been provided."
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 20

ECHO = "def main(a):\n    return a\n"
# returns (or fails with) the JSON given in its "r" parameter: every result shape from one action
SHAPER = "import json\ndef main(a):\n    return json.loads(a['r'])\n"
FAILER = "import json\ndef main(a):\n    return {'error': json.loads(a['r'])}\n"


def web(**extra: object) -> list[dict]:
    notes = {"web-export": True, "final": True, **extra}
    return [{"key": k, "value": v} for k, v in notes.items()]


@pytest.fixture(scope="module")
def site(engine) -> dict[str, str]:
    ow = OwSession(engine)
    names = {
        key: unique(key)
        for key in ("echo", "shaper", "failer", "raw", "hidden", "secret", "num", "creds", "odd", "custom")
    }
    deploy(ow, names["echo"], ECHO, annotations=web(), parameters=[{"key": "fixed", "value": "kept"},
                                                               {"key": "open", "value": None}])  # fmt: skip
    deploy(ow, names["shaper"], SHAPER, annotations=web())
    deploy(ow, names["failer"], FAILER, annotations=web())
    deploy(ow, names["raw"], ECHO, annotations=web(**{"raw-http": True}))
    deploy(ow, names["hidden"], ECHO)
    deploy(ow, names["secret"], ECHO, annotations=web(**{"require-whisk-auth": "s3cret"}))
    deploy(ow, names["num"], ECHO, annotations=web(**{"require-whisk-auth": 7337}))
    deploy(ow, names["creds"], ECHO, annotations=web(**{"require-whisk-auth": True}))
    deploy(ow, names["odd"], ECHO, annotations=web(**{"require-whisk-auth": {"a": 1}}))
    deploy(ow, names["custom"], SHAPER, annotations=web(**{"web-custom-options": True}))
    return names


def url(engine, name: str, ext: str = ".json", package: str = "default", ns: str = "guest") -> str:
    return f"{engine.apihost}/api/v1/web/{ns}/{package}/{name}{ext}"


def error(r: requests.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "code"}
    return str(body["error"])


def shaped(engine, site, result: object, ext: str = ".http", **kw) -> requests.Response:
    return requests.get(url(engine, site["shaper"], ext), params={"r": json.dumps(result)}, **kw)


# 1.1 URL forms, methods, authentication ----------------------------------------------------------------


def test_get_with_query_gives_the_ow_fields_and_string_parameters(engine, site):
    r = requests.get(url(engine, site["echo"]), params={"n": 3, "name": "ann"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/json"
    assert len(r.headers["x-openwhisk-activation-id"]) == 32
    args = r.json()
    assert (args["__ow_method"], args["__ow_path"], args["n"], args["name"]) == ("get", "", "3", "ann")
    assert args["__ow_headers"]["user-agent"].startswith("python-requests")
    assert "__ow_user" not in args and "__ow_query" not in args and "__ow_body" not in args
    assert (args["fixed"], args["open"]) == ("kept", None)  # stored parameters under the request's
    assert r.text.startswith("{\n  ")  # pretty-printed, as upstream's .json


@pytest.mark.parametrize(("tail", "path"), [("", ""), ("/", "/"), ("/content/a.png", "/content/a.png")])
def test_the_path_after_the_extension_is_ow_path(engine, site, tail, path):
    assert requests.get(url(engine, site["echo"]) + tail).json()["__ow_path"] == path


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_every_method_reaches_the_action(engine, site, method):
    r = requests.request(method, url(engine, site["echo"]))
    assert r.status_code == 200 and r.json()["__ow_method"] == method.lower()


def test_head_answers_headers_only(engine, site):
    r = requests.head(url(engine, site["echo"]))
    assert r.status_code == 200 and r.content == b""
    assert len(r.headers["x-openwhisk-activation-id"]) == 32


def test_valid_credentials_set_ow_user_and_wrong_ones_fall_back_to_anonymous(engine, ow: OwSession, site):
    assert requests.get(url(engine, site["echo"]), auth=ow.auth).json()["__ow_user"] == "guest"
    r = requests.get(url(engine, site["echo"]), auth=("nobody", "wrong"))
    assert r.status_code == 200 and "__ow_user" not in r.json()


def test_no_extension_is_http_and_an_unknown_one_is_part_of_the_name(engine, site):
    r = requests.get(url(engine, site["shaper"], ""), params={"r": json.dumps({"body": "hi"})})
    assert (r.status_code, r.text, r.headers["Content-Type"]) == (200, "hi", "text/html; charset=UTF-8")
    assert error(requests.get(url(engine, site["echo"], ".xyz")), 404) == NOT_FOUND


@pytest.mark.parametrize(
    "where",
    ["hidden", "missing", "other-namespace", "missing-package", "too-short", "underscore-namespace"],
)
def test_what_is_not_exported_or_not_there_is_one_404(engine, site, where):
    target = {
        "hidden": url(engine, site["hidden"]),
        "missing": url(engine, "no-such-action"),
        "other-namespace": url(engine, site["echo"], ns="someone"),
        "missing-package": url(engine, site["echo"], package="nopkg"),
        "too-short": f"{engine.apihost}/api/v1/web/guest/default",
        "underscore-namespace": url(engine, site["echo"], ns="_"),
    }[where]
    r = requests.get(target)
    assert r.status_code == 404 and "WWW-Authenticate" not in r.headers
    if where != "too-short":
        assert r.json()["error"] == NOT_FOUND
        assert "Access-Control-Allow-Origin" not in r.headers  # lookups come before CORS


def test_through_a_binding_the_bound_packages_action_is_served(engine, ow: OwSession):
    pkg, binding, name = unique("wpkg"), unique("wbind"), unique("inpkg")
    assert ow.put(ow.ns(f"packages/{pkg}"), json={"parameters": [{"key": "p", "value": "pkg"}]}).ok
    deploy(ow, f"{pkg}/{name}", ECHO, annotations=web())
    body = {
        "binding": {"namespace": "guest", "name": pkg},
        "annotations": [{"key": "web-export", "value": False}],
    }
    assert ow.put(ow.ns(f"packages/{binding}"), json=body).ok
    for package in (pkg, binding):
        r = requests.get(url(engine, name, package=package))
        assert r.status_code == 200 and r.json()["p"] == "pkg", r.text


def test_a_web_sequence_answers_its_last_result(engine, ow: OwSession, site):
    seq = unique("wseq")
    body = {
        "exec": {"kind": "sequence", "components": [f"/guest/{site['echo']}", f"/guest/{site['echo']}"]},
        "annotations": web(),
    }
    assert ow.put(ow.ns(f"actions/{seq}"), json=body).ok
    r = requests.get(url(engine, seq), params={"x": "1"})
    assert r.status_code == 200 and r.json()["x"] == "1"


# 1.3 the argument object -------------------------------------------------------------------------------


def test_a_json_object_body_is_merged_and_wins_over_the_query(engine, site):
    r = requests.post(url(engine, site["echo"]) + "?a=query&q=1", json={"a": "body", "n": 2})
    args = r.json()
    assert (args["a"], args["q"], args["n"]) == ("body", "1", 2)
    assert args["__ow_headers"]["content-type"] == "application/json"


@pytest.mark.parametrize("value", [[1, 2], "text", 5, True, None])
def test_a_json_value_that_is_not_an_object_is_ow_body(engine, site, value):
    r = requests.post(
        url(engine, site["echo"]), data=json.dumps(value), headers={"Content-Type": "application/json"}
    )
    assert r.json()["__ow_body"] == value


def test_form_fields_merge_as_strings_and_other_bodies_are_ow_body(engine, site):
    assert requests.post(url(engine, site["echo"]), data={"k": "v", "n": "1"}).json()["n"] == "1"
    text = requests.post(
        url(engine, site["echo"]), data="héllo".encode(), headers={"Content-Type": "text/plain"}
    )
    assert text.json()["__ow_body"] == "héllo"
    binary = requests.post(url(engine, site["echo"]), data=PNG, headers={"Content-Type": "image/png"})
    assert base64.b64decode(binary.json()["__ow_body"]) == PNG
    assert "__ow_body" not in requests.post(url(engine, site["echo"])).json()


def test_raw_http_gives_the_query_and_body_unparsed(engine, site):
    raw = url(engine, site["raw"])
    args = requests.post(raw + "?a=1&b=two", data={"k": "v"}).json()
    assert (args["__ow_query"], args["__ow_body"]) == ("a=1&b=two", "k=v")
    assert "a" not in args and "k" not in args
    js = requests.post(raw, json={"x": 1}).json()
    assert json.loads(base64.b64decode(js["__ow_body"])) == {"x": 1}  # legacy: raw JSON is base64
    empty = requests.get(raw).json()
    assert (empty["__ow_query"], empty["__ow_body"]) == ("", "")
    # raw actions skip the reserved check: a query naming __ow_path is just part of the string
    assert requests.get(raw + "?__ow_path=x").json()["__ow_path"] == ""


@pytest.mark.parametrize(
    "how",
    [{"params": {"__ow_method": "x"}}, {"json": {"__ow_headers": {}}}, {"params": {"fixed": "changed"}}],
)
def test_reserved_and_final_parameters_cannot_be_set(engine, site, how):
    assert error(requests.post(url(engine, site["echo"]), **how), 400) == NOT_ALLOWED


def test_a_final_parameter_left_null_may_be_set(engine, site):
    assert requests.get(url(engine, site["echo"]), params={"open": "given"}).json()["open"] == "given"


def test_without_final_the_request_overrides_stored_parameters(engine, ow: OwSession):
    name = unique("notfinal")
    deploy(ow, name, ECHO, annotations=web(final=False), parameters=[{"key": "fixed", "value": "kept"}])
    assert requests.get(url(engine, name), params={"fixed": "new"}).json()["fixed"] == "new"


def test_a_request_over_the_payload_limit_is_413(engine, site):
    r = requests.post(
        url(engine, site["echo"]), data=b"x" * (1024 * 1024 + 1), headers={"Content-Type": "text/plain"}
    )
    assert error(r, 413) == "Request larger than allowed: 1048577 > 1048576 bytes."


# 1.4 results to responses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ext", "result", "ctype", "text"),
    [
        (".html", {"body": "<p>b</p>", "html": "no"}, "text/html; charset=UTF-8", "<p>b</p>"),
        (".html", {"html": "<p>h</p>"}, "text/html; charset=UTF-8", "<p>h</p>"),
        (".svg", {"svg": "<svg/>"}, "image/svg+xml", "<svg/>"),
        (".text", {"text": "plain"}, "text/plain; charset=UTF-8", "plain"),
        (".text", {"body": {"a": 1}}, "text/plain; charset=UTF-8", '{\n  "a": 1\n}'),
        (".json", [1, 2], "application/json", "[\n  1,\n  2\n]"),
    ],
)
def test_each_extension_projects_and_types_the_result(engine, site, ext, result, ctype, text):
    r = shaped(engine, site, result, ext)
    assert (r.status_code, r.headers["Content-Type"], r.text) == (200, ctype, text)


@pytest.mark.parametrize(
    ("ext", "result", "status", "message"),
    [
        (".json", {"body": "x"}, 200, None),
        (".html", {"body": 5}, 400, "Response is not valid 'text/html'."),
        (".html", {"other": 1}, 400, "Response is not valid 'text/html'."),
        (".svg", {"body": ["x"]}, 400, "Response is not valid 'image/svg+xml'."),
        (".text", {"other": 1}, 404, "Response does not include requested property."),
        (".http", {"headers": "x"}, 400, "Response is not valid 'message/http'."),
        (".http", {"statusCode": "abc", "body": "x"}, 400, "Response is not valid 'message/http'."),
        (".http", {"headers": {"Content-Type": "???"}, "body": "x"}, 400,
         "Response did not specify a known content-type."),
        (".http", {"headers": {"Content-Type": "image/png"}, "body": "not base64!"}, 400,
         "Response type in header did not match generated content type."),
        (".http", {"headers": {"Content-Type": "text/html"}, "body": {"a": 1}}, 400,
         "Response type in header did not match generated content type."),
    ],
)  # fmt: skip
def test_results_the_extension_cannot_send_get_upstreams_errors(engine, site, ext, result, status, message):
    r = shaped(engine, site, result, ext)
    if message is None:
        assert r.status_code == status
    else:
        assert error(r, status) == message
        assert len(r.headers["x-openwhisk-activation-id"]) == 32


def test_json_needs_an_object_or_array_and_an_error_string_is_neither(engine, site):
    r = requests.get(url(engine, site["failer"], ".json"), params={"r": json.dumps("oops")})
    assert error(r, 400) == "Response is not valid 'application/json'."
    as_text = requests.get(url(engine, site["failer"], ".text"), params={"r": json.dumps("oops")})
    assert (as_text.status_code, as_text.text) == (200, "oops")


def test_http_status_headers_and_repeated_cookies(engine, site):
    result = {
        "statusCode": 201,
        "headers": {"X-A": 1, "X-B": True, "Set-Cookie": ["a=1", "b=2"]},
        "body": "ok",
    }
    r = shaped(engine, site, result)
    assert (r.status_code, r.text, r.headers["X-A"], r.headers["X-B"]) == (201, "ok", "1", "true")
    assert r.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_http_status_codes_in_strings_and_unknown_ones_pass(engine, site):
    assert shaped(engine, site, {"statusCode": "444", "body": "x"}).status_code == 444


def test_http_without_body_is_204_with_no_content_type(engine, site):
    r = shaped(engine, site, {"headers": {"Content-Type": "text/plain"}})
    assert (r.status_code, r.content) == (204, b"")
    assert "Content-Type" not in r.headers
    assert shaped(engine, site, {"statusCode": 302, "headers": {"Location": "/x"}}, allow_redirects=False
                  ).headers["Location"] == "/x"  # fmt: skip


def test_http_base64_body_under_a_binary_type_is_sent_as_bytes(engine, site):
    body = base64.b64encode(PNG).decode()
    r = shaped(engine, site, {"headers": {"Content-Type": "image/png"}, "body": body})
    assert (r.status_code, r.headers["Content-Type"], r.content) == (200, "image/png", PNG)


def test_http_json_bodies(engine, site):
    r = shaped(engine, site, {"body": {"a": [1]}})
    assert (r.headers["Content-Type"], r.json()) == ("application/json", {"a": [1]})
    legacy = shaped(engine, site, {"headers": {"Content-Type": "application/json"},
                                   "body": base64.b64encode(b'{"b": 2}').decode()})  # fmt: skip
    assert legacy.json() == {"b": 2}
    other = shaped(engine, site, {"headers": {"Content-Type": "application/ld+json"}, "body": {"c": 3}})
    assert (other.headers["Content-Type"], other.json()) == ("application/ld+json", {"c": 3})


def test_an_application_error_is_transcoded_from_its_error_field(engine, site):
    r = requests.get(
        url(engine, site["failer"], ".http"), params={"r": json.dumps({"statusCode": 418, "body": "tea"})}
    )
    assert (r.status_code, r.text) == (418, "tea")


def test_a_developer_error_is_400_with_the_activation_id(engine, ow: OwSession):
    name = unique("crash")
    deploy(ow, name, "def main(a):\n    return 5\n", annotations=web())  # not a dictionary
    r = requests.get(url(engine, name))
    assert error(r, 400) == "There was an error processing your request."
    record = ow.get(ow.ns(f"activations/{r.headers['x-openwhisk-activation-id']}")).json()
    assert record["response"]["status"] == "action developer error"


def test_accept_that_excludes_the_type_is_406(engine, site):
    r = shaped(engine, site, {"body": "<p/>"}, ".html", headers={"Accept": "application/json"})
    assert (
        error(r, 406)
        == "Resource representation is only available with these types:\ntext/html; charset=UTF-8"
    )
    assert shaped(engine, site, {"body": "<p/>"}, ".html", headers={"Accept": "text/*"}).status_code == 200


# 1.2 require-whisk-auth --------------------------------------------------------------------------------


def test_a_secret_must_match_the_header(engine, site):
    assert error(requests.get(url(engine, site["secret"])), 401) == AUTH_FAILED
    assert (
        requests.get(url(engine, site["secret"]), headers={"X-Require-Whisk-Auth": "wrong"}).status_code
        == 401
    )
    assert (
        requests.get(url(engine, site["secret"]), headers={"X-Require-Whisk-Auth": "s3cret"}).status_code
        == 200
    )
    assert requests.get(url(engine, site["num"]), headers={"X-Require-Whisk-Auth": "7337"}).status_code == 200


def test_true_wants_openwhisk_credentials_and_other_values_always_refuse(engine, ow: OwSession, site):
    assert requests.get(url(engine, site["creds"])).status_code == 401
    assert requests.get(url(engine, site["creds"]), auth=("nobody", "x")).status_code == 401
    assert requests.get(url(engine, site["creds"]), auth=ow.auth).json()["__ow_user"] == "guest"
    assert requests.get(url(engine, site["odd"]), auth=ow.auth).status_code == 401


# 1.6 CORS and OPTIONS ----------------------------------------------------------------------------------


def test_options_is_answered_with_cors_without_running_the_action_or_asking_auth(engine, site):
    r = requests.options(url(engine, site["secret"]), headers={"Access-Control-Request-Headers": "X-Custom"})
    assert (r.status_code, r.content) == (200, b"")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Allow-Methods"] == "OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH"
    assert r.headers["Access-Control-Allow-Headers"] == "X-Custom"
    assert "x-openwhisk-activation-id" not in r.headers


def test_every_reply_has_the_default_cors_headers_even_errors(engine, site):
    for r in (requests.get(url(engine, site["echo"])), requests.get(url(engine, site["secret"]))):
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert r.headers["Access-Control-Allow-Headers"].startswith("Authorization, Origin")


def test_custom_options_pass_options_to_the_action_with_no_cors(engine, site):
    result = {
        "headers": {"Access-Control-Allow-Origin": "https://app.example", "Allow": "GET"},
        "statusCode": 200,
    }
    r = requests.options(url(engine, site["custom"], ".http"), params={"r": json.dumps(result)})
    assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Access-Control-Allow-Methods" not in r.headers and "x-openwhisk-activation-id" in r.headers


def test_any_origin_may_call_a_web_action_but_not_the_rest_api(engine, ow: OwSession, site):
    evil = {"Origin": "https://evil.example"}
    assert requests.get(url(engine, site["echo"]), headers=evil).status_code == 200
    assert ow.get(ow.ns("actions"), headers=evil).status_code == 403
    foreign_host = requests.get(url(engine, site["echo"]), headers={"Host": "evil.example"})
    assert foreign_host.status_code == 403  # DNS rebinding stays refused on web routes too
