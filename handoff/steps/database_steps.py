"""Generic database checks: rows in the tables of any database named in config/<env>.toml.

Table and column names are checked against the database's catalog; values are bound
parameters. Cells may hold {variables}, arithmetic ({before.stock - 2}) and markers (#notnull,
#null, #regex ^ord_), comparisons among them (#> 0, #>= 2, #< 10, #<= 10, #between 1 and 5, #!= 0).
Numbers compare as numbers (34.50 is 34.5) on every database. Every check can end in
"within N seconds". Implemented by handoff/database/table_checks.py.

Example::

    Then the orders database has a row in "orders" with
      | id         | status | total_cents |
      | {order_id} | PAID   | 3300        |
"""

from behave import step

from handoff.adapter.waiting_steps import then_with_wait
from handoff.gherkin.tables import MalformedTable


def _rows(context):
    rows = context.world.rendered_rows(context.table)
    if not rows:
        raise MalformedTable("the table needs a heading row of column names and at least one row of values")
    return rows


@then_with_wait('the {database:Name} database has a row in "{table}" with')
def step_has_row(context, database, table):
    """Each table row must be there. Example: Then the orders database has a row in "orders" with (table)"""
    context.world.tables.has_rows(database, table, _rows(context))


@then_with_wait('the {database:Name} database has no row in "{table}" with')
def step_has_no_row(context, database, table):
    """Example: Then the gateway database has no row in "charges" with (table: reference | status)"""
    for row in _rows(context):
        context.world.tables.has_no_row(database, table, row)


@then_with_wait('the {database:Name} database has {count:Count} rows in "{table}" with')
@then_with_wait('the {database:Name} database has {count:Count} row in "{table}" with')
def step_has_count(context, database, count, table):
    """Example: Then the orders database has 2 rows in "order_lines" with (table: order_id)"""
    for row in _rows(context):
        context.world.tables.has_count(database, table, row, count)


@then_with_wait('the {database:Name} database has exactly these rows in "{table}" where "{column}" is "{value}"')
def step_has_exactly(context, database, table, column, value):
    """The same rows in any order, compared on the table's columns.
    Example: Then the orders database has exactly these rows in "order_lines" where "order_id" is "{order_id}" """
    world = context.world
    where = {column: world.variables.render_value(value)}
    world.tables.has_exactly(database, table, where, _rows(context))


@step('I save the row of "{table}" in the {database:Name} database where "{column}" is "{value}" as "{name}"')
def step_save_row(context, table, database, column, value, name):
    """Saves the whole row; use {name.column} later.
    Example: And I save the row of "orders" in the orders database where "id" is "{order_id}" as "order" """
    world = context.world
    rows = world.tables.reader.rows_where(database, table, {column: world.variables.render_value(value)})
    world.check.equal(
        f"rows of {database}.{table} where {column} = {value!r}", 1, len(rows), world.tables.reader.last_query
    )
    world.variables.save(name, rows[0])


@step("I query the {database:Name} database")
def step_query(context, database):
    """A read-only SELECT from the doc string; {variables} become bound parameters.
    Example: When I query the orders database (doc string: SELECT status FROM orders WHERE id = {order_id})"""
    world = context.world
    sql, params = world.variables.render_sql(context.text or "")
    world.tables.query(database, sql, params)


@step('I save the value of "{column}" from the query result as "{name}"')
def step_save_query_value(context, column, name):
    """The query must have returned exactly one row; its column's value is saved (numbers as numbers).
    Example: And I save the value of "num_allocated" from the query result as "before" """
    context.world.variables.save(name, context.world.tables.query_value(column))


@then_with_wait("the query returns these rows")
def step_query_rows(context):
    """The same rows in any order. Example: Then the query returns these rows (table)"""
    context.world.tables.query_returned(_rows(context))


@then_with_wait("the query returns {count:Count} rows")
@then_with_wait("the query returns {count:Count} row")
def step_query_count(context, count):
    """Example: Then the query returns 0 rows"""
    context.world.tables.query_returned_count(count)
