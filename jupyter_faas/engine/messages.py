"""OpenWhisk's own error messages, word for word, as the embedded engine answers them.

Each text is copied from the upstream source named beside it (apache/openwhisk: ``ErrorResponse.scala`` holds
``Messages``; the routes' rejections come from pekko-http's default ``RejectionHandler``, which the controller
wraps into ``{error, code}``). Clients match on some of these strings, so they are not ours to reword.

What this module does not own: when a message is used (the API modules) and how it reaches the wire
(``routes.py`` turns a ``FaasError`` into ``{error, code}`` once).
"""

from __future__ import annotations

__all__ = [
    "ABNORMAL_INIT",
    "ABNORMAL_RUN",
    "AUTH_INVALID",
    "AUTH_MISSING",
    "AUTH_REALM",
    "BINDING_CANNOT_REFERENCE_BINDING",
    "BINDING_DOES_NOT_EXIST",
    "COMPOSITION_FAILED",
    "COMPOSITION_TOO_LONG",
    "DOCS_WITH_COUNT",
    "ENTITY_NAME_ILLEGAL",
    "EXEC_UNDEFINED",
    "MEMORY_EXHAUSTED",
    "NAMESPACE_ILLEGAL",
    "NOT_ALLOWED_ON_BINDING",
    "PACKAGE_CANNOT_BECOME_BINDING",
    "RESOURCE_EXISTS",
    "RESOURCE_NOT_FOUND",
    "ROUTE_NOT_FOUND",
    "RULE_NEEDS_TRIGGER_AND_ACTION",
    "RULE_TRIGGER_MISSING",
    "SEQUENCE_COMPONENT_NOT_FOUND",
    "SEQUENCE_FAILED",
    "SEQUENCE_IS_CYCLIC",
    "SEQUENCE_IS_TOO_LONG",
    "SEQUENCE_NO_COMPONENT",
    "activation_id_length",
    "argument_not_integer",
    "bad_epoch",
    "bad_name_filter",
    "composition_bad_name",
    "composition_not_entitled",
    "composition_not_found",
    "composition_retrieve_timeout",
    "duration_above",
    "duration_below",
    "entity_too_big",
    "invalid_runtime",
    "invalid_timeout",
    "list_limit_out_of_range",
    "list_skip_out_of_range",
    "malformed_content",
    "malformed_query_param",
    "method_not_allowed",
    "name_too_long",
    "not_authorized",
    "package_not_empty",
    "rule_state_unknown",
    "sequence_retrieve_timeout",
    "size_above",
    "size_below",
    "too_many_concurrent",
    "trigger_with_inactive_rule",
    "unsupported_content_type",
]

# pekko-http RejectionHandler.default (AuthenticationFailedRejection);
# the realm is from BasicAuthenticationDirective.scala
AUTH_MISSING = "The resource requires authentication, which was not supplied with the request"
AUTH_INVALID = "The supplied authentication is invalid"
AUTH_REALM = 'Basic realm="OpenWhisk secure realm"'

# ErrorResponse.scala (Messages)
RESOURCE_NOT_FOUND = "The requested resource does not exist."
ENTITY_NAME_ILLEGAL = "The name of the entity contains illegal characters."
NAMESPACE_ILLEGAL = "The namespace contains illegal characters."
DOCS_WITH_COUNT = "The parameter 'docs' is not permitted with 'count'."
ABNORMAL_INIT = "The action did not initialize and exited unexpectedly."
ABNORMAL_RUN = "The action did not produce a valid response and exited unexpectedly."
MEMORY_EXHAUSTED = "The action exhausted its memory and was aborted."
# ErrorResponse.scala (Messages): sequences
SEQUENCE_IS_TOO_LONG = "Too many actions in the sequence."
SEQUENCE_NO_COMPONENT = "No component specified for the sequence."
SEQUENCE_IS_CYCLIC = "Sequence may not refer to itself."
SEQUENCE_COMPONENT_NOT_FOUND = "Sequence component does not exist."
SEQUENCE_FAILED = "Sequence failed."  # Messages.sequenceActivationFailure
# ErrorResponse.scala (Messages): compositions (conductor actions)
COMPOSITION_TOO_LONG = "Too many actions in the composition."
COMPOSITION_FAILED = "Activation failure during composition."
# ErrorResponse.scala (Messages): packages
BINDING_DOES_NOT_EXIST = "Binding references a package that does not exist."
PACKAGE_CANNOT_BECOME_BINDING = "Resource is a package and cannot be converted into a binding."
BINDING_CANNOT_REFERENCE_BINDING = "Cannot bind to another package binding."
NOT_ALLOWED_ON_BINDING = "Operation not permitted on package binding."
# Rules.scala
RULE_NEEDS_TRIGGER_AND_ACTION = "rule requires a valid trigger and a valid action"
RULE_TRIGGER_MISSING = "Only rules with existing triggers can be activated"
# Actions.scala make(): the action has no exec on create
EXEC_UNDEFINED = "exec undefined"
# WhiskStore / putEntity: the document exists and overwrite is false (DocumentConflictException)
RESOURCE_EXISTS = "resource already exists"
# pekko-http RejectionHandler.default: no route matched
ROUTE_NOT_FOUND = "The requested resource could not be found."


def not_authorized(value: str) -> str:  # Messages.notAuthorizedtoAccessResource
    return f"The supplied authentication is not authorized to access '{value}'."


def sequence_retrieve_timeout(activation_id: str) -> str:  # Messages.sequenceRetrieveActivationTimeout
    return f"Timeout reached when retrieving activation {activation_id} for sequence component."


def composition_retrieve_timeout(activation_id: str) -> str:  # Messages.compositionActivationTimeout
    return f"Timeout reached when retrieving activation {activation_id} during composition."


def composition_bad_name(value_json: str) -> str:  # Messages.compositionComponentInvalid
    return f"Failed to parse action name from json value {value_json} during composition."


def composition_not_entitled(fqn: str) -> str:  # Messages.compositionComponentNotAccessible
    return f"Failed entitlement check for action with name '{fqn}' during composition."


def composition_not_found(fqn: str) -> str:  # Messages.compositionComponentNotFound
    return f"Failed to resolve action with name '{fqn}' during composition."


def trigger_with_inactive_rule(rule: str, action: str) -> str:  # Messages.triggerWithInactiveRule
    return f"Rule '{rule}' is inactive, action '{action}' was not activated."


def rule_state_unknown(status: str) -> str:  # Status.serdesRestricted
    return f"'{status}' is not a recognized rule state, must be one of ['active', 'inactive']"


def package_not_empty(n: int) -> str:  # Packages.scala remove()
    what = "entity" if n == 1 else "entities"
    return f"Package not empty (contains {n} {what}). Set force param or delete package contents."


def too_many_concurrent(count: int, allowed: int) -> str:  # Messages.tooManyConcurrentRequests
    return f"Too many concurrent requests in flight (count: {count}, allowed: {allowed})."


def name_too_long(field: str, length: int, allowed: int) -> str:  # Messages.entityNameTooLong
    return f"{field} longer than allowed: {length} > {allowed}."


def entity_too_big(field: str, size: int, allowed: int) -> str:  # Messages.entityTooBig
    return f"{field} larger than allowed: {size} > {allowed} bytes."


def activation_id_length(length: int) -> str:  # Messages.activationIdLengthError (ActivationId.parse)
    return f"Activation id length is {length} but must be 32."


def invalid_timeout(max_ms: int) -> str:  # Messages.invalidTimeout
    return f"Timeout must be number of milliseconds up to {max_ms}."


def invalid_runtime(kind: str, runtimes: list[str]) -> str:  # Messages.invalidRuntimeError
    listed = "', '".join(runtimes)
    return f"The specified runtime '{kind}' is not supported by this platform. Valid values are: '{listed}'."


def size_above(field: str, value: int, allowed: int) -> str:  # Messages.sizeExceedsAllowedThreshold
    return f"{field} size {value} MB exceeds allowed threshold of {allowed} MB"


def size_below(field: str, value: int, allowed: int) -> str:  # Messages.sizeBelowAllowedThreshold
    return f"{field} size {value} MB below allowed threshold of {allowed} MB"


def duration_above(field: str, value: int, allowed: int) -> str:  # Messages.durationExceedsAllowedThreshold
    return f"{field} {value} milliseconds exceeds allowed threshold of {allowed} milliseconds"


def duration_below(field: str, value: int, allowed: int) -> str:  # Messages.durationBelowAllowedThreshold
    return f"{field} {value} milliseconds below allowed threshold of {allowed} milliseconds"


def list_limit_out_of_range(
    collection: str, value: int, max_value: int
) -> str:  # Messages.listLimitOutOfRange
    return f"The value '{value}' is not in the range of 0 to {max_value} for {collection}."


def list_skip_out_of_range(collection: str, value: int) -> str:  # Messages.listSkipOutOfRange
    return f"The value '{value}' is not greater than or equal to 0 for {collection}."


def argument_not_integer(collection: str, value: str) -> str:  # Messages.argumentNotInteger
    return f"The value '{value}' is not an integer for {collection}."


def bad_name_filter(value: str) -> str:  # Messages.badNameFilter
    return f"Parameter may be a 'simple' name or 'package-name/simple' name: {value}"


def bad_epoch(value: str) -> str:  # Messages.badEpoch
    return f"Parameter is not a valid value for epoch seconds: {value}"


# pekko-http RejectionHandler.default, wrapped by BasicHttpService.customRejectionHandler
def malformed_query_param(name: str, detail: str) -> str:  # MalformedQueryParamRejection
    return f"The query parameter '{name}' was malformed:\n{detail}"


def malformed_content(detail: str) -> str:  # MalformedRequestContentRejection
    return f"The request content was malformed:\n{detail}"


def unsupported_content_type(content_type: str) -> str:  # UnsupportedRequestContentTypeRejection
    return f"The request's Content-Type [{content_type}] is not supported. Expected:\napplication/json"


def method_not_allowed(methods: list[str]) -> str:  # MethodRejection
    return "HTTP method not allowed, supported methods: " + ", ".join(methods)
