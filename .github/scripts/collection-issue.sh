#!/usr/bin/env bash
# Opens the issue that carries the weekly report of `skillbook collection`, or
# updates it while it is open, so that the authors review one list of changes:
# its body is the latest report, and each week whose report found skills new,
# gone or described anew adds a comment quoting them, so that none is lost while
# the issue waits for review (the next report compares with this week's).
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

# The report's last sections, from its first on what changed since the last report.
changes=$(mktemp)
{
  echo "Changes found on $(date -u +%Y-%m-%d):"
  echo
  echo '````text'
  sed -n '/^New in the collection since the last report/,$p' "$report"
  echo '````'
} > "$changes"

number=$(gh issue list --state open --label "$label" --json number,title \
  --jq "map(select(.title == \"$title\")) | .[0].number // empty")
if [ -n "$number" ]; then
  gh issue edit "$number" --body-file "$body"
  issue=$number
  echo "updated issue #$number"
else
  gh label create "$label" --force --description "The weekly report on the skills collection"
  issue=$(gh issue create --title "$title" --label "$label" --body-file "$body")
  echo "opened $issue"
fi
if grep -qE 'since the last report \([1-9][0-9]*\):$' "$changes"; then
  gh issue comment "$issue" --body-file "$changes"
fi
rm -f "$body" "$changes"
