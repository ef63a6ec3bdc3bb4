$D/otrf-ec2-proxy-s3-exfiltration tests/rbac/otrf-pivot.jsonl
