"""The notebook renderings (``jupyter_faas.display``): pure HTML strings and text, no IPython.

Records here are shaped as the engine returns them (the same fields, made by a real invoke where it
matters: see test_magics_invoke.py); these tests pin what each rendering must show and escape."""

from __future__ import annotations

import base64
import subprocess
import sys

from jupyter_faas.display import ActionList, Activation, ActivationList, Logs
from jupyter_faas.display.html import image_mime, json_html, json_text, ms

JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(200)).decode()


def record(**response: object) -> dict[str, object]:
    return {
        "activationId": "a" * 32,
        "name": "crop",
        "version": "0.0.2",
        "start": 1000,
        "end": 1250,
        "duration": 250,
        "response": {"status": "success", "success": True, "result": {"ok": 1}, **response},
        "logs": [],
        "annotations": [
            {"key": "path", "value": "guest/crop"},
            {"key": "waitTime", "value": 7},
            {"key": "initTime", "value": 200},
        ],
    }


def test_display_imports_no_jupyter() -> None:
    code = (
        "import jupyter_faas.display, sys; print([m for m in ('IPython', 'ipywidgets') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_a_cold_activation_shows_badges_times_and_result() -> None:
    act = Activation(record())
    assert act.cold and act.init_ms == 200 and act.run_ms == 50 and act.wait_ms == 7 and act.success
    html = act._repr_html_()
    assert ">cold</span>" in html and ">success</span>" in html and "250 ms" in html and "200 ms" in html
    assert "50.0 ms" in html and "0.0.2" in html
    text = repr(act)
    assert "start     cold" in text and "init      200 ms" in text and '"ok": 1' in text


def test_a_failed_activation_shows_its_error() -> None:
    act = Activation(record(status="application error", success=False, result={"error": "no person found"}))
    assert act.error == "no person found" and act.success is False
    assert "#cf222e" in act._repr_html_() and "no person found" in act._repr_html_()


def test_results_are_escaped() -> None:
    act = Activation(record(result={"html": "<script>alert(1)</script>"}))
    assert "<script>" not in act._repr_html_() and "&lt;script&gt;" in act._repr_html_()


def test_images_in_results_become_img_tags_and_short_text() -> None:
    value = {
        "crop": JPEG,
        "thumb": "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(80)).decode(),
    }
    assert image_mime(JPEG) == ("image/jpeg", JPEG)
    assert image_mime("just text " * 20) is None and image_mime("abc") is None
    html = json_html(value)
    assert html.count("<img ") == 2 and 'src="data:image/jpeg;base64,' in html and "image/png" in html
    assert JPEG not in json_text(value) and "<image/jpeg, 204 bytes>" in json_text(value)
    long = json_text({"text": "x" * 1000})
    assert "(1,000 chars)" in long and len(long) < 300


def test_lists_render_as_tables() -> None:
    listing = ActivationList.of([record(), {**record(), "activationId": "b" * 32, "annotations": []}])
    html = listing._repr_html_()
    assert html.count("<tr>") == 3 and ">cold</span>" in html and ">warm</span>" in html
    assert repr(listing).splitlines()[0].startswith("activation id") and "b" * 32 in repr(listing)
    assert repr(ActivationList()) == "No activations." and repr(ActionList()) == "No actions."
    exec_kind = [{"key": "exec", "value": "python:3.11"}]
    summary = {"namespace": "guest", "name": "crop", "version": "0.0.3", "limits": {"memory": 256}}
    actions = ActionList([{**summary, "annotations": exec_kind}])
    assert "guest/crop" in repr(actions) and "256 MB" in actions._repr_html_()
    assert "No logs" in repr(Logs("c" * 32, [])) and "&lt;b&gt;" in Logs("c" * 32, ["<b>"])._repr_html_()


def test_durations() -> None:
    assert [ms(None), ms(3.21), ms(250), ms(1500)] == ["-", "3.2 ms", "250 ms", "1.50 s"]
