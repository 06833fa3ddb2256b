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


def test_steps_are_worded_by_each_front_end():
    from jupyter_faas.errors import COMMANDS, Step
    from jupyter_faas.magics.session import NOTEBOOK

    exc = NotFound(
        "No such activation.",
        fix="Read its logs: {0}, or list them all: {1}. Keep {braces} as they are.",
        steps=(Step("activation.logs", ("a" * 32,)), Step("engine.stop", ("--data-dir", "/d"))),
    )
    assert exc.fix == (
        f"Read its logs: `jupyter-faas activation logs {'a' * 32}`, "
        "or list them all: `jupyter-faas engine --stop --data-dir /d`. Keep {braces} as they are."
    )
    assert str(exc) == exc.text(COMMANDS) == f"No such activation.\n{exc.fix}"
    # In a notebook: the magic where there is one, the command as a shell escape where there is not.
    assert exc.fix_in(NOTEBOOK) == (
        f"Read its logs: `%faas_logs {'a' * 32}`, "
        "or list them all: `!jupyter-faas engine --stop --data-dir /d`. Keep {braces} as they are."
    )
    assert set(NOTEBOOK) == set(COMMANDS)
    # A fix without steps is text as written, braces included.
    assert FaasError("x", fix='Send {"image": 1}.').fix == 'Send {"image": 1}.'


def test_an_unknown_step_is_refused_where_it_is_written():
    import pytest

    from jupyter_faas.errors import Step

    with pytest.raises(ValueError, match=r"unknown step 'activation\.show'"):
        Step("activation.show", ("x",))
