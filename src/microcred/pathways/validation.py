"""Is a pathway usable? Cycles, unreachable steps and impossible targets, each with a reason
that names the step (so an editor can show it beside the step)."""

from __future__ import annotations

from microcred.errors import InvalidInput, Problem
from microcred.pathways.definition import CREDIT, ELECTIVE, Pathway, Step
from microcred.rules.text import number

Node = tuple[str, str]  # ("step" | "milestone" | "goal", id)


def _name(node: Node, pathway: Pathway) -> str:
    kind, node_id = node
    if kind == "goal":
        return f"the goal ‘{pathway.goal.label}’"
    if kind == "step":
        step = pathway.step(node_id)
        return f"step ‘{step.title if step else node_id}’"
    milestone = next((m for m in pathway.milestones if m.id == node_id), None)
    return f"milestone ‘{milestone.title if milestone else node_id}’"


def dependencies(pathway: Pathway) -> dict[Node, list[Node]]:
    """What each step, milestone and the goal waits for (known ids only)."""
    step_ids = {step.id for step in pathway.steps}
    by_ref: dict[str, Node] = {m.achievement.ref: ("milestone", m.id) for m in pathway.milestones}
    by_ref[pathway.goal.ref] = ("goal", "")
    graph: dict[Node, list[Node]] = {("goal", ""): [("step", s.id) for s in pathway.steps]}
    for step in pathway.steps:
        needs = [("step", r) for r in step.requires if r in step_ids]
        needs += [by_ref[item.ref] for item in step.items if item.ref in by_ref]
        graph[("step", step.id)] = needs
    for milestone in pathway.milestones:
        graph[("milestone", milestone.id)] = [("step", s) for s in milestone.after if s in step_ids]
    return graph


def _cycle(graph: dict[Node, list[Node]]) -> list[Node]:
    """One cycle of ``graph`` as a closed walk (first node repeated at the end), or []."""
    state: dict[Node, int] = {}  # 1: on the current path, 2: finished
    path: list[Node] = []

    def visit(node: Node) -> list[Node]:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def problems(pathway: Pathway) -> list[Problem]:
    """Everything wrong with ``pathway`` (empty: it can be published)."""
    out: list[Problem] = []
    if not pathway.steps:
        out.append(Problem("$.steps", "a pathway needs at least one step"))
    ids: set[str] = set()
    for where, the_id in [(f"$.steps[{i}].id", s.id) for i, s in enumerate(pathway.steps)] + [
        (f"$.milestones[{i}].id", m.id) for i, m in enumerate(pathway.milestones)
    ]:
        if the_id in ids:
            out.append(Problem(where, f"the id ‘{the_id}’ is used twice"))
        ids.add(the_id)
    step_ids = {step.id for step in pathway.steps}
    for position, step in enumerate(pathway.steps):
        out.extend(_step_problems(step, f"$.steps[{position}]", step_ids, pathway))
    for position, milestone in enumerate(pathway.milestones):
        where = f"$.milestones[{position}]"
        name = f"milestone ‘{milestone.title}’"
        if not milestone.after:
            out.append(Problem(f"{where}.after", f"{name} must come after at least one step"))
        for required in milestone.after:
            if required not in step_ids:
                out.append(Problem(f"{where}.after", f"{name} follows unknown step ‘{required}’"))
        if milestone.achievement.ref == pathway.goal.ref:
            out.append(Problem(f"{where}.achievement", f"{name} uses the goal's achievement"))
    if out:
        return out  # a cycle report on a broken graph would only repeat these
    cycle = _cycle(dependencies(pathway))
    if cycle:
        walk = " → ".join(_name(node, pathway) for node in cycle)
        out.append(Problem("$.steps", f"{_name(cycle[0], pathway)} waits for itself: {walk}"))
    return out


def _step_problems(step: Step, where: str, step_ids: set[str], pathway: Pathway) -> list[Problem]:
    name = f"step ‘{step.title}’"
    out: list[Problem] = []
    if not step.items:
        out.append(Problem(f"{where}.items", f"{name} has no achievements"))
    refs = [item.ref for item in step.items]
    if len(set(refs)) != len(refs):
        out.append(Problem(f"{where}.items", f"{name} lists an achievement twice"))
    if pathway.goal.ref in refs:
        out.append(
            Problem(f"{where}.items", f"{name} counts the goal itself, so it waits for itself")
        )
    for required in step.requires:
        if required == step.id:
            out.append(Problem(f"{where}.requires", f"{name} cannot require itself"))
        elif required not in step_ids:
            out.append(
                Problem(
                    f"{where}.requires",
                    f"{name} can never be reached: it requires unknown step ‘{required}’",
                )
            )
    if step.kind == ELECTIVE and step.n > len(step.items):
        out.append(
            Problem(
                f"{where}.n",
                f"{name} is impossible: it asks for {step.n} of only {len(step.items)} "
                "achievements",
            )
        )
    if step.kind == CREDIT:
        offered = sum(item.credit_in(step.system) for item in step.items)
        if offered < step.target:
            out.append(
                Problem(
                    f"{where}.target",
                    f"{name} is impossible: it needs {number(step.target)} {step.system} "
                    f"credits but its achievements offer only {number(offered)}",
                )
            )
    return out


def check(pathway: Pathway) -> Pathway:
    """``pathway`` unchanged, or :class:`InvalidInput` listing every problem."""
    found = problems(pathway)
    if found:
        raise InvalidInput("pathway cannot be published", found)
    return pathway
