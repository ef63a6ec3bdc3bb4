tests/rbac/access-entry-bad-utf8.jsonl
