"""Generic HTTP: build a request, send it to a named service, as someone.

Works against any service named in config/<env>.toml. ``{variables}`` may appear in
every quoted value, table cell and doc string. The target is a path or an absolute URL
a response returned (sent only if it lies under the service's configured URL); an
absolute URL alone finds its service. Implemented by handoff/http/conversation.py.

Example::

    Given the request header "Accept-Language" is "de"
    When I send a POST request to auth "/users" with
      \"\"\"
      {"email": "{unique_email}", "password": "long enough", "name": "Ann"}
      \"\"\"
"""

from behave import step

from handoff.matching.json_payloads import parse_document


@step('the request header "{name}" is "{value}"')
def step_request_header(context, name, value):
    """Example: Given the request header "Accept" is "application/json" """
    context.world.http.pending.headers[name] = context.world.render(value)


@step("the request headers are")
def step_request_headers(context):
    """Example: Given the request headers are (table: header | value)"""
    for row in context.world.rendered_rows(context.table, "header", "value"):
        context.world.http.pending.headers[row["header"]] = str(row["value"])


@step('the query parameter "{name}" is "{value}"')
def step_query_parameter(context, name, value):
    """Example: Given the query parameter "sku" is "{sku}" """
    context.world.http.pending.params[name] = context.world.render(value)


@step("the query parameters are")
def step_query_parameters(context):
    """Example: Given the query parameters are (table: parameter | value)"""
    for row in context.world.rendered_rows(context.table, "parameter", "value"):
        context.world.http.pending.params[row["parameter"]] = str(row["value"])


@step("the request body is")
def step_request_body(context):
    """Example: Given the request body is (JSON doc string)"""
    context.world.http.pending.json_body = parse_document(context.world.render(context.text))


@step("the request form is")
def step_request_form(context):
    """Example: Given the request form is (table: field | value), sent as a form"""
    rows = context.world.rendered_rows(context.table, "field", "value")
    context.world.http.pending.form = {row["field"]: str(row["value"]) for row in rows}


@step('I use the bearer token "{token}"')
@step('{caller:Person} uses the bearer token "{token}"')
def step_bearer_token(context, token, caller="I"):
    """Example: Given Alice uses the bearer token "{alice_token}" """
    context.world.http.caller(caller).use_bearer_token(context.world.render(token))


@step('I use basic auth as "{user}" with password "{password}"')
@step('{caller:Person} uses basic auth as "{user}" with password "{password}"')
def step_basic_auth(context, user, password, caller="I"):
    """Example: Given I use basic auth as "admin" with password "{secrets.admin_password}" """
    context.world.http.caller(caller).use_basic_auth(context.world.render(user), context.world.render(password))


@step('I send the "{cookie}" cookie back as the "{header}" header')
@step('{caller:Person} sends the "{cookie}" cookie back as the "{header}" header')
def step_csrf(context, cookie, header, caller="I"):
    """CSRF protection as in Django and Rails.
    Example: Given I send the "csrftoken" cookie back as the "X-CSRFToken" header"""
    context.world.http.caller(caller).csrf = (cookie, header)


@step('I send a {method:Method} request to {service:Name} "{path}"')
@step('{caller:Person} sends a {method:Method} request to {service:Name} "{path}"')
def step_send(context, method, service, path, caller="I"):
    """Example: When I send a GET request to catalog "/products/{product_id}"
    A doc string after the step is the JSON body."""
    world = context.world
    if context.text:
        world.http.pending.json_body = parse_document(world.render(context.text))
    world.http.send(caller, method, service, world.render(path))


@step('I send a {method:Method} request to {service:Name} "{path}" with')
@step('{caller:Person} sends a {method:Method} request to {service:Name} "{path}" with')
def step_send_with_body(context, method, service, path, caller="I"):
    """Example: When I send a POST request to auth "/sessions" with (JSON doc string)"""
    step_send(context, method, service, path, caller)


@step('I send a {method:Method} request to "{url}"')
@step('{caller:Person} sends a {method:Method} request to "{url}"')
def step_send_to_url(context, method, url, caller="I"):
    """An absolute URL from a response, sent to the configured service it lies under (refused if none).
    Example: When I send a GET request to "{todo_url}" """
    step_send(context, method, None, url, caller)


@step('I send a {method:Method} request to "{url}" with')
@step('{caller:Person} sends a {method:Method} request to "{url}" with')
def step_send_to_url_with_body(context, method, url, caller="I"):
    """Example: When I send a PUT request to "{todo_url}" with (JSON doc string)"""
    step_send(context, method, None, url, caller)


@step("the last request is sent again")
def step_send_again(context):
    """The same request by the same caller: method, URL, body and headers (replay, idempotency).
    Example: When the last request is sent again"""
    context.world.http.send_again()


@step("I send the last request again")
@step("{caller:Person} sends the last request again")
def step_send_again_as(context, caller="I"):
    """The same request sent by another caller, with their own cookies and credentials (who may do what).
    Example: When Ben sends the last request again"""
    context.world.http.send_again(caller)
