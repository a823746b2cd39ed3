"""Words explained where a scenario first uses them: a closed disclosure under the
node's text for each glossary term met there for the first time in this play.

A ``<details>`` disclosure opens with Enter or Space and is announced as a
collapsed or expanded button by screen readers, with no script.

>>> from casebook.training.glossary import Term
>>> question(Term("one-time code", "A code."))
'What is a one-time code?'
"""

from __future__ import annotations

import html

from casebook.training.glossary import Term, terms_in
from casebook.training.play import Play


def question(term: Term) -> str:
    """The disclosure's summary, as a learner would ask it."""
    name = term.term
    first, last = name[0], name.split()[-1]
    if first.isdigit() or first.isupper() or name.endswith("ing"):
        # Names (Report Fraud, 159) and activities (phishing) take no "a".
        article = "the " if last in ("App", "journal") else ""
    else:
        # By sound: "a one-time code", "a user", "an app".
        article = "an " if first in "aeio" and not name.startswith("one") else "a "
    return f"What is {article}{name}?"


def new_terms(play: Play) -> list[Term]:
    """The terms the current node's text uses that no earlier node on the way here did."""
    earlier = " \n".join(play.scenario.node(step.node_id).text for step in play.path())
    seen = {t.term for t in terms_in(earlier)} if earlier else set()
    return [t for t in terms_in(play.node.text) if t.term not in seen]


def glossary_html(terms: list[Term]) -> str:
    if not terms:
        return ""
    notes = "".join(f"<details><summary>{html.escape(question(t))}</summary>"
                    f"<p>{html.escape(t.definition)}</p></details>" for t in terms)
    return f'<div class="cb-glossary">{notes}</div>'
