"""Small raw-SQL helpers for the few statements that run on every public request.

The ORM compiles a query on every call (about 0.3–0.6 ms of CPU for a select or an insert on
this project's hardware); the public verification API records an event per request (one
INSERT, or a queued row written in batches: docs/decisions/0016) and, every few seconds per
credential, reads its status. Those statements go through
:func:`hot_cursor` instead, with their SQL built once from the models' metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def hot_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A Django cursor (query logging and execute wrappers apply) for a hot statement.

    On PostgreSQL with psycopg 3 it binds parameters on the server, so psycopg prepares a
    statement once it has run ``OPTIONS["prepare_threshold"]`` times on the connection (the
    production settings set it; Django's own cursors bind on the client and never prepare).
    The psycopg cursor is kept with the connection and reused, with the adapters it has
    already looked up (a new cursor costs about 40 µs per statement). Do not close it.
    Elsewhere it is the ordinary cursor.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    kept = getattr(connection, _KEPT, None)
    if kept is not None and kept[0] is connection.connection and not kept[1].closed:
        raw = kept[1]
    else:
        with connection.wrap_database_errors:
            raw = psycopg.Cursor(connection.connection)
        setattr(connection, _KEPT, (connection.connection, raw))
    wrapped: Any = raw  # Django's stubs type the wrapped cursor as a CursorWrapper
    if connection.queries_logged:
        return connection.make_debug_cursor(wrapped)
    return connection.make_cursor(wrapped)


#: the attribute of a Django connection that keeps (psycopg connection, cursor) for hot_cursor
_KEPT = "_microcred_hot_cursor"


def concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    """The concrete field ``name`` (or attname) of ``model``."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise LookupError(f"{model.__name__}.{name} is not a concrete field")
    return field


def column_converters(
    connection: BaseDatabaseWrapper, fields: Sequence[Field[Any, Any]], alias: str
) -> Callable[[BaseDatabaseWrapper, Sequence[Any]], list[Any]]:
    """A function turning a row of ``fields`` as the database returns it into the models'
    values, with the converters the ORM itself applies (SQLite dates and booleans, …)."""
    plan = []
    for field in fields:
        column = field.get_col(alias)
        converters = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        plan.append((column, converters))

    def convert(current: BaseDatabaseWrapper, row: Sequence[Any]) -> list[Any]:
        values = []
        for value, (column, converters) in zip(row, plan, strict=True):
            for converter in converters:
                value = converter(value, column, current)
            values.append(value)
        return values

    return convert


def instance_from_row(model: type[M], db: str, values: dict[str, Any]) -> M:
    """A model instance from some of its fields' values (the others deferred), as the ORM
    builds one for ``only(...)``."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])
