"""Find English handed to a user-facing sink in Python without going through gettext.

Walks the AST of every module of the project (not tests, not migrations) and looks at the calls
whose text reaches a person: the service errors (``ValidationFailed(...)`` and its kin, with
their ``fields={...}``), Django's ``PermissionDenied``/``ValidationError``, ``messages.*(...)``,
``form.add_error(...)``, ``HttpResponse*`` bodies, ninja's ``HttpError``, and email subjects and
bodies. A plain string literal (or an f-string) there is a message that escapes translation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Calls whose first positional argument (or ``message=``) is shown to the user.
MESSAGE_SINKS = frozenset(
    {
        "ServiceError",
        "ValidationFailed",
        "NotFound",
        "Forbidden",
        "Conflict",
        "VersionRequired",
        "PermissionDenied",
        "ValidationError",
        "Http404",
        "HttpResponse",
        "HttpResponseBadRequest",
        "HttpResponseForbidden",
        "HttpResponseNotFound",
        "error_payload",
        "_error",
        "HttpError",
        "send_mail",
        "EmailMessage",
        "EmailMultiAlternatives",
    }
)
#: Where the shown text sits among a sink's positional arguments when it is not the first.
MESSAGE_ARGUMENTS = {
    "error_payload": (1,),  # (code, message)
    "_error": (3,),  # (request, status, code, message)
    "HttpError": (1,),  # (status, message)
    "send_mail": (0, 1),  # (subject, body, ...)
    "EmailMessage": (0, 1),
    "EmailMultiAlternatives": (0, 1),
}
#: ``messages.success(request, text)`` and friends: the text is the second argument.
MESSAGE_FUNCTIONS = frozenset({"debug", "info", "success", "warning", "error", "add_message"})
#: Calls whose keyword arguments of these names are shown: an email's subject and body.
TEXT_KEYWORDS = frozenset({"subject", "body", "message", "help_text", "label", "verbose_name"})

#: Literals that are not language (a status line's code, an empty body).
_NOT_TEXT = frozenset({""})


@dataclass(frozen=True)
class Escape:
    path: str
    line: int
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}(...): {self.text!r}"


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _bare(node: ast.expr | None) -> str | None:
    """The English of ``node`` if it is a literal string (or an f-string, or ``"..." % x``
    / ``"...".format(x)`` on one) rather than a gettext call."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if node.value.strip() and any(c.isalpha() for c in node.value) else None
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        text = "".join(str(p) for p in parts)
        return text if any(c.isalpha() for c in text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _bare(node.left)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _bare(node.func.value)
    return None


def _is_messages_call(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in MESSAGE_FUNCTIONS
        and isinstance(func.value, ast.Name)
        and func.value.id == "messages"
    )


_CHOICES = frozenset({"TextChoices", "IntegerChoices", "Choices"})


def _choice_escapes(cls: ast.ClassDef, path: str) -> list[Escape]:
    """A choice's label is shown in forms and lists: ``OPEN = "open", _("Open")``. A bare
    label, or none (Django then makes one in English from the member's name), escapes."""
    found = []
    for statement in cls.body:
        if not isinstance(statement, ast.Assign) or not isinstance(statement.targets[0], ast.Name):
            continue
        value = statement.value
        label = value.elts[-1] if isinstance(value, ast.Tuple) and len(value.elts) > 1 else None
        name = statement.targets[0].id
        if label is None:
            found.append(Escape(path, statement.lineno, f"{cls.name}.{name}", "(no label)"))
        elif (text := _bare(label)) is not None:
            found.append(Escape(path, statement.lineno, f"{cls.name}.{name}", text))
    return found


def _escapes_in(tree: ast.AST, path: str) -> list[Escape]:
    found: list[Escape] = []

    def report(node: ast.expr | None, call: str, at: ast.AST) -> None:
        text = _bare(node)
        if text is not None and text not in _NOT_TEXT:
            found.append(Escape(path, getattr(at, "lineno", 0), call, text))

    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(_name(base) in _CHOICES for base in node.bases):
            found.extend(_choice_escapes(node, path))
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if _is_messages_call(node):
            index = 2 if name == "add_message" else 1
            if len(node.args) > index:
                report(node.args[index], f"messages.{name}", node)
        elif name in MESSAGE_SINKS:
            for index in MESSAGE_ARGUMENTS.get(name, (0,)):
                if len(node.args) > index:
                    report(node.args[index], name, node)
        elif name == "add_error" and len(node.args) > 1:
            report(node.args[1], name, node)
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS and (name in MESSAGE_SINKS or keyword.arg != "message"):
                report(keyword.value, f"{name}({keyword.arg}=)", node)
            if keyword.arg == "fields" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    report(value, f"{name}(fields=)", node)
    return found


def project_modules() -> list[Path]:
    paths = [*sorted((ROOT / "sambandh").rglob("*.py")), *sorted((ROOT / "config").rglob("*.py"))]
    # The demo's generated records are data, not interface.
    skipped = {"migrations", "tests", "demo"}
    return [p for p in paths if not skipped.intersection(p.parts)]


def all_escapes() -> list[Escape]:
    found: list[Escape] = []
    for path in project_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.extend(_escapes_in(tree, str(path.relative_to(ROOT))))
    return found
