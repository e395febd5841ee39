"""Fast insertion of issued credentials: one multi-row ``INSERT`` per 500 rows.

``Model.objects.bulk_create`` spends more time compiling SQL (per row, per field value
preparation) than the database spends storing the rows. Issued credentials differ in a handful
of columns, so the values of the others are prepared once per batch with Django's own field
machinery (:class:`RowWriter`), and the statement is

    INSERT ... VALUES (...), (...) ON CONFLICT (organisation_id, source_key) DO NOTHING
    RETURNING id, public_id

(SQLite ≥ 3.35; on PostgreSQL the rows are first streamed with ``COPY`` into a temporary
table and inserted from there with the same clauses). A row whose ``source_key`` another
transaction stored first is skipped instead of failing the batch, and ``RETURNING`` says
exactly which rows went in. Any other conflict (a status index used twice) still raises
``IntegrityError``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection

from microcred_web.issuing.models import Credential

BATCH_ROWS = 500


class RowWriter:
    """Inserts credentials given a template instance and, per row, the columns that vary."""

    def __init__(self, template: Credential, varying: Sequence[str]) -> None:
        fields = [f for f in Credential._meta.local_concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        by_attname = {f.attname: i for i, f in enumerate(fields)}
        self.positions = [by_attname[name] for name in varying]
        # Values shared by every row, prepared once (dates, foreign keys, defaults, ...)
        for f in fields:
            if f.attname not in varying:
                f.pre_save(template, add=True)  # auto_now and the like, if any
        self.base = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
        self.native_uuid = bool(connection.features.has_native_uuid_field)
        quote = connection.ops.quote_name
        table = quote(Credential._meta.db_table)
        names = ", ".join(quote(c) for c in self.columns)
        # only quoted model metadata goes into the SQL text; every value is a parameter
        self.prefix = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
        self.one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        self.suffix = (
            f" ON CONFLICT ({quote('organisation_id')}, {quote('source_key')}) DO NOTHING"
            f" RETURNING {quote('id')}, {quote('public_id')}"
        )

    def uuid_value(self, value: uuid.UUID) -> Any:
        return value if self.native_uuid else value.hex

    def _values(self, rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
        positions = self.positions
        for row in rows:
            values = self.base.copy()
            for position, value in zip(positions, row, strict=True):
                values[position] = value
            yield values

    def insert(self, rows: Iterable[Sequence[Any]]) -> dict[Any, int]:
        """Insert rows (values in ``varying`` order); returns id by public_id of those stored,
        the public ids as :meth:`uuid_value` gives them (no UUID is rebuilt per row)."""
        if connection.vendor == "postgresql":
            return self._copy_insert(rows)
        stored: dict[Any, int] = {}
        batch: list[Any] = []
        count = 0
        with connection.cursor() as cursor:
            for values in self._values(rows):
                batch.extend(values)
                count += 1
                if count == BATCH_ROWS:
                    stored.update(self._flush(cursor, batch, count))
                    batch, count = [], 0
            if count:
                stored.update(self._flush(cursor, batch, count))
        return stored

    def _copy_insert(self, rows: Iterable[Sequence[Any]]) -> dict[Any, int]:
        """PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT ... SELECT``.

        A statement with thousands of parameters costs psycopg more to parse and bind than
        the server takes to store the rows; ``COPY`` streams them instead.
        """
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        digest = hashlib.sha256(names.encode()).hexdigest()[:10]
        staging = quote(f"mc_credential_in_{digest}")
        table = quote(Credential._meta.db_table)
        with connection.cursor() as cursor:
            # quoted model metadata only in the SQL text
            select = f"SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608
            create = f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS {select}"
            cursor.execute(create)
            cursor.execute(f"TRUNCATE {staging}")
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
                for values in self._values(rows):
                    copy.write_row(values)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}"  # noqa: S608
                + self.suffix
            )
            return {public_id: pk for pk, public_id in cursor.fetchall()}  # UUIDs (native)

    def _flush(self, cursor: Any, params: list[Any], count: int) -> Mapping[Any, int]:
        sql = self.prefix + ", ".join([self.one] * count) + self.suffix
        cursor.execute(sql, params)
        return {public_id: pk for pk, public_id in cursor.fetchall()}  # hex, as sent
