$T/cli/grep/data/escape.jsonl
