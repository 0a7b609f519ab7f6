"""The Decision 766 pre-run: scores of a parent's units for a period by the rule set in
force, their ranking page, a unit's detail with the points lost, and the command."""
