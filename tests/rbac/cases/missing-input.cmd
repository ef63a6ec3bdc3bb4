tests/rbac/no-such-file.jsonl
