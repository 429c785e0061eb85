"""Queries the ORM builds and compiles once per process (and thread), then runs with each call's values.

Building a queryset (filters, joins, ordering by collated expressions) and compiling it to SQL costs more
Python than the database takes to answer the small indexed queries of a ranking page: ~2 ms for the
summary's page of rows against ~1.5 ms of SQL (bench/rankings, issue 14). A ``PreparedQuery`` calls its
``build`` function once with stand-ins for the values (distinctive numbers and texts), compiles the
queryset, and records which SQL parameter is which stand-in; each call then runs that SQL with the call's
values and converts the rows with the compiler's own converters, as ``values_list`` would. The SQL is
the ORM's, for whichever database the connection is (SQLite, PostgreSQL).

A stand-in must reach the SQL as a parameter unchanged: a value the ORM folds into the SQL text (None,
an empty list) or transforms cannot be one, and compiling fails loudly when one does not appear.
"""

from collections.abc import Callable, Sequence
from itertools import count

from django.db import connections
from django.db.models import QuerySet

#: Stand-in numbers: inside a small integer column's range (a year: the ORM turns a lookup out of the
#: column's range into "no rows" before compiling). They only need to differ from the query's own
#: numeric constants, which a stand-in is told apart from at compile time (the queries here have none).
_FIRST_NUMBER = 30_000


class PreparedQuery:
    """A ``values_list`` queryset compiled once per connection (a thread's) and shape; each call runs its SQL.

    ``build(**values)`` returns the queryset for the values; ``numbers`` and ``texts`` name its int and
    str parameters, ``lists`` its parameters that are lists of ints (their lengths are part of the shape:
    one compilation per length). ``rows(**values)`` returns the rows as ``list(queryset)`` would, and
    runs the one query ``build`` would have run (``slice_``: its LIMIT/OFFSET).
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        numbers: Sequence[str] = (),
        texts: Sequence[str] = (),
        lists: Sequence[str] = (),
    ) -> None:
        self._build = build
        self._numbers, self._texts, self._lists = tuple(numbers), tuple(texts), tuple(lists)

    def rows(self, *, slice_: slice | None = None, using: str = "default", **values: object) -> list[tuple]:
        """Return the rows of the query for these values (``slice_``: only those rows, as queryset[slice_])."""
        if slice_ is not None and (slice_.stop is not None and slice_.stop <= (slice_.start or 0)):
            return []  # what an empty slice of a queryset gives, without a query
        connection = connections[using]
        lengths = tuple(len(values[name]) for name in self._lists)
        if 0 in lengths:
            raise ValueError("an empty list gives no rows: skip the query")
        # Kept on the connection object (each thread has its own), per query and length of each list: the
        # compiled SQL lives and dies with the connection it was compiled for. Kept here, keyed by the
        # connection, it would hold every connection a thread-per-request server (runserver) ever opened.
        kept = connection.__dict__.setdefault("prepared_queries", {})
        shape = (id(self), lengths)
        compiled = kept.get(shape)
        if compiled is None:
            compiled = kept[shape] = self._compile(using, lengths)
        compiler, sql, slots = compiled
        params = [constant if key is None else _value(values, key) for key, constant in slots]
        if slice_ is not None:
            sql = f"{sql} {connection.ops.limit_offset_sql(slice_.start or 0, slice_.stop)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))

    def _compile(self, using: str, lengths: tuple[int, ...]) -> tuple:
        numbers = count(_FIRST_NUMBER)
        stand_ins: dict[object, tuple[str, int | None]] = {}
        values: dict[str, object] = {}
        for name in self._numbers:
            values[name] = next(numbers)
            stand_ins[(int, values[name])] = (name, None)
        for name in self._texts:
            values[name] = f"\u2063stand-in:{name}"
            stand_ins[(str, values[name])] = (name, None)
        for name, length in zip(self._lists, lengths, strict=True):
            values[name] = [next(numbers) for _ in range(length)]
            for index, number in enumerate(values[name]):
                stand_ins[(int, number)] = (name, index)
        queryset = self._build(**values)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # Each parameter: (which value, None) for a stand-in, (None, the value) for a constant of the query
        # (a status, an empty region).
        slots = [(stand_ins.get((type(param), param)), param) for param in params]
        if missing := set(stand_ins.values()) - {key for key, _constant in slots}:
            raise ValueError(f"stand-ins not passed to the SQL as parameters: {sorted(missing, key=str)}")
        return compiler, sql, slots


def _value(values: dict[str, object], slot: tuple[str, int | None]) -> object:
    name, index = slot
    return values[name] if index is None else values[name][index]
