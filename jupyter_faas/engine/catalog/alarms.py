"""The ``/whisk.system/alarms`` feed actions (``alarm``, ``once``, ``interval``; openwhisk-package-alarms
``action/alarm.js``): one code for all three, as upstream's.

A feed action is what a client invokes with ``lifecycleEvent`` (CREATE, READ, UPDATE, DELETE) when it
creates, reads, updates or deletes a trigger with ``--feed``. It forwards the parameters (all but
``lifecycleEvent`` and ``apihost``) to the provider's web action ``whisk.system/alarmsWeb/alarmWebAction``
(served by the engine: ``engine/alarms.py``) as POST, GET, PUT or DELETE, and answers with its JSON body;
anything but 200 is an application error carrying that body. Standard library only.
"""

import json
import os
import urllib.error
import urllib.request

METHODS = {"CREATE": "POST", "READ": "GET", "UPDATE": "PUT", "DELETE": "DELETE"}


def main(args):
    event = args.get("lifecycleEvent")
    method = METHODS.get(event)
    if method is None:
        return {"error": "unsupported lifecycleEvent"}
    host = (args.get("apihost") or os.environ.get("__OW_API_HOST", "")).rstrip("/")
    if "://" not in host:
        host = "https://" + host
    body = {k: v for k, v in args.items() if k not in ("lifecycleEvent", "apihost")}
    if isinstance(body.get("triggerName"), str):  # /ns/name -> /<this activation's namespace>/name
        body["triggerName"] = f"/{os.environ.get('__OW_NAMESPACE', '_')}/{body['triggerName'].split('/')[-1]}"
    request = urllib.request.Request(
        f"{host}/api/v1/web/whisk.system/alarmsWeb/alarmWebAction.http",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read() or b"{}")
    except urllib.error.HTTPError as exc:
        text = exc.read()
        try:
            answer = json.loads(text)
        except ValueError:
            answer = text.decode(errors="replace") or str(exc)
        return {"error": answer}  # alarm.js rejects with the body: {"error": {"error": "..."}}
    except OSError as exc:
        return {"error": f"the alarms provider could not be reached: {exc}"}
