"""What the fixture collection of skills (tests/fixtures/skills-collection)
holds for the real book's skills, written out by hand, and the install command
a skill page gives for one of its skills."""

from __future__ import annotations

FOUND = ["argo-workflows", "docker-compose-patterns", "docker-expert", "dockerfile-optimization", "helm-expert",
         "kubernetes-expert"]
MISSING = {
    "coolify": [],
    "docker-best-practices": ["docker-compose-patterns"],
    "helm-charts-best-practices": [],
    "kubernetes-config-auditor": [],
    "kubernetes-deployment-patterns": ["kubernetes-expert", "docker-compose-patterns"],
    "kubernetes-manifests-best-practices": [],
    "kubernetes-yaml-generator": ["kubernetes-expert"],
    "service-mesh-expert": ["istio-expert", "kubernetes-expert"],  # the alias first
}


def install(folder: str, skill_folder: str, skill_id: str = "docker-expert") -> str:
    """The command that installs ``skill_id`` from the collection's ``skill_folder`` into
    an assistant's ``folder``: a sparse clone of that folder alone, moved into place
    (in place of a copy installed before)."""
    download = f"{folder}/.{skill_id}-download"
    return (f"rm -rf {download} && "
            f"git clone --depth 1 --filter=blob:none --sparse https://github.com/owner/skills.git {download} && "
            f"git -C {download} sparse-checkout set {skill_folder} && "
            f"rm -rf {folder}/{skill_id} && mv {download}/{skill_folder} {folder}/{skill_id} && rm -rf {download}")


DOCKER_INSTALLS = {
    "As written": ".agents/skills", "Claude Code": ".claude/skills", "Codex": ".agents/skills",
    "GitHub Copilot": ".github/skills", "Cursor": ".cursor/skills", "Any assistant, in words": ".agents/skills",
}
