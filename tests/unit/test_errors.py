from jupyter_faas.errors import (
    ActivationFailed,
    FaasError,
    NotFound,
    OpenWhiskError,
    ServerError,
    error_for_status,
)


def test_status_maps_to_class_and_back():
    assert error_for_status(404) is NotFound
    assert error_for_status(502) is ActivationFailed
    assert error_for_status(418) is ServerError
    for status in (400, 401, 403, 404, 409, 413, 415, 429, 502):
        assert error_for_status(status).status == status


def test_message_carries_fix_and_activation():
    exc = NotFound(
        "The requested resource does not exist.", fix="List actions with `jupyter-faas action list`."
    )
    assert isinstance(exc, OpenWhiskError) and isinstance(exc, FaasError)
    assert str(exc).splitlines() == [
        "The requested resource does not exist.",
        "List actions with `jupyter-faas action list`.",
    ]
    timed = FaasError("still running", activation_id="a" * 32)
    assert "a" * 32 in str(timed)
