# Check one OCSF event (the input) against the attribute lists in $S[0]
# (tests/ocsf/detection_finding-1.1.0.json): every attribute known to the
# class or object it is in, of its type, required ones present, enums with
# their captions, type_uid = class_uid * 100 + activity_id.  Prints one
# line per problem, "finding N: path: what"; nothing when the event is valid.
def chk($t; $x; $p):
  if $t == "string_t" then
    (if ($x | type) == "string" then empty else "\($p): not a string" end)
  elif $t == "integer_t" or $t == "long_t" or $t == "timestamp_t" then
    (if ($x | type) == "number" and ($x | floor) == $x then empty else "\($p): not an integer" end)
  elif $t == "boolean_t" then
    (if ($x | type) == "boolean" then empty else "\($p): not a boolean" end)
  elif $t == "json_t" then empty
  elif $t == "object_t" then
    (if ($x | type) == "object" then empty else "\($p): not an object" end)
  elif $S[0].types[$t] == null then "\($p): type \($t) is not in the test data"
  elif ($x | type) != "object" then "\($p): not an object (\($t))"
  else
    $S[0].types[$t] as $T
    | ($T.attributes | to_entries[] | select(.value.requirement == "required") | .key
       | select(. as $r | $x | has($r) | not) | "\($p): \($t) requires \(.)"),
      ($T.at_least_one // empty | select(any(.[]; . as $r | $x | has($r)) | not)
       | "\($p): \($t) needs one of \(join(", "))"),
      ($x | to_entries[] | .key as $k | .value as $v | $T.attributes[$k] as $a
       | $S[0].enums["\($t).\($k)"] as $e
       | $S[0].patterns["\($t).\($k)"] as $re
       | if $a == null then "\($p).\($k): not an attribute of \($t) in OCSF 1.1.0"
         elif $a.is_array == true then
           (if ($v | type) != "array" then "\($p).\($k): not an array"
            else ($v | to_entries[] | chk($a.type; .value; "\($p).\($k)[\(.key)]")) end)
         else
           chk($a.type; $v; "\($p).\($k)"),
           (if $re != null and ($v | type) == "string" and ($v | test($re) | not)
            then "\($p).\($k): '\($v)' is not of the form \($re)" else empty end),
           (if $e == null then empty
            elif $e.values[$v | tostring] == null then "\($p).\($k): \($v) is not a value of the 1.1.0 enum"
            elif $e.sibling != null and ($x | has($e.sibling)) and $x[$e.sibling] != $e.values[$v | tostring]
              then "\($p).\($e.sibling): '\($x[$e.sibling])' is not the caption of \($k) \($v)"
            else empty end)
         end)
  end;
. as $x
| "finding \(input_line_number)" as $p
| chk("detection_finding"; $x; $p),
  (if ($x.type_uid | type) == "number" and $x.type_uid != ($x.class_uid * 100 + $x.activity_id)
   then "\($p).type_uid: not class_uid * 100 + activity_id" else empty end)
