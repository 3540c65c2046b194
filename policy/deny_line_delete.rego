# Forbid plans that delete or replace a physical line.
#
# A physical line (物理专线) is a carrier circuit into CTyun: deleting it
# takes the circuit down and re-creating it means a new carrier order. A
# replacement is a delete followed by a create, so it is just as final. Such
# a change must go through a change ticket by hand, never through a pipeline.
#
# Input: the JSON plan of `cda plan --json` or `cda show PLANFILE --json`
# (format documented in docs/plan-output.md). Used by conftest:
#
#   cda show plan.cdaplan --json > plan.json
#   conftest test --policy policy plan.json
#
# or by OPA directly:
#
#   opa eval --format pretty -d policy -i plan.json 'data.main.deny'
#
# Unbinding a line from a gateway (kind "binding") is allowed: the line
# itself stays. Protecting lines in the file (`protect: true`) makes cda
# itself refuse such plans; this rule is the second, independent guard for
# lines whose file entry lost its `protect`, or for lines removed from the
# file while `prune` lists physical_lines.

package main

import rego.v1

# The plan format versions this policy understands. Any other version may
# have moved the fields this rule reads, so it fails closed.
known_format_versions := {"1"}

# What each forbidden action does to the line, for the message.
consequence := {
	"delete": "deleted",
	"replace": "replaced (deleted, then created again)",
}

deny contains msg if {
	some action in input.actions
	action.kind == "physical_line"
	action.action in {"delete", "replace"}
	msg := sprintf(
		"%s would be %s: physical lines are never deleted or replaced from a pipeline; raise a change ticket",
		[action.address, consequence[action.action]],
	)
}

# A document without `format_version` (not a cda plan at all, say the
# desired-state file by mistake) is denied too.
format_version := object.get(input, "format_version", "(missing)")

deny contains msg if {
	not format_version in known_format_versions
	msg := sprintf(
		"unknown plan format_version %v: this policy reads version 1 (docs/plan-output.md); update the policy",
		[format_version],
	)
}
