#!/usr/bin/env bash
# Opens the issue that carries the weekly report of `skillbook collection`, or
# updates it while it is open, so that the authors review one list of changes.
# Usage: collection-issue.sh REPORT WARNINGS (files); needs `gh` with GH_TOKEN.
set -euo pipefail

report=$1
warnings=$2
title="Skills collection: weekly report"
label="skills-collection"

body=$(mktemp)
{
  echo "The collection was updated and \`skillbook collection\` run on $(date -u +%Y-%m-%d)."
  echo "Review the changes, update the chapters or the skills they name, and close this issue."
  echo
  echo '````text'
  cat "$report"
  echo '````'
  if [ -s "$warnings" ]; then
    echo
    echo "Problems in the collection's SKILL.md files:"
    echo
    echo '````text'
    cat "$warnings"
    echo '````'
  fi
} > "$body"

number=$(gh issue list --state open --label "$label" --json number,title \
  --jq "map(select(.title == \"$title\")) | .[0].number // empty")
if [ -n "$number" ]; then
  gh issue edit "$number" --body-file "$body"
  echo "updated issue #$number"
else
  gh label create "$label" --force --description "The weekly report on the skills collection"
  gh issue create --title "$title" --label "$label" --body-file "$body"
fi
rm -f "$body"
