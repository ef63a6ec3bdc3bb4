tests/rbac/chains.jsonl
