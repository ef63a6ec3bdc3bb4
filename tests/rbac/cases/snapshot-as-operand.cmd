tests/rbac/snapshots/before.json
