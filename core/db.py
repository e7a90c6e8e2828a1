"""Database helpers shared by the apps."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import models


class TsTzRange(models.Func):
    """`tstzrange(start, end, '[)')`: a half-open time range, for exclusion constraints."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, RangeBoundary())


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; nothing on other databases.

    SQLite has no exclusion constraints: there the services hold the write lock
    (BEGIN IMMEDIATE) around their check-then-insert instead.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


def _moment(value):
    if hasattr(value, "resolve_expression"):
        return value
    return models.Value(value, output_field=models.DateTimeField())


class Overlaps(models.Func):
    """True where the row's window [start, end) overlaps [since, until).

    On PostgreSQL it is written `tstzrange(start, end) && tstzrange(since, until)`, the very
    expression of the exclusion constraints, so the planner answers it from their GiST indexes
    (suite or witness, then the range): a few index pages however long the history. Written as
    `start < until AND end > since` a btree can only bound one side, and every earlier booking
    of the suite was read (a whole-table scan at a million bookings; docs/benchmarks.md).
    """

    output_field = models.BooleanField()

    def __init__(self, start: str, end: str, since, until):
        super().__init__(models.F(start), models.F(end), _moment(since), _moment(until))

    def _compiled(self, compiler, connection):
        return [compiler.compile(expression) for expression in self.get_source_expressions()]

    def as_sql(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params), (since, since_params), (until, until_params) = (
            self._compiled(compiler, connection)
        )
        return (
            f"({start} < {until} AND {end} > {since})",
            (*start_params, *until_params, *end_params, *since_params),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params), (since, since_params), (until, until_params) = (
            self._compiled(compiler, connection)
        )
        return (
            f"(TSTZRANGE({start}, {end}, '[)') && TSTZRANGE({since}, {until}, '[)'))",
            (*start_params, *end_params, *since_params, *until_params),
        )


class Minutes(models.Func):
    """A whole number of minutes (a column) as a duration, on PostgreSQL and SQLite alike:
    Django cannot multiply an integer by a duration on SQLite, where a duration is stored as
    microseconds."""

    output_field = models.DurationField()

    def __init__(self, minutes):
        super().__init__(minutes)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql} * 60000000)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"make_interval(mins => {sql})", params
