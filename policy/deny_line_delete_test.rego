# Tests of deny_line_delete.rego, in OPA's test format:
#
#   opa test policy/
#   conftest verify --policy policy
#
# crates/plan/tests/policy_rule.rs runs the same tests (with the regorus
# interpreter) and the rule on plans rendered by cda itself.

package main

import rego.v1

line_action(verb) := {
	"address": "physical_line.bj-idc-b",
	"kind": "physical_line",
	"action": verb,
	"gateway": null,
}

plan_of(actions) := {"format_version": "1", "actions": actions}

test_line_delete_is_denied if {
	msgs := deny with input as plan_of([line_action("delete")])
	count(msgs) == 1
	some msg in msgs
	contains(msg, "physical_line.bj-idc-b would be deleted")
}

test_line_replace_is_denied if {
	msgs := deny with input as plan_of([line_action("replace")])
	count(msgs) == 1
	some msg in msgs
	contains(msg, "replaced")
}

test_line_create_and_update_are_allowed if {
	count(deny) == 0 with input as plan_of([line_action("create"), line_action("update")])
}

test_unbinding_a_line_is_allowed if {
	unbind := {
		"address": "binding.gwbjprod01.bj-idc-b",
		"kind": "binding",
		"action": "delete",
		"gateway": "gwbjprod01",
	}
	count(deny) == 0 with input as plan_of([unbind])
}

test_deleting_other_kinds_is_allowed if {
	route := {
		"address": "static_route.gwbjprod01.IPV4[10.30.0.0/16]",
		"kind": "static_route",
		"action": "delete",
		"gateway": "gwbjprod01",
	}
	count(deny) == 0 with input as plan_of([route])
}

test_every_offending_line_is_named if {
	second := object.union(line_action("delete"), {"address": "physical_line.bj-idc-c"})
	count(deny) == 2 with input as plan_of([line_action("delete"), second])
}

test_an_empty_plan_is_allowed if {
	count(deny) == 0 with input as plan_of([])
}

test_an_unknown_format_version_fails_closed if {
	msgs := deny with input as {"format_version": "2", "actions": []}
	count(msgs) == 1
}

test_a_document_that_is_not_a_plan_fails_closed if {
	msgs := deny with input as {"region": "nm8", "physical_lines": []}
	count(msgs) == 1
	some msg in msgs
	contains(msg, "(missing)")
}
