"""OpenTelemetry traces of each scenario: W3C Trace Context sent with every request the
test makes (one trace per scenario, one span per step, each request a child of its
step), the spans the services export collected over OTLP/HTTP on loopback (or fetched
from Jaeger or Tempo for an external environment), checked by phrases
(handoff/steps/trace_steps.py) and drawn as a waterfall in the report.

Modules: :mod:`.spans` (the span model and OTLP decoding), :mod:`.propagation` (the
test's own spans and ``traceparent``), :mod:`.receiver` (the OTLP/HTTP receiver),
:mod:`.collector` (spans kept per scenario, waiting for late ones), :mod:`.query`
(Jaeger's and Tempo's HTTP APIs), :mod:`.checks` (what the phrases assert) and
:mod:`.waterfall` (the HTML picture).
"""
