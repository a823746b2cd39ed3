"""Sign-in for `casebook serve`, through Jupyter Server's own extension point.

:class:`CasebookIdentity` is the ``IdentityProvider`` Voilà is given
(``--Voila.identity_provider_class``). With sign-in required (``required``: any
account exists, or the server listens beyond this machine), a person is who their
signed session cookie says, re-read from the casebook on every request, so a
disabled or reset account is out at once. Without it, everyone is the one local
user, as a staff PC has always worked.

The pages (sign in, sign out, set a password with a one-time link) are the
project's own, offline, with XSRF checks kept on. A failed sign-in waits a little
longer each time (:func:`casebook.accounts.delay_after`) without holding up
anyone else, and five in a row lock the account for a while.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import jinja2
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Bool, Int

from casebook.accounts import (
    SignInRefused,
    account_by_id,
    delay_after,
    failed_sign_ins,
    set_password_with_link,
    sign_in,
)
from casebook.audit import log_event
from casebook.errors import CasebookError
from casebook.serving.access import may_open, refusal
from casebook.serving.plan import TEMPLATE, template_root
from casebook.store import open_casebook

COOKIE = "casebook-session"
LOCAL = User(username="this-pc", name="This PC")
# The project's template folder, where an installed copy has it too.
PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(template_root() / "voila" / "templates" / TEMPLATE),
    autoescape=True)


class CasebookIdentity(IdentityProvider):
    """Who a request is from: the account in its session cookie, or the local user."""

    required = Bool(False, help="Sign-in required (accounts exist, or the server is "
                                "reachable from the network).").tag(config=True)
    session_hours = Int(8, help="Hours a sign-in lasts.").tag(config=True)

    _casebook = None

    @property
    def casebook(self):
        if self._casebook is None:
            self._casebook = open_casebook(os.environ.get("CASEBOOK_DB"), upgrade=False)
        return self._casebook

    @property
    def auth_enabled(self) -> bool:
        return self.required

    @property
    def login_available(self) -> bool:
        return self.required

    def account_of(self, handler: web.RequestHandler):
        """The signed-in account of this request, or None (no cookie, expired, gone,
        switched off). Read once per request: the page gate asks again."""
        if not hasattr(handler, "_casebook_account"):
            handler._casebook_account = self._read_account(handler)
        return handler._casebook_account

    def _read_account(self, handler: web.RequestHandler):
        raw = handler.get_secure_cookie(COOKIE, max_age_days=self.session_hours / 24 + 1)
        if not raw:
            return None
        try:
            session = json.loads(raw)
            account_id, signed_at = session["id"], float(session["at"])
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - signed_at > self.session_hours * 3600:
            return None
        account = account_by_id(self.casebook, account_id)
        return None if account is None or account.disabled else account

    async def get_user(self, handler: web.RequestHandler) -> User | None:
        if not self.required:
            return LOCAL
        account = await asyncio.get_running_loop().run_in_executor(
            None, self.account_of, handler)
        if account is None:
            return None
        return User(username=account.name, name=account.display_name)

    async def refusal(self, handler: web.RequestHandler, path: str | None) -> str | None:
        """The page to show instead of the app at ``path``, if this person may not
        open it; None if they may."""
        if not self.required:
            return None
        app = Path(path or "").stem
        account = await asyncio.get_running_loop().run_in_executor(
            None, self.account_of, handler)
        if account is not None and may_open(account, app):
            return None
        if account is not None:
            await asyncio.get_running_loop().run_in_executor(
                None, log_event, self.casebook, account.name, "page refused", {"app": app})
        why = refusal(account, app) if account else "Sign in again to open this page."
        return refused_page(handler.base_url, "You cannot open this page", why)

    def start_session(self, handler: web.RequestHandler, account) -> None:
        handler.set_secure_cookie(
            COOKIE, json.dumps({"id": account.id, "at": time.time()}),
            expires_days=None, httponly=True, samesite="Lax",
            secure=handler.request.protocol == "https",
            path=handler.base_url)

    def get_handlers(self) -> list[tuple[str, object]]:
        # Voilà mounts these without its base URL, and sends people to base_url/login.
        base = self.parent.base_url if self.parent is not None else "/"
        return [(url_path_join(base, path), page) for path, page in (
            ("/login", SignInPage), ("/logout", SignOutPage),
            ("/casebook/set-password", SetPasswordPage))]


class _Page(JupyterHandler):
    """One of the sign-in pages: the project's own template, and its own error page
    (Jupyter's needs static files Voilà does not serve)."""

    def page(self, template: str, status: int = 200, **values) -> None:
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(PAGES.get_template(template).render(
            base_url=self.base_url, xsrf=self.xsrf_form_html(), **values))

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish(PAGES.get_template("refused.html").render(
            base_url=self.base_url, title="Something went wrong",
            message=f"The server could not do that ({status_code}). Go back and try again."))

    def next_page(self) -> str:
        wanted = self.get_argument("next", default=self.base_url)
        # Only somewhere on this server: never a link elsewhere (an open redirect).
        if not wanted.startswith(self.base_url) or wanted.startswith("//") or "\\" in wanted:
            return self.base_url
        return wanted


class SignInPage(_Page):
    @allow_unauthenticated
    def get(self) -> None:
        self.page("sign-in.html", next=self.next_page(), name="", message="")

    @allow_unauthenticated
    async def post(self) -> None:
        identity: CasebookIdentity = self.identity_provider
        name = self.get_body_argument("name", default="").strip()
        password = self.get_body_argument("password", default="")
        loop = asyncio.get_running_loop()
        try:
            account = await loop.run_in_executor(None, sign_in, identity.casebook, name,
                                                 password)
        except SignInRefused as refused:
            failures = await loop.run_in_executor(None, failed_sign_ins, identity.casebook,
                                                  name)
            await asyncio.sleep(delay_after(max(failures, 1)))  # others are served meanwhile
            self.page("sign-in.html", status=403, next=self.next_page(), name=name,
                      message=str(refused))
            return
        identity.start_session(self, account)
        self.redirect(self.next_page())


class SignOutPage(_Page):
    @allow_unauthenticated
    def get(self) -> None:
        self.clear_cookie(COOKIE, path=self.base_url)
        self.page("signed-out.html")


class SetPasswordPage(_Page):
    @allow_unauthenticated
    def get(self) -> None:
        self.page("set-password.html", link=self.get_argument("link", default=""), message="")

    @allow_unauthenticated
    async def post(self) -> None:
        identity: CasebookIdentity = self.identity_provider
        link = self.get_body_argument("link", default="")
        password = self.get_body_argument("password", default="")
        again = self.get_body_argument("again", default="")
        if password != again:
            self.page("set-password.html", status=400, link=link,
                      message="The two passwords are not the same. Type them again.")
            return
        try:
            account = await asyncio.get_running_loop().run_in_executor(
                None, set_password_with_link, identity.casebook, link, password)
        except CasebookError as refused:  # too short, used or expired link
            self.page("set-password.html", status=400, link=link, message=str(refused))
            return
        identity.start_session(self, account)
        self.redirect(self.base_url)


def refused_page(base_url: str, title: str, message: str) -> str:
    """The page shown instead of an app a person may not open."""
    return PAGES.get_template("refused.html").render(base_url=base_url, title=title,
                                                     message=message)

