"""What a web action's generated ``__main__.py`` adds (``--web``): the method's parameters from the request.

A web action gets its request as OpenWhisk shapes it (contract part 2, 1.3): JSON body fields and form
fields and query parameters merged in (form and query values as text), a raw ``image/*`` body as base64
``__ow_body``, and with ``--web raw`` the query and body unparsed (``__ow_query``, ``__ow_body``). The
generated ``_web_params`` turns all of these into the method's keyword arguments:

* JSON fields as they are; form and query text that reads as a number or a boolean as that value
  (``margin=0.2`` -> ``0.2``, ``return_image=true`` -> ``True``), other text as it is;
* a raw ``image/*`` body as the image parameter (the first named ``image``, ``img``, ``photo`` or
  ``picture``, or ending in ``_image``), when the request does not name it otherwise;
* ``--web raw``: the query and a JSON or form body parsed first, the same way.

Errors become ``{"error": {"statusCode": 400, "body": {"error": message}}}``: a ``.http`` call answers
400 with a JSON body, a ``.json`` call shows the whole object. What this module does not own: the rest of
the file (``codegen.py``).
"""

from __future__ import annotations

from .capture import MethodSignature

__all__ = ["image_parameter", "web_helpers"]

_IMAGE_NAMES = ("image", "img", "photo", "picture")


def image_parameter(method: MethodSignature) -> str | None:
    """The parameter a raw image body goes to, if the method has one (a dict-style method: ``image``)."""
    for name in method.params:
        if name in _IMAGE_NAMES or name.endswith("_image"):
            return name
    return None


_HELPERS = '''
_IMAGE_PARAM = {image}  # where a raw image/* request body goes
_SCALAR = _re.compile(r"^(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false)$")


def _scalar(value):
    """Form and query values are text: those that read as a number or a boolean become one."""
    if isinstance(value, str) and _SCALAR.match(value):
        return _json.loads(value)
    return value


def _web_params(args):
    """The method's parameters from a web request: JSON, form and query fields, a raw image body."""
    params = {{k: v for k, v in args.items() if not k.startswith("__ow_")}}
    headers = args.get("__ow_headers") or {{}}
    ctype = str(headers.get("content-type", "")).split(";")[0].strip().lower()
    body = args.get("__ow_body")
    if "__ow_query" in args:  # --web raw: the query and the body arrive unparsed
        params.update(_urlparse.parse_qsl(args.get("__ow_query") or "", keep_blank_values=True))
        if isinstance(body, str) and body and ctype == "application/json":
            decoded = _json.loads(_base64.b64decode(body))
            params.update(decoded if isinstance(decoded, dict) else {{}})
        elif isinstance(body, str) and ctype == "application/x-www-form-urlencoded":
            params.update(_urlparse.parse_qsl(body, keep_blank_values=True))
    if ctype != "application/json":
        params = {{k: _scalar(v) for k, v in params.items()}}
    if _IMAGE_PARAM and ctype.startswith("image/") and isinstance(body, str) and body:
        params.setdefault(_IMAGE_PARAM, body)
    return params


def _web_error(message):
    """An error as a web answer: 400 with a JSON body under .http, the whole object under .json."""
    headers = {{"Content-Type": "application/json"}}
    return {{"error": {{"statusCode": 400, "headers": headers, "body": {{"error": message}}}}}}
'''


def web_helpers(method: MethodSignature, named: bool) -> str:
    """The helper functions, with the image parameter of ``method`` (``image`` for a dict-style one)."""
    name = image_parameter(method) if named else "image"
    return _HELPERS.format(image=f'"{name}"' if name else "None")  # a parameter name: an identifier
