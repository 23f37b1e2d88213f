"""The collection of skills the book is written about (tests/fixtures/skills-collection):
its options, reading its SKILL.md files with bounds, `skillbook collection` and its
lock file, the pages, data and install commands it gives the site, and
`skillbook mcp`'s get_skill.

The expected values are read off the fixture by hand: 13 SKILL.md in category
folders (one at the top, one two levels deep, one in a hidden folder), an alias
file, a front matter that does not parse, a name that differs from its folder and
a description over 1,024 characters."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from skillbook.book import load_book
from skillbook.collection import CollectionSkill, load_collection
from skillbook.data import api_schema
from skillbook.library import library_from_book
from skillbook.options import CollectionOptions, load_options
from skillbook.problems import Severity
from tests.conftest import COLLECTION, build_site, make_collection_project, make_site_project
from tests.support.collection import DOCKER_INSTALLS, FOUND, MISSING, install
from tests.support.pages import Node, norm, page

UNCOVERED = [("git-workflow", None), ("github-actions", "ci-cd"), ("terraform-expert", "cloud"),
             ("aws-serverless", "cloud/aws"), ("podman-expert", "containers"), ("istio-expert", "kubernetes/networking")]
DOCKER_EXPERT = ("Builds, debugs and hardens Docker images and containers. Use when a Dockerfile, an image or a "
                 "running container misbehaves.")
WARNINGS = [
    "skills-collection/skills/ci-cd/github-actions/SKILL.md:3: warning: name 'gh-actions' differs from its folder "
    "'github-actions'; assistants expect them equal: write 'name: github-actions' or rename the folder (listed as "
    "'github-actions')",
    "skills-collection/skills/cloud/pulumi-expert/SKILL.md:3: warning: YAML syntax error: this '[' is not closed; "
    "close it with ']', or put a text holding '[' in quotes",
    "skills-collection/skills/containers/podman-expert/SKILL.md:3: warning: the description is 1124 characters long, "
    "over the 1024 the Agent Skills format allows; shorten it",
]


def skillbook(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skillbook.cli", *args], cwd=cwd, capture_output=True, text=True)


def collection_at(folder: Path, branch: str | None = None):
    return load_collection(CollectionOptions(folder.name, "owner/skills", branch, folder))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_collection_project(tmp_path_factory.mktemp("collection") / "book")


@pytest.fixture(scope="module")
def built(project, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("collection-site")
    result = build_site(project, site)
    # The collection's problems are told, and fail no strict build: it is another project's.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    return site


# -- reading the collection -------------------------------------------------------------------


def test_every_skill_md_is_read_by_its_folder_with_its_category():
    collection = collection_at(COLLECTION)
    assert {s.id: (s.folder, s.category) for s in collection.skills.values()} == {
        "docker-expert": ("skills/containers/docker-expert", "containers"),
        "docker-compose-patterns": ("skills/containers/docker-compose-patterns", "containers"),
        "dockerfile-optimization": ("skills/containers/dockerfile-optimization", "containers"),
        "podman-expert": ("skills/containers/podman-expert", "containers"),
        "kubernetes-expert": ("skills/kubernetes/kubernetes-expert", "kubernetes"),
        "helm-expert": ("skills/kubernetes/helm-expert", "kubernetes"),
        "istio-expert": ("skills/kubernetes/networking/istio-expert", "kubernetes/networking"),
        "argo-workflows": ("skills/ci-cd/argo-workflows", "ci-cd"),
        "github-actions": ("skills/ci-cd/github-actions", "ci-cd"),  # its name differs: listed by its folder
        "terraform-expert": ("skills/cloud/terraform-expert", "cloud"),
        "aws-serverless": ("skills/cloud/aws/aws-serverless", "cloud/aws"),
        "git-workflow": ("skills/git-workflow", None),
    }  # pulumi-expert's front matter does not parse; .github/skills/skill-template is hidden
    assert collection.skills["docker-expert"].description == DOCKER_EXPERT
    assert collection.skills["dockerfile-optimization"].description == (
        "Smaller, faster Docker builds: multi-stage builds, layer caching and slim base images.")
    assert collection.aliases == {"service-mesh-expert": "istio-expert", "k8s-expert": "kubernetes-expert"}
    assert [str(p.relative_to(COLLECTION.parent)) for p in collection.problems] == WARNINGS
    assert all(p.severity is Severity.WARNING for p in collection.problems)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    return path


def messages(folder: Path) -> list[str]:
    return [f"{Path(p.path).relative_to(folder)}:{p.line}: {p.message}" for p in collection_at(folder).problems]


def test_a_hostile_collection_is_read_with_bounds_and_warned_about(tmp_path):
    outside = write(tmp_path / "secret" / "SKILL.md", "---\nname: secret\ndescription: Outside.\n---\n")
    folder = tmp_path / "collection"
    write(folder / "ok" / "SKILL.md", "---\nname: ok\ndescription: Fine.\n---\n")
    write(folder / "big" / "SKILL.md", "---\nname: big\ndescription: Big.\n---\n" + "x" * (512 * 1024))
    write(folder / "bomb" / "SKILL.md", "---\nname: bomb\ndescription: &a [*a]\n---\n")
    write(folder / "deep" / "SKILL.md", "---\nname: deep\ndescription: [[[[[[[1]]]]]]]\n---\n")
    write(folder / "no-front" / "SKILL.md", "# No front matter\n")
    write(folder / "Bad Name" / "SKILL.md", "---\nname: bad-name\ndescription: Spaces.\n---\n")
    write(folder / "Upper" / "SKILL.md", "---\nname: Upper\ndescription: Upper case.\n---\n")
    write(folder / "no-description" / "SKILL.md", "---\nname: no-description\n---\n")
    write(folder / "list" / "SKILL.md", "---\n- name\n---\n")
    (folder / "linked").mkdir()
    (folder / "linked" / "SKILL.md").symlink_to(outside)
    write(folder / "aliases.json", '{"old": "ok", "Bad": "ok"}')
    collection = collection_at(folder)
    assert sorted(collection.skills) == ["no-description", "ok"]
    assert collection.skills["no-description"].description is None
    assert collection.aliases == {"old": "ok"}
    assert messages(folder) == [
        "Bad Name/SKILL.md:1: the folder 'Bad Name' holds characters other than letters, digits, '.', '_' and '-', "
        "which an install command would have to quote; it is left out",
        "Upper/SKILL.md:1: the folder 'Upper' is not a skill name (1 to 64 lower-case letters, digits and single "
        "hyphens), which the folder an install creates must be; the skill is left out",
        "aliases.json:1: alias 'Bad': 'ok' is not a map of one skill name to another; it is not read",
        "big/SKILL.md:1: this file is larger than 512 KiB, the most a page may hold; split it into smaller files",
        "bomb/SKILL.md:3: YAML anchors (&name) and aliases (*name) are not allowed here: they can make a short file "
        "expand without bound; write the value out in full",
        "deep/SKILL.md:3: YAML nested more than 6 levels deep; a skill file needs two (a mapping of lists): flatten it",
        f"linked/SKILL.md:1: this is a symbolic link to {outside}, outside the project, so it is not read or "
        "published; copy the file into the project instead",
        "list/SKILL.md:2: the front matter must be a mapping of 'name:' and 'description:'; the skill is left out",
        "no-description/SKILL.md:2: missing 'description:': say what the skill does and when to use it",
        "no-front/SKILL.md:1: no YAML front matter: a SKILL.md starts with '---', 'name:' and 'description:' lines, "
        "then '---'; the skill is left out",
    ]



def test_loops_deep_folders_pipes_and_other_encodings_are_warnings_not_crashes(tmp_path):
    folder = tmp_path / "collection"
    write(folder / "ok" / "SKILL.md", "---\nname: ok\ndescription: Fine.\n---\n")
    (folder / "ok" / "up").symlink_to("..")  # a folder reached twice is walked once
    (folder / "loop").mkdir()
    (folder / "loop" / "SKILL.md").symlink_to("SKILL.md")  # a link to itself
    (folder / "pipe").mkdir()
    os.mkfifo(folder / "pipe" / "SKILL.md")
    write(folder / "latin" / "SKILL.md", b"---\nname: latin\ndescription: caf\xe9\n---\n")
    # 1,100 folders deep: past the recursion Python's folder walk allows (and
    # pytest's removal of tmp_path: the test removes them itself).
    subprocess.run(["mkdir", "-p", "deep/" + "d/" * 1100], cwd=folder, check=True)
    try:
        write(folder / "deep" / Path(*["d"] * 1100) / "SKILL.md", "---\nname: d\ndescription: Deep.\n---\n")
        collection = collection_at(folder)
        shown = messages(folder)
    finally:
        subprocess.run(["rm", "-rf", "deep"], cwd=folder, check=True)
    assert sorted(collection.skills) == ["ok"]
    assert shown == [
        "deep/" + "d/" * 31 + "d:1: folders nested more than 32 levels deep are not read; move the files nearer the top",
        # `skillbook check --fix` saves the book's files, not the collection's.
        "latin/SKILL.md:3: file is not UTF-8 (byte 0xe9 at offset 32); it is left out until the collection saves it "
        "as UTF-8: tell its authors",
        "loop/SKILL.md:1: this symbolic link leads round in a loop, so it is not read or published; replace it with "
        "the file or folder it should lead to",
        "pipe/SKILL.md:1: this is not a regular file (a pipe or a device); replace it with a text file",
    ]



def test_a_folder_holding_no_skill_md_is_warned_about(tmp_path):
    folder = tmp_path / "collection"
    write(folder / "README.md", "# Not a collection\n")
    write(folder / ".claude" / "skills" / "hidden" / "SKILL.md", "---\nname: hidden\ndescription: Hidden.\n---\n")
    assert collection_at(folder).skills == {}
    assert [str(p.relative_to(tmp_path)) for p in collection_at(folder).problems] == [
        "collection:1: warning: no SKILL.md in this folder or the folders under it (those whose name starts with '.' "
        "are not read): is 'path:' the collection's clone?"]


# -- options ------------------------------------------------------------------------------------


def options_problems(tmp_path: Path, collection_yaml: str) -> list[str]:
    config = write(tmp_path / "book" / "mkdocs.yml", "site_name: Test\nextra:\n  skillbook:\n" + collection_yaml)
    problems: list = []
    load_options(config, problems)
    return [str(p.relative_to(tmp_path / "book")) for p in problems]


def test_a_collection_path_that_does_not_exist_says_how_to_get_it(tmp_path):
    assert options_problems(tmp_path, "    collection:\n      path: vendor/skills\n      repository: owner/skills\n"
                                      "      branch: main\n") == [
        "mkdocs.yml:5: the collection's folder vendor/skills does not exist; get it with 'git clone --branch main "
        "https://github.com/owner/skills.git vendor/skills' (run beside mkdocs.yml), or keep it in the project with "
        "'git submodule add --branch main https://github.com/owner/skills.git vendor/skills'"]
    # Outside the project a submodule cannot be: only the clone is offered.
    assert options_problems(tmp_path, "    collection:\n      path: ../skills\n      repository: owner/skills\n") == [
        "mkdocs.yml:5: the collection's folder ../skills does not exist; get it with "
        "'git clone https://github.com/owner/skills.git ../skills' (run beside mkdocs.yml)"]


def test_the_fix_the_missing_path_message_gives_works(tmp_path):
    """The message's own command, run beside mkdocs.yml (the repository a local one)."""
    source = tmp_path / "upstream"
    shutil.copytree(COLLECTION, source)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "skills"]):
        subprocess.run([*git, *command], cwd=source, check=True)
    [message] = options_problems(tmp_path, "    collection:\n      path: ../skills\n      repository: owner/skills\n")
    command = message.split("get it with '")[1].split("'")[0]
    env = {**os.environ, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{source.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/owner/skills.git"}
    subprocess.run(command, shell=True, cwd=tmp_path / "book", env=env, check=True, capture_output=True)
    assert options_problems(tmp_path, "    collection:\n      path: ../skills\n      repository: owner/skills\n") == []


def test_an_empty_collection_folder_says_how_to_fill_it_and_the_fix_works(tmp_path):
    """A book whose collection is a submodule, cloned without --recurse-submodules: its
    folder is there but empty. The message's own command fills it."""
    upstream = tmp_path / "upstream"
    shutil.copytree(COLLECTION, upstream)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "skills"]):
        subprocess.run([*git, *command], cwd=upstream, check=True)
    env = {**os.environ, "GIT_CONFIG_COUNT": "2", "GIT_CONFIG_KEY_0": f"url.{upstream.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/owner/skills.git",
           "GIT_CONFIG_KEY_1": "protocol.file.allow", "GIT_CONFIG_VALUE_1": "always"}
    book = make_collection_project(tmp_path / "book")
    shutil.rmtree(book / "skills-collection")
    for command in (["init", "-q", "-b", "main"],
                    ["submodule", "add", "-q", "https://github.com/owner/skills.git", "skills-collection"],
                    ["add", "-A"], ["commit", "-qm", "book"]):
        subprocess.run([*git, *command], cwd=book, env=env, check=True, capture_output=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(book), str(clone)], env=env, check=True)
    assert (clone / "skills-collection").is_dir() and not any((clone / "skills-collection").iterdir())
    line = (clone / "mkdocs.yml").read_text(encoding="utf-8").split("\n").index("      path: skills-collection") + 1
    check = skillbook("check", cwd=clone)
    assert check.returncode == 1
    [message] = [line for line in check.stderr.splitlines() if "skills-collection" in line]
    assert message == (
        f"mkdocs.yml:{line}: the collection's folder skills-collection is empty; get it with 'git submodule update "
        "--init skills-collection' if it is a submodule, or 'rmdir skills-collection && git clone "
        "https://github.com/owner/skills.git skills-collection' (run beside mkdocs.yml)")
    subprocess.run(message.split("get it with '")[1].split("'")[0], shell=True, cwd=clone, env=env, check=True,
                   capture_output=True)
    assert skillbook("check", "--strict", cwd=clone).returncode == 0
    # Outside the project, a clone is the way; its command works too.
    outside = tmp_path / "beside"
    (outside / "skills").mkdir(parents=True)
    [message] = options_problems(outside, "    collection:\n      path: ../skills\n      repository: owner/skills\n")
    assert message == ("mkdocs.yml:5: the collection's folder ../skills is empty; get it with 'rmdir ../skills && "
                       "git clone https://github.com/owner/skills.git ../skills' (run beside mkdocs.yml)")
    subprocess.run(message.split("get it with '")[1].split("'")[0], shell=True, cwd=outside / "book", env=env,
                   check=True, capture_output=True)
    assert options_problems(outside, "    collection:\n      path: ../skills\n      repository: owner/skills\n") == []


def test_collection_options_are_checked_at_their_line(tmp_path):
    assert options_problems(tmp_path, "    collection: ../skills\n") == [
        "mkdocs.yml:4: 'collection' must be a mapping; write 'collection:' with 'path: ../skills-collection' and "
        "'repository: owner/name' under it"]
    assert options_problems(tmp_path, "    collection:\n      path: ../skills\n      repo: owner/skills\n") == [
        "mkdocs.yml:6: unknown collection option 'repo'; known: path, repository, branch",
        "mkdocs.yml:4: the collection needs 'repository:', such as 'repository: owner/name'"]
    assert options_problems(tmp_path, "    collection:\n      path: ../skills\n      repository: skills\n"
                                      "      branch: main; rm -rf /\n") == [
        "mkdocs.yml:6: the collection's 'repository:' must be a GitHub repository as owner/name, such as "
        "'repository: owner/name'",
        "mkdocs.yml:7: the collection's 'branch:' must be a branch, such as 'branch: main'"]
    assert options_problems(tmp_path, "    assistants:\n      - name: Gemini CLI\n        invoke: 'Use the {skill} skill.'\n"
                                      "        skills_folder: ../outside\n") == [
        "mkdocs.yml:7: assistant 'Gemini CLI' needs 'skills_folder:' as a folder of the project, such as "
        "'skills_folder: .gemini/skills' (letters, digits, '.', '_', '-' and '/')"]


# -- skillbook collection ---------------------------------------------------------------------------


def test_the_report_lists_found_missing_and_uncovered(project):
    (project / "collection.lock").unlink(missing_ok=True)
    result = skillbook("collection", cwd=project)
    assert result.returncode == 0
    assert result.stderr.splitlines() == WARNINGS
    assert result.stdout == """The book's 14 skills against the collection owner/skills (12 skills):

Found in owner/skills (6):
  @argo-workflows
  @docker-compose-patterns
  @docker-expert
  @dockerfile-optimization
  @helm-expert
  @kubernetes-expert

Missing from owner/skills (8):
  @coolify
  @docker-best-practices: closest docker-compose-patterns
  @helm-charts-best-practices
  @kubernetes-config-auditor
  @kubernetes-deployment-patterns: closest kubernetes-expert, docker-compose-patterns
  @kubernetes-manifests-best-practices
  @kubernetes-yaml-generator: closest kubernetes-expert
  @service-mesh-expert: closest istio-expert (its new name), kubernetes-expert

In the collection, used by no chapter (6), by category:
  (no category): git-workflow
  ci-cd: github-actions
  cloud: terraform-expert
  cloud/aws: aws-serverless
  containers: podman-expert
  kubernetes/networking: istio-expert

New in the collection since the last report (0):
  none

Gone from the collection since the last report (0):
  none

Descriptions changed since the last report (0):
  none
"""


def test_json_and_strict(project):
    result = skillbook("collection", "--json", cwd=project)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "found": FOUND,
        "missing": [{"id": skill_id, "suggestions": suggestions} for skill_id, suggestions in MISSING.items()],
        "uncovered": [{"id": skill_id, "category": category} for skill_id, category in UNCOVERED],
    }
    assert skillbook("collection", "--strict", "--json", cwd=project).returncode == 1


def test_strict_passes_when_every_skill_is_in_the_collection(tmp_path):
    project = make_collection_project(tmp_path / "book")
    for skill_id in MISSING:
        write(project / "skills-collection" / "skills" / "more" / skill_id / "SKILL.md",
              f"---\nname: {skill_id}\ndescription: Added.\n---\n")
    result = skillbook("collection", "--strict", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["missing"] == []


def test_changed_descriptions_since_the_last_report_are_listed(tmp_path):
    project = make_collection_project(tmp_path / "book")
    skillbook("collection", cwd=project)
    lock = json.loads((project / "collection.lock").read_text(encoding="utf-8"))
    assert lock["repository"] == "owner/skills"
    assert lock["descriptions"]["docker-expert"] == DOCKER_EXPERT
    write(project / "skills-collection" / "skills" / "kubernetes" / "helm-expert" / "SKILL.md",
          "---\nname: helm-expert\ndescription: Helm 4 charts.\n---\n")
    write(project / "skills-collection" / "skills" / "cloud" / "aws" / "aws-cdk" / "SKILL.md",
          "---\nname: aws-cdk\ndescription: CDK apps.\n---\n")
    write(project / "skills-collection" / "skills" / "gitops" / "SKILL.md", "---\nname: gitops\ndescription: Flux.\n---\n")
    shutil.rmtree(project / "skills-collection" / "skills" / "containers" / "docker-expert")
    result = skillbook("collection", cwd=project)
    assert result.stdout.endswith(
        "New in the collection since the last report (2):\n  aws-cdk (cloud/aws)\n  gitops (no category)\n\n"
        "Gone from the collection since the last report (1):\n  docker-expert\n\n"
        "Descriptions changed since the last report (1):\n  helm-expert: Helm 4 charts.\n")
    # Kept: the next report compares with this one.
    assert skillbook("collection", cwd=project).stdout.endswith(
        "New in the collection since the last report (0):\n  none\n\n"
        "Gone from the collection since the last report (0):\n  none\n\n"
        "Descriptions changed since the last report (0):\n  none\n")


def test_a_book_without_a_collection_is_told_how_to_name_one(tmp_path):
    project = make_site_project(tmp_path / "book")
    result = skillbook("collection", cwd=project)
    assert result.returncode == 2
    assert result.stderr == ("skillbook: mkdocs.yml names no collection; add 'collection:' with 'path:' and "
                             "'repository:' under 'extra: skillbook:'\n")


def test_a_missing_collection_folder_fails_check_and_build(tmp_path):
    project = make_collection_project(tmp_path / "book")
    shutil.rmtree(project / "skills-collection")
    line = (project / "mkdocs.yml").read_text(encoding="utf-8").split("\n").index("      path: skills-collection") + 1
    expected = (f"mkdocs.yml:{line}: the collection's folder skills-collection does not exist; get it with "
                "'git clone https://github.com/owner/skills.git skills-collection' (run beside mkdocs.yml), or keep it "
                "in the project with 'git submodule add https://github.com/owner/skills.git skills-collection'")
    check = skillbook("check", cwd=project)
    assert check.returncode == 1
    assert expected in check.stderr.splitlines()
    report = skillbook("collection", cwd=project)
    assert (report.returncode, report.stderr) == (2, expected + "\n")
    build = build_site(project, tmp_path / "site")
    assert build.returncode == 1
    assert expected in build.stderr


def test_check_prints_the_collection_warnings_without_failing_strict(project):
    result = skillbook("check", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if "skills-collection" in line] == WARNINGS



def test_a_collection_beside_the_project_is_named_from_it(tmp_path):
    project = make_collection_project(tmp_path / "book")
    shutil.move(project / "skills-collection", tmp_path / "skills-collection")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("path: skills-collection", "path: ../skills-collection"),
                      encoding="utf-8")
    beside = [f"../{warning}" for warning in WARNINGS]
    check = skillbook("check", "--strict", cwd=project)
    assert check.returncode == 0, check.stderr
    assert [line for line in check.stdout.splitlines() if "skills-collection" in line] == beside
    build = build_site(project, tmp_path / "site")
    assert build.returncode == 0, build.stderr
    assert [line.split("-  ", 1)[1] for line in build.stderr.splitlines() if "skills-collection" in line] == beside


# -- the site ---------------------------------------------------------------------------------------


def after(node: Node) -> Node:
    """The element that follows ``node`` in its parent."""
    siblings = node.parent.elements()
    return siblings[siblings.index(node) + 1]


def install_section(site: Path, skill_id: str) -> Node:
    return page(site, f"skills/{skill_id}/index.html").find("h2", id="install")


def test_a_skill_in_the_collection_shows_its_description_link_and_install_commands(built):
    section = install_section(built, "docker-expert")
    intro = after(section)
    assert norm(intro.text()) == "@docker-expert is in the collection owner/skills: skills/containers/docker-expert/SKILL.md."
    assert [a.attrs["href"] for a in intro.find_all("a")] == [
        "https://github.com/owner/skills",
        "https://github.com/owner/skills/blob/HEAD/skills/containers/docker-expert/SKILL.md"]
    quote = after(intro)
    assert (quote.tag, norm(quote.text())) == ("blockquote", DOCKER_EXPERT)
    box = after(quote)
    installs = json.loads(unquote(box.attrs["data-sb-install"]))
    assert installs == {name: {"folder": f"{folder}/docker-expert", "command": install(folder, "skills/containers/docker-expert")}
                        for name, folder in DOCKER_INSTALLS.items()}
    # Without JavaScript: the first assistant's ("As written"), a folder most assistants read.
    assert norm(after(box.find("p", "sb-tools")).text()) == (
        "To install it into .agents/skills/docker-expert, or to replace the copy there with the collection's latest, "
        "run in your project (a shell with git):")
    assert box.find("code", "sb-install__folder").text() == ".agents/skills/docker-expert"
    assert box.find("div", "sb-install__command").find("code").text() == install(".agents/skills", "skills/containers/docker-expert")
    assert [o.text() for o in box.find("select", "sb-assistant").find_all("option")] == list(DOCKER_INSTALLS)


def test_a_description_reaches_the_page_as_text(built):
    quote = after(after(install_section(built, "kubernetes-expert")))
    assert norm(quote.text()) == "Deploys and debugs workloads on Kubernetes <clusters> & their nodes."
    assert quote.find("clusters") is None


def test_a_skill_the_collection_lacks_says_so_with_the_closest_alias_first(built):
    note = after(install_section(built, "service-mesh-expert"))
    assert "admonition" in note.classes
    assert norm(note.text()) == (
        "Not in the collection @service-mesh-expert is not in the collection owner/skills, so it cannot be installed "
        "from there. The closest skills it has: istio-expert (its new name), kubernetes-expert.")
    assert [a.attrs["href"] for a in note.find_all("a")] == [
        "https://github.com/owner/skills",
        "https://github.com/owner/skills/blob/HEAD/skills/kubernetes/networking/istio-expert/SKILL.md",
        "https://github.com/owner/skills/blob/HEAD/skills/kubernetes/kubernetes-expert/SKILL.md"]
    assert not [n for n in page(built, "skills/service-mesh-expert/index.html").iter() if "data-sb-install" in n.attrs]
    assert norm(after(install_section(built, "coolify")).text()) == (
        "Not in the collection @coolify is not in the collection owner/skills, so it cannot be installed from there.")


def test_the_catalog_marks_each_skill_for_the_filter(built):
    catalog = page(built, "skills/index.html")
    marks = {a.attrs["href"].strip("/"): a.attrs["data-sb-collection"] for a in catalog.find_all("a", data_sb_item="skill")}
    assert marks == {**{s: "in" for s in FOUND}, **{s: "out" for s in MISSING}}
    assert [(o.attrs["value"], o.text()) for o in catalog.find("select", name="collection").find_all("option")] == [
        ("", "All skills"), ("in", "In the collection"), ("out", "Not in the collection")]


def test_cards_of_a_missing_skill_carry_a_quiet_mark(built):
    chapter = page(built, "chapter-16-container-orchestration/index.html")
    marked = [card.find("a", "sb-badge").text() for card in chapter.find_all("article", "sb-prompt")
              if card.find("span", "sb-uninstallable")]
    assert marked == ["@service-mesh-expert"]  # the chapter's only prompt whose skill the collection lacks
    mark = chapter.find("span", "sb-uninstallable")
    assert mark.text() == "Not in the collection"
    assert mark.attrs["title"] == "@service-mesh-expert is not in the collection owner/skills, so it cannot be installed from there"


def test_the_data_gives_each_skill_its_collection_entry(built):
    data = json.loads((built / "api" / "skills.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, {**api_schema(), "$ref": "#/$defs/skills"})
    entries = {s["id"]: s["collection"] for s in data["skills"]}
    assert entries["docker-expert"] == {
        "path": "skills/containers/docker-expert",
        "skill_md": "https://github.com/owner/skills/blob/HEAD/skills/containers/docker-expert/SKILL.md",
        "description": DOCKER_EXPERT}
    assert sorted(s for s, entry in entries.items() if entry is not None) == FOUND
    llms = (built / "llms.txt").read_text(encoding="utf-8").split("\n")
    assert ("6 of 14 skills can be installed from the collection owner/skills (https://github.com/owner/skills): "
            "their SKILL.md is linked below.") in llms
    assert any(line.startswith("- [@docker-expert](") and line.endswith(
        "; install it from https://github.com/owner/skills/blob/HEAD/skills/containers/docker-expert/SKILL.md")
        for line in llms)
    assert any(line.startswith("- [@coolify](") and line.endswith("; not in the collection") for line in llms)


def test_a_book_without_a_collection_gives_null_entries(site):
    data = json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))
    assert [s["collection"] for s in data["skills"]] == [None] * 14
    assert "not in the collection" not in (site / "llms.txt").read_text(encoding="utf-8")
    assert "sb-uninstallable" not in (site / "chapter-16-container-orchestration" / "index.html").read_text(encoding="utf-8")
    assert install_section(site, "docker-expert") is None


@pytest.mark.parametrize("assistant", list(DOCKER_INSTALLS))
def test_each_install_command_fetches_the_skill_folder_alone(built, tmp_path, assistant):
    """The command a page gives, run in a shell: the repository is a local copy of the
    fixture collection, which git reads in place of GitHub's address."""
    source = tmp_path / "upstream"
    shutil.copytree(COLLECTION, source)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q", "-b", "main"], ["config", "uploadpack.allowFilter", "true"],  # as GitHub does
                    ["add", "-A"], ["commit", "-qm", "skills"]):
        subprocess.run([*git, *command], cwd=source, check=True)
    box = after(after(after(install_section(built, "docker-expert"))))
    command = json.loads(unquote(box.attrs["data-sb-install"]))[assistant]["command"]
    work = tmp_path / "project"
    work.mkdir()
    env = {**os.environ, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{source.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/owner/skills.git"}
    subprocess.run(["sh", "-c", command], cwd=work, env=env, check=True, capture_output=True)
    folder = DOCKER_INSTALLS[assistant]
    skill_md = COLLECTION / "skills" / "containers" / "docker-expert" / "SKILL.md"
    assert sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file()) == [f"{folder}/docker-expert/SKILL.md"]
    assert (work / folder / "docker-expert" / "SKILL.md").read_bytes() == skill_md.read_bytes()
    # Run again once the collection changed, it replaces the installed copy (not a copy inside it).
    (source / "skills" / "containers" / "docker-expert" / "SKILL.md").write_text("---\nname: docker-expert\ndescription: New.\n---\n")
    subprocess.run([*git, "commit", "-qam", "new description"], cwd=source, check=True)
    subprocess.run(["sh", "-c", command], cwd=work, env=env, check=True, capture_output=True)
    assert sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file()) == [f"{folder}/docker-expert/SKILL.md"]
    assert (work / folder / "docker-expert" / "SKILL.md").read_text() == "---\nname: docker-expert\ndescription: New.\n---\n"


def test_a_branch_is_named_in_links_and_commands(tmp_path):
    collection = collection_at(COLLECTION, branch="release")
    skill = CollectionSkill("git-workflow", "Branches.", "skills/git-workflow", None)
    assert collection.skill_md_url(skill) == "https://github.com/owner/skills/blob/release/skills/git-workflow/SKILL.md"
    assert collection.install_command(skill, ".claude/skills") == (
        "rm -rf .claude/skills/.git-workflow-download && "
        "git clone --depth 1 --filter=blob:none --sparse --branch release https://github.com/owner/skills.git "
        ".claude/skills/.git-workflow-download && git -C .claude/skills/.git-workflow-download sparse-checkout set "
        "skills/git-workflow && rm -rf .claude/skills/git-workflow && "
        "mv .claude/skills/.git-workflow-download/skills/git-workflow .claude/skills/git-workflow "
        "&& rm -rf .claude/skills/.git-workflow-download")



def test_gemini_cli_and_antigravity_listed_as_the_readme_shows_get_their_folders(tmp_path):
    project = make_collection_project(tmp_path / "book")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("    assistants:\n"
                     "      - name: Gemini CLI\n        invoke: \"Use the {skill} skill.\"\n"
                     "        mention: \"the {skill} skill\"\n        skills_folder: .gemini/skills\n"
                     "      - name: Antigravity\n        invoke: \"Use the {skill} skill.\"\n"
                     "        mention: \"the {skill} skill\"\n        skills_folder: .agents/skills\n")
    site = tmp_path / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    box = after(after(after(install_section(site, "helm-expert"))))
    assert json.loads(unquote(box.attrs["data-sb-install"])) == {
        name: {"folder": f"{folder}/helm-expert", "command": install(folder, "skills/kubernetes/helm-expert", "helm-expert")}
        for name, folder in (("As written", ".agents/skills"), ("Gemini CLI", ".gemini/skills"),
                             ("Antigravity", ".agents/skills"))}


def test_a_name_longer_than_64_characters_is_refused(tmp_path):
    long = "a" * 65
    write(tmp_path / "collection" / long / "SKILL.md", f"---\nname: {long}\ndescription: Long.\n---\n")
    write(tmp_path / "collection" / ("b" * 64) / "SKILL.md", f"---\nname: {'b' * 64}\ndescription: Longest.\n---\n")
    assert sorted(collection_at(tmp_path / "collection").skills) == ["b" * 64]
    assert messages(tmp_path / "collection") == [
        f"{long}/SKILL.md:1: the folder '{long}' is not a skill name (1 to 64 lower-case letters, digits and single "
        "hyphens), which the folder an install creates must be; the skill is left out"]
    # A name unlike the rules in a folder that follows them: the fix named is the folder's.
    write(tmp_path / "other" / "fine" / "SKILL.md", f"---\nname: {long}\ndescription: Long.\n---\n")
    assert messages(tmp_path / "other") == [
        f"fine/SKILL.md:2: name '{long}' is not 1 to 64 lower-case letters, digits and single hyphens; write "
        "'name: fine', its folder's name"]


# -- skillbook mcp ------------------------------------------------------------------------------------


def test_get_skill_gives_the_skill_md_and_install_folders(project):
    book = load_book(project / "docs", project / "skills", project, project / "mkdocs.yml")
    library = library_from_book(book, "https://book.example/", str(project))
    assert library.skill_details("docker-expert")["collection"] == {
        "path": "skills/containers/docker-expert",
        "skill_md": "https://github.com/owner/skills/blob/HEAD/skills/containers/docker-expert/SKILL.md",
        "description": DOCKER_EXPERT,
        "install_folders": {name: f"{folder}/docker-expert" for name, folder in DOCKER_INSTALLS.items()},
    }
    assert "collection" not in library.skill_details("coolify")


def test_duplicates_odd_values_and_broken_alias_files_are_warnings(tmp_path):
    folder = tmp_path / "collection"
    write(folder / "SKILL.md", "---\nname: top\ndescription: The collection's own, not a skill folder.\n---\n")
    write(folder / "one" / "same" / "SKILL.md", "---\nname: same\ndescription: First.\n---\n")
    write(folder / "two" / "same" / "SKILL.md", "---\nname: same\ndescription: Second.\n---\n")
    write(folder / "number" / "SKILL.md", "---\nname: number\ndescription: 42\n---\n")
    write(folder / "unnamed" / "SKILL.md", "---\ndescription: No name.\n---\n")
    write(folder / "listed" / "SKILL.md", "---\nname: [listed]\ndescription: A list for a name.\n---\n")
    write(folder / "aliases.json", '{"old": ')
    write(folder / "skills" / "aliases.yml", "- old\n- new\n")
    write(folder / "skills" / "aliases.yaml", "old: [new]\n")
    collection = collection_at(folder)
    assert {s.id: s.description for s in collection.skills.values()} == {
        "listed": "A list for a name.", "number": "42", "same": "First.", "unnamed": "No name."}
    assert collection.aliases == {}
    assert messages(folder) == [
        "aliases.json:1: JSON syntax error: Expecting value; the aliases are not read",
        "listed/SKILL.md:2: 'name:' must be text; write 'name: listed', its folder's name",
        "number/SKILL.md:3: 'description:' must be text; put it in quotes",
        "skills/aliases.yaml:1: alias 'old': '['new']' is not a map of one skill name to another; it is not read",
        "skills/aliases.yml:1: aliases must be a map of old name to new, such as {\"docker-pro\": \"docker-expert\"}",
        "two/same/SKILL.md:1: a skill 'same' is also in one/same; the first is kept",
        "unnamed/SKILL.md:2: missing 'name:'; write 'name: unnamed', its folder's name",
    ]


def test_a_lock_file_that_is_not_the_reports_starts_afresh(tmp_path):
    project = make_collection_project(tmp_path / "book")
    for text in ("not JSON", '{"descriptions": ["a list"]}'):
        write(project / "collection.lock", text)
        result = skillbook("collection", "--json", cwd=project)
        assert result.returncode == 0
        assert result.stderr.splitlines()[-1] == (
            "collection.lock:1: warning: collection.lock is not the file 'skillbook collection' writes, so no "
            "description is compared; this report writes it afresh")
    assert json.loads((project / "collection.lock").read_text(encoding="utf-8"))["descriptions"]["helm-expert"] == (
        "Writes and upgrades Helm charts and releases.")


def test_an_assistant_names_its_skills_folder(tmp_path):
    config = write(tmp_path / "mkdocs.yml", "site_name: Test\nextra:\n  skillbook:\n    assistants:\n"
                                            "      - name: Gemini CLI\n        invoke: 'Use the {skill} skill.'\n"
                                            "        skills_folder: .gemini/skills\n      - name: Team bot\n"
                                            "        invoke: '@{skill}'\n")
    problems: list = []
    assistants = load_options(config, problems).assistants
    assert problems == []
    assert [(a.name, a.skills_folder) for a in assistants] == [
        ("As written", ".agents/skills"), ("Gemini CLI", ".gemini/skills"), ("Team bot", ".agents/skills")]
