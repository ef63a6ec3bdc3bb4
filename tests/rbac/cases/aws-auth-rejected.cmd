tests/rbac/aws-auth-rejected.jsonl
