#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# embed.sh NAME FILE: FILE as a C string constant NAME (the page's script
# and style live in their own files, and are compiled into the program).
name=$1
file=$2
printf '/* generated from %s by embed.sh: do not edit */\n' "${file##*/}"
printf 'extern const char %s[];\nconst char %s[] =\n' "$name" "$name"
LC_ALL=C awk '{
	gsub(/\\/, "\\\\\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\?\?/, "?\\?");
	printf "\t\"%s\\n\"\n", $0
}' "$file"
printf '\t"";\n'
