"""Video blocks embed YouTube and Vimeo in privacy-enhanced mode behind a consent placeholder;
links are validated with field-named errors; the player's CSP frames those two only."""

from __future__ import annotations

import pytest

from microcred_web.common.errors import ApplicationError
from microcred_web.learning import services
from microcred_web.learning.video import FRAME_POLICY, NotAVideo, video_embed

NOCOOKIE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=42",
        "https://m.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ],
)
def test_youtube_links_become_the_nocookie_embed(url: str) -> None:
    embed = video_embed(url)
    assert embed is not None and embed.provider == "youtube" and embed.embed_url == NOCOOKIE


@pytest.mark.parametrize(
    "url", ["https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?h=abc"]
)
def test_vimeo_links_become_the_do_not_track_player(url: str) -> None:
    embed = video_embed(url)
    assert embed is not None
    assert embed.embed_url == "https://player.vimeo.com/video/76979871?dnt=1"


def test_file_links_play_in_the_page_and_others_are_refused() -> None:
    assert video_embed("https://cdn.example.org/lift.mp4") is None
    for bad in (
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/abc",
        "https://vimeo.com/channels/staffpicks",
        "https://example.org/page.html",
        "http://youtu.be/dQw4w9WgXcQ",
        "javascript:alert(1)",
    ):
        with pytest.raises(NotAVideo):
            video_embed(bad)


def test_a_video_block_refuses_other_links_on_the_url_field(setup) -> None:
    module = setup.modules[0]
    for bad, says in (
        ("https://example.org/page.html", "Give a YouTube or Vimeo video link"),
        ("https://www.youtube.com/watch?v=nope", "This link has no video in it"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.block_create(
                module=module, actor=setup.admin, kind="video", values={"url": bad}
            )
        assert refused.value.field == "url" and refused.value.message.startswith(says)
    block = services.block_create(
        module=module,
        actor=setup.admin,
        kind="video",
        values={"url": "https://youtu.be/dQw4w9WgXcQ", "caption": "Lifting safely"},
    )
    assert block.url == "https://youtu.be/dQw4w9WgXcQ"


def test_the_player_shows_a_consent_placeholder_and_frames_only_the_players(
    client, setup, enrol
) -> None:
    module = setup.modules[0]
    services.block_create(
        module=module,
        actor=setup.admin,
        kind="video",
        values={"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "caption": "Lifting"},
    )
    services.course_publish(course=setup.course, actor=setup.admin)
    enrolment = enrol()
    client.force_login(setup.learner)
    response = client.get(f"/o/acme/learning/my/{enrolment.pk}/?module=1")
    html = response.content.decode()
    assert response["Content-Security-Policy"] == FRAME_POLICY
    assert FRAME_POLICY == "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
    assert f'data-embed-src="{NOCOOKIE}"' in html
    assert "Play the video from YouTube" in html
    assert "<iframe" not in html  # nothing from YouTube until the learner agrees
    assert "youtube.com/embed" not in html.replace("youtube-nocookie.com/embed", "")
    assert "microcred/video.js" in html

    client.force_login(setup.admin)
    preview = client.get(f"/o/acme/learning/courses/{setup.course.pk}/preview/")
    assert preview["Content-Security-Policy"] == FRAME_POLICY
    assert "data-video-embed" in preview.content.decode()
