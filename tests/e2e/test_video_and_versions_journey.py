"""Item 6 in Chromium: a YouTube video block behind a consent placeholder (nothing loads from
YouTube until the click; the frame is the privacy-enhanced address; "always play" is remembered
per browser), then the course's versions compared block by block and rolled back."""

from __future__ import annotations

from axe_steps import serious_violations
from playwright.sync_api import Page, Request, Route, expect

ADMIN = "admin@northwind.example"
NOCOOKIE = "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"


def _course_path(page: Page) -> str:
    page.goto("/o/northwind/learning/courses/")
    page.get_by_role("link", name="Safe manual handling").first.click()
    page.wait_for_url("**/learning/courses/*/")
    return page.url


def test_video_consent_then_course_diff_and_rollback(signed_in, shot) -> None:
    page: Page = signed_in(ADMIN)
    third_party: list[str] = []

    def answer_blank(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<p>player</p>")

    def note(request: Request) -> None:
        if "youtube" in request.url or "vimeo" in request.url:
            third_party.append(request.url)

    page.route("https://www.youtube-nocookie.com/**", answer_blank)
    page.route("https://player.vimeo.com/**", answer_blank)
    page.on("request", note)

    course_url = _course_path(page)
    page.locator(".module-list a, a[href*='/modules/']").first.click()
    page.get_by_role("link", name="Video", exact=True).click()
    page.get_by_label("Or link to it").fill("https://example.org/not-a-video")
    page.get_by_role("button", name="Add block").click()
    expect(page.locator("#id_url_error")).to_contain_text("Give a YouTube or Vimeo video link")
    page.get_by_label("Or link to it").fill("https://www.youtube.com/watch?v=aqz-KE-bpKQ")
    page.get_by_label("Caption").fill("Lifting, filmed")
    page.get_by_role("button", name="Add block").click()

    page.goto(course_url + "preview/?module=1")
    embed = page.locator("[data-video-embed][data-provider='youtube']")
    expect(embed.get_by_role("button", name="Play the video from YouTube")).to_be_visible()
    expect(embed.locator("iframe")).to_have_count(0)
    assert third_party == []  # the placeholder loads nothing from YouTube or Vimeo
    shot("video-consent")
    assert serious_violations(page) == []
    embed.get_by_role("button", name="Play the video from YouTube").click()
    frame = embed.locator("iframe")
    expect(frame).to_have_attribute("src", NOCOOKIE)
    assert third_party and all("youtube-nocookie.com" in url for url in third_party)

    # "always play" is remembered in this browser: the next visit plays at once
    vimeo = page.locator("[data-video-embed][data-provider='vimeo']")
    vimeo.get_by_label("Always play Vimeo videos in this browser").check()
    vimeo.get_by_role("button", name="Play the video from Vimeo").click()
    page.reload()
    expect(page.locator("[data-provider='vimeo'] iframe")).to_have_attribute(
        "src", "https://player.vimeo.com/video/76979871?dnt=1"
    )
    expect(page.locator("[data-provider='youtube'] iframe")).to_have_count(0)
    shot("video-played")

    # versions: compare v2 with the draft, then roll the draft back to v1
    page.goto(course_url)
    page.get_by_role("link", name="Compare and roll back").click()
    expect(page.locator("[data-status='added']").first).to_contain_text("Video")  # v1 → v2
    page.get_by_label("Compare", exact=True).select_option("2")
    page.get_by_label("with", exact=True).select_option("draft")
    page.get_by_role("button", name="Compare").click()
    added = page.locator("[data-status='added']")
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Lifting, filmed")
    shot("course-diff")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Roll back to version 1").click()
    expect(page.get_by_text("The draft is now version 1 again")).to_be_visible()
    expect(page.get_by_text("No differences.")).to_be_visible()
    page.get_by_label("Compare", exact=True).select_option("2")
    page.get_by_label("with", exact=True).select_option("draft")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("[data-status='removed']")).to_have_count(1)
    shot("course-rolled-back")
