"""The team skills matrix: sortable, filterable heatmap; coverage and bench strength with an
accessible SVG chart and its table; CSV and XLSX exports with formulas neutralised."""

from __future__ import annotations

import csv
import io
import zipfile

from django.urls import reverse

from microcred_web.orgs.models import Membership
from microcred_web.skills import endorsements, services
from microcred_web.skills.matrix_exports import neutralise


def url(name, world, **kwargs):
    return reverse(f"skills:{name}", kwargs={"slug": world.org.slug, **kwargs})


def test_heatmap_has_headers_colour_and_text_and_sorts(client, skills, issue_to, make_member):
    world = skills.world
    role = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Operative",
        requirements=[(skills.forklift.pk, 2, 1)],
    )
    second = make_member(world.org, "learner", email="aaron@acme.example", name="Aaron Able")
    team = world.team
    team.members.add(Membership.objects.get(organisation=world.org, user=second))
    for user in (world.people["learner"], second):
        services.person_role_set(
            organisation=world.org, actor=world.people["admin"], user=user, current=role
        )
    issue_to(skills.achievement, world.people["learner"])
    endorsements.visibility_set(  # the learner shows it to their managers
        organisation=world.org,
        user=world.people["learner"],
        skill=skills.forklift,
        visibility="manager",
    )
    client.force_login(world.people["manager"])
    html = client.get(url("team", world)).content.decode()
    assert (
        '<th scope="col" aria-sort="ascending"><a href="?level=3&amp;sort=person&amp;order=desc"'
        in html
    )
    assert 'class="lvl-3 held">3 <span' in html  # colour class and the level as text
    assert 'class="lvl-0 gap">— / 2<span class="visually-hidden"> below the required level' in html

    def table(response):
        html = response.content.decode()
        return html[html.index('id="skills-matrix"') :]

    learner = world.people["learner"]
    learner.display_name = "Zed Learner"
    learner.save()
    by_name = table(client.get(url("team", world)))
    assert by_name.index("Aaron Able") < by_name.index("Zed Learner")
    by_level = table(
        client.get(url("team", world), {"sort": str(skills.forklift.pk), "order": "desc"})
    )
    assert by_level.index("Zed Learner") < by_level.index("Aaron Able")
    assert 'aria-sort="descending"' in by_level
    by_gaps = table(client.get(url("team", world), {"sort": "gaps"}))
    assert by_gaps.index("Aaron Able") < by_gaps.index("Zed Learner")
    fewest_gaps = table(client.get(url("team", world), {"sort": "gaps", "order": "asc"}))
    assert fewest_gaps.index("Zed Learner") < fewest_gaps.index("Aaron Able")


def test_skill_words_filter_the_columns(client, skills, issue_to):
    world = skills.world
    issue_to(skills.achievement, world.people["learner"])
    services.alignment_set(
        achievement=skills.achievement,
        actor=world.people["admin"],
        rows=[(skills.forklift.pk, 3), (skills.stock.pk, 2)],
    )
    issue_to(skills.achievement, world.people["learner"])
    client.force_login(world.people["manager"])
    both = client.get(url("team", world)).content.decode()
    assert "Forklift operation" in both and "Stock control" in both
    only = client.get(url("team", world), {"skill": "STOCK"}).content.decode()
    assert 'data-sort="' + str(skills.stock.pk) in only
    assert 'data-sort="' + str(skills.forklift.pk) not in only


def test_coverage_bench_strength_single_holder_and_chart(client, skills, issue_to):
    world = skills.world
    issue_to(skills.achievement, world.people["learner"])  # forklift at 3, verified
    endorsements.visibility_set(  # the learner shows it to their managers
        organisation=world.org,
        user=world.people["learner"],
        skill=skills.forklift,
        visibility="manager",
    )
    client.force_login(world.people["manager"])
    at3 = client.get(url("team", world), {"level": "3"}).content.decode()
    assert 'id="coverage-table"' in at3 and f'data-bench="{skills.forklift.pk}">1<' in at3
    at4 = client.get(url("team", world), {"level": "4"}).content.decode()
    assert f'data-bench="{skills.forklift.pk}">0<' in at4
    assert 'id="single-holders"' in at3 and "one holder" in at3
    assert (
        '<svg id="bench-chart" role="img" aria-labelledby="bench-chart-title bench-chart-desc"'
        in at3
    )
    assert '<title id="bench-chart-title">' in at3 and "1 / 1</text>" in at3


def test_exports_csv_and_xlsx_neutralise_formulas(client, skills, issue_to):
    world = skills.world
    learner = world.people["learner"]
    learner.display_name = '=HYPERLINK("http://evil.example","x")'
    learner.save()
    services.skill_create(organisation=world.org, actor=world.people["admin"], label="@SUM(A1)")
    issue_to(skills.achievement, learner)
    endorsements.visibility_set(  # the learner shows it to their managers
        organisation=world.org, user=learner, skill=skills.forklift, visibility="manager"
    )
    client.force_login(world.people["manager"])
    response = client.get(url("team_export", world, fmt="csv"), {"level": "3"})
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0] == ["person", "Forklift operation"]
    assert rows[1] == ["'" + learner.display_name, "3 verified"]
    assert ["Forklift operation", "1", "1", "1", "0", "0"] in rows
    book = client.get(url("team_export", world, fmt="xlsx")).content
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
    assert "<f>" not in sheet  # no formula anywhere
    assert client.get(url("team_export", world, fmt="pdf")).status_code == 404


def test_neutralise_leading_formula_characters():
    assert neutralise("=1+1") == "'=1+1" and neutralise("-2") == "'-2"
    assert neutralise("+A1") == "'+A1" and neutralise("@cmd") == "'@cmd"
    assert neutralise("Forklift") == "Forklift"


def test_exports_refused_to_learners_and_other_organisations(client, skills, issue_to):
    world = skills.world
    issue_to(skills.achievement, world.people["learner"])
    client.force_login(world.people["learner"])
    assert client.get(url("team_export", world, fmt="csv")).status_code == 403
    client.force_login(world.others["admin"])
    assert client.get(url("team_export", world, fmt="csv")).status_code == 404
    theirs = reverse("skills:team_export", kwargs={"slug": world.other.slug, "fmt": "csv"})
    body = client.get(theirs).content.decode()
    assert "Forklift" not in body and "Zed Learner" not in body
