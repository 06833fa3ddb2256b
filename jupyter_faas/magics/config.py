"""``%faas_config``: show or set where the magics send their calls (the key is always masked).

``--show`` (the default) prints the resolved settings and the source of each, without starting anything;
``--apihost/--auth/--namespace/--insecure`` set them for this kernel (over ``__OW_*`` and ``~/.wskprops``);
``--local`` uses the embedded engine whatever else is configured. The state lives in ``Session``.
"""

from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..config import describe_embedded, resolve
from ..display import ConfigView
from ..errors import NotConfigured
from .params import parse_line
from .session import Session, faas_errors

__all__ = ["ConfigMagics"]


@magics_class
class ConfigMagics(Magics):
    @line_magic
    @magic_arguments()
    @argument("--apihost", metavar="URL", help="OpenWhisk API host, e.g. https://host or 127.0.0.1:3233")
    @argument("--auth", metavar="KEY", help="key uuid:key (never shown; prefer ~/.wskprops or __OW_API_KEY)")
    @argument("--namespace", metavar="NS", help="namespace (default: the key's own, _)")
    @argument("--insecure", action="store_true", default=None, help="do not verify TLS certificates")
    @argument("--local", action="store_true", help="use the embedded engine (started if needed)")
    @argument("--show", action="store_true", help="show the settings and their sources (the default)")
    @faas_errors
    def faas_config(self, line: str) -> ConfigView:
        """Show or set the OpenWhisk the %faas_* magics use."""
        args = parse_line(self.faas_config, line)
        session = Session.of(self.shell)
        settings = {
            "apihost": args.apihost,
            "auth": args.auth,
            "namespace": args.namespace,
            "insecure": args.insecure,
        }
        given = {k: v for k, v in settings.items() if v is not None}
        if args.local and (args.apihost or args.auth):
            raise UsageError("--local uses the embedded engine: give either --local or --apihost/--auth.")
        if args.show and (given or args.local):
            raise UsageError(
                "--show only shows: run it without --apihost/--auth/--namespace/--insecure/--local."
            )
        if given or args.local:
            session.configure(local=args.local, **given)
            note = "Set for this kernel."
            if args.auth:
                note += (
                    " The key is shown masked, but it is in this cell's source and the kernel's history: "
                    "prefer AUTH in ~/.wskprops or __OW_API_KEY, and clear this cell before sharing."
                )
            return ConfigView(session.config.describe(), note)
        return self._show(session)

    def _show(self, session: Session) -> ConfigView:
        if session._config is not None:
            return ConfigView(session.config.describe())
        try:
            return ConfigView(resolve(**session.overrides, start_engine=False).describe())
        except NotConfigured:
            if session.local:
                raise
        rows = describe_embedded(**session.overrides)
        return ConfigView(rows, "Nothing configured: the first %faas_* call starts the embedded engine.")
