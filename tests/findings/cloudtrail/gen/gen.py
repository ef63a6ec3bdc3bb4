#!/usr/bin/env python3
"""Regenerate tests/findings/cloudtrail/<RULE-ID>.{pos,neg}.jsonl.

Each fx_<theme>.py returns {rule id: ([records that must fire],
[near misses that must not])}; ct.py builds the CloudTrail records.  The
output is deterministic: rerunning without changes gives identical files.
Usage: gen.py [fx_module ...]
"""
import importlib, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
MODS = ['fx_logging', 'fx_signin', 'fx_iam', 'fx_compute', 'fx_net', 'fx_s3', 'fx_data', 'fx_extra', 'fx_coverage']

def main(mods):
    seen = set()
    for m in mods:
        ct.seed(sum(map(ord, m)))
        for k, (pos, neg) in importlib.import_module(m).fixtures().items():
            assert k not in seen, k
            seen.add(k)
            ct.dump(pos, f'{OUT}/{k}.pos.jsonl')
            ct.dump(neg, f'{OUT}/{k}.neg.jsonl')
    print(len(seen), 'rules with fixtures')

if __name__ == '__main__':
    main(sys.argv[1:] or MODS)
