"""The errors a reader raises or attaches to a row, translated where they are made."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The whole file cannot be read; ``message`` is a translated sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def empty_file() -> ImportFileError:
    return ImportFileError(_("The file is empty."))


def only_header() -> ImportFileError:
    return ImportFileError(_("The file has a header row but no data rows."))


def no_header() -> ImportFileError:
    return ImportFileError(
        _(
            "The first row must name the columns (a header such as “Name, Email”), "
            "but it looks like data."
        )
    )


def too_many_columns(count: int, limit: int) -> ImportFileError:
    return ImportFileError(
        _("The file has %(count)d columns; at most %(limit)d can be imported.")
        % {"count": count, "limit": limit}
    )


def binary_file(kind: str) -> ImportFileError:
    return ImportFileError(
        _(
            "This is not a spreadsheet or a contacts file (it looks like %(kind)s). "
            "Upload a CSV, an XLSX or a vCard file."
        )
        % {"kind": kind}
    )


def unreadable_file() -> ImportFileError:
    return ImportFileError(_("The file cannot be opened."))


def bad_xlsx() -> ImportFileError:
    return ImportFileError(_("The spreadsheet cannot be read: the XLSX file is damaged."))


def no_cards() -> ImportFileError:
    return ImportFileError(_("The vCard file holds no contact card."))


def too_many_fields(count: int, columns: int) -> str:
    return _("This row has %(count)d fields but the header names %(columns)d columns.") % {
        "count": count,
        "columns": columns,
    }


def cell_too_long(column: str, limit: int) -> str:
    return _(
        "The value in column “%(column)s” is longer than %(limit)d characters and was left out."
    ) % {"column": column, "limit": limit}


def undecodable(column: str, encoding: str) -> str:
    return _(
        "The value in column “%(column)s” has characters that are not valid %(encoding)s; "
        "check the file's encoding."
    ) % {"column": column, "encoding": encoding}


def malformed_row(detail: str) -> str:
    return _("This row cannot be read: %(detail)s") % {"detail": detail}


def malformed_card(detail: str) -> str:
    return _("This card cannot be read: %(detail)s") % {"detail": detail}


def card_too_long(limit: int) -> str:
    return _("This card is longer than %(limit)d characters and was not read.") % {"limit": limit}
