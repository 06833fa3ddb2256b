"""Upstream's words for what happens to an activation, verbatim (OpenWhisk ``Messages.scala``, the Go action
proxy, the Python launcher), so a local run fails with exactly the message a real deployment gives.

What this module does not own: when each applies (``container.py``, ``pool.py``).
"""

from __future__ import annotations

__all__ = [
    "ABNORMAL_INIT",
    "ABNORMAL_RUN",
    "COMMAND_EXITED",
    "COMPILE_FAILED",
    "LOG_WARNING_DEVELOPER_ERROR",
    "MEMORY_EXHAUSTED",
    "NOT_DICT_OR_ARRAY",
    "NO_CODE",
    "RESOURCE_PROVISION_ERROR",
    "SENTINEL",
    "START_FAILED",
    "image_pull_error",
    "invalid_run_response",
    "timed_out",
    "truncated_logs",
    "truncated_response",
]

SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX"
ABNORMAL_INIT = "The action did not initialize and exited unexpectedly."
ABNORMAL_RUN = "The action did not produce a valid response and exited unexpectedly."
MEMORY_EXHAUSTED = "The action exhausted its memory and was aborted."
# the Go action proxy's answer (502) when the launcher's result is not a JSON object or array
NOT_DICT_OR_ARRAY = "The action did not return a dictionary or array."
LOG_WARNING_DEVELOPER_ERROR = "The action did not initialize or run as expected. Log data might be missing."
# the Go action proxy's init answers with OW_LOG_INIT_ERROR set (as in the python images); details go to logs
COMPILE_FAILED = "The action failed to generate or locate a binary. See logs for details."
START_FAILED = "Cannot start action. Check logs for details."
NO_CODE = "Missing main/no code to execute."
# the Go action proxy's run answer (400) when the action's process ended (sys.exit) while running
COMMAND_EXITED = "command exited"
RESOURCE_PROVISION_ERROR = "Failed to provision resources to run the action."


def timed_out(timeout_ms: int, init: bool) -> str:
    return f"The action exceeded its time limits of {timeout_ms} milliseconds" + (
        " during initialization." if init else "."
    )


def truncated_logs(limit_bytes: int) -> str:
    return f"Logs were truncated because the total bytes size exceeds the limit of {limit_bytes} bytes."


def truncated_response(trunk: str, length: int, max_length: int) -> str:
    return (
        f"The action produced a response that exceeded the allowed length: {length} > {max_length} bytes."
        f" The truncated response was: {trunk}"
    )


def invalid_run_response(text: str) -> str:
    return "The action did not produce a valid JSON response" + (f": {text}" if text else ".")


def image_pull_error(image: str) -> str:
    return f"Failed to pull container image '{image}'."
