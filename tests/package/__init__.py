"""The distribution as a team gets it: the wheel, `handoff init`, `handoff report`."""
