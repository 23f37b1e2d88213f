"""The weekly workflow on the skills collection (.github/workflows/collection.yml),
as far as it runs off GitHub: its steps' shell scripts, run here in order, with
the collection's repository a local one that git reads in place of GitHub's
address, and a stand-in for `gh` that records what it is asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import COLLECTION, ROOT, make_collection_project

WORKFLOW = ROOT / ".github" / "workflows" / "collection.yml"
ISSUE_SCRIPT = ROOT / ".github" / "scripts" / "collection-issue.sh"
TITLE = "Skills collection: weekly report"


def steps() -> dict[str, str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return {step["name"]: step["run"] for step in workflow["jobs"]["report"]["steps"] if "name" in step}


def test_it_runs_weekly_and_may_write_issues_and_the_lock():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key 'on' as true
    assert triggers["schedule"] == [{"cron": "0 6 * * 1"}]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "write", "issues": "write"}
    assert list(steps()) == ["Install Skillbook", "Read where the collection is", "Update the collection", "Report",
                             "Open or update the issue", "Keep the report's descriptions for next week"]


def run_step(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", steps()[name]], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture
def upstream(tmp_path) -> Path:
    source = tmp_path / "upstream"
    shutil.copytree(COLLECTION, source)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "skills"]):
        subprocess.run([*git, *command], cwd=source, check=True)
    return source


def test_the_steps_read_the_options_update_the_collection_and_report(tmp_path, upstream):
    project = make_collection_project(tmp_path / "book")
    shutil.rmtree(project / "skills-collection")  # a fresh checkout: no clone yet
    github_env = tmp_path / "github_env"
    github_env.touch()
    # `pip install .` puts `skillbook` beside the Python that runs the tests.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_ENV": str(github_env), "RUNNER_TEMP": str(tmp_path),
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{upstream.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/owner/skills.git"}
    result = run_step("Read where the collection is", project, env)
    assert result.returncode == 0, result.stderr
    assert github_env.read_text(encoding="utf-8") == (
        "COLLECTION_PATH=skills-collection\nCOLLECTION_REPOSITORY=owner/skills\nCOLLECTION_BRANCH=\n")
    env.update(line.split("=", 1) for line in github_env.read_text(encoding="utf-8").splitlines())
    # Cloned the first time, brought up to date the next.
    for _ in range(2):
        result = run_step("Update the collection", project, env)
        assert result.returncode == 0, result.stderr
    assert (project / "skills-collection" / "skills" / "containers" / "docker-expert" / "SKILL.md").is_file()
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    (upstream / "skills" / "new-skill").mkdir()
    (upstream / "skills" / "new-skill" / "SKILL.md").write_text("---\nname: new-skill\ndescription: New.\n---\n")
    subprocess.run([*git, "add", "-A"], cwd=upstream, check=True)
    subprocess.run([*git, "commit", "-qm", "new"], cwd=upstream, check=True)
    assert run_step("Update the collection", project, env).returncode == 0
    assert (project / "skills-collection" / "skills" / "new-skill" / "SKILL.md").is_file()
    result = run_step("Report", project, env)
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "  (no category): git-workflow, new-skill\n" in report
    assert (tmp_path / "warnings.txt").read_text(encoding="utf-8").count("warning:") == 3


FAKE_GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
for last; do :; done
case "$1 $2" in
  "issue list") printf '%s' "$OPEN_ISSUE" ;;
  "issue create") cp "$last" "$GH_BODY"; echo "https://github.com/owner/book/issues/8" ;;
  "issue edit") cp "$last" "$GH_BODY" ;;
  "issue comment") cp "$last" "$GH_COMMENT" ;;
esac
"""
UNCHANGED = ("Found in owner/skills (1):\n  @docker-expert\n\n"
             "New in the collection since the last report (0):\n  none\n\n"
             "Gone from the collection since the last report (0):\n  none\n\n"
             "Descriptions changed since the last report (0):\n  none\n")
CHANGED = ("Found in owner/skills (1):\n  @docker-expert\n\n"
           "New in the collection since the last report (1):\n  aws-cdk (cloud/aws)\n\n"
           "Gone from the collection since the last report (0):\n  none\n\n"
           "Descriptions changed since the last report (0):\n  none\n")


def run_issue_script(tmp_path: Path, open_issue: str, report_text: str = UNCHANGED) -> tuple[list[str], str, str | None]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    report, warnings = tmp_path / "report.txt", tmp_path / "warnings.txt"
    report.write_text(report_text)
    warnings.write_text("skills-collection/skills/x/SKILL.md:3: warning: a problem\n")
    log, body, comment = tmp_path / "gh.log", tmp_path / "body.md", tmp_path / "comment.md"
    for path in (log, body, comment):
        path.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(log),
           "GH_BODY": str(body), "GH_COMMENT": str(comment), "OPEN_ISSUE": open_issue}
    result = subprocess.run(["bash", str(ISSUE_SCRIPT), str(report), str(warnings)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calls = [line.rsplit(" --body-file ", 1)[0] for line in log.read_text().splitlines()]
    return calls, body.read_text(), comment.read_text() if comment.exists() else None


def test_the_first_report_opens_the_issue(tmp_path):
    calls, body, comment = run_issue_script(tmp_path, "")
    assert calls == [
        f'issue list --state open --label skills-collection --json number,title --jq map(select(.title == "{TITLE}")) '
        "| .[0].number // empty",
        "label create skills-collection --force --description The weekly report on the skills collection",
        f"issue create --title {TITLE} --label skills-collection",
    ]
    lines = body.split("\n")
    assert lines[1:] == [
        "Review the changes, update the chapters or the skills they name, and close this issue.", "",
        "````text", *UNCHANGED.split("\n")[:-1], "````", "",
        "Problems in the collection's SKILL.md files:", "",
        "````text", "skills-collection/skills/x/SKILL.md:3: warning: a problem", "````", ""]
    assert lines[0].startswith("The collection was updated and `skillbook collection` run on ")
    assert comment is None  # nothing new, gone or described anew


def test_a_later_report_updates_the_open_issue(tmp_path):
    calls, body, comment = run_issue_script(tmp_path, "7")
    assert calls[1:] == ["issue edit 7"]
    assert "  @docker-expert" in body
    assert comment is None


def test_each_weeks_changes_are_kept_in_a_comment(tmp_path):
    """The body is replaced by each week's report: a week's changes stay in a comment
    while the issue waits for review."""
    changes = ["````text",
               "New in the collection since the last report (1):", "  aws-cdk (cloud/aws)", "",
               "Gone from the collection since the last report (0):", "  none", "",
               "Descriptions changed since the last report (0):", "  none", "````", ""]
    calls, body, comment = run_issue_script(tmp_path, "7", CHANGED)
    assert calls[1:] == ["issue edit 7", "issue comment 7"]
    assert comment.split("\n")[0].startswith("Changes found on ")
    assert comment.split("\n")[1:] == ["", *changes]
    calls, body, comment = run_issue_script(tmp_path, "", CHANGED)
    assert calls[-2:] == [f"issue create --title {TITLE} --label skills-collection",
                          "issue comment https://github.com/owner/book/issues/8"]
    assert comment.split("\n")[1:] == ["", *changes]
