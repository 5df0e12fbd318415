"""The ``handoff`` command: ``handoff init``, ``handoff steps``, ``handoff report``, ..."""
