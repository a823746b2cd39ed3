"""Who may open which app: the roles each app needs, and what a refused person is
told. Free of Voilà: the server's gate (widgets.sign_in) asks these rules.

Every signed-in role may train; meet-up capture is for facilitators; the
dashboard (and its exports) for managers. Administrators manage accounts, and
see an app only if they also hold its role: least privilege.
"""

from __future__ import annotations

from ..accounts import ROLES, Account

APP_ROLES: dict[str, frozenset[str]] = {
    "training": frozenset(ROLES),
    "meetup": frozenset({"facilitator"}),
    "dashboard": frozenset({"manager"}),
}
APP_NAMES = {"training": "Training scenarios", "meetup": "Meet-up capture",
             "dashboard": "Manager dashboard"}


def may_open(account: Account, app: str) -> bool:
    """Whether ``account`` may open ``app`` (an unknown app: nobody may)."""
    return not account.disabled and bool(APP_ROLES.get(app, frozenset()) & set(account.roles))


def apps_for(account: Account) -> list[str]:
    """The apps this person may open, in the landing page's order."""
    return [app for app in APP_ROLES if may_open(account, app)]


def refusal(account: Account, app: str) -> str:
    """Why the page is refused and how to ask for access, in plain words.

    >>> from datetime import datetime
    >>> sam = Account("1", "sam", "Sam", None, ("learner",), False, True, datetime.now())
    >>> print(refusal(sam, "dashboard")[:80])
    The Manager dashboard is for people with the manager role; your account (sam) ha
    """
    needed = " or ".join(sorted(APP_ROLES.get(app, ())))
    yours = ", ".join(account.roles) or "no"
    name = APP_NAMES.get(app, "page")
    return (f"The {name} is for people with the {needed} role; your account "
            f"({account.name}) has the {yours} role{'s' if len(account.roles) > 1 else ''}. "
            "If you need it, ask whoever manages casebook accounts for your library service "
            "to add the role to your account.")
